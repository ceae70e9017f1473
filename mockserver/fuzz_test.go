package mockserver_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"

	"github.com/pbxauth/pbxauth/mockserver"
)

var fuzzMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodHead, http.MethodOptions, "BREW"}

var codeRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// checkAnswer fails on a 5xx (the mock must never answer one unless a fault is set)
// and on an error answer without PortSIP's error body.
func checkAnswer(t *testing.T, method, target string, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("%s %q answered %d: %s", method, target, rec.Code, rec.Body)
	}
	if rec.Code < 400 || method == http.MethodHead {
		return
	}
	var eb struct {
		Errors []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil || len(eb.Errors) == 0 {
		t.Fatalf("%s %q answered %d without the error body: %s", method, target, rec.Code, rec.Body)
	}
	for _, e := range eb.Errors {
		if !codeRE.MatchString(e.Code) || e.Message == "" {
			t.Fatalf("%s %q: malformed error entry %+v", method, target, e)
		}
	}
}

// newFuzzRequest builds a request from fuzzed parts, or nil when net/http itself
// could never deliver such a request.
func newFuzzRequest(method, target, ctype string, body []byte) *http.Request {
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil
	}
	req, err := http.NewRequest(method, "http://mock.test", bytes.NewReader(body))
	if err != nil {
		return nil
	}
	req.URL, req.RequestURI, req.Host = u, target, "mock.test"
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	return req
}

// FuzzAPI throws arbitrary requests at /api: no input may panic, answer 5xx or
// answer an error without PortSIP's error body.
func FuzzAPI(f *testing.F) {
	seeds := []struct {
		m          byte
		path, ct   string
		body, auth string
	}{
		{0, "/info", "", "", ""},
		{0, "/info?domain=contoso.com", "", "", ""},
		{1, "/auth/sign_in", "application/json", `{"username":"bob","password":"Bob#2026","domain":"example.com"}`, ""},
		{1, "/auth/sign_in?qr=true", "application/json", `{"username":"carol","password":"Carol#2026","domain":"secure.example.com"}`, ""},
		{1, "/auth/sign_in/microsoft", "application/json", `{"domain":"contoso.com","callback_url":"https://a.example/cb"}`, ""},
		{1, "/auth/send_otp", "application/json", `{"token":"x"}`, ""},
		{1, "/auth/verify_otp", "application/json", `{"token":"x","code":"123456"}`, ""},
		{1, "/auth/forget_password", "application/json", `{"username":"admin","callback_url":"https://a.example/r"}`, ""},
		{1, "/auth/reset_password", "application/json", `{"token":"x","new_password":"abc"}`, ""},
		{1, "/auth/refresh_token", "application/json", `{"refresh_token":null}`, ""},
		{0, "/auth/user", "", "", "Bearer abc"},
		{1, "/auth/sign_out", "", "", "Bearer"},
		{0, "/login", "", "", ""},
		{1, "/login", "application/json; charset=utf-8", `{"username":"alice","password":"Alice#2026","domain":"example.com"}`, ""},
		{1, "/login/by_microsoft", "application/x-www-form-urlencoded", "domain=contoso.com", ""},
		{1, "/login/by_microsoft", "application/x-www-form-urlencoded", "domain=%zz", ""},
		{1, "/logout", "", "", ""},
		{1, "/auth/sign_in", "application/json", `{"username":{"a":[1,2,{}]},"password":1e999}`, ""},
		{1, "/auth/sign_in", "application/json", "{\"username\":\"\xff\xfe\"}", ""},
		{2, "/auth/sign_in/", "text/plain", "[]", ""},
		{7, "/../api/info", "", "", ""},
		{0, "/info?domain=%ZZ", "", "", ""},
		{1, "/auth/sign_in?qr=1;x=2", "application/json", `{"username":"bob","password":"x"}`, ""},
		{5, "/info", "", "", ""},
		{6, "/login", "", "", ""},
		{5, "/auth/user", "", "", "Bearer x"},
		{1, "/auth/sign_in", "application/json", `{"username":"","password":"","domain":""}`, ""},
	}
	for _, s := range seeds {
		f.Add(s.m, s.path, s.ct, []byte(s.body), s.auth)
	}
	srv, err := mockserver.New(mockserver.Options{StoreLimit: 1000})
	if err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, m byte, path, ctype string, body []byte, auth string) {
		method := fuzzMethods[int(m)%len(fuzzMethods)]
		req := newFuzzRequest(method, "/api"+path, ctype, body)
		if req == nil {
			return
		}
		if auth != "" {
			req.Header["Authorization"] = []string{auth}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkAnswer(t, method, req.RequestURI, rec)
	})
}

