package runner_test

import (
	"bytes"
	"context"
	"regexp"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/internal/scentest"
	"github.com/pbxauth/pbxauth/scenarios/report"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// runCollectingSecrets runs ss on fresh in-process mocks and adds to secrets every
// token, one-time code and reset token the mocks handed out, as read off the wire.
func runCollectingSecrets(t *testing.T, ss []*scenarios.Scenario, secrets map[string]bool) *runner.RunResult {
	t.Helper()
	var mu sync.Mutex
	factory := func() (runner.Mock, error) {
		srv, err := mockserver.New(mockserver.Options{})
		if err != nil {
			return runner.Mock{}, err
		}
		return runner.Mock{BaseURL: mockserver.InProcessAPIURL, Transport: srv.Transport(), Stop: func() {
			mu.Lock()
			for _, m := range srv.Outbox() {
				for _, s := range []string{m.Code, m.Token} {
					if s != "" {
						secrets[s] = true
					}
				}
			}
			mu.Unlock()
			_ = srv.Close()
		}}, nil
	}
	r, err := runner.New(runner.Options{NewMock: factory, Parallel: 2})
	require.NoError(t, err)
	return r.Run(context.Background(), ss, func(e runner.Event) {
		if e.Step == nil || e.Step.Exchange == nil {
			return
		}
		doc, err := runner.DecodeJSON(e.Step.Exchange.ResponseBody)
		if err != nil {
			return
		}
		for _, k := range []string{"access_token", "refresh_token", "token"} {
			if v, ok := runner.LookupPath(doc, k); ok {
				if s, ok := v.(string); ok && len(s) >= runner.MinSecretLen {
					mu.Lock()
					secrets[s] = true
					mu.Unlock()
				}
			}
		}
	})
}

// renderReports writes res as the JSON, JUnit and (verbose) text reports.
func renderReports(t *testing.T, res *runner.RunResult) map[string]string {
	t.Helper()
	var js, junit, text bytes.Buffer
	require.NoError(t, report.WriteJSON(&js, res))
	require.NoError(t, report.WriteJUnit(&junit, res))
	rep := report.NewTextReporter(&text, true)
	for _, sr := range res.Scenarios {
		rep.Event(runner.Event{Kind: runner.ScenarioFinished, Result: sr})
	}
	return map[string]string{"json": js.String(), "junit": junit.String(), "text": text.String()}
}

// assertNoSecretIn fails for every secret found in a report. A secret of digits only
// (a one-time code) counts only when no digit touches it, so that a report's
// timestamps and durations don't match a 6-digit code by chance.
func assertNoSecretIn(t *testing.T, reports map[string]string, secrets map[string]bool) {
	t.Helper()
	for s := range secrets {
		re := regexp.MustCompile(regexp.QuoteMeta(s))
		if allDigits(s) {
			re = regexp.MustCompile(`(^|[^0-9])` + regexp.QuoteMeta(s) + `([^0-9]|$)`)
		}
		for name, out := range reports {
			if re.MatchString(out) {
				t.Errorf("%s report leaks %q", name, s)
			}
		}
	}
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// Assertions on the whole body (or a parent object) print the value they got; a
// token pair, a challenge or a web session's token must not come out in clear in
// any report format.
func TestReports_wholeBodyAssertionsLeakNoSecret(t *testing.T) {
	const src = `
name: whole sign-in body
tags: [mock-only]
steps:
  - call: signInWithCredentials
    body: {username: alice, password: "Alice#2026", domain: example.com}
    expect:
      body:
        "": {equals: {}}
---
name: whole body as a string
tags: [mock-only]
steps:
  - call: signInWithCredentials
    body: {username: alice, password: "Alice#2026", domain: example.com}
    expect:
      body:
        "": {type: string}
---
name: whole challenge body
tags: [mock-only]
steps:
  - call: signInWithCredentials
    body: {username: carol, password: "Carol#2026", domain: secure.example.com}
    expect:
      body:
        "": {equals: {}}
---
name: whole verified body
tags: [mock-only]
steps:
  - include: builtin:flows/otp_challenge.yaml
    with: {username: carol, password: "Carol#2026", domain: secure.example.com}
  - call: verifyOTP
    body: {token: "${challenge}", code: "${code}"}
    expect:
      body:
        "": {type: string}
---
name: whole login status
tags: [mock-only]
steps:
  - include: builtin:flows/web_login.yaml
    with: {username: alice, password: "Alice#2026", domain: example.com}
  - call: getLoginStatus
    expect:
      body:
        /: {equals: []}
---
name: an expected object holding a captured token
tags: [mock-only]
steps:
  - call: signInWithCredentials
    body: {username: alice, password: "Alice#2026", domain: example.com}
    capture: {first: access_token, first_refresh: refresh_token}
  - call: signInWithCredentials
    body: {username: alice, password: "Alice#2026", domain: example.com}
    expect:
      body:
        "": {equals: {access_token: "${first}", note: "${first_refresh}"}}
`
	ss := scentest.Parse(t, "whole.yaml", src)
	secrets := map[string]bool{"Alice#2026": true, "Carol#2026": true}
	res := runCollectingSecrets(t, ss, secrets)
	for _, sr := range res.Scenarios {
		require.Equal(t, runner.StatusFailed, sr.Status, "%s: the assertion must fail for the test to mean anything (%s)", sr.Scenario.Name, sr.Reason)
		fs := sr.FailedStep()
		require.NotNil(t, fs)
		require.NotEmpty(t, fs.Failures, "%s: %s", sr.Scenario.Name, fs.Err)
	}
	require.Greater(t, len(secrets), 8)

	reports := renderReports(t, res)
	assertNoSecretIn(t, reports, secrets)
	// What is not secret stays readable: the structure and the harmless fields.
	assert.Contains(t, reports["text"], `"access_token":"[REDACTED]"`)
	assert.Contains(t, reports["text"], `"token_type":"Bearer"`)
	assert.Contains(t, reports["text"], `"two_factor_enabled":true`)
}
