package runner_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/internal/scentest"
	"github.com/pbxauth/pbxauth/scenarios/report"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

func logFailures(t testing.TB, res *runner.RunResult) {
	t.Helper()
	for _, sr := range res.Scenarios {
		if sr.Status == runner.StatusPassed || sr.Status == runner.StatusSkipped {
			continue
		}
		if fs := sr.FailedStep(); fs != nil {
			t.Logf("%s: %s at %s: %s %v", sr.Scenario.Name, fs.Name, fs.Pos, fs.Message(), fs.Warnings)
			if fs.Exchange != nil {
				t.Log(fs.Redacted().Dump(false))
			}
		} else {
			t.Logf("%s: %s", sr.Scenario.Name, sr.Reason)
		}
	}
}

func TestRunner_builtinSuitePassesAgainstTheMock(t *testing.T) {
	ss, err := scenarios.LoadBuiltin()
	require.NoError(t, err)
	r, err := runner.New(runner.Options{NewMock: runner.InProcessMock(mockserver.Options{}), Parallel: 4})
	require.NoError(t, err)
	res := r.Run(context.Background(), ss, nil)
	logFailures(t, res)
	assert.Equal(t, 0, res.ExitCode())
	assert.Equal(t, len(ss), res.Passed)
}

// faultyMock is a factory whose mocks answer with the given faults from the start.
func faultyMock(t testing.TB, faults map[string]mockserver.Fault) runner.MockFactory {
	return func() (runner.Mock, error) {
		srv, err := mockserver.New(mockserver.Options{})
		if err != nil {
			return runner.Mock{}, err
		}
		srv.SetFaults(faults)
		return runner.Mock{BaseURL: mockserver.InProcessAPIURL, Transport: srv.Transport(), Stop: func() { _ = srv.Close() }}, nil
	}
}

// testdata loads the runner's own example scenarios (testdata/, a frozen copy of the
// first built-in ones), so these tests don't move with the built-in suite.
func testdata(t testing.TB, file string) []*scenarios.Scenario {
	t.Helper()
	ss, err := scenarios.LoadPaths("testdata/" + file)
	require.NoError(t, err)
	return ss
}

func TestRunner_faultInjectedMockFailsTheAffectedScenarios(t *testing.T) {
	ss := append(testdata(t, "signin.yaml"), testdata(t, "signin_2fa.yaml")...)
	t.Run("forced status names the step and both statuses", func(t *testing.T) {
		r, err := runner.New(runner.Options{NewMock: faultyMock(t, map[string]mockserver.Fault{"getUserAuthInfo": {Status: 500}}), Parallel: 2})
		require.NoError(t, err)
		res := r.Run(context.Background(), ss, nil)
		for _, sr := range res.Scenarios {
			require.Equal(t, runner.StatusFailed, sr.Status, sr.Scenario.Name)
			fs := sr.FailedStep()
			assert.Equal(t, "getUserAuthInfo", fs.Operation)
			assert.Contains(t, fs.Message(), "status: expected 200, got 500")
		}
		assert.Equal(t, 1, res.ExitCode())
	})
	t.Run("a dropped connection is a network error", func(t *testing.T) {
		r, err := runner.New(runner.Options{NewMock: faultyMock(t, map[string]mockserver.Fault{"signInWithCredentials": {Drop: true}})})
		require.NoError(t, err)
		res := r.Run(context.Background(), ss[:1], nil)
		require.Equal(t, runner.StatusError, res.Scenarios[0].Status)
		assert.Equal(t, "sign in", res.Scenarios[0].FailedStep().Name)
		assert.Equal(t, 3, res.ExitCode())
	})
	t.Run("latency past the step timeout is a timeout", func(t *testing.T) {
		r, err := runner.New(runner.Options{NewMock: faultyMock(t, map[string]mockserver.Fault{"signInWithCredentials": {Latency: mockserver.Duration(30 * time.Second)}}), Timeout: 200 * time.Millisecond})
		require.NoError(t, err)
		start := time.Now()
		res := r.Run(context.Background(), ss[:1], nil)
		require.Equal(t, runner.StatusError, res.Scenarios[0].Status)
		assert.Contains(t, res.Scenarios[0].FailedStep().Err, "timed out after 200ms")
		assert.Less(t, time.Since(start), 10*time.Second, "never hangs past the timeout")
	})
}

func TestRunner_parallelMatchesSequential(t *testing.T) {
	ss, err := scenarios.LoadBuiltin()
	require.NoError(t, err)
	outcome := func(parallel int) []string {
		r, err := runner.New(runner.Options{NewMock: runner.InProcessMock(mockserver.Options{}), Parallel: parallel})
		require.NoError(t, err)
		var out []string
		for _, sr := range r.Run(context.Background(), ss, nil).Scenarios {
			out = append(out, fmt.Sprintf("%s %s %d", sr.Scenario.Name, sr.Status, len(sr.Steps)))
		}
		return out
	}
	assert.Equal(t, outcome(1), outcome(8))
}

func TestRunner_eventsArriveInOrder(t *testing.T) {
	ss := testdata(t, "signin.yaml")
	r, err := runner.New(runner.Options{NewMock: runner.InProcessMock(mockserver.Options{})})
	require.NoError(t, err)
	var kinds []string
	r.Run(context.Background(), ss, func(e runner.Event) {
		k := e.Kind.String()
		if e.Step != nil {
			k += ": " + e.Step.Name
		}
		kinds = append(kinds, k)
	})
	assert.Equal(t, []string{"run started", "scenario started", "step finished: sign in",
		"step finished: the access token identifies alice", "scenario finished", "run finished"}, kinds)
}

