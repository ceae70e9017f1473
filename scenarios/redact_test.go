package scenarios

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
	ss := parse(t, "whole.yaml", src)
	secrets := map[string]bool{"Alice#2026": true, "Carol#2026": true}
	res := runCollectingSecrets(t, ss, secrets)
	for _, sr := range res.Scenarios {
		require.Equal(t, StatusFailed, sr.Status, "%s: the assertion must fail for the test to mean anything (%s)", sr.Scenario.Name, sr.Reason)
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

func TestRedactValue_structural(t *testing.T) {
	r := &redactor{}
	r.add("captured-secret-value")
	in := map[string]any{
		"access_token":      "abc",
		"token_type":        "Bearer",
		"nested":            map[string]any{"refresh_token": "def", "list": []any{map[string]any{"password": "x"}}},
		"note":              "holds captured-secret-value inside",
		"errors":            []any{map[string]any{"code": "VALIDATE_FAILED", "message": "m"}},
		"code":              424242,
		"empty_token":       "",
		"link":              "https://pbx/reset?token=zzz&x=1",
		"password_verified": true,
	}
	b, err := json.Marshal(r.redactValue(in))
	require.NoError(t, err)
	got := string(b)
	for _, leak := range []string{"abc", "def", `"x"`, "captured-secret-value", "424242", "zzz"} {
		assert.NotContains(t, got, leak)
	}
	for _, keep := range []string{`"token_type":"Bearer"`, `"code":"VALIDATE_FAILED"`, `"password_verified":true`, `x=1`} {
		assert.Contains(t, got, keep)
	}
	assert.Equal(t, "abc", in["access_token"], "the input is not changed")
}
