package apiclient_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/pbxauth/pbxauth/apiclient"
)

// Secrets used by the redaction tests: distinctive, so a substring check is exact.
const (
	secretPassword = "Pa55-hunter2-secret"
	secretNewPass  = "N3w-pass-secret"
	secretAccess   = "AT-0123456789abcdef"
	secretRefresh  = "RT-fedcba9876543210"
	secretSession  = "2FA-session-token-xyz"
	secretOTP      = "918273"
	secretCookie   = "cookie-value-q1w2e3"
	secretBearer   = "client-bearer-zz99"
)

var allSecrets = []string{secretPassword, secretNewPass, secretAccess, secretRefresh, secretSession, secretOTP, secretCookie, secretBearer}

func assertNoSecret(t *testing.T, where, text string) {
	t.Helper()
	for _, s := range allSecrets {
		if strings.Contains(text, s) {
			t.Errorf("%s leaks %q:\n%s", where, s, text)
		}
	}
}

// recordedExchanges runs every secret-carrying call against a server that echoes
// secrets back, and returns what the client observed.
func recordedExchanges(t *testing.T) []*apiclient.Exchange {
	t.Helper()
	var exs []*apiclient.Exchange
	c, mux, _ := setup(t, apiclient.WithBearerToken(secretBearer),
		apiclient.WithObserver(func(e *apiclient.Exchange) { exs = append(exs, e) }))
	pair := `{"token_type":"Bearer","access_token":"` + secretAccess + `","refresh_token":"` + secretRefresh + `","expires_in":1800}`
	mux.HandleFunc("/auth/sign_in", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"two_factor_enabled":true,"token":"`+secretSession+`"}`)
	})
	mux.HandleFunc("/auth/verify_otp", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, pair) })
	mux.HandleFunc("/auth/reset_password", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	mux.HandleFunc("/auth/refresh_token", func(w http.ResponseWriter, r *http.Request) {
		// An error that echoes the refused field, as some servers do.
		writeJSON(w, 400, `{"errors":[{"code":"VALIDATE_FAILED","message":"bad token","detail":{"refresh_token":"`+secretRefresh+`"}}]}`)
	})
	mux.HandleFunc("/auth/user", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"role":"Admin"}`) })
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			http.SetCookie(w, &http.Cookie{Name: "SESSION", Value: secretCookie, Path: "/"})
			w.WriteHeader(200)
			return
		}
		writeJSON(w, 200, `{"access_token":"`+secretAccess+`","expires_at":"2026-01-01T00:00:00Z","expires_in":10}`)
	})

	if _, err := c.SignInWithCredentials(ctx, apiclient.Credentials{Username: "alice", Password: secretPassword, Domain: "example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.VerifyOTP(ctx, secretSession, secretOTP); err != nil {
		t.Fatal(err)
	}
	if err := c.ResetPassword(ctx, secretSession, secretNewPass); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RefreshToken(ctx, secretRefresh); err == nil {
		t.Fatal("refresh_token: want the 400")
	}
	if _, err := c.GetUserAuthInfo(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if err := c.Login(ctx, apiclient.Credentials{Username: "alice", Password: secretPassword}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetLoginStatus(ctx); err != nil {
		t.Fatal(err)
	}
	if len(exs) != 7 {
		t.Fatalf("observed %d exchanges, want 7", len(exs))
	}
	return exs
}

func TestExchange_redactedRenderings(t *testing.T) {
	exs := recordedExchanges(t)
	var revealed strings.Builder
	for _, ex := range exs {
		t.Run(ex.Operation, func(t *testing.T) {
			assertNoSecret(t, "Curl(false)", ex.Curl(false))
			assertNoSecret(t, "Dump(false)", ex.Dump(false))
			j, err := json.Marshal(ex)
			if err != nil {
				t.Fatal(err)
			}
			assertNoSecret(t, "json.Marshal(*Exchange)", string(j))
			j, _ = json.Marshal(*ex)
			assertNoSecret(t, "json.Marshal(Exchange)", string(j))
			j, _ = json.Marshal(map[string]any{"history": []apiclient.Exchange{*ex}})
			assertNoSecret(t, "Exchange inside a report", string(j))
			for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
				assertNoSecret(t, verb+" of *Exchange", fmt.Sprintf(verb, ex))
				assertNoSecret(t, verb+" of Exchange", fmt.Sprintf(verb, *ex))
			}
			redacted := ex.Redact()
			assertNoSecret(t, "Redact()", redacted.Dump(true)+redacted.Curl(true))
			if strings.Contains(ex.Dump(false), apiclient.Redacted) == false && ex.Operation != "getUserAuthInfo" {
				t.Errorf("Dump(false) shows no %s marker:\n%s", apiclient.Redacted, ex.Dump(false))
			}
			revealed.WriteString(ex.Curl(true) + ex.Dump(true))
		})
	}
	// With reveal, every secret the calls carried is shown.
	for _, s := range allSecrets {
		if !strings.Contains(revealed.String(), s) {
			t.Errorf("reveal does not show %q", s)
		}
	}
}

func TestExchange_slog(t *testing.T) {
	exs := recordedExchanges(t)
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&buf, nil), slog.NewTextHandler(&buf, nil)} {
		log := slog.New(h)
		for _, ex := range exs {
			log.Info("exchange", "ex", ex, "value", *ex)
		}
		log.Info("request", "req", apiclient.Request{Method: "POST", Path: "/auth/sign_in", Body: []byte(`{"password":"` + secretPassword + `"}`), Bearer: secretBearer})
		log.Info("creds", "creds", apiclient.Credentials{Username: "alice", Password: secretPassword}, "secret", apiclient.Secret(secretOTP))
	}
	assertNoSecret(t, "slog output", buf.String())
	if !strings.Contains(buf.String(), apiclient.Redacted) {
		t.Error("slog output has no redaction marker")
	}
}

