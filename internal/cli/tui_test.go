package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTUI_badTargetsAreUsageErrors(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("PBXAUTH_URL", "")
	cases := map[string]struct {
		args []string
		env  string
		want string
	}{
		"bad url":             {args: []string{"--url", "ftp://pbx"}, want: "scheme must be http or https"},
		"bad url from env":    {env: "ftp://pbx", want: "scheme must be http or https"},
		"url and profile":     {args: []string{"--url", "https://pbx", "--profile", "lab"}, want: "give one"},
		"unknown profile":     {args: []string{"--profile", "lab"}, want: `no profile "lab"`},
		"a stray argument":    {args: []string{"stray"}, want: "unknown command"},
		"unreadable profiles": {args: []string{"--profile", "lab"}, want: "not valid YAML"},
		"missing export dir":  {args: []string{"--export-dir", "/nonexistent/pbxauth-exports"}, want: "--export-dir"},
		"export dir a file":   {args: []string{"--export-dir", "tui_test.go"}, want: "is not a directory"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if name == "unreadable profiles" {
				dir := filepath.Join(cfg, "pbxauth")
				_ = os.MkdirAll(dir, 0o700)
				_ = os.WriteFile(filepath.Join(dir, "profiles.yaml"), []byte("profiles: ["), 0o600)
				t.Cleanup(func() { _ = os.RemoveAll(dir) })
			}
			t.Setenv("PBXAUTH_URL", c.env)
			var out, errOut bytes.Buffer
			code := Execute(c.args, strings.NewReader(""), &out, &errOut)
			assert.Equal(t, ExitUsage, code)
			assert.Contains(t, errOut.String(), c.want)
		})
	}
}

func TestResolveExportDir_isAbsolute(t *testing.T) {
	wd, err := os.Getwd()
	assert.NoError(t, err)
	got, err := resolveExportDir("")
	assert.NoError(t, err)
	assert.Equal(t, wd, got, "the default is the working directory, named in full")
	dir := t.TempDir()
	got, err = resolveExportDir(dir)
	assert.NoError(t, err)
	assert.Equal(t, dir, got)
}
