package runner_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/internal/scentest"
	"github.com/pbxauth/pbxauth/scenarios/report"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

const levelsSrc = `
name: wrong password refused
tags: [readonly]
source: "openapi: signInWithCredentials 4XX"
level: contract
steps:
  - call: signInWithCredentials
    body: {username: alice, password: nope-1, domain: example.com}
    expect:
      status: 4XX
      body:
        errors.0.code: UNAUTHORIZED
---
name: a recommended practice the fake does not follow
tags: [readonly]
source: "OWASP ASVS 2.2.1"
level: recommended
steps:
  - call: signInWithCredentials
    body: {username: alice, password: nope-1, domain: example.com}
    expect:
      status: 429
---
name: a mock choice
tags: [readonly]
source: "pbxauth: 405 with Allow"
level: mock
steps:
  - request: {method: DELETE, path: /auth/sign_in}
    expect:
      status: 405
`

func TestLevels_parse(t *testing.T) {
	ss := scentest.Parse(t, "l.yaml", levelsSrc)
	require.Len(t, ss, 3)
	assert.Equal(t, scenarios.LevelContract, ss[0].Level)
	assert.Equal(t, "openapi: signInWithCredentials 4XX", ss[0].Source)
	assert.Equal(t, []int{4}, ss[0].Steps[0].Expect.Status)
	assert.Equal(t, scenarios.LevelMock, ss[2].EffectiveLevel())

	_, err := scenarios.NewLoader().Parse("bad.yaml", []byte("name: x\nlevel: must\nsteps:\n  - call: retrieveMetadata\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad.yaml:2: level must be one of contract, recommended, mock")
	_, err = scenarios.NewLoader().Parse("bad.yaml", []byte("name: x\nsteps:\n  - call: retrieveMetadata\n    expect: {status: 4YY}\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a class (4XX)")
	assert.Equal(t, scenarios.LevelContract, scentest.Parse(t, "d.yaml", "name: x\nsteps:\n  - call: retrieveMetadata\n")[0].EffectiveLevel())
}

// The fake refuses with 401; the contract says 4XX, so it passes. The recommended
// scenario fails as a finding that fails the run only in strict mode, and the mock
// choice is skipped with its source since the fake is not pbxauth's mock.
func TestLevels_findingsAndMockSkips(t *testing.T) {
	_, srv := scentest.NewFake(t)
	ss := scentest.Parse(t, "l.yaml", levelsSrc)
	res := run(t, runner.Options{BaseURL: srv.URL}, ss)
	assert.Equal(t, runner.StatusPassed, res.Scenarios[0].Status, res.Scenarios[0].Reason)
	assert.Equal(t, runner.StatusFailed, res.Scenarios[1].Status)
	assert.True(t, res.Scenarios[1].Finding)
	assert.Equal(t, runner.StatusSkipped, res.Scenarios[2].Status)
	assert.Contains(t, res.Scenarios[2].Reason, "pbxauth: 405 with Allow")
	assert.Equal(t, 1, res.Passed)
	assert.Equal(t, 0, res.Failed)
	assert.Equal(t, 1, res.Findings)
	assert.Equal(t, 0, res.ExitCode())

	var text bytes.Buffer
	rep := report.NewTextReporter(&text, false)
	strict := run(t, runner.Options{BaseURL: srv.URL, Strict: true}, ss)
	for _, sr := range strict.Scenarios {
		rep.Event(runner.Event{Kind: runner.ScenarioFinished, Result: sr})
	}
	rep.Event(runner.Event{Kind: runner.RunFinished, Run: strict})
	assert.Equal(t, 1, strict.ExitCode())
	assert.Contains(t, text.String(), "FINDING a recommended practice")
	assert.Contains(t, text.String(), "1 finding(s)")

	var js bytes.Buffer
	require.NoError(t, report.WriteJSON(&js, res))
	var doc struct {
		Findings  int
		Scenarios []struct{ Level, Source string }
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
	assert.Equal(t, 1, doc.Findings)
	assert.Equal(t, "recommended", doc.Scenarios[1].Level)
	assert.Equal(t, "OWASP ASVS 2.2.1", doc.Scenarios[1].Source)
}

// The fake answers the mock control API, yet without SharedMock it is a real
// target: the runner never decides by probing.
func TestTargets_mockOnlyByHowTheRunStarted(t *testing.T) {
	f, srv := scentest.NewFake(t)
	ss := scentest.Parse(t, "l.yaml", levelsSrc)
	res := run(t, runner.Options{BaseURL: srv.URL}, ss[2:])
	assert.Equal(t, runner.StatusSkipped, res.Scenarios[0].Status)
	before := f.Requests.Load()
	res = run(t, runner.Options{BaseURL: srv.URL, SharedMock: true}, ss[2:])
	assert.NotEqual(t, runner.StatusSkipped, res.Scenarios[0].Status)
	assert.Greater(t, f.Requests.Load(), before)
}

const needsAccount = `
name: needs an account
tags: [readonly]
vars:
  username: null
  password: null
  domain: null
steps:
  - call: signInWithCredentials
    body: {username: "${username}", password: "${password}", domain: "${domain}"}
`

// A missing variable never falls back to a demo account on a real target: the
// scenario is skipped naming the variables, and nothing reaches the PBX.
func TestVars_noDemoDefaultsOnARealTarget(t *testing.T) {
	f, srv := scentest.NewFake(t)
	ss := scentest.Parse(t, "v.yaml", needsAccount)
	r, err := runner.New(runner.Options{BaseURL: srv.URL, Vars: map[string]string{"username": "qa"}})
	require.NoError(t, err)
	res := r.Run(t.Context(), ss, nil)
	sr := res.Scenarios[0]
	require.Equal(t, runner.StatusSkipped, sr.Status)
	assert.Equal(t, "needs variables password, domain: give them with --var password=... --var domain=...", sr.Reason)
	assert.Zero(t, f.Requests.Load(), "nothing sent")
	missing := r.MissingVars(ss)
	require.Len(t, missing, 1)
	assert.Contains(t, missing[0], "--var password=... --var domain=...")
	assert.NotContains(t, strings.Join(missing, ""), "alice")

	// The same scenario against the mock takes the demo data and passes.
	mock := run(t, runner.Options{NewMock: runner.InProcessMock(mockserver.Options{})}, ss)
	assert.Equal(t, runner.StatusPassed, mock.Scenarios[0].Status, mock.Scenarios[0].Reason)
	// A standalone mock the user named as one gets the defaults too.
	r, err = runner.New(runner.Options{BaseURL: srv.URL, SharedMock: true})
	require.NoError(t, err)
	assert.Empty(t, r.MissingVars(ss))
}

// Allowed mutations on a real PBX change the accounts other scenarios use: the run
// goes one at a time and says so.
func TestTargets_mutationsOnARealPBXRunOneAtATime(t *testing.T) {
	_, srv := scentest.NewFake(t)
	ss := scentest.Parse(t, "m.yaml", "name: m\ntags: [mutating]\nsteps:\n  - call: retrieveMetadata\n")
	res := run(t, runner.Options{BaseURL: srv.URL, AllowMutations: true, Parallel: 4}, ss)
	require.Len(t, res.Notes, 1)
	assert.Contains(t, res.Notes[0], "one at a time instead of 4")
	res = run(t, runner.Options{BaseURL: srv.URL, Parallel: 4}, ss)
	assert.Empty(t, res.Notes)
}