func TestRequestTypes_fmt(t *testing.T) {
	values := []any{
		apiclient.Credentials{Username: "alice", Password: secretPassword, Domain: "example.com"},
		&apiclient.Credentials{Username: "alice", Password: secretPassword},
		apiclient.TokenPair{AccessToken: secretAccess, RefreshToken: secretRefresh},
		&apiclient.TwoFactorChallenge{TwoFactorEnabled: true, Token: secretSession},
		apiclient.LoginStatus{AccessToken: secretAccess},
		apiclient.Request{Method: "POST", Path: "/auth/reset_password?token=" + secretSession,
			Body: []byte(`{"token":"` + secretSession + `","new_password":"` + secretNewPass + `"}`), ContentType: "application/json", Bearer: secretBearer},
		&apiclient.Request{Method: "POST", Path: "/login/by_microsoft", Body: []byte("domain=x&password=" + secretPassword), ContentType: "application/x-www-form-urlencoded"},
		apiclient.Response{Status: 200, Body: []byte(`{"access_token":"` + secretAccess + `"}`)},
		&apiclient.Response{Status: 200, Body: []byte(`{"refresh_token":"` + secretRefresh + `"}`)},
		apiclient.Secret(secretOTP),
	}
	for i, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			assertNoSecret(t, fmt.Sprintf("value %d (%T) with %s", i, v, verb), fmt.Sprintf(verb, v))
		}
		j, _ := json.Marshal(v)
		if _, isReq := v.(apiclient.Request); !isReq {
			assertNoSecret(t, fmt.Sprintf("json of %T", v), string(j))
		}
	}
}

