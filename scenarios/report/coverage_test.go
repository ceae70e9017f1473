package report

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/scenarios/internal/scentest"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

func coverageOf(items []CoverageItem, method, path, item string) CoverageItem {
	for _, it := range items {
		if it.Method == method && it.Path == path && it.Item == item {
			return it
		}
	}
	return CoverageItem{}
}

// A 4XX expectation covers the documented 4XX, a source naming a rule covers the
// rule, mock-level scenarios cover nothing of PortSIP's, and what nothing checks
// is a gap.
func TestCoverage_matrix(t *testing.T) {
	ss := scentest.Parse(t, "c.yaml", `
name: refused
source: "NOTES: field rules (username 1-64)"
steps:
  - call: signInWithCredentials
    body: {username: "", password: x}
    expect: {status: 4XX}
---
name: mock only
level: mock
steps:
  - call: retrieveMetadata
`)
	items := Coverage(ss, nil)
	signIn := coverageOf(items, "POST", "/auth/sign_in", "4XX")
	assert.Equal(t, "signInWithCredentials", signIn.Operation)
	assert.Equal(t, []string{"refused"}, signIn.Scenarios)
	assert.Equal(t, []string{"refused"}, coverageOf(items, "", "", "username: 1 to 64 characters").Scenarios)
	info := coverageOf(items, "GET", "/info", "200")
	assert.True(t, info.Gap(), "a mock-level scenario checks no documented response")

	var out bytes.Buffer
	require.NoError(t, WriteCoverage(&out, items, false))
	assert.Contains(t, out.String(), "GET /info (retrieveMetadata)")
	assert.Regexp(t, `\n  200 +GAP: no scenario checks it`, out.String())
	assert.Contains(t, out.String(), "1 scenario: refused")
}

// The built-in suite covers every documented response of the reference OpenAPI
// but GET /info's 4XX: PortSIP documents no request it refuses (its domain is any
// string, and an unknown one's answer is not documented), so only mock-level
// scenarios provoke one. The JSON report carries the matrix with the run's outcomes.
func TestCoverage_builtinAndJSON(t *testing.T) {
	ss := scentest.Builtin(t)
	for _, it := range Coverage(ss, nil) {
		if it.Path != "" && it.Path+it.Item != "/info4XX" {
			assert.False(t, it.Gap(), "%s %s %s", it.Method, it.Path, it.Item)
		}
	}
	r, err := runner.New(runner.Options{NewMock: runner.InProcessMock(mockserver.Options{})})
	require.NoError(t, err)
	res := r.Run(context.Background(), ss[:3], nil)
	var js bytes.Buffer
	require.NoError(t, WriteJSON(&js, res))
	var doc struct{ Coverage []CoverageItem }
	require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
	require.NotEmpty(t, doc.Coverage)
	passed := 0
	for _, it := range doc.Coverage {
		passed += it.Passed
	}
	assert.Positive(t, passed)
}
