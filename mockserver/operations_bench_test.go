package mockserver_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/pbxauth/pbxauth/mockserver"
)

// benchReq is one request to serve; built anew each iteration with httptest, the
// same way bench/floor's baseline benchmark builds its requests.
type benchReq struct {
	method, path, ctype, body string
	header                    http.Header
}

func serve(h http.Handler, r benchReq) *httptest.ResponseRecorder {
	req := httptest.NewRequest(r.method, r.path, strings.NewReader(r.body))
	if r.ctype != "" {
		req.Header.Set("Content-Type", r.ctype)
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

const (
	ctJSON = "application/json"
	ctForm = "application/x-www-form-urlencoded"
)

var (
	aliceSignIn = benchReq{method: "POST", path: "/api/auth/sign_in", ctype: ctJSON,
		body: `{"username":"alice","password":"Alice#2026","domain":"example.com"}`}
	carolSignIn = benchReq{method: "POST", path: "/api/auth/sign_in", ctype: ctJSON,
		body: `{"username":"carol","password":"Carol#2026","domain":"secure.example.com"}`}
	aliceLogin = benchReq{method: "POST", path: "/api/login", ctype: ctJSON,
		body: `{"username":"alice","password":"Alice#2026","domain":"example.com"}`}
	bobForget = benchReq{method: "POST", path: "/api/auth/forget_password", ctype: ctJSON,
		body: `{"username":"bob","domain":"example.com","callback_url":"http://127.0.0.1/reset"}`}
)

// fixture drives a fresh mock through its handler to get the tokens, codes and
// cookies the operations under test need. Its calls are never timed.
type fixture struct {
	b *testing.B
	s *mockserver.Server
	h http.Handler
	n int
}

func (f *fixture) must(r benchReq, want int) *httptest.ResponseRecorder {
	w := serve(f.h, r)
	if w.Code != want {
		f.b.Fatalf("setup %s %s: %d, want %d: %s", r.method, r.path, w.Code, want, w.Body)
	}
	return w
}

func (f *fixture) field(w *httptest.ResponseRecorder, name string) string {
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		f.b.Fatalf("setup: %v in %s", err, w.Body)
	}
	s, _ := m[name].(string)
	if s == "" {
		f.b.Fatalf("setup: no %s in %s", name, w.Body)
	}
	return s
}

func (f *fixture) pair() (access, refresh string) {
	w := f.must(aliceSignIn, 200)
	return f.field(w, "access_token"), f.field(w, "refresh_token")
}

func (f *fixture) challenge() string { return f.field(f.must(carolSignIn, 200), "token") }

// lastMail reads the mail just sent and empties the outbox, so reading stays O(1).
func (f *fixture) lastMail() mockserver.Mail {
	mails := f.s.Outbox()
	if len(mails) == 0 {
		f.b.Fatal("setup: the outbox is empty")
	}
	f.s.ClearOutbox()
	return mails[len(mails)-1]
}

func (f *fixture) cookie() string {
	cs := f.must(aliceLogin, 200).Result().Cookies()
	if len(cs) == 0 {
		f.b.Fatal("setup: POST /login set no cookie")
	}
	return cs[0].Name + "=" + cs[0].Value
}

func bearer(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

// opBench is one sub-benchmark. Either req gives one request served every iteration,
// or fresh makes a new one per iteration (untimed) for operations that use up what
// they are given: a refresh token, a reset token, a challenge, a session.
type opBench struct {
	name  string
	want  int
	req   func(f *fixture) benchReq
	fresh func(f *fixture) benchReq
	// batch is how many fresh inputs may be made ahead (default 1000, below the
	// stores' bound). Reset links die when the password changes, so one at a time.
	batch int
}

func operationBenches() []opBench {
	static := func(r benchReq) func(*fixture) benchReq { return func(*fixture) benchReq { return r } }
	return []opBench{
		{name: "retrieveMetadata", want: 200, req: static(benchReq{method: "GET", path: "/api/info"})},
		{name: "retrieveMetadata/domain", want: 200, req: static(benchReq{method: "GET", path: "/api/info?domain=example.com"})},
		{name: "signInWithCredentials", want: 200, req: static(aliceSignIn)},
		{name: "signInWithCredentials/2fa_challenge", want: 200, req: static(carolSignIn)},
		{name: "signInWithCredentials/wrong_password", want: 401, req: static(benchReq{method: "POST", path: "/api/auth/sign_in",
			ctype: ctJSON, body: `{"username":"alice","password":"Wrong#2026","domain":"example.com"}`})},
		{name: "signInWithCredentials/invalid_username", want: 400, req: static(benchReq{method: "POST", path: "/api/auth/sign_in",
			ctype: ctJSON, body: `{"username":".alice","password":"Alice#2026","domain":"example.com"}`})},
		{name: "signInWithCredentials/malformed_json", want: 400, req: static(benchReq{method: "POST", path: "/api/auth/sign_in",
			ctype: ctJSON, body: `{"username":`})},
		{name: "signInWithSocialAccount", want: 200, req: static(benchReq{method: "POST", path: "/api/auth/sign_in/microsoft",
			ctype: ctJSON, body: `{"domain":"contoso.com","callback_url":"http://127.0.0.1/cb"}`})},
		{name: "sendOTP", want: 200, req: func(f *fixture) benchReq {
			return benchReq{method: "POST", path: "/api/auth/send_otp", ctype: ctJSON, body: `{"token":"` + f.challenge() + `"}`}
		}},
		{name: "verifyOTP", want: 200, fresh: func(f *fixture) benchReq {
			tok := f.challenge()
			f.must(benchReq{method: "POST", path: "/api/auth/send_otp", ctype: ctJSON, body: `{"token":"` + tok + `"}`}, 200)
			code := f.lastMail().Code
			return benchReq{method: "POST", path: "/api/auth/verify_otp", ctype: ctJSON, body: `{"token":"` + tok + `","code":"` + code + `"}`}
		}},
		{name: "forgetPassword", want: 200, req: static(bobForget)},
		{name: "resetPassword", want: 200, batch: 1, fresh: func(f *fixture) benchReq {
			f.must(bobForget, 200)
			tok := f.lastMail().Token
			f.n++
			return benchReq{method: "POST", path: "/api/auth/reset_password", ctype: ctJSON,
				body: fmt.Sprintf(`{"token":%q,"new_password":"Bob#%07d"}`, tok, f.n)}
		}},
		{name: "refreshToken", want: 200, fresh: func(f *fixture) benchReq {
			_, refresh := f.pair()
			return benchReq{method: "POST", path: "/api/auth/refresh_token", ctype: ctJSON, body: `{"refresh_token":"` + refresh + `"}`}
		}},
		{name: "getUserAuthInfo", want: 200, req: func(f *fixture) benchReq {
			access, _ := f.pair()
			return benchReq{method: "GET", path: "/api/auth/user", header: bearer(access)}
		}},
		{name: "getUserAuthInfo/no_token", want: 401, req: static(benchReq{method: "GET", path: "/api/auth/user"})},
		{name: "signOut", want: 200, fresh: func(f *fixture) benchReq {
			access, _ := f.pair()
			return benchReq{method: "POST", path: "/api/auth/sign_out", header: bearer(access)}
		}},
		{name: "login", want: 200, req: static(aliceLogin)},
		{name: "getLoginStatus", want: 200, req: func(f *fixture) benchReq {
			return benchReq{method: "GET", path: "/api/login", header: http.Header{"Cookie": {f.cookie()}}}
		}},
		{name: "logout", want: 204, fresh: func(f *fixture) benchReq {
			return benchReq{method: "POST", path: "/api/logout", header: http.Header{"Cookie": {f.cookie()}}}
		}},
		{name: "loginWithMicrosoft", want: 302, req: static(benchReq{method: "POST", path: "/api/login/by_microsoft",
			ctype: ctForm, body: "domain=contoso.com"})},
		{name: "not_found", want: 404, req: static(benchReq{method: "GET", path: "/api/nope"})},
	}
}

// BenchmarkOperations serves each operation through the mock's full handler
// (routing, body decoding, spec and field-rule validation, state, journal) on a
// fresh server per sub-benchmark. gobench.sh prints each as a multiple of the
// floor's handler; allocs/op of retrieveMetadata and signInWithCredentials are
// the ones issue 6 asks to keep low.
func BenchmarkOperations(b *testing.B) {
	for _, tc := range operationBenches() {
		b.Run(tc.name, func(b *testing.B) {
			s, err := mockserver.New(mockserver.Options{})
			if err != nil {
				b.Fatal(err)
			}
			f := &fixture{b: b, s: s, h: s.Handler()}
			check := func(w *httptest.ResponseRecorder, r benchReq) {
				if w.Code != tc.want {
					b.Fatalf("%s %s: %d, want %d: %s", r.method, r.path, w.Code, tc.want, w.Body)
				}
			}
			b.ReportAllocs()
			if tc.fresh == nil {
				r := tc.req(f)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					check(serve(f.h, r), r)
				}
				return
			}
			// Inputs are made in batches below the stores' bound, with the timer
			// stopped, so none is evicted or outdated before it is used.
			batch := tc.batch
			if batch == 0 {
				batch = 1000
			}
			reqs := make([]benchReq, 0, batch)
			b.ResetTimer()
			for done := 0; done < b.N; {
				b.StopTimer()
				reqs = reqs[:0]
				for range min(batch, b.N-done) {
					reqs = append(reqs, tc.fresh(f))
				}
				b.StartTimer()
				for _, r := range reqs {
					check(serve(f.h, r), r)
				}
				done += len(reqs)
			}
		})
	}
}

// BenchmarkRequestLog is what standalone mode's one log line per request costs:
// GET /info with no logger (in-process use) and with the text handler `pbxauth
// mock` uses, writing to /dev/null (a write syscall per line, no disk).
func BenchmarkRequestLog(b *testing.B) {
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { devnull.Close() })
	for _, tc := range []struct {
		name   string
		logger *slog.Logger
	}{
		{"no_logger", nil},
		{"text_to_devnull", slog.New(slog.NewTextHandler(devnull, &slog.HandlerOptions{Level: slog.LevelInfo}))},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s, err := mockserver.New(mockserver.Options{Logger: tc.logger})
			if err != nil {
				b.Fatal(err)
			}
			h := s.Handler()
			r := benchReq{method: "GET", path: "/api/info"}
			b.ReportAllocs()
			for b.Loop() {
				if w := serve(h, r); w.Code != http.StatusOK {
					b.Fatalf("GET /api/info: %d", w.Code)
				}
			}
		})
	}
}
