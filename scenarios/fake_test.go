package scenarios

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pbxauth/pbxauth/apiclient/rules"
)

// fakePBX is a tiny stand-in for the mock PBX with knobs to misbehave, so runner
// tests don't depend on the mock and can break the answers in ways the mock won't.
type fakePBX struct {
	mu    sync.Mutex
	mails []map[string]any
	// knobs
	signInStatus  int           // force a status on sign-in
	dropAccess    bool          // leave access_token out of token pairs
	badExpires    bool          // expires_in as a string (breaks the spec)
	delay         time.Duration // before every /api answer
	inflight, max atomic.Int32
	requests      atomic.Int64
}

func newFake(t testing.TB) (*fakePBX, *httptest.Server) {
	f := &fakePBX{}
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

func (f *fakePBX) pair(tok string) map[string]any {
	p := map[string]any{"token_type": "Bearer", "access_token": tok, "refresh_token": "rt-" + tok, "expires_in": 1800}
	if f.dropAccess {
		delete(p, "access_token")
	}
	if f.badExpires {
		p["expires_in"] = "soon"
	}
	return p
}

func (f *fakePBX) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := f.inflight.Add(1)
	defer f.inflight.Add(-1)
	for {
		m := f.max.Load()
		if n <= m || f.max.CompareAndSwap(m, n) {
			break
		}
	}
	switch r.URL.Path {
	case "/_mock/outbox":
		f.mu.Lock()
		mails := append([]map[string]any{}, f.mails...)
		f.mu.Unlock()
		if mails == nil {
			mails = []map[string]any{}
		}
		writeJSON(w, 200, mails)
		return
	case "/_mock/reset":
		f.mu.Lock()
		f.mails = nil
		f.mu.Unlock()
		w.WriteHeader(204)
		return
	case "/_mock/clock":
		writeJSON(w, 200, map[string]any{"now": time.Now().UTC()})
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		http.NotFound(w, r) // other control endpoints: this fake has none
		return
	}
	f.requests.Add(1)
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
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
		if f.signInStatus != 0 {
			apiErr(w, f.signInStatus, "UNKNOWN", "forced")
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
		switch r.Header.Get("Authorization") {
		case "Bearer at-alice":
			writeJSON(w, 200, map[string]any{"role": "Admin", "domain": "example.com"})
		case "Bearer at-carol":
			writeJSON(w, 200, map[string]any{"role": "StandardUser", "domain": "secure.example.com"})
		default:
			apiErr(w, 401, "UNAUTHORIZED", "bad token")
		}
	default:
		if strings.HasPrefix(r.URL.Path, "/api/") {
			apiErr(w, 404, "UNKNOWN", "no such path")
			return
		}
		http.NotFound(w, r)
	}
}
