package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const tinyScenario = "name: tiny\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n    expect: {status: 200}\n"

func TestRun_reportPathsAreChecked(t *testing.T) {
	dir := t.TempDir()
	sc := filepath.Join(dir, "s.yaml")
	require.NoError(t, os.WriteFile(sc, []byte(tinyScenario), 0o644))
	victim := filepath.Join(dir, "victim.txt")
	require.NoError(t, os.WriteFile(victim, []byte("keep me"), 0o644))
	link := filepath.Join(dir, "report.json")
	require.NoError(t, os.Symlink(victim, link))
	same := filepath.Join(dir, "r.out")

	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"same path for two reports":         {[]string{"--json", same, "--junit", same}, "--json and --junit name the same file"},
		"same file by another name":         {[]string{"--json", same, "--junit", filepath.Join(dir, ".", "sub", "..", "r.out")}, "name the same file"},
		"a symlink":                         {[]string{"--json", link}, "is a symlink"},
		"the input scenario file":           {[]string{"--junit", sc}, "is one of the scenario files being run"},
		"the input file through its folder": {[]string{"--json", filepath.Join(dir, "s.yaml")}, "is one of the scenario files being run"},
		"a folder":                          {[]string{"--json", dir}, "is not a regular file"},
		"html on the json report":           {[]string{"--json", same, "--html", same}, "--html and --json name the same file"},
	} {
		t.Run(name, func(t *testing.T) {
			input := sc
			if name == "the input file through its folder" {
				input = dir
			}
			code, _, errOut := pbxauth(t, append([]string{"run", "--mock", input}, c.args...)...)
			assert.Equal(t, ExitUsage, code, errOut)
			assert.Contains(t, errOut, c.want)
		})
	}
	got, err := os.ReadFile(victim)
	require.NoError(t, err)
	assert.Equal(t, "keep me", string(got), "nothing written through the symlink")
	got, err = os.ReadFile(sc)
	require.NoError(t, err)
	assert.Equal(t, tinyScenario, string(got), "the scenario file is untouched")
	_, err = os.Stat(same)
	assert.ErrorIs(t, err, os.ErrNotExist, "a refused run writes nothing")
}

func TestRun_reportsReplaceOldOnesAndLeaveNoTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	sc := filepath.Join(dir, "s.yaml")
	require.NoError(t, os.WriteFile(sc, []byte(tinyScenario), 0o644))
	js, junit := filepath.Join(dir, "out", "r.json"), filepath.Join(dir, "out", "r.xml")
	require.NoError(t, os.Mkdir(filepath.Join(dir, "out"), 0o755))
	html := filepath.Join(dir, "out", "r.html")
	require.NoError(t, os.WriteFile(js, []byte("old report"), 0o600))
	// A second name for the old report: written in place it would change too, renamed
	// over it leaves it alone, which is what a reader holding the old file sees.
	oldName := filepath.Join(dir, "old.json")
	require.NoError(t, os.Link(js, oldName))

	code, out, errOut := pbxauth(t, "run", "--mock", sc, "--json", js, "--junit", junit, "--html", html)
	require.Equal(t, ExitOK, code, out+errOut)
	data, err := os.ReadFile(js)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(strings.TrimSpace(string(data)), "{"), "the old report was replaced whole")
	old, err := os.ReadFile(oldName)
	require.NoError(t, err)
	assert.Equal(t, "old report", string(old), "the new report was renamed into place, not written through the old file")
	entries, err := os.ReadDir(filepath.Join(dir, "out"))
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"r.html", "r.json", "r.xml"}, names, "no temporary file left behind")

	// A report that cannot be written leaves no temporary file either.
	code, _, errOut = pbxauth(t, "run", "--mock", sc, "--json", filepath.Join(dir, "missing", "r.json"))
	assert.NotEqual(t, ExitOK, code)
	assert.Contains(t, errOut, "report")
}