// FuzzControl does the same for the control API and the simulated IdP (faults are
// set here but only ever act on /api, which this target never calls).
func FuzzControl(f *testing.F) {
	for _, s := range []struct {
		m          byte
		path, body string
	}{
		{0, "/_mock/outbox?kind=otp", ""},
		{0, "/_mock/outbox/last?username=carol", ""},
		{3, "/_mock/outbox", ""},
		{0, "/_mock/requests?limit=-1", ""},
		{1, "/_mock/reset", ""},
		{1, "/_mock/clock", `{"advance":"31m"}`},
		{1, "/_mock/clock", `{"advance":1e400}`},
		{1, "/_mock/faults", `{"retrieveMetadata":{"status":500},"signInWithCredentials":{"latency":"300ms","error_rate":0.2,"drop":false}}`},
		{1, "/_mock/faults", `{"x":{"status":"500"}}`},
		{0, "/_mock/idp/contoso.com/oauth2/v2.0/authorize?redirect_uri=https://a.example/cb&state=s", ""},
		{0, "/_mock/idp/contoso.com/oauth2/v2.0/authorize?redirect_uri=https://a.example/cb&login_hint=dave", ""},
		{1, "/_mock/idp/contoso.com/oauth2/v2.0/authorize", "username=dave&redirect_uri=http%3A%2F%2Fa.example%2F"},
		{0, "/_mock/idp/callback?code=x", ""},
		{0, "/_mock/stats", ""},
		{1, "/_mock/clock", `{"advance":"2562047h"}`},
		{1, "/_mock/clock", `{"advance":5}`},
		{1, "/_mock/faults", `null`},
		{1, "/_mock/faults", `{"logout":{"latency":3,"status":500.5,"x":1}}`},
		{1, "/_mock/reset?keep=bogus", ""},
		{5, "/_mock/outbox?kind=%zz", ""},
		{6, "/_mock/faults", ""},
		{1, "/_mock/idp/contoso.com/oauth2/v2.0/authorize?redirect_uri=https://a.example/cb&state=s", "domain=contoso.com&redirect_uri=https%3A%2F%2Fevil.example%2F"},
	} {
		f.Add(s.m, s.path, []byte(s.body))
	}
	srv, err := mockserver.New(mockserver.Options{StoreLimit: 1000})
	if err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, m byte, path string, body []byte) {
		method := fuzzMethods[int(m)%len(fuzzMethods)]
		req := newFuzzRequest(method, "/_mock"+path, "application/json", body)
		if req == nil {
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkAnswer(t, method, req.RequestURI, rec)
		_, _ = io.Copy(io.Discard, rec.Body)
	})
}

// FuzzParseData feeds arbitrary YAML to the data loader: it must not panic, and what
// it accepts must start a server.
func FuzzParseData(f *testing.F) {
	f.Add([]byte("system:\n  accounts:\n    - {username: admin, password: x, role: SystemAdmin}\n"))
	f.Add([]byte("tenants:\n  - domain: a.example\n    two_factor: true\n    ms365: {enabled: true}\n    users:\n      - {username: al, password: x, role: Admin}\n"))
	f.Add([]byte("roles:\n  - {name: R, capabilities: [a, b]}\n"))
	f.Add([]byte("tenants: [{domain: \"\"}]"))
	f.Add([]byte("&a [*a]"))
	f.Add([]byte("tenants:\n  - password_policy: {min_length: -1}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := mockserver.ParseData("fuzz.yaml", src)
		if err != nil {
			return
		}
		srv, err := mockserver.New(mockserver.Options{Data: d})
		if err != nil {
			t.Fatalf("ParseData accepted data that New refuses: %v", err)
		}
		_ = srv.Close()
	})
}
