package runner

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
