package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Flags that can't do anything together are refused with a message that says
// why, never silently ignored.
func TestRun_flagsThatDoNotGoTogether(t *testing.T) {
	ro := scenarioFile(t, "ro.yaml", "name: info\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n")
	dir := t.TempDir()
	report := filepath.Join(dir, "report.json")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--load", "--ramp", "1s", "--json", report}, "--ramp needs --rate"},
		{[]string{"--load", "--rate", "10", "--iterations", "5", "--json", report}, "--iterations bounds a closed-loop load"},
		{[]string{"--load", "--validate", "some", "--json", report}, "--validate must be all, once or off"},
		{[]string{"--rate", "10"}, "--rate applies only to --load"},
		{[]string{"--validate", "some"}, "--validate must be all, once or off"},
		{[]string{"--check", "--validate", "off"}, "--check sends nothing, so --validate has nothing to do"},
		{[]string{"--load", "--junit", report}, "--load writes no --junit report"},
		{[]string{"--load", "--check"}, "--load and --check"},
		{[]string{"--load", "--list"}, "--load and --list"},
		{[]string{"--load", "--fail-fast"}, "--fail-fast"},
		{[]string{"--load", "--parallel", "2"}, "--concurrency"},
		{[]string{"--duration", "5s"}, "--duration applies only to --load"},
		{[]string{"--concurrency", "5"}, "--concurrency applies only to --load"},
		{[]string{"--check", "--junit", report}, "--check sends nothing"},
		{[]string{"--list", "--json", report}, "--list sends nothing"},
		{[]string{"--check", "--fail-fast"}, "--check sends nothing"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := pbxauth(t, append(append([]string{"run", "--mock"}, tc.args...), ro)...)
			assert.Equal(t, ExitUsage, code, out+errOut)
			assert.Contains(t, errOut, tc.want)
			assert.NotContains(t, out, "requests", "nothing ran")
		})
	}
	_, err := os.Stat(report)
	assert.True(t, os.IsNotExist(err), "no report was written")
}

func TestRun_emptyURLIsAUsageError(t *testing.T) {
	ro := scenarioFile(t, "ro.yaml", "name: info\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n")
	for _, url := range []string{"", "  "} {
		code, out, errOut := pbxauth(t, "run", "--url", url, ro)
		assert.Equal(t, ExitUsage, code, out+errOut)
		assert.Contains(t, errOut, "--url is empty")
		assert.NotContains(t, out, "passed")
	}
	code, _, errOut := pbxauth(t, "run", "--url", "http://127.0.0.1:1/api/info", ro)
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "operation path")
}

// --check can't know the run's environment, but what `run` would refuse for lack of
// a value is worth saying: as warnings, since --var or the environment can give it.
func TestRun_checkWarnsAboutUnsetVariables(t *testing.T) {
	f := scenarioFile(t, "env.yaml", `name: env
tags: [readonly]
vars:
  domain: ${env.PBXAUTH_TEST_SURELY_UNSET}
  tenant_admin: null
steps:
  - call: retrieveMetadata
    params: {domain: "${domain}"}
`)
	code, out, errOut := pbxauth(t, "run", "--check", f)
	require.Equal(t, ExitOK, code, out+errOut)
	assert.Contains(t, out, "ok: 1 scenario(s)")
	assert.Contains(t, errOut, "warning:")
	assert.Contains(t, errOut, "PBXAUTH_TEST_SURELY_UNSET")
	assert.Contains(t, errOut, "env.yaml:4")
	assert.Contains(t, errOut, "--var tenant_admin=")

	t.Setenv("PBXAUTH_TEST_SURELY_UNSET", "example.com")
	code, out, errOut = pbxauth(t, "run", "--check", "--var", "tenant_admin=x", f)
	require.Equal(t, ExitOK, code, out+errOut)
	assert.NotContains(t, errOut, "warning")
}

// A standalone mock is one because the user says so (--mock --url), never because
// the target answered a mock path: without --mock it is treated as a real PBX.
func TestRun_standaloneMockNote(t *testing.T) {
	base, _, _, stop := startMock(t, "--addr", "127.0.0.1:0")
	t.Cleanup(func() { _ = stop() })
	code, out, errOut := pbxauth(t, "run", "--mock", "--url", base, "--parallel", "4", "--tags", "metadata")
	require.Equal(t, ExitOK, code, out+errOut)
	assert.Contains(t, errOut, "standalone mock PBX: it is reset before each scenario")
	assert.Contains(t, errOut, "one at a time instead of 4 at once")
	assert.Equal(t, 1, strings.Count(errOut, "standalone mock"), "one line")

	code, out, errOut = pbxauth(t, "run", "--url", base, "--tags", "metadata")
	require.Equal(t, ExitOK, code, out+errOut)
	assert.NotContains(t, errOut, "standalone mock")
}

// The transport hints reach run's report too.
func TestRun_plainHTTPTargetGetsAHint(t *testing.T) {
	pbx := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(pbx.Close)
	ro := scenarioFile(t, "ro.yaml", "name: info\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n")
	code, out, errOut := pbxauth(t, "run", "--url", strings.Replace(pbx.URL, "http://", "https://", 1), ro)
	assert.Equal(t, ExitNetwork, code, out+errOut)
	assert.Contains(t, out, "the PBX speaks plain HTTP: use --url "+pbx.URL)
}
