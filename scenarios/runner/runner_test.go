package runner_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/internal/scentest"
	"github.com/pbxauth/pbxauth/scenarios/report"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

func run(t testing.TB, opts runner.Options, ss []*scenarios.Scenario) *runner.RunResult {
	t.Helper()
	r, err := runner.New(opts)
	require.NoError(t, err)
	return r.Run(context.Background(), ss, nil)
}

func TestRunner_examplesPassAgainstFake(t *testing.T) {
	_, srv := scentest.NewFake(t)
	mine, err := scenarios.LoadPaths("testdata")
	require.NoError(t, err)
	require.Len(t, mine, 3)
	res := run(t, runner.Options{BaseURL: srv.URL, SharedMock: true}, mine)
	for _, sr := range res.Scenarios {
		if !assert.Equal(t, runner.StatusPassed, sr.Status, sr.Scenario.Name) {
			if fs := sr.FailedStep(); fs != nil {
				t.Logf("%s: %s (%v)", fs.Name, fs.Message(), fs.Warnings)
			} else {
				t.Log(sr.Reason)
			}
		}
	}
	assert.Equal(t, 0, res.ExitCode())
}

func TestRunner_failuresNameStepAndDifference(t *testing.T) {
	const src = `
name: sign in
tags: [readonly]
steps:
  - name: sign in as alice
    call: signInWithCredentials
    body: {username: alice, password: "Alice#2026", domain: example.com}
    expect:
      status: 200
      body:
        access_token: {type: string}
    capture:
      tok: access_token
`
	tests := []struct {
		name  string
		knob  func(*scentest.FakePBX)
		check string
		want  string
	}{
		{"wrong status", func(f *scentest.FakePBX) { f.SignInStatus = 500 }, "status", "expected 200, got 500 UNKNOWN: forced"},
		{"missing field", func(f *scentest.FakePBX) { f.DropAccess = true }, "body access_token type", "expected string, got (absent)"},
		{"spec-violating response", func(f *scentest.FakePBX) { f.BadExpires = true }, "spec", "expires_in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := scentest.NewFake(t)
			tt.knob(f)
			res := run(t, runner.Options{BaseURL: srv.URL}, scentest.Parse(t, "t.yaml", src))
			sr := res.Scenarios[0]
			require.Equal(t, runner.StatusFailed, sr.Status)
			fs := sr.FailedStep()
			require.NotNil(t, fs)
			assert.Equal(t, "sign in as alice", fs.Name)
			var found bool
			for _, fl := range fs.Failures {
				if fl.Check == tt.check && strings.Contains(fl.String(), tt.want) {
					found = true
				}
			}
			assert.True(t, found, "failures: %v", fs.Failures)
			assert.Equal(t, 1, res.ExitCode())
		})
	}
}

// A countdown read after the clock moved is inexact; between accepts a range and
// still fails outside it or on a value that is not a number.
func TestRunner_betweenBoundsANumber(t *testing.T) {
	tests := []struct {
		matcher string
		pass    bool
		want    string
	}{
		{"expires_in: {between: [1790, 1800]}", true, ""},
		{"expires_in: {between: [1800, 1800.5]}", true, ""},
		{"expires_in: {between: [1, 10]}", false, "expected a number from 1 to 10, got 1800"},
		{"token_type: {between: [0, 9999]}", false, `expected a number from 0 to 9999, got "Bearer"`},
		{"no_such_field: {between: [0, 1]}", false, "got (absent)"},
	}
	for _, tt := range tests {
		t.Run(tt.matcher, func(t *testing.T) {
			_, srv := scentest.NewFake(t)
			src := "name: n\ntags: [readonly]\nsteps:\n  - call: signInWithCredentials\n" +
				"    body: {username: alice, password: \"Alice#2026\", domain: example.com}\n" +
				"    expect:\n      body:\n        " + tt.matcher + "\n"
			sr := run(t, runner.Options{BaseURL: srv.URL}, scentest.Parse(t, "t.yaml", src)).Scenarios[0]
			if tt.pass {
				assert.Equal(t, runner.StatusPassed, sr.Status, "%v", sr.FailedStep())
				return
			}
			require.Equal(t, runner.StatusFailed, sr.Status)
			assert.Contains(t, sr.FailedStep().Failures[0].String(), tt.want)
		})
	}
}

func TestRunner_specWarnDoesNotFail(t *testing.T) {
	f, srv := scentest.NewFake(t)
	f.BadExpires = true
	ss := scentest.Parse(t, "t.yaml", `
name: sign in
tags: [readonly]
steps:
  - call: signInWithCredentials
    body: {username: alice, password: "Alice#2026", domain: example.com}
`)
	res := run(t, runner.Options{BaseURL: srv.URL, Spec: runner.SpecWarn}, ss)
	require.Equal(t, runner.StatusPassed, res.Scenarios[0].Status)
	assert.NotEmpty(t, res.Scenarios[0].Steps[0].Warnings)
}