func TestErrors_fmt(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("/auth/verify_otp", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, `{"errors":[{"code":"VALIDATE_FAILED","message":"wrong code","detail":{"code":"`+secretOTP+`","token":"`+secretSession+`"}}]}`)
	})
	mux.HandleFunc("/auth/refresh_token", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 500, `{"refresh_token":"`+secretRefresh+`", "trace":"x"}`)
	})
	mux.HandleFunc("/auth/user", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"role": "`+secretAccess+`" TRUNCATED`)
	})
	_, err1 := c.VerifyOTP(ctx, secretSession, secretOTP)
	_, err2 := c.RefreshToken(ctx, secretRefresh)
	_, err3 := c.GetUserAuthInfo(ctx, secretBearer)
	for i, err := range []error{err1, err2, err3} {
		if err == nil {
			t.Fatalf("call %d: no error", i)
		}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			assertNoSecret(t, fmt.Sprintf("error %d (%T) with %s", i, err, verb), fmt.Sprintf(verb, err))
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Error("call failed", "err", err)
		assertNoSecret(t, "slog of error", buf.String())
	}
}

func TestRedactURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://app/reset?token=abc&user=alice", "https://app/reset?token=[REDACTED]&user=alice"},
		{"https://app/cb?CODE=abc", "https://app/cb?CODE=[REDACTED]"},
		{"https://app/cb?a=1;access_token=abc", "https://app/cb?a=1;access_token=[REDACTED]"},
		{"https://app/cb?token=abc%zz&x=1", "https://app/cb?token=[REDACTED]&x=1"},
		{"https://app/cb?%74oken=abc", "https://app/cb?%74oken=[REDACTED]"},
		{"https://app/cb#access_token=abc&state=s", "https://app/cb#access_token=[REDACTED]&state=[REDACTED]"},
		{"https://app/cb?x=1#refresh_token=abc", "https://app/cb?x=1#refresh_token=[REDACTED]"},
		{"https://app/\x7f?token=abc", "https://app/\x7f?token=[REDACTED]"},
		{"https://app/cb?domain=example.com", "https://app/cb?domain=example.com"},
		{"https://pbx/api/info?password=hunter2&new_password=x2", "https://pbx/api/info?password=[REDACTED]&new_password=[REDACTED]"},
		{"https://app/cb", "https://app/cb"},
		{"", ""},
	} {
		if got := apiclient.RedactURL(tc.in); got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRedactBody(t *testing.T) {
	for _, tc := range []struct {
		name, ct, in string
		keep         []string // must survive
		gone         []string // must vanish
	}{
		{"JSON", "application/json", `{"username":"alice","password":"p1","nested":{"Token":"t1"},"list":[{"code":"c1"}]}`,
			[]string{"alice"}, []string{"p1", "t1", "c1"}},
		{"JSON without a content type", "", `{"access_token":"a1","expires_in":5}`, []string{"5"}, []string{"a1"}},
		{"non-string secret", "", `{"code":123456}`, nil, []string{"123456"}},
		{"empty secret stays empty", "", `{"password":""}`, []string{`"password":""`}, nil},
		{"reset link inside a body", "", `{"link":"https://app/reset?token=t9"}`, []string{"https://app/reset"}, []string{"t9"}},
		{"form", "application/x-www-form-urlencoded", "domain=example.com&password=p2", []string{"domain=example.com"}, []string{"p2"}},
		{"code exchange form", "application/x-www-form-urlencoded", "grant_type=authorization_code&code=c7&code_verifier=v7&redirect_uri=https%3A%2F%2Fapp%2Fcb",
			[]string{"grant_type=authorization_code", "redirect_uri="}, []string{"c7", "v7"}},
		{"form with a mixed-case media type", "Application/X-WWW-Form-Urlencoded; charset=UTF-8", "grant_type=authorization_code&code_verifier=v8&domain=example.com",
			[]string{"domain=example.com"}, []string{"v8"}},
		{"text with a verifier", "text/plain", "bad code_verifier=v9 here", []string{"bad"}, []string{"v9"}},
		{"JSON cut inside a verifier", "application/json", `{"code_verifier":"v10abc`, nil, []string{"v10abc"}},
		{"truncated JSON", "application/json", `{"username":"alice","password":"p3","tok`, []string{"alice"}, []string{"p3"}},
		{"JSON cut inside a secret", "application/json", `{"refresh_token":"r4abc`, nil, []string{"r4abc"}},
		{"text with key=value", "text/plain", "login failed for token=t5 now", []string{"login failed"}, []string{"t5"}},
		{"HTML", "text/html", "<h1>oops</h1>", []string{"<h1>oops</h1>"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := string(apiclient.RedactBody([]byte(tc.in), tc.ct))
			for _, k := range tc.keep {
				if !strings.Contains(out, k) {
					t.Errorf("RedactBody(%q) = %q lost %q", tc.in, out, k)
				}
			}
			for _, g := range tc.gone {
				if strings.Contains(out, g) {
					t.Errorf("RedactBody(%q) = %q keeps %q", tc.in, out, g)
				}
			}
		})
	}
}