func TestReports_holdNoSecrets(t *testing.T) {
	ss := testdata(t, "signin_2fa.yaml")
	var mails []string
	factory := func() (runner.Mock, error) {
		srv, err := mockserver.New(mockserver.Options{})
		if err != nil {
			return runner.Mock{}, err
		}
		return runner.Mock{BaseURL: mockserver.InProcessAPIURL, Transport: srv.Transport(), Stop: func() {
			for _, m := range srv.Outbox() {
				mails = append(mails, m.Code)
			}
			_ = srv.Close()
		}}, nil
	}
	r, err := runner.New(runner.Options{NewMock: factory})
	require.NoError(t, err)
	var tokens []string
	res := r.Run(context.Background(), ss, func(e runner.Event) {
		if e.Step != nil && e.Step.Exchange != nil {
			if doc, err := runner.DecodeJSON(e.Step.Exchange.ResponseBody); err == nil {
				for _, k := range []string{"access_token", "refresh_token", "token"} {
					if v, ok := runner.LookupPath(doc, k); ok {
						tokens = append(tokens, v.(string))
					}
				}
			}
		}
	})
	require.Equal(t, 0, res.ExitCode())
	require.NotEmpty(t, tokens)
	require.NotEmpty(t, mails)
	var js, junit, text bytes.Buffer
	require.NoError(t, report.WriteJSON(&js, res))
	require.NoError(t, report.WriteJUnit(&junit, res))
	rep := report.NewTextReporter(&text, true)
	for _, sr := range res.Scenarios {
		rep.Event(runner.Event{Kind: runner.ScenarioFinished, Result: sr})
	}
	for _, secret := range append(append(tokens, mails...), "Carol#2026") {
		for name, out := range map[string]string{"json": js.String(), "junit": junit.String(), "text": text.String()} {
			assert.NotContains(t, out, secret, "%s report leaks a secret", name)
		}
	}
	assert.Contains(t, js.String(), "[REDACTED]")
}

func TestMockPool_eachScenarioSeesPristineState(t *testing.T) {
	pool := runner.NewMockPool(mockserver.Options{})
	t.Cleanup(func() { _ = pool.Close() })
	// The first run moves the clock and fills the outbox; the second must not see it.
	ss := testdata(t, "signin_2fa.yaml")
	clock := scentest.Parse(t, "c.yaml", "name: clock\ntags: [mock-only]\nsteps:\n  - clock: 24h\n")
	r, err := runner.New(runner.Options{NewMock: pool.Get, Parallel: 1})
	require.NoError(t, err)
	for i := 0; i < 3; i++ {
		res := r.Run(context.Background(), append(append([]*scenarios.Scenario{}, clock...), ss...), nil)
		logFailures(t, res)
		require.Equal(t, 0, res.ExitCode())
	}
	assert.Equal(t, 1, pool.Started(), "one mock served every scenario of a sequential run")
	m, err := pool.Get()
	require.NoError(t, err)
	m.Stop()
	require.NoError(t, pool.Close())
	_, err = (&http.Client{Transport: m.Transport}).Get(m.BaseURL + "/info")
	assert.ErrorIs(t, err, mockserver.ErrServerClosed, "Close stops the pooled mocks")
}

// The whole built-in suite, with every token, code and reset token the mock handed
// out collected from the wire: none may reach a report.
func TestReports_builtinSuiteLeaksNoSecret(t *testing.T) {
	ss, err := scenarios.LoadBuiltin()
	require.NoError(t, err)
	secrets := map[string]bool{}
	res := runCollectingSecrets(t, ss, secrets)
	logFailures(t, res)
	require.Equal(t, 0, res.ExitCode())
	require.Greater(t, len(secrets), 20)
	assertNoSecretIn(t, renderReports(t, res), secrets)
}

func TestRunner_sharedMockWithControlToken(t *testing.T) {
	const token = "ctl-token-4711"
	srv, err := mockserver.Start(mockserver.Options{ControlToken: token})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	ss := testdata(t, "signin_2fa.yaml") // reads the code from the outbox: a control call

	r, err := runner.New(runner.Options{BaseURL: srv.APIURL(), SharedMock: true, MockToken: token})
	require.NoError(t, err)
	res := r.Run(context.Background(), ss, nil)
	logFailures(t, res)
	require.Equal(t, 0, res.ExitCode(), "the runner sends the token to /_mock/ and JSON to its POSTs")
	var js bytes.Buffer
	require.NoError(t, report.WriteJSON(&js, res))
	assert.NotContains(t, js.String(), token, "the control token is redacted like any bearer token")

	// Without the token the control API refuses the runner, which says what to do.
	r, err = runner.New(runner.Options{BaseURL: srv.APIURL(), SharedMock: true})
	require.NoError(t, err)
	res = r.Run(context.Background(), ss, nil)
	require.Equal(t, 0, res.Passed)
	require.Len(t, res.Scenarios, 1)
	assert.Contains(t, res.Scenarios[0].Reason, "needs its token (set $PBXAUTH_MOCK_TOKEN")
}
