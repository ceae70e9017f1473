package scenarios

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func parse(t testing.TB, name, src string) []*Scenario {
	t.Helper()
	ss, err := NewLoader().Parse(name, []byte(src))
	require.NoError(t, err)
	return ss
}

func run(t testing.TB, opts Options, ss []*Scenario) *RunResult {
	t.Helper()
	r, err := NewRunner(opts)
	require.NoError(t, err)
	return r.Run(context.Background(), ss, nil)
}

func TestRunner_examplesPassAgainstFake(t *testing.T) {
	_, srv := newFake(t)
	mine, err := LoadPaths("testdata")
	require.NoError(t, err)
	require.Len(t, mine, 3)
	res := run(t, Options{BaseURL: srv.URL}, mine)
	for _, sr := range res.Scenarios {
		if !assert.Equal(t, StatusPassed, sr.Status, sr.Scenario.Name) {
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
		knob  func(*fakePBX)
		check string
		want  string
	}{
		{"wrong status", func(f *fakePBX) { f.signInStatus = 500 }, "status", "expected 200, got 500 UNKNOWN: forced"},
		{"missing field", func(f *fakePBX) { f.dropAccess = true }, "body access_token type", "expected string, got (absent)"},
		{"spec-violating response", func(f *fakePBX) { f.badExpires = true }, "spec", "expires_in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFake(t)
			tt.knob(f)
			res := run(t, Options{BaseURL: srv.URL}, parse(t, "t.yaml", src))
			sr := res.Scenarios[0]
			require.Equal(t, StatusFailed, sr.Status)
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

func TestRunner_specWarnDoesNotFail(t *testing.T) {
	f, srv := newFake(t)
	f.badExpires = true
	ss := parse(t, "t.yaml", `
name: sign in
tags: [readonly]
steps:
  - call: signInWithCredentials
    body: {username: alice, password: "Alice#2026", domain: example.com}
`)
	res := run(t, Options{BaseURL: srv.URL, Spec: SpecWarn}, ss)
	require.Equal(t, StatusPassed, res.Scenarios[0].Status)
	assert.NotEmpty(t, res.Scenarios[0].Steps[0].Warnings)
}

func TestRunner_captureOfMissingFieldFails(t *testing.T) {
	_, srv := newFake(t)
	ss := parse(t, "t.yaml", `
name: capture
tags: [readonly]
steps:
  - call: retrieveMetadata
    capture:
      name: tenant.name
  - call: retrieveMetadata
`)
	res := run(t, Options{BaseURL: srv.URL}, ss)
	sr := res.Scenarios[0]
	require.Equal(t, StatusFailed, sr.Status)
	assert.Equal(t, "capture name: expected body field tenant.name, got (absent)", sr.FailedStep().Message())
	assert.Equal(t, 1, sr.NotRun)
}

func TestRunner_unreachableAndTimeoutAreErrors(t *testing.T) {
	ss := parse(t, "t.yaml", `
name: info
tags: [readonly]
steps:
  - call: retrieveMetadata
    timeout: 200ms
`)
	t.Run("unreachable", func(t *testing.T) {
		_, srv := newFake(t)
		url := srv.URL
		srv.Close()
		res := run(t, Options{BaseURL: url}, ss)
		require.Equal(t, StatusError, res.Scenarios[0].Status)
		assert.Contains(t, res.Scenarios[0].FailedStep().Err, "cannot reach")
		assert.Equal(t, 3, res.ExitCode())
	})
	t.Run("timeout", func(t *testing.T) {
		f, srv := newFake(t)
		f.delay = 2 * time.Second
		start := time.Now()
		res := run(t, Options{BaseURL: srv.URL}, ss)
		require.Equal(t, StatusError, res.Scenarios[0].Status)
		assert.Contains(t, res.Scenarios[0].FailedStep().Err, "timed out after 200ms")
		assert.Less(t, time.Since(start), 1500*time.Millisecond)
		assert.Equal(t, 3, res.ExitCode())
	})
}
