// Package scentest holds what the tests of the scenarios packages share: a fake
// PBX with knobs to misbehave, and a parse helper.
package scentest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient/rules"
	"github.com/pbxauth/pbxauth/scenarios"
)

// FakePBX is a tiny stand-in for the mock PBX with knobs to misbehave, so runner
// tests don't depend on the mock and can break the answers in ways the mock won't.
type FakePBX struct {
	mu    sync.Mutex
	mails []map[string]any
	// knobs
	SignInStatus int           // force a status on sign-in
	DropAccess   bool          // leave access_token out of token pairs
	BadExpires   bool          // expires_in as a string (breaks the spec)
	Delay        time.Duration // before every /api answer
	inflight     atomic.Int32
	Max          atomic.Int32 // the most /api requests in flight at once
	Requests     atomic.Int64 // /api requests answered
}

// NewFake starts a FakePBX, stopped when the test ends.
func NewFake(t testing.TB) (*FakePBX, *httptest.Server) {
	f := &FakePBX{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func apiErr(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"errors": []any{map[string]any{"code": code, "message": msg}}})
}

func (f *FakePBX) pair(tok string) map[string]any {
	p := map[string]any{"token_type": "Bearer", "access_token": tok, "refresh_token": "rt-" + tok, "expires_in": 1800}
	if f.DropAccess {
		delete(p, "access_token")
	}
	if f.BadExpires {
		p["expires_in"] = "soon"
	}
	return p
}

// ServeHTTP answers the mock's control endpoints the runner uses and a few
// /api operations.
func (f *FakePBX) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer f.track()()
	if f.serveControl(w, r) {
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		http.NotFound(w, r) // other control endpoints: this fake has none
		return
	}
	f.serveAPI(w, r)
}

// track counts a request in flight and raises Max to match; the func it
// returns ends the request.
func (f *FakePBX) track() func() {
	n := f.inflight.Add(1)
	for {
		m := f.Max.Load()
		if n <= m || f.Max.CompareAndSwap(m, n) {
			break
		}
	}
	return func() { f.inflight.Add(-1) }
}

// serveControl answers the outbox, reset and clock endpoints; false means r is
// for none of them.
func (f *FakePBX) serveControl(w http.ResponseWriter, r *http.Request) bool {
	switch r.URL.Path {
	case "/_mock/outbox":
		f.mu.Lock()
		mails := append([]map[string]any{}, f.mails...)
		f.mu.Unlock()
		if mails == nil {
			mails = []map[string]any{}
		}
		writeJSON(w, 200, mails)
	case "/_mock/reset":
		f.mu.Lock()
		f.mails = nil
		f.mu.Unlock()
		w.WriteHeader(204)
	case "/_mock/clock":
		writeJSON(w, 200, map[string]any{"now": time.Now().UTC()})
	default:
		return false
	}
	return true
}

// serveAPI answers an /api request after Delay, as the knobs say.
func (f *FakePBX) serveAPI(w http.ResponseWriter, r *http.Request) {
	f.Requests.Add(1)
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return
		}
	}
	var body map[string]string
	if r.Method == http.MethodPost && r.Body != nil {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			apiErr(w, 400, "VALIDATE_FAILED", "body is not JSON")
			return
		}
	}
	switch r.Method + " " + r.URL.Path {
	case "GET /api/info":
		writeJSON(w, 200, map[string]any{"web_domain": "pbx.test", "enable_dataflow": false})
	case "POST /api/auth/sign_in":
		f.signIn(w, body)
	case "POST /api/auth/send_otp":
		f.mu.Lock()
		f.mails = append(f.mails, map[string]any{"id": "m1", "kind": "otp", "to": "carol@secure.example.com", "username": "carol", "domain": "secure.example.com", "code": "424242", "sent_at": time.Now().UTC()})
		f.mu.Unlock()
		w.WriteHeader(200)
	case "POST /api/auth/verify_otp":
		if body["token"] != "challenge-carol" || body["code"] != "424242" {
			apiErr(w, 401, "UNAUTHORIZED", "wrong code")
			return
		}
		writeJSON(w, 200, f.pair("at-carol"))
	case "GET /api/auth/user":
		userInfo(w, r.Header.Get("Authorization"))
	default:
		apiErr(w, 404, "UNKNOWN", "no such path")
	}
}

// signIn knows alice (a token pair) and carol (a 2FA challenge).
func (f *FakePBX) signIn(w http.ResponseWriter, body map[string]string) {
	if f.SignInStatus != 0 {
		apiErr(w, f.SignInStatus, "UNKNOWN", "forced")
		return
	}
	if v := rules.Username(body["username"], body["domain"] == ""); v != nil {
		apiErr(w, 400, "VALIDATE_FAILED", v.Error())
		return
	}
	switch {
	case body["username"] == "alice" && body["password"] == "Alice#2026" && body["domain"] == "example.com":
		writeJSON(w, 200, f.pair("at-alice"))
	case body["username"] == "carol" && body["password"] == "Carol#2026":
		writeJSON(w, 200, map[string]any{"two_factor_enabled": true, "token": "challenge-carol"})
	default:
		apiErr(w, 401, "UNAUTHORIZED", "wrong username or password")
	}
}

// userInfo answers for the access tokens signIn and verify_otp hand out.
func userInfo(w http.ResponseWriter, authorization string) {
	switch authorization {
	case "Bearer at-alice":
		writeJSON(w, 200, map[string]any{"role": "Admin", "domain": "example.com"})
	case "Bearer at-carol":
		writeJSON(w, 200, map[string]any{"role": "StandardUser", "domain": "secure.example.com"})
	default:
		apiErr(w, 401, "UNAUTHORIZED", "bad token")
	}
}

// Parse reads scenarios from src, failing the test on a mistake.
func Parse(t testing.TB, name, src string) []*scenarios.Scenario {
	t.Helper()
	ss, err := scenarios.NewLoader().Parse(name, []byte(src))
	require.NoError(t, err)
	return ss
}

// DoublingBomb is a scenario whose variable v<n> is v<n-1> twice: 2^n times v0.
func DoublingBomb(n int, v0 string) string {
	var b strings.Builder
	b.WriteString("name: bomb\ntags: [readonly]\nvars:\n")
	if v0 != "" {
		fmt.Fprintf(&b, "  v0: %q\n", v0)
	}
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "  v%d: \"${v%d}${v%d}\"\n", i, i-1, i-1)
	}
	fmt.Fprintf(&b, "steps:\n  - call: retrieveMetadata\n    params: {domain: \"${v%d}\"}\n", n)
	return b.String()
}

// Builtin loads the built-in suite, failing the test on a mistake.
func Builtin(t testing.TB) []*scenarios.Scenario {
	t.Helper()
	ss, err := scenarios.LoadBuiltin()
	require.NoError(t, err)
	return ss
}