// --validate on a run: every answer (all, the default), the first of each
// shape (once), or none (off). Five scenarios get the same broken answer.
func TestRunner_validateSamplesAnswerShapes(t *testing.T) {
	f, srv := scentest.NewFake(t)
	f.BadExpires = true
	var src []string
	for i := range 5 {
		src = append(src, fmt.Sprintf("name: sign in %d\ntags: [readonly]\nsteps:\n  - call: signInWithCredentials\n"+
			"    body: {username: alice, password: \"Alice#2026\", domain: example.com}\n", i))
	}
	ss := scentest.Parse(t, "t.yaml", strings.Join(src, "---\n"))
	for mode, want := range map[runner.ValidateMode]int{"": 5, runner.ValidateAll: 5, runner.ValidateOnce: 1, runner.ValidateOff: 0} {
		res := run(t, runner.Options{BaseURL: srv.URL, Validate: mode, Parallel: 2}, ss)
		assert.Equal(t, want, res.Failed, "validate %q: scenarios failed on the spec", mode)
	}
	_, err := runner.New(runner.Options{BaseURL: srv.URL, Validate: "some"})
	assert.ErrorContains(t, err, "validate must be all, once or off")
}

func TestRunner_captureOfMissingFieldFails(t *testing.T) {
	_, srv := scentest.NewFake(t)
	ss := scentest.Parse(t, "t.yaml", `
name: capture
tags: [readonly]
steps:
  - call: retrieveMetadata
    capture:
      name: tenant.name
  - call: retrieveMetadata
`)
	res := run(t, runner.Options{BaseURL: srv.URL}, ss)
	sr := res.Scenarios[0]
	require.Equal(t, runner.StatusFailed, sr.Status)
	assert.Equal(t, "capture name: expected body field tenant.name, got (absent)", sr.FailedStep().Message())
	assert.Equal(t, 1, sr.NotRun)
}

func TestRunner_unreachableAndTimeoutAreErrors(t *testing.T) {
	ss := scentest.Parse(t, "t.yaml", `
name: info
tags: [readonly]
steps:
  - call: retrieveMetadata
    timeout: 200ms
`)
	t.Run("unreachable", func(t *testing.T) {
		_, srv := scentest.NewFake(t)
		url := srv.URL
		srv.Close()
		res := run(t, runner.Options{BaseURL: url}, ss)
		require.Equal(t, runner.StatusError, res.Scenarios[0].Status)
		assert.Contains(t, res.Scenarios[0].FailedStep().Err, "cannot reach")
		assert.Equal(t, 3, res.ExitCode())
	})
	t.Run("timeout", func(t *testing.T) {
		f, srv := scentest.NewFake(t)
		f.Delay = 20 * time.Second
		start := time.Now()
		res := run(t, runner.Options{BaseURL: srv.URL}, ss)
		require.Equal(t, runner.StatusError, res.Scenarios[0].Status)
		assert.Contains(t, res.Scenarios[0].FailedStep().Err, "timed out after 200ms")
		assert.Less(t, time.Since(start), 10*time.Second, "the step timeout, not the server, ends the step")
		assert.Equal(t, 3, res.ExitCode())
	})
}

func TestRunner_failFastSkipsTheRest(t *testing.T) {
	f, srv := scentest.NewFake(t)
	f.SignInStatus = 500
	ss := scentest.Parse(t, "t.yaml", `
name: first
tags: [readonly]
steps:
  - call: signInWithCredentials
    body: {username: alice, password: "Alice#2026", domain: example.com}
---
name: second
tags: [readonly]
steps:
  - call: retrieveMetadata
`)
	res := run(t, runner.Options{BaseURL: srv.URL, FailFast: true}, ss)
	assert.Equal(t, runner.StatusFailed, res.Scenarios[0].Status)
	assert.Equal(t, runner.StatusSkipped, res.Scenarios[1].Status)
	assert.Contains(t, res.Scenarios[1].Reason, "--fail-fast")
}

func TestRunner_cancelStopsTheRun(t *testing.T) {
	f, srv := scentest.NewFake(t)
	f.Delay = 20 * time.Second
	ss := scentest.Parse(t, "t.yaml", "name: a\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n---\nname: b\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n")
	r, err := runner.New(runner.Options{BaseURL: srv.URL})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	res := r.Run(ctx, ss, nil)
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.Equal(t, runner.StatusSkipped, res.Scenarios[0].Status)
	assert.Contains(t, res.Scenarios[0].Reason, "interrupted at step retrieveMetadata")
	assert.Equal(t, runner.StatusSkipped, res.Scenarios[1].Status)
	assert.Contains(t, res.Scenarios[1].Reason, "interrupted")
	assert.True(t, res.Interrupted)
	assert.Equal(t, 1, res.ExitCode(), "an interrupted run did not pass")
}

