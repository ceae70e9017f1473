package mockserver_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mockserver"
)

func TestBadInput(t *testing.T) {
	h := newHarness(t)
	const signIn = "/auth/sign_in"
	cases := []struct {
		name, method, path, ctype, body string
		status                          int
		code                            string
	}{
		{"unknown path under /api", http.MethodGet, "/nope", "", "", http.StatusNotFound, mockserver.CodeNotFound},
		{"unknown path below an operation", http.MethodGet, "/info/extra", "", "", http.StatusNotFound, mockserver.CodeNotFound},
		{"provider path with an extra segment", http.MethodPost, "/auth/sign_in/microsoft/x", "application/json", "{}", http.StatusNotFound, mockserver.CodeNotFound},
		{"wrong method", http.MethodGet, signIn, "", "", http.StatusMethodNotAllowed, mockserver.CodeMethodNotAllowed},
		{"wrong content type", http.MethodPost, signIn, "text/plain", `{"username":"bob","password":"x"}`, http.StatusUnsupportedMediaType, mockserver.CodeUnsupportedMediaType},
		{"no content type", http.MethodPost, signIn, "", `{"username":"bob","password":"x"}`, http.StatusUnsupportedMediaType, mockserver.CodeUnsupportedMediaType},
		{"malformed JSON", http.MethodPost, signIn, "application/json", `{"username":`, http.StatusBadRequest, apiclient.CodeValidateFailed},
		{"trailing garbage after JSON", http.MethodPost, signIn, "application/json", `{"username":"bob","password":"x"} x`, http.StatusBadRequest, apiclient.CodeValidateFailed},
		{"a JSON array", http.MethodPost, signIn, "application/json", `[1,2]`, http.StatusBadRequest, apiclient.CodeValidateFailed},
		{"JSON null", http.MethodPost, signIn, "application/json", `null`, http.StatusBadRequest, apiclient.CodeValidateFailed},
		{"an empty body", http.MethodPost, signIn, "application/json", "", http.StatusBadRequest, apiclient.CodeValidateFailed},
		{"a body over 64 KiB", http.MethodPost, signIn, "application/json", `{"username":"` + strings.Repeat("a", mockserver.MaxBodyBytes) + `"}`, http.StatusRequestEntityTooLarge, mockserver.CodePayloadTooLarge},
		{"username over 64 characters", http.MethodPost, signIn, "application/json", `{"username":"` + strings.Repeat("a", 65) + `","password":"x"}`, http.StatusBadRequest, apiclient.CodeValidateFailed},
		{"username with a space", http.MethodPost, signIn, "application/json", `{"username":"bo b","password":"x","domain":"example.com"}`, http.StatusBadRequest, apiclient.CodeValidateFailed},
		{"invalid UTF-8", http.MethodPost, signIn, "application/json", "{\"username\":\"\xff\",\"password\":\"x\"}", http.StatusBadRequest, apiclient.CodeValidateFailed},
	}
	for _, c := range cases {
		t.Run(c.name+" answers "+http.StatusText(c.status)+" with the error body", func(t *testing.T) {
			resp := h.raw(c.method, c.path, c.ctype, c.body)
			require.Equal(t, c.status, resp.Status, "body: %s", resp.Body)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			eb := decodeErrors(t, resp.Body)
			assert.Equal(t, c.code, eb.Errors[0].Code)
			assert.NotEmpty(t, eb.Errors[0].Message)
			assert.NotContains(t, string(resp.Body), `"x"`, "bodies are never echoed")
		})
	}
	t.Run("405 carries Allow", func(t *testing.T) {
		resp := h.raw(http.MethodPut, "/login", "", "")
		assert.Equal(t, http.StatusMethodNotAllowed, resp.Status)
		assert.Equal(t, "GET, HEAD, POST", resp.Header.Get("Allow"))
		resp = h.raw(http.MethodDelete, "/auth/sign_in/microsoft", "", "")
		assert.Equal(t, "POST", resp.Header.Get("Allow"))
	})
	t.Run("malformed JSON names the body and the json rule", func(t *testing.T) {
		resp := h.raw(http.MethodPost, signIn, "application/json", `{"username":`)
		assert.Equal(t, []fieldRule{{"body", "json"}}, violations(t, resp.Body))
	})
	t.Run("JSON with a charset parameter is accepted", func(t *testing.T) {
		resp := h.raw(http.MethodPost, signIn, "application/json; charset=utf-8", `{"username":"bob","password":"Bob#2026","domain":"example.com"}`)
		assert.Equal(t, http.StatusOK, resp.Status)
	})
	t.Run("a trailing slash reaches the operation", func(t *testing.T) {
		resp := h.raw(http.MethodGet, "/info/", "", "")
		assert.Equal(t, http.StatusOK, resp.Status)
	})
	t.Run("unknown fields are ignored", func(t *testing.T) {
		resp := h.raw(http.MethodPost, signIn, "application/json", `{"username":"bob","password":"Bob#2026","domain":"example.com","remember":true}`)
		assert.Equal(t, http.StatusOK, resp.Status)
	})
	t.Run("outside /api and /_mock is 404 with the error body", func(t *testing.T) {
		status, body := h.control(http.MethodGet, "/", "")
		assert.Equal(t, http.StatusNotFound, status)
		assert.Equal(t, mockserver.CodeNotFound, decodeErrors(t, body).Errors[0].Code)
	})
}

func TestBadInput_contentLengthOverLimitIsRefusedUnread(t *testing.T) {
	h := newHarness(t)
	req, err := http.NewRequest(http.MethodPost, h.srv.URL()+"/api/auth/sign_in", strings.NewReader(strings.Repeat(" ", mockserver.MaxBodyBytes+1)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
}
