package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeProfiles(t *testing.T, body string) {
	t.Helper()
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	require.NoError(t, os.MkdirAll(filepath.Join(cfg, "pbxauth"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(cfg, "pbxauth", "profiles.yaml"), []byte(body), 0o600))
}

// A profile gives the target and the accounts; the password comes from the
// environment, and without it the scenario is skipped, never run with a demo one.
func TestRun_profileGivesTargetAndVars(t *testing.T) {
	base, _, _, stop := startMock(t, "--addr", "127.0.0.1:0")
	t.Cleanup(func() { _ = stop() })
	writeProfiles(t, "profiles:\n  - name: staging\n    url: "+base+"\n    username: bob\n    vars: {domain: example.com}\n")
	f := scenarioFile(t, "acct.yaml", `name: acct
tags: [readonly]
vars: {username: null, password: null, domain: null}
steps:
  - call: signInWithCredentials
    body: {username: "${username}", password: "${password}", domain: "${domain}"}
    capture: {access_token: access_token}
  - call: getUserAuthInfo
    token: ${access_token}
    expect:
      body: {role: StandardUser}
`)
	t.Setenv("PBXAUTH_VAR_PASSWORD", "")
	require.NoError(t, os.Unsetenv("PBXAUTH_VAR_PASSWORD")) // t.Setenv restores it
	code, out, errOut := pbxauth(t, "run", "--profile", "staging", f)
	require.Equal(t, ExitOK, code, out+errOut)
	assert.Contains(t, out, "SKIP  acct: needs variables password")
	code, out, errOut = pbxauth(t, "run", "--profile", "staging", "--require-vars", f)
	assert.Equal(t, ExitUsage, code, out+errOut)

	t.Setenv("PBXAUTH_VAR_PASSWORD", "Bob#2026")
	code, out, errOut = pbxauth(t, "run", "--profile", "staging", f)
	require.Equal(t, ExitOK, code, out+errOut)
	assert.Contains(t, out, "1 passed")
	assert.NotContains(t, out+errOut, "Bob#2026")
}

func TestRun_profileRefusesPasswords(t *testing.T) {
	writeProfiles(t, "profiles:\n  - name: staging\n    url: https://pbx.example.com\n    vars: {password: hunter2}\n")
	code, out, errOut := pbxauth(t, "run", "--profile", "staging", "--tags", "metadata")
	assert.Equal(t, ExitUsage, code, out+errOut)
	assert.Contains(t, errOut, "a profile holds no password")
	assert.NotContains(t, out+errOut, "hunter2")
}

func TestRun_coverage(t *testing.T) {
	code, out, errOut := pbxauth(t, "run", "--list", "--coverage")
	require.Equal(t, ExitOK, code, out+errOut)
	assert.Contains(t, out, "POST /auth/sign_in (signInWithCredentials)")
	assert.Contains(t, out, "GAP: no scenario checks it")
	code, out, errOut = pbxauth(t, "run", "--mock", "--coverage", "--tags", "metadata")
	require.Equal(t, ExitOK, code, out+errOut)
	assert.Regexp(t, `200 +\d+ scenarios \(\d+ passed, 0 failed, 0 skipped\)`, out)
}
