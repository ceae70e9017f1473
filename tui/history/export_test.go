package history_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
	"github.com/pbxauth/pbxauth/tui/history"
)

// session drives a real client against a mock and returns the history it made: a
// wrong password, carol's two-factor sign-in, her info, a refresh, a sign-out, and
// alice's tenant metadata.
func session(t *testing.T) (*history.Log, []string) {
	t.Helper()
	srv, err := mockserver.Start(mockserver.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	var mu sync.Mutex
	log := history.New(0)
	c, err := apiclient.New(apiclient.WithBaseURL(srv.URL()), apiclient.WithObserver(func(ex *apiclient.Exchange) {
		mu.Lock()
		defer mu.Unlock()
		log.Append("mock", ex)
	}))
	require.NoError(t, err)
	ctx := context.Background()

	_, err = c.SignInWithCredentials(ctx, apiclient.Credentials{Username: "carol", Password: "wrong#2026", Domain: "secure.example.com"})
	require.Error(t, err)
	res, err := c.SignInWithCredentials(ctx, apiclient.Credentials{Username: "carol", Password: "Carol#2026", Domain: "secure.example.com"})
	require.NoError(t, err)
	ch := res.(*apiclient.TwoFactorChallenge)
	require.NoError(t, c.SendOTP(ctx, ch.Token))
	mails := srv.Outbox()
	require.NotEmpty(t, mails)
	tp, err := c.VerifyOTP(ctx, ch.Token, apiclient.Secret(mails[len(mails)-1].Code))
	require.NoError(t, err)
	_, err = c.GetUserAuthInfo(ctx, tp.AccessToken)
	require.NoError(t, err)
	tp2, err := c.RefreshToken(ctx, tp.RefreshToken)
	require.NoError(t, err)
	require.NoError(t, c.SignOut(ctx, tp2.AccessToken))
	_, err = c.RetrieveMetadata(ctx, "example.com")
	require.NoError(t, err)
	secrets := []string{"Carol#2026", "wrong#2026", ch.Token.Reveal(), tp.AccessToken.Reveal(), tp.RefreshToken.Reveal(),
		tp2.AccessToken.Reveal(), mails[len(mails)-1].Code}
	return log, secrets
}

// runExported checks a file the way `pbxauth run --check` does, then runs it on the
// in-process mock with the variables it asks for.
func runExported(t *testing.T, path string, vars map[string]string) *runner.RunResult {
	t.Helper()
	list, err := scenarios.LoadPaths(path)
	require.NoError(t, err, "the exported file must pass `pbxauth run --check`")
	require.Len(t, list, 1)
	r, err := runner.New(runner.Options{NewMock: runner.InProcessMock(mockserver.Options{}), Vars: vars})
	require.NoError(t, err)
	require.Empty(t, r.MissingVars(list))
	return r.Run(context.Background(), list, nil)
}

func TestExportScenario_sessionRunsOnTheMock(t *testing.T) {
	log, secrets := session(t)
	exp, err := history.ExportScenario(log.Entries(), history.ExportOptions{Name: "carol's session", Mock: true})
	require.NoError(t, err)
	text := string(exp.YAML)
	for _, s := range secrets {
		assert.NotContains(t, text, s, "an export never holds a secret")
	}
	assert.Equal(t, []string{"password_carol", "password_carol_2"}, exp.Vars, "two different passwords were used")
	assert.Contains(t, text, "outbox:")
	assert.Contains(t, text, "mock-only")
	assert.Contains(t, text, "token: ${access_token}")
	assert.Contains(t, text, "refresh_token: ${refresh_token}")

	path := filepath.Join(t.TempDir(), "export.yaml")
	require.NoError(t, os.WriteFile(path, exp.YAML, 0o600))
	res := runExported(t, path, map[string]string{"password_carol": "wrong#2026", "password_carol_2": "Carol#2026"})
	sr := res.Scenarios[0]
	if !assert.Equal(t, runner.StatusPassed, sr.Status, "reason %q", sr.Reason) {
		for _, st := range sr.Steps {
			t.Logf("%s: %s %s", st.Name, st.Status, st.Message())
		}
		t.Log(text)
	}
	assert.Len(t, sr.Steps, 9, "8 calls and the outbox read")
	t.Log(text)
}

func TestExportScenario_restoredHistoryRunsOnTheMock(t *testing.T) {
	log, secrets := session(t)
	st, err := history.OpenStore(t.TempDir(), 0)
	require.NoError(t, err)
	for _, e := range log.Entries() {
		st.Record(e)
	}
	require.NoError(t, st.Close())
	data, err := os.ReadFile(st.Path("mock"))
	require.NoError(t, err)
	for _, s := range secrets {
		require.NotContains(t, string(data), s, "the history file is redacted")
	}

	// A later run (another session id) reads the redacted entries back.
	st2, err := history.OpenStore(st.Dir(), 0)
	require.NoError(t, err)
	defer st2.Close()
	restored, err := st2.Load("mock")
	require.NoError(t, err)
	require.Len(t, restored, log.Len())

	exp, err := history.ExportScenario(restored, history.ExportOptions{Name: "restored", Mock: true})
	require.NoError(t, err)
	// Redacted passwords can't be told apart: one variable per user.
	assert.Equal(t, []string{"password_carol"}, exp.Vars)
	path := filepath.Join(t.TempDir(), "restored.yaml")
	require.NoError(t, os.WriteFile(path, exp.YAML, 0o600))
	list, err := scenarios.LoadPaths(path)
	require.NoError(t, err)
	assert.True(t, list[0].MockOnly())
	// The first step expects the recorded 401: with the good password it now gets
	// 200, and the run says so rather than passing by accident.
	res := runExported(t, path, map[string]string{"password_carol": "Carol#2026"})
	sr := res.Scenarios[0]
	require.Equal(t, runner.StatusFailed, sr.Status)
	assert.Contains(t, sr.FailedStep().Message(), "status")
}

func TestExportScenario_offTheMockCodesAreVariables(t *testing.T) {
	log, _ := session(t)
	exp, err := history.ExportScenario(log.Entries(), history.ExportOptions{Name: "real"})
	require.NoError(t, err)
	text := string(exp.YAML)
	assert.NotContains(t, text, "outbox:")
	assert.Contains(t, exp.Vars, "code")
	assert.NotContains(t, text, "mock-only")
	_, err = scenarios.LoadPaths(writeTemp(t, exp.YAML))
	require.NoError(t, err)
}

func TestExportScenario_nothingAnswered(t *testing.T) {
	_, err := history.ExportScenario([]history.Entry{{Exchange: &apiclient.Exchange{Method: "GET", URL: "http://x/api/info", Err: "refused"}}}, history.ExportOptions{})
	require.Error(t, err)
}

func TestExportScenario_dollarAndRawRequest(t *testing.T) {
	ex := &apiclient.Exchange{
		Method: "POST", URL: "http://127.0.0.1:1/api/not/documented?x=$1", Status: 404,
		RequestHeader: map[string][]string{"Content-Type": {"application/json"}},
		RequestBody:   []byte(`{"note":"costs $5","n":3}`),
	}
	exp, err := history.ExportScenario([]history.Entry{{Exchange: ex}}, history.ExportOptions{Name: "raw"})
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(exp.YAML), "costs $$5"), string(exp.YAML))
	list, err := scenarios.LoadPaths(writeTemp(t, exp.YAML))
	require.NoError(t, err)
	assert.Equal(t, scenarios.KindRequest, list[0].Steps[0].Kind)
}

func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "x.yaml")
	require.NoError(t, os.WriteFile(p, data, 0o600))
	return p
}
