package fuzz

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/pbxauth/pbxauth/mockserver"
)

// A defective PBX for the tests: pbxauth's mock behind a middleware that seeds one
// realistic defect, with the mock's control API hidden, so the fuzzer treats it as a
// real PBX (no mock-level checks, no outbox, nothing defaults).
type defect func(next http.Handler) http.Handler

func defectivePBX(t *testing.T, d defect) string { return defective(t, d, false) }

// defectiveMock keeps the control API: the fuzzer sees a standalone mock, reads its
// outbox and runs the mail sequences.
func defectiveMock(t *testing.T, d defect) string { return defective(t, d, true) }

func defective(t *testing.T, d defect, control bool) string {
	t.Helper()
	mock, err := mockserver.New(mockserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := d(mock.Handler())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_mock") && !control {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api"
}

// readBody takes the request body and puts it back for the next handler.
func readBody(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b
}

// record runs next and keeps its answer, so a defect can rewrite it.
func record(next http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	return rec
}

func replay(w http.ResponseWriter, rec *httptest.ResponseRecorder, body []byte) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

var userInfo = map[string]any{"role": "Admin", "password_verified": true, "password_force_reset": false,
	"domain": "example.com", "role_id": "4", "role_name": "Tenant administrator", "capabilities": []string{"tenant.manage"}}

// 500 for any request with a byte outside ASCII in its body or query.
func nonASCII500(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := readBody(r)
		q, _ := io.ReadAll(strings.NewReader(r.URL.RawQuery + r.URL.Path))
		for _, c := range append(b, []byte(r.URL.Query().Encode()+string(q))...) {
			if c >= 0x80 {
				http.Error(w, "internal error", http.StatusInternalServerError)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// GET /auth/user answers the account whatever the bearer, or with none.
func userIgnoresBearer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := record(next, r)
		if r.URL.Path == "/api/auth/user" && rec.Code == http.StatusUnauthorized {
			writeJSON(w, http.StatusOK, userInfo)
			return
		}
		replay(w, rec, rec.Body.Bytes())
	})
}

// GET /auth/user accepts any bearer string (but still wants one).
func anyBearer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := record(next, r)
		if r.URL.Path == "/api/auth/user" && rec.Code == http.StatusUnauthorized && strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			writeJSON(w, http.StatusOK, userInfo)
			return
		}
		replay(w, rec, rec.Body.Bytes())
	})
}

// A refresh token works again after rotation: its first answer is sent again.
func refreshReusable() defect {
	return replayFirstSuccess("/api/auth/refresh_token", func(body []byte) string {
		var in struct {
			RefreshToken string `json:"refresh_token"`
		}
		_ = json.Unmarshal(body, &in)
		return in.RefreshToken
	})
}

// GET /auth/user answers password_verified as a string, against the schema.
func schemaViolation(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := record(next, r)
		if r.URL.Path == "/api/auth/user" && rec.Code == http.StatusOK {
			var m map[string]any
			if json.Unmarshal(rec.Body.Bytes(), &m) == nil {
				m["password_verified"] = "yes"
				b, _ := json.Marshal(m)
				replay(w, rec, b)
				return
			}
		}
		replay(w, rec, rec.Body.Bytes())
	})
}

// rewritePassword hands next the account's real password when match says the sent
// one should pass: the defect of a PBX that compares passwords loosely.
func rewritePassword(paths []string, match func(sent, real string) bool) defect {
	real := map[string]string{}
	data := mockserver.DemoData()
	for _, a := range data.System.Accounts {
		real["|"+a.Username] = a.Password
	}
	for _, tn := range data.Tenants {
		for _, a := range tn.Users {
			real[tn.Domain+"|"+a.Username] = a.Password
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hit := false
			for _, p := range paths {
				hit = hit || r.URL.Path == p
			}
			if hit && r.Method == http.MethodPost {
				var body map[string]any
				if json.Unmarshal(readBody(r), &body) == nil {
					u, _ := body["username"].(string)
					d, _ := body["domain"].(string)
					sent, _ := body["password"].(string)
					if pw, ok := real[d+"|"+u]; ok && match(sent, pw) {
						body["password"] = pw
						b, _ := json.Marshal(body)
						r.Body = io.NopCloser(bytes.NewReader(b))
						r.ContentLength = int64(len(b))
					}
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

var (
	caseInsensitivePassword = rewritePassword([]string{"/api/auth/sign_in", "/api/login"}, strings.EqualFold)
	webLoginIgnoresPassword = rewritePassword([]string{"/api/login"}, func(string, string) bool { return true })
)

// Sign-in tells an unknown account apart: 404 USER_NOT_FOUND instead of the refusal a
// wrong password gets.
func tellsUnknownUsers(next http.Handler) http.Handler {
	known := map[string]bool{}
	for _, tn := range mockserver.DemoData().Tenants {
		for _, a := range tn.Users {
			known[a.Username] = true
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.Unmarshal(readBody(r), &body)
		rec := record(next, r)
		if u, _ := body["username"].(string); r.URL.Path == "/api/auth/sign_in" && rec.Code/100 == 4 && u != "" && !known[u] {
			writeJSON(w, http.StatusNotFound, map[string]any{"errors": []any{map[string]any{"code": "USER_NOT_FOUND", "message": "no such user"}}})
			return
		}
		replay(w, rec, rec.Body.Bytes())
	})
}

// Token answers of sign-in may be cached: no Cache-Control.
func cacheableTokens(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := record(next, r)
		if r.URL.Path == "/api/auth/sign_in" {
			rec.Header().Del("Cache-Control")
			rec.Header().Del("Pragma")
		}
		replay(w, rec, rec.Body.Bytes())
	})
}

// Any token the PBX issued opens GET /auth/user, refresh tokens included.
func refreshAsBearer() defect {
	var mu sync.Mutex
	issued := map[string]bool{}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := record(next, r)
			var pair struct {
				Refresh string `json:"refresh_token"`
			}
			if json.Unmarshal(rec.Body.Bytes(), &pair) == nil && pair.Refresh != "" {
				mu.Lock()
				issued[pair.Refresh] = true
				mu.Unlock()
			}
			mu.Lock()
			ok := issued[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
			mu.Unlock()
			if r.URL.Path == "/api/auth/user" && rec.Code == http.StatusUnauthorized && ok {
				writeJSON(w, http.StatusOK, userInfo)
				return
			}
			replay(w, rec, rec.Body.Bytes())
		})
	}
}

// The web session cookie can be read by scripts: no HttpOnly.
func scriptableCookie(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := record(next, r)
		if cs := rec.Header().Values("Set-Cookie"); len(cs) > 0 {
			rec.Header().Del("Set-Cookie")
			for _, c := range cs {
				c = strings.ReplaceAll(strings.ReplaceAll(c, "; HttpOnly", ""), "HttpOnly; ", "")
				rec.Header().Add("Set-Cookie", c)
			}
		}
		replay(w, rec, rec.Body.Bytes())
	})
}

