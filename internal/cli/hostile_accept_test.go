package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/internal/hostiletest"
)

// buildPbxauth builds the real binary, so memory is measured as a user runs it.
func buildPbxauth(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "pbxauth")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/pbxauth/pbxauth").CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

type binResult struct {
	code           int
	stdout, stderr string
	maxRSSKiB      int64
}

// runBin runs the binary under GNU time for its own peak RSS. rusage of a child
// started from this process is no measure: Go starts children with vfork, and
// Linux counts the parent's peak (this test binary's, past 200 MiB with -race)
// in the maxrss of a child that shares its memory at exec. time forks the
// binary from a small process instead. Without GNU time the peak is 0 (unknown)
// and TestHostilePBX skips that check, except in CI, which installs it.
func runBin(t *testing.T, bin string, args ...string) binResult {
	t.Helper()
	timeTool, err := exec.LookPath("/usr/bin/time")
	if err != nil && os.Getenv("CI") != "" {
		t.Fatal("GNU time is not installed; CI must install it (.ci/run)")
	}
	rssFile := filepath.Join(t.TempDir(), "rss")
	cmd := exec.Command(bin, args...)
	if timeTool != "" {
		cmd = exec.Command(timeTool, append([]string{"-f", "%M", "-o", rssFile, bin}, args...)...)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.Env = append(os.Environ(), "PBXAUTH_URL=", "PBXAUTH_TOKEN=")
	err = cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	var rss int64
	if timeTool != "" {
		// With -o, time writes "Command exited with non-zero status N" above the figure.
		raw, err := os.ReadFile(rssFile)
		require.NoError(t, err)
		lines := strings.Fields(string(raw))
		require.NotEmpty(t, lines, "GNU time wrote nothing")
		rss, err = strconv.ParseInt(lines[len(lines)-1], 10, 64)
		require.NoError(t, err, "GNU time wrote %q", raw)
	}
	return binResult{cmd.ProcessState.ExitCode(), out.String(), errOut.String(), rss}
}

// TestHostilePBX drives call and run against every attack of the hostile PBX:
// nothing a terminal would act on reaches stdout or stderr, the process stays
// under 200 MiB, and each case ends with a clear message and its exit status.
func TestHostilePBX(t *testing.T) {
	bin := buildPbxauth(t)
	srv := hostiletest.Start(t)
	const limitKiB = 200 << 10
	want := map[string]struct {
		code int
		msg  string
	}{
		"controls":  {0, ""},
		"ctlheader": {3, "the PBX answered, but not with valid HTTP"},
		"error":     {1, "^[]52;c;cm0gLXJmIH4=^G^[]0;pwned^G^[[2J^[P+q^[\\^M"},
		"text":      {1, "502 UNKNOWN: bad gateway (body is not a PortSIP error"},
		"deep":      {1, "JSON nested deeper than 64 levels"},
		"deep200":   {1, "JSON nested deeper than 64 levels"},
		"huge":      {1, "is larger than 1 MiB: refused"},
		"bigheader": {3, "the PBX's answer has headers larger than 64 KiB: refused"},
		"drip":      {3, "timed out"},
		"redirect":  {0, ""},
	}
	scenario := filepath.Join(t.TempDir(), "hostile.yaml")
	require.NoError(t, os.WriteFile(scenario, []byte(`
name: metadata from a hostile PBX
tags: [readonly]
steps:
  - call: retrieveMetadata
    expect:
      status: 200
      body: {web_domain: pbx.example.com}
`), 0o600))
	for _, mode := range hostiletest.Modes {
		t.Run(mode, func(t *testing.T) {
			op := "retrieveMetadata"
			if mode == "redirect" {
				op = "loginWithMicrosoft"
			}
			results := map[string]binResult{
				"call": runBin(t, bin, "call", op, "--url", srv.URL(mode), "-v", "--timeout", "2s", "-f", "domain=example.com"),
				"run":  runBin(t, bin, "run", scenario, "--url", srv.URL(mode), "--timeout", "2s", "-v"),
			}
			for name, r := range results {
				for stream, s := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
					if i, bad := hostiletest.RawControl(s, false); bad {
						t.Errorf("%s %s holds a raw control at %d: %q", name, stream, i, s[max(0, i-30):min(len(s), i+30)])
					}
				}
				if r.maxRSSKiB > 0 {
					assert.Less(t, r.maxRSSKiB, int64(limitKiB), "%s: max RSS %d KiB", name, r.maxRSSKiB)
				}
				t.Logf("%s %s: exit %d, max RSS %.1f MiB", name, mode, r.code, float64(r.maxRSSKiB)/1024)
			}
			c := results["call"]
			assert.Equal(t, want[mode].code, c.code, "call stderr: %s", c.stderr)
			assert.Contains(t, c.stderr, want[mode].msg)
			assert.NotContains(t, c.stdout+c.stderr, "SECRETCODE123")
			assert.NotContains(t, c.stdout+c.stderr, "SECRETSTATE456")
			r := results["run"]
			assert.NotEqual(t, 0, r.code, "a hostile answer never passes: %s", r.stdout)
			assert.True(t, strings.Contains(r.stdout, "FAIL") || strings.Contains(r.stdout, "ERROR"), r.stdout)
		})
	}
}
