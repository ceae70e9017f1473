package mockserver_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/mockserver"
)

// send makes a request outside the typed client (whose exchanges the harness checks
// against the document, which knows neither HEAD nor OPTIONS).
func (h *harness) send(method, path, body string, hdr ...string) (*http.Response, []byte) {
	h.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, h.srv.URL()+path, rd)
	require.NoError(h.t, err)
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" { // net/http sends Request.Host, not a Host header
			req.Host = hdr[i+1]
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := h.srv.Client().Do(req)
	require.NoError(h.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(h.t, err)
	return resp, b
}

// TestQuery_unparsableIsRefused: a query url.ParseQuery refuses is 400 VALIDATE_FAILED
// naming the query, never read as "no parameters".
func TestQuery_unparsableIsRefused(t *testing.T) {
	h := newHarness(t)
	resp, body := h.send(http.MethodGet, "/api/info?domain=%ZZ", "")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
	assert.Equal(t, []fieldRule{{"query", "query"}}, violations(t, body))
	assert.Equal(t, "query is not a valid URL query: a bad %-escape", messages(t, body)[0])

	for _, o := range spec.Operations() {
		path := strings.Replace(o.Path, "{provider}", "microsoft", 1)
		r, body := h.send(o.Method, "/api"+path+"?x=%ZZ", "")
		assert.Equal(t, http.StatusBadRequest, r.StatusCode, "%s %s: %s", o.Method, o.Path, body)
		assert.Equal(t, []fieldRule{{"query", "query"}}, violations(t, body), o.ID)
	}
	r, body := h.send(http.MethodGet, "/api/info?a=1;b=2", "")
	assert.Equal(t, http.StatusBadRequest, r.StatusCode)
	assert.Contains(t, messages(t, body)[0], "&, not ;")
	for _, p := range []string{"/_mock/outbox?kind=%zz", "/_mock/requests?limit=%", "/_mock/idp/contoso.com/oauth2/v2.0/authorize?state=%zz", "/_mock/idp/callback?code=%zz"} {
		r, body := h.send(http.MethodGet, p, "")
		assert.Equal(t, http.StatusBadRequest, r.StatusCode, p)
		assert.Equal(t, []fieldRule{{"query", "query"}}, violations(t, body), p)
	}
	// Valid queries still work, and /info without one is unchanged.
	assert.Equal(t, http.StatusOK, h.raw(http.MethodGet, "/info?domain=example.com", "", "").Status)
}

func TestHEAD_servedWhereGETIs(t *testing.T) {
	h := newHarness(t)
	for _, p := range []string{"/api/info", "/api/info?domain=contoso.com", "/_mock/outbox", "/_mock/clock", "/_mock/"} {
		get, getBody := h.send(http.MethodGet, p, "")
		head, headBody := h.send(http.MethodHead, p, "")
		require.Equal(t, http.StatusOK, head.StatusCode, p)
		assert.Empty(t, headBody, p)
		assert.Equal(t, get.Header.Get("Content-Type"), head.Header.Get("Content-Type"), p)
		if !strings.HasPrefix(p, "/_mock/clock") && p != "/_mock/" { // those carry the time
			assert.Equal(t, strconv.Itoa(len(getBody)), head.Header.Get("Content-Length"), p)
		}
	}
	r, _ := h.send(http.MethodHead, "/api/auth/user", "")
	assert.Equal(t, http.StatusUnauthorized, r.StatusCode)
	assert.Equal(t, "Bearer", r.Header.Get("WWW-Authenticate"))
	r, _ = h.send(http.MethodHead, "/api/login", "")
	assert.Equal(t, http.StatusUnauthorized, r.StatusCode)

	// HEAD where there is no GET is 405, and Allow names HEAD only beside GET.
	r, _ = h.send(http.MethodHead, "/api/auth/sign_in", "")
	assert.Equal(t, http.StatusMethodNotAllowed, r.StatusCode)
	assert.Equal(t, "POST", r.Header.Get("Allow"))
	r, body := h.send(http.MethodDelete, "/api/login", "")
	assert.Equal(t, http.StatusMethodNotAllowed, r.StatusCode)
	assert.Equal(t, "GET, HEAD, POST", r.Header.Get("Allow"))
	assert.Contains(t, string(body), `"allowed":["GET","HEAD","POST"]`)
	r, _ = h.send(http.MethodPut, "/_mock/faults", "")
	assert.Equal(t, "DELETE, GET, HEAD, POST", r.Header.Get("Allow"))

	// HEAD is journaled as sent: no body went out.
	h.send(http.MethodHead, "/api/info", "")
	reqs := h.srv.Requests()
	last := reqs[len(reqs)-1]
	assert.Equal(t, http.MethodHead, last.Method)
	assert.Equal(t, "retrieveMetadata", last.Operation)
	assert.Empty(t, last.Exchange.ResponseBody)
}

func TestOPTIONS_answersAllow(t *testing.T) {
	h := newHarness(t)
	for path, allow := range map[string]string{
		"/api/info":                   "GET, HEAD",
		"/api/login":                  "GET, HEAD, POST",
		"/api/auth/sign_in":           "POST",
		"/api/auth/sign_in/microsoft": "POST",
		"/_mock/faults":               "DELETE, GET, HEAD, POST",
		"/_mock/reset":                "POST",
		"/_mock/idp/callback":         "GET, HEAD",
		"/_mock/idp/contoso.com/oauth2/v2.0/authorize": "GET, HEAD, POST",
	} {
		r, body := h.send(http.MethodOptions, path, "")
		assert.Equal(t, http.StatusNoContent, r.StatusCode, path)
		assert.Equal(t, allow, r.Header.Get("Allow"), path)
		assert.Empty(t, body, path)
	}
	r, _ := h.send(http.MethodOptions, "/api/nope", "")
	assert.Equal(t, http.StatusNotFound, r.StatusCode)
}

