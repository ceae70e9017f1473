package mockserver_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// entry is one VALIDATE_FAILED entry with its whole detail.
type entry struct {
	Message string
	Detail  map[string]any
}

func entries(t *testing.T, body []byte) []entry {
	t.Helper()
	var out []entry
	for _, e := range decodeErrors(t, body).Errors {
		var d map[string]any
		require.NoError(t, json.Unmarshal(e.Detail, &d), "%s", body)
		out = append(out, entry{e.Message, d})
	}
	return out
}

// TestValidation_oneMessagePerRule: a rule reads the same wherever it is broken, in a
// body checked by the document, by the field rules, or in a query.
func TestValidation_oneMessagePerRule(t *testing.T) {
	h := newHarness(t)
	long := strings.Repeat("d", 281)
	longUser := strings.Repeat("u", 65)
	type call struct{ method, path, ctype, body string }
	for _, tc := range []struct {
		name  string
		calls []call
		want  entry
	}{
		{"domain too long", []call{
			{http.MethodGet, "/info?domain=" + long, "", ""},
			{http.MethodPost, "/auth/sign_in", "application/json", `{"username":"alice","password":"x","domain":"` + long + `"}`},
			{http.MethodPost, "/login", "application/json", `{"username":"alice","password":"x","domain":"` + long + `"}`},
			{http.MethodPost, "/auth/forget_password", "application/json", `{"username":"alice","callback_url":"https://a.example/","domain":"` + long + `"}`},
			{http.MethodPost, "/auth/sign_in/microsoft", "application/json", `{"callback_url":"https://a.example/","domain":"` + long + `"}`},
			{http.MethodPost, "/login/by_microsoft", "application/x-www-form-urlencoded", "domain=" + long},
		}, entry{"domain must be at most 280 characters", map[string]any{"field": "domain", "rule": "max_length", "limit": 280.0}}},
		{"username too long", []call{
			{http.MethodPost, "/auth/sign_in", "application/json", `{"username":"` + longUser + `","password":"x"}`},
			{http.MethodPost, "/login", "application/json", `{"username":"` + longUser + `","password":"x","domain":"example.com"}`},
			{http.MethodPost, "/auth/forget_password", "application/json", `{"username":"` + longUser + `","callback_url":"https://a.example/"}`},
		}, entry{"username must be at most 64 characters", map[string]any{"field": "username", "rule": "max_length", "limit": 64.0}}},
		{"empty username", []call{
			{http.MethodPost, "/auth/sign_in", "application/json", `{"username":"","password":"x"}`},
			{http.MethodPost, "/login", "application/json", `{"username":"","password":"x"}`},
			{http.MethodPost, "/auth/forget_password", "application/json", `{"username":"","callback_url":"https://a.example/"}`},
		}, entry{"username is required", map[string]any{"field": "username", "rule": "required"}}},
		{"empty password", []call{
			{http.MethodPost, "/auth/sign_in", "application/json", `{"username":"alice","password":""}`},
			{http.MethodPost, "/login", "application/json", `{"username":"alice"}`},
		}, entry{"password is required", map[string]any{"field": "password", "rule": "required"}}},
		{"empty optional domain", []call{
			{http.MethodPost, "/auth/sign_in", "application/json", `{"username":"alice","password":"x","domain":""}`},
			{http.MethodPost, "/auth/forget_password", "application/json", `{"username":"alice","callback_url":"https://a.example/","domain":""}`},
		}, entry{"domain must not be empty (leave it out instead)", map[string]any{"field": "domain", "rule": "min_length", "limit": 1.0}}},
		{"empty required domain", []call{
			{http.MethodPost, "/auth/sign_in/microsoft", "application/json", `{"callback_url":"https://a.example/","domain":""}`},
			{http.MethodPost, "/login/by_microsoft", "application/x-www-form-urlencoded", "domain="},
		}, entry{"domain is required", map[string]any{"field": "domain", "rule": "required"}}},
		{"domain charset", []call{
			{http.MethodGet, "/info?domain=a%20b", "", ""},
			{http.MethodPost, "/auth/sign_in", "application/json", `{"username":"alice","password":"x","domain":"a b"}`},
		}, entry{"domain must be a host name or IP address without spaces or slashes", map[string]any{"field": "domain", "rule": "charset"}}},
		{"wrong type", []call{
			{http.MethodPost, "/auth/sign_in", "application/json", `{"username":7,"password":"x"}`},
			{http.MethodPost, "/auth/forget_password", "application/json", `{"username":7,"callback_url":"https://a.example/"}`},
		}, entry{"username must be a string", map[string]any{"field": "username", "rule": "type"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, c := range tc.calls {
				resp := h.raw(c.method, c.path, c.ctype, c.body)
				require.Equal(t, http.StatusBadRequest, resp.Status, "%s %s: %s", c.method, c.path, resp.Body)
				got := entries(t, resp.Body)
				require.NotEmpty(t, got)
				assert.Equal(t, tc.want, got[0], "%s %s", c.method, c.path)
			}
		})
	}
}
