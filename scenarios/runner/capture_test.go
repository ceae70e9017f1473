package runner_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/scenarios/internal/scentest"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// A capture whose regex finds nothing in a field that is there must say so, not
// claim the field is absent; a secret field's value stays hidden.
func TestCapture_regexMissIsNotAbsence(t *testing.T) {
	const src = `
name: capture misses
tags: [readonly]
steps:
  - call: signInWithCredentials
    body: {username: alice, password: "Alice#2026", domain: example.com}
    capture:
      kind: {body: token_type, regex: "^Basic (.*)$"}
      tok: {body: access_token, regex: "^zzz(.*)$"}
      gone: {body: nothing_here, regex: "(.*)"}
`
	_, srv := scentest.NewFake(t)
	res := run(t, runner.Options{BaseURL: srv.URL}, scentest.Parse(t, "c.yaml", src))
	fs := res.Scenarios[0].FailedStep()
	require.NotNil(t, fs)
	require.Len(t, fs.Failures, 3)
	byName := map[string]runner.Failure{}
	for _, f := range fs.Failures {
		byName[f.Check] = f
	}
	kind := byName["capture kind"]
	assert.Equal(t, `body field token_type matching ^Basic (.*)$`, kind.Expected)
	assert.Equal(t, `present, but "Bearer" does not match the regex`, kind.Actual)
	tok := byName["capture tok"]
	assert.Equal(t, `present (value hidden: a secret), but does not match the regex`, tok.Actual)
	assert.NotContains(t, tok.Actual+tok.Expected, "at-alice")
	assert.Equal(t, "(absent)", byName["capture gone"].Actual)
}