// A correct PBX that chooses otherwise wherever PortSIP's documents are silent: every
// refusal is a bare 400 (the 401s of /auth/user and /login with no body at all),
// sign-out answers 200 whatever the token, and forgot password refuses a tenant it
// does not have.
func otherChoices(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := readBody(r)
		if r.URL.Path == "/api/auth/sign_out" {
			next.ServeHTTP(httptest.NewRecorder(), r)
			w.WriteHeader(http.StatusOK)
			return
		}
		rec := record(next, r)
		switch {
		case rec.Code == http.StatusUnauthorized && (r.URL.Path == "/api/auth/user" || r.URL.Path == "/api/login" && r.Method == http.MethodGet):
			w.WriteHeader(http.StatusUnauthorized)
			return
		case r.URL.Path == "/api/auth/forget_password" && rec.Code == http.StatusOK && !bytes.Contains(body, []byte(`"example.com"`)) && bytes.Contains(body, []byte(`"domain"`)):
			writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []any{map[string]any{"code": "UNKNOWN", "message": "no such tenant"}}})
			return
		case rec.Code/100 == 4:
			rec.Code = http.StatusBadRequest
		}
		replay(w, rec, rec.Body.Bytes())
	})
}

// A one-time code works twice: the first success is answered again.
func otpReusable() defect {
	return replayFirstSuccess("/api/auth/verify_otp", func(body []byte) string { return string(body) })
}

// Revoke answers 200 and ends nothing: the access token keeps working.
func revokeIgnored(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/login/oauth/revoke" && strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			w.WriteHeader(http.StatusOK)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// replayFirstSuccess answers a request to path again with the first success of the
// same key (from the body; "" leaves the request alone): whatever was used works twice.
func replayFirstSuccess(path string, key func(body []byte) string) defect {
	var mu sync.Mutex
	answers := map[string][]byte{}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			k := ""
			if r.URL.Path == path {
				k = key(readBody(r))
			}
			if k == "" {
				next.ServeHTTP(w, r)
				return
			}
			mu.Lock()
			old, seen := answers[k]
			mu.Unlock()
			if seen {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Cache-Control", "no-store")
				_, _ = w.Write(old)
				return
			}
			rec := record(next, r)
			if rec.Code == http.StatusOK {
				mu.Lock()
				answers[k] = rec.Body.Bytes()
				mu.Unlock()
			}
			replay(w, rec, rec.Body.Bytes())
		})
	}
}

// tokenFormReplay: a grant of the token endpoint's form, picked by key, works twice.
func tokenFormReplay(key func(form url.Values) string) defect {
	return replayFirstSuccess("/api/login/oauth/token", func(body []byte) string {
		form, _ := url.ParseQuery(string(body))
		return key(form)
	})
}

// The refresh grant takes a refresh token again after rotation.
func oauthRefreshReusable() defect {
	return tokenFormReplay(func(f url.Values) string {
		if f.Get("grant_type") != "refresh_token" {
			return ""
		}
		return f.Get("refresh_token")
	})
}

// An authorization code works twice.
func codeReusable() defect {
	return tokenFormReplay(func(f url.Values) string {
		if f.Get("grant_type") != "authorization_code" {
			return ""
		}
		return f.Get("code")
	})
}

// PKCE is not enforced: the challenge of the sign-in and the verifier of the exchange
// are dropped on the way in, so any verifier (or none) gets the tokens.
func verifierIgnored(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/auth/sign_in/microsoft":
			var body map[string]any
			if json.Unmarshal(readBody(r), &body) == nil {
				delete(body, "code_challenge")
				delete(body, "code_challenge_method")
				b, _ := json.Marshal(body)
				r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
			}
		case "/api/login/oauth/token":
			form, _ := url.ParseQuery(string(readBody(r)))
			form.Del("code_verifier")
			b := []byte(form.Encode())
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}
		next.ServeHTTP(w, r)
	})
}