func TestRunner_realPBXSkipsByTag(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	ss := scentest.Parse(t, "t.yaml", "name: m\ntags: [mutating]\nsteps:\n  - call: retrieveMetadata\n---\nname: o\ntags: [mock-only]\nsteps:\n  - clock: 1m\n---\nname: untagged\nsteps:\n  - call: retrieveMetadata\n")
	res := run(t, runner.Options{BaseURL: srv.URL}, ss)
	for _, sr := range res.Scenarios {
		assert.Equal(t, runner.StatusSkipped, sr.Status, sr.Scenario.Name)
	}
	res = run(t, runner.Options{BaseURL: srv.URL, AllowMutations: true}, ss)
	assert.Equal(t, runner.StatusPassed, res.Scenarios[0].Status)
	assert.Equal(t, runner.StatusSkipped, res.Scenarios[1].Status)
	assert.Equal(t, runner.StatusPassed, res.Scenarios[2].Status, "untagged counts as mutating")
}

func TestRunner_variables(t *testing.T) {
	_, srv := scentest.NewFake(t)
	ss := scentest.Parse(t, "t.yaml", `
name: vars
tags: [readonly]
vars:
  user: nobody
  pass: ${env.PBX_PASS}
  domain: null
steps:
  - call: signInWithCredentials
    body: {username: "${user}", password: "${pass}", domain: "${domain}"}
    capture: {expires: expires_in, kind: {body: token_type, regex: "^(B)"}}
  - call: retrieveMetadata
    expect:
      body:
        enable_dataflow: {not_equals: "${expires}"}
  - call: retrieveMetadata
    params: {domain: "x-${kind}-$${literal}"}
`)
	r, err := runner.New(runner.Options{BaseURL: srv.URL, Vars: map[string]string{"user": "alice", "domain": "example.com"},
		Getenv: func(k string) (string, bool) { return map[string]string{"PBX_PASS": "Alice#2026"}[k], k == "PBX_PASS" }})
	require.NoError(t, err)
	assert.Empty(t, r.MissingVars(ss))
	res := r.Run(context.Background(), ss, nil)
	require.Equal(t, runner.StatusPassed, res.Scenarios[0].Status, res.Scenarios[0].Reason)
	assert.Contains(t, res.Scenarios[0].Steps[2].Exchange.URL, "domain=x-B-%24%7Bliteral%7D")

	r2, err := runner.New(runner.Options{BaseURL: srv.URL, Getenv: func(string) (string, bool) { return "", false }})
	require.NoError(t, err)
	assert.Len(t, r2.MissingVars(ss), 2, "domain, and PBX_PASS from the real (empty) environment")
}

func TestSelect(t *testing.T) {
	ss := scentest.Parse(t, "t.yaml", "name: a\ntags: [readonly, signin]\nsteps:\n  - call: retrieveMetadata\n---\nname: b\ntags: [mutating, 2fa]\nsteps:\n  - call: retrieveMetadata\n---\nname: c\ntags: [readonly, 2fa]\nsteps:\n  - call: retrieveMetadata\n")
	names := func(list []*scenarios.Scenario) (out []string) {
		for _, s := range list {
			out = append(out, s.Name)
		}
		return out
	}
	assert.Equal(t, []string{"a", "b", "c"}, names(scenarios.Select(ss, nil)))
	assert.Equal(t, []string{"b", "c"}, names(scenarios.Select(ss, []string{"2fa"})))
	assert.Equal(t, []string{"a", "b"}, names(scenarios.Select(ss, []string{"signin,mutating"})))
	assert.Equal(t, []string{"c"}, names(scenarios.Select(ss, []string{"2fa", "!mutating"})))
	assert.Equal(t, []string{"a"}, names(scenarios.Select(ss, []string{"-2fa"})))
}

func TestReports_hideAPasswordSentUnderANeutralName(t *testing.T) {
	_, srv := scentest.NewFake(t)
	ss := scentest.Parse(t, "t.yaml", `
name: named
tags: [readonly]
steps:
  - call: signInWithCredentials
    body: {username: alice, password: "Alice#2026", domain: example.com}
---
name: raw list
tags: [readonly]
steps:
  - request: {method: POST, path: /auth/sign_in}
    body: [alice, "Alice#2026"]
    expect: {status: 400}
`)
	res := run(t, runner.Options{BaseURL: srv.URL}, ss)
	require.Equal(t, 0, res.ExitCode())
	var js strings.Builder
	require.NoError(t, report.WriteJSON(&js, res))
	assert.NotContains(t, js.String(), "Alice#2026")
	assert.NotContains(t, js.String(), "at-alice", "captured or answered tokens are hidden too")
}

func TestRunner_MissingVars_namesUnsetEnvironment(t *testing.T) {
	ss := scentest.Parse(t, "t.yaml", "name: e\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n    params: {domain: \"${env.PBXAUTH_TEST_UNSET}\"}\n")
	r, err := runner.New(runner.Options{BaseURL: "http://127.0.0.1:1", Getenv: func(string) (string, bool) { return "", false }})
	require.NoError(t, err)
	missing := r.MissingVars(ss)
	require.Len(t, missing, 1)
	assert.Contains(t, missing[0], "t.yaml:4: scenario \"e\" reads the environment variable PBXAUTH_TEST_UNSET")
}