func TestBearer401_challenges(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct{ method, path, auth, want string }{
		{http.MethodGet, "/api/auth/user", "", "Bearer"},
		{http.MethodGet, "/api/auth/user", "Bearer nope", `Bearer error="invalid_token"`},
		{http.MethodPost, "/api/auth/sign_out", "", "Bearer"},
		{http.MethodPost, "/api/auth/sign_out", "Bearer nope", `Bearer error="invalid_token"`},
	} {
		var hdr []string
		if c.auth != "" {
			hdr = []string{"Authorization", c.auth}
		}
		r, _ := h.send(c.method, c.path, "", hdr...)
		require.Equal(t, http.StatusUnauthorized, r.StatusCode)
		assert.True(t, strings.HasPrefix(r.Header.Get("WWW-Authenticate"), c.want), "%s %s: %q", c.method, c.path, r.Header.Get("WWW-Authenticate"))
	}
	// A failed password sign-in is no bearer challenge.
	r, _ := h.send(http.MethodPost, "/api/auth/sign_in", `{"username":"bob","password":"nope","domain":"example.com"}`, "Content-Type", "application/json")
	require.Equal(t, http.StatusBadRequest, r.StatusCode)
	assert.Empty(t, r.Header.Get("WWW-Authenticate"))
	// An injected 401 on a bearer operation challenges too.
	h.srv.SetFaults(map[string]mockserver.Fault{"getUserAuthInfo": {Status: 401}})
	h.undocumented = true
	r, _ = h.send(http.MethodGet, "/api/auth/user", "")
	assert.Equal(t, "Bearer", r.Header.Get("WWW-Authenticate"))
}

// TestHost_implausibleIsNotEchoed: links follow the client's Host, unless it is no
// plausible host[:port].
func TestHost_implausibleIsNotEchoed(t *testing.T) {
	srv, err := mockserver.New(mockserver.Options{})
	require.NoError(t, err)
	endpoint := func(host string) string {
		req := httptest.NewRequest(http.MethodGet, "/api/info?domain=contoso.com", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
		b := rec.Body.String()
		i := strings.Index(b, `"ms365_authorization_endpoint":"`)
		require.GreaterOrEqual(t, i, 0, b)
		rest := b[i+len(`"ms365_authorization_endpoint":"`):]
		return rest[:strings.Index(rest, "/_mock/idp/")]
	}
	for _, host := range []string{"pbx.lan", "pbx.lan:8887", "10.0.0.5:8887", "[fe80::1]:8887", "[::1]", "PBX-1.example.com."} {
		assert.Equal(t, "http://"+host, endpoint(host), host)
	}
	for _, host := range []string{"", "a b", "evil.example/x", "evil.example?x", "pbx:99999", "pbx:0", "pbx:+80", "[::1", "::1", "[10.0.0.1]", "-pbx.lan", "pbx..lan", `pbx"lan`, "pbx.lan:80:80", strings.Repeat("a", 64) + ".lan"} {
		assert.Equal(t, "http://localhost", endpoint(host), "%q", host)
	}
}

// TestSendOTP_codeLivesTenMinutes: PortSIP's verification mail says the code is valid
// for 10 minutes, counted from the mail.
func TestSendOTP_codeLivesTenMinutes(t *testing.T) {
	h := newHarness(t)
	signIn := func() string {
		resp := h.raw(http.MethodPost, "/auth/sign_in", "application/json", `{"username":"carol","password":"Carol#2026","domain":"secure.example.com"}`)
		require.Equal(t, http.StatusOK, resp.Status)
		return jsonField(t, resp.Body, "token")
	}
	verify := func(tok, code string) int {
		return h.raw(http.MethodPost, "/auth/verify_otp", "application/json", `{"token":"`+tok+`","code":"`+code+`"}`).Status
	}
	send := func(tok string) string {
		require.Equal(t, http.StatusOK, h.raw(http.MethodPost, "/auth/send_otp", "application/json", `{"token":"`+tok+`"}`).Status)
		m := h.lastMail(mockserver.MailOTP, "carol")
		assert.Contains(t, m.Body, "10 minutes")
		return m.Code
	}
	// Sent late in the challenge's window, the code still gets its full 10 minutes.
	tok := signIn()
	h.srv.AdvanceClock(mockserver.ChallengeTTL - time.Second)
	code := send(tok)
	h.srv.AdvanceClock(mockserver.OTPTTL - time.Second)
	assert.Equal(t, http.StatusOK, verify(tok, code))

	tok = signIn()
	code = send(tok)
	h.srv.AdvanceClock(mockserver.OTPTTL)
	assert.Equal(t, http.StatusUnauthorized, verify(tok, code), "expired code")

	tok = signIn()
	h.srv.AdvanceClock(mockserver.ChallengeTTL)
	assert.Equal(t, http.StatusUnauthorized, h.raw(http.MethodPost, "/auth/send_otp", "application/json", `{"token":"`+tok+`"}`).Status,
		"no code for a challenge past its window")
}

func jsonField(t *testing.T, body []byte, name string) string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m), "%s", body)
	s, _ := m[name].(string)
	require.NotEmpty(t, s, "%s has no %s", body, name)
	return s
}
