package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func execute(args ...string) (code int, out, errOut string) {
	var o, e strings.Builder
	code = Execute(args, strings.NewReader(""), &o, &e)
	return code, o.String(), e.String()
}

// --help lists every subcommand with its summary, from listings that define no
// flags: building each subcommand's flags was most of --help's own work.
func TestRoot_helpListsEverySubcommandWithoutBuildingIt(t *testing.T) {
	root := NewRoot(&streams{in: strings.NewReader(""), out: &strings.Builder{}, err: &strings.Builder{}}, []string{"--help"})
	for _, sc := range subcommands {
		cmd, _, err := root.Find([]string{sc.name})
		require.NoError(t, err, sc.name)
		assert.Equal(t, sc.summary, cmd.Short)
		assert.False(t, cmd.HasAvailableLocalFlags(), "%s was built in full for --help", sc.name)
	}
	code, out, _ := execute("--help")
	require.Equal(t, ExitOK, code)
	for _, sc := range subcommands {
		assert.Regexp(t, `(?m)^  `+sc.name+` +`+regexp.QuoteMeta(sc.summary)+`$`, out)
	}
}

// Whatever way a command line names a subcommand, it gets the subcommand in
// full: every flag of the real command is in its help, and it runs.
func TestRoot_theNamedSubcommandIsBuiltInFull(t *testing.T) {
	s := &streams{in: strings.NewReader(""), out: &strings.Builder{}, err: &strings.Builder{}}
	for _, sc := range subcommands {
		full := sc.build(s)
		for _, args := range [][]string{{sc.name, "--help"}, {"help", sc.name}} {
			code, out, errOut := execute(args...)
			require.Equal(t, ExitOK, code, "%v: %s", args, errOut)
			assert.Contains(t, out, full.Long, "%v", args)
			full.Flags().VisitAll(func(f *pflag.Flag) {
				assert.Contains(t, out, "--"+f.Name, "%v lacks a flag", args)
			})
		}
	}
	code, out, errOut := execute("spec")
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "openapi:")
}

// Shell completion walks the tree: a subcommand's flags complete even though
// the line that asks is the hidden __complete command.
func TestRoot_completionSeesSubcommandFlags(t *testing.T) {
	code, out, errOut := execute("__complete", "run", "--")
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "--concurrency")
	code, out, _ = execute("__completeNoDesc", "")
	require.Equal(t, ExitOK, code)
	for _, sc := range subcommands {
		assert.Contains(t, out, sc.name+"\n")
	}
}

// The listing's guard says what went wrong if cobra ever ran it.
func TestRoot_listingRefusesToRun(t *testing.T) {
	err := listed(subcommands[0]).RunE(nil, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "call command was not built")
}
