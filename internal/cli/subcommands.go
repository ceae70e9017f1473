package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// The one-line summaries --help lists, shared by each subcommand and its listing.
const (
	callSummary = "Send one API operation and print the answer as JSON (for scripts)"
	runSummary  = "Run conformance scenarios against a PBX or the mock PBX"
	fuzzSummary = "Generate requests and sequences from the OpenAPI document and check every answer"
	mockSummary = "Serve the mock PBX (demo accounts, outbox, faults) for curl, browsers and other tools"
	specSummary = "Print pbxauth's OpenAPI document of the authentication API (YAML)"
)

// subcommand is a branch of the command tree: what --help lists of it, and how to
// build it in full with its flags.
type subcommand struct {
	name, summary string
	build         func(*streams) *cobra.Command
}

// subcommands in the order --help lists them.
var subcommands = []subcommand{
	{"call", callSummary, newCallCmd},
	{"run", runSummary, newRunCmd},
	{"fuzz", fuzzSummary, newFuzzCmd},
	{"mock", mockSummary, newMockCmd},
	{"spec", specSummary, newSpecCmd},
}

// namedOn reports whether a command line may run or describe the subcommand
// called name, so that it must be built in full. Any argument equal to the name
// counts (a flag's value that happens to match only builds one more), and so
// does a shell's request for completions, which may walk the whole tree.
// Defining every subcommand's flags was most of `pbxauth --help`'s own work.
func namedOn(name string, args []string) bool {
	for _, a := range args {
		if a == name || strings.HasPrefix(a, cobra.ShellCompRequestCmd) {
			return true
		}
	}
	return false
}

// listed stands in the tree for a subcommand the command line does not name:
// its name and summary are all --help and `help` list. Cobra runs only the
// command a line names, and namedOn builds that one in full, so RunE is a
// guard, not a path.
func listed(sc subcommand) *cobra.Command {
	return &cobra.Command{
		Use:                sc.name,
		Short:              sc.summary,
		DisableFlagParsing: true,
		RunE: func(*cobra.Command, []string) error {
			return fmt.Errorf("internal error: the %s command was not built for this command line", sc.name)
		},
	}
}