func TestExchange_JSONRoundTrip(t *testing.T) {
	for _, ex := range recordedExchanges(t) {
		t.Run(ex.Operation, func(t *testing.T) {
			data, err := json.Marshal(ex)
			if err != nil {
				t.Fatal(err)
			}
			var back apiclient.Exchange
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatalf("Unmarshal: %v\n%s", err, data)
			}
			want := ex.Redact()
			if back.Operation != want.Operation || back.Method != want.Method || back.URL != want.URL ||
				back.Status != want.Status || !back.Started.Equal(want.Started) || back.Duration != want.Duration || back.Err != want.Err {
				t.Errorf("round trip changed the exchange:\n got %+v\nwant %+v", back.Dump(true), want.Dump(true))
			}
			if back.Dump(true) != want.Dump(true) {
				t.Errorf("dump differs:\n got %s\nwant %s", back.Dump(true), want.Dump(true))
			}
			again, _ := json.Marshal(&back)
			if !bytes.Equal(again, data) {
				t.Errorf("second marshal differs:\n%s\n%s", again, data)
			}
		})
	}
	t.Run("bodies: JSON embedded, other text as a string", func(t *testing.T) {
		ex := &apiclient.Exchange{Method: "GET", URL: "https://x/api/info",
			RequestBody: []byte(`"just a JSON string"`), ResponseBody: []byte("<html>oops</html>"), Status: 502}
		data, _ := json.Marshal(ex)
		var raw map[string]json.RawMessage
		_ = json.Unmarshal(data, &raw)
		if string(raw["request_body"]) != `"\"just a JSON string\""` || string(raw["response_body"]) != `"\u003chtml\u003eoops\u003c/html\u003e"` {
			t.Errorf("bodies stored as %s / %s", raw["request_body"], raw["response_body"])
		}
		var back apiclient.Exchange
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		if string(back.RequestBody) != `"just a JSON string"` || string(back.ResponseBody) != "<html>oops</html>" {
			t.Errorf("bodies came back as %q / %q", back.RequestBody, back.ResponseBody)
		}
		ex2 := &apiclient.Exchange{Method: "GET", ResponseBody: []byte(`{"a": [1, 2]}`)}
		data, _ = json.Marshal(ex2)
		if !strings.Contains(string(data), `"response_body":{"a":[1,2]}`) {
			t.Errorf("JSON body not embedded: %s", data)
		}
	})
	t.Run("a bad body is an error", func(t *testing.T) {
		var back apiclient.Exchange
		if err := json.Unmarshal([]byte(`{"method":"GET","request_body":"\x"}`), &back); err == nil {
			t.Error("accepted invalid JSON")
		}
	})
}

func TestRedactBody_keepsErrorCodes(t *testing.T) {
	in := `{"errors":[{"code":"VALIDATE_FAILED","message":"m","detail":{"code":"918273","token":"t1"}},{"code":{"otp":"x1"}}],"code":"654321"}`
	out := string(apiclient.RedactBody([]byte(in), "application/json"))
	if !strings.Contains(out, `"code":"VALIDATE_FAILED"`) {
		t.Errorf("error code hidden: %s", out)
	}
	for _, gone := range []string{"918273", "t1", "x1", "654321"} {
		if strings.Contains(out, gone) {
			t.Errorf("%q survived: %s", gone, out)
		}
	}
}
