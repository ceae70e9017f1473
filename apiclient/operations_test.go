package apiclient_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
)

var ctx = context.Background()

func TestClient_RetrieveMetadata(t *testing.T) {
	t.Run("with a domain asks for the tenant too", func(t *testing.T) {
		c, mux, _ := setup(t)
		mux.HandleFunc("/info", func(w http.ResponseWriter, r *http.Request) {
			testMethod(t, r, http.MethodGet)
			testQuery(t, r, url.Values{"domain": {"example.com"}})
			testNoBody(t, r)
			testBearer(t, r, "")
			testHeader(t, r, "Accept", "application/json")
			writeJSON(w, 200, `{"web_domain":"pbx.example.com","enable_dataflow":false,"name":"Example","enable_ms365_integration":true}`)
		})
		m, err := c.RetrieveMetadata(ctx, "example.com")
		if err != nil {
			t.Fatal(err)
		}
		if m.WebDomain != "pbx.example.com" || m.Name != "Example" {
			t.Errorf("metadata = %+v", m)
		}
		if m.EnableDataflow == nil || *m.EnableDataflow {
			t.Errorf("enable_dataflow = %v, want present and false", m.EnableDataflow)
		}
		if m.EnableMS365Integration == nil || !*m.EnableMS365Integration {
			t.Errorf("enable_ms365_integration = %v, want true", m.EnableMS365Integration)
		}
	})
	t.Run("without a domain sends no query", func(t *testing.T) {
		c, mux, _ := setup(t)
		mux.HandleFunc("/info", func(w http.ResponseWriter, r *http.Request) {
			testQuery(t, r, url.Values{})
			writeJSON(w, 200, `{}`)
		})
		m, err := c.RetrieveMetadata(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if m.EnableDataflow != nil {
			t.Errorf("absent enable_dataflow decoded as %v", *m.EnableDataflow)
		}
	})
}

func TestClient_SignInWithCredentials(t *testing.T) {
	t.Run("token pair", func(t *testing.T) {
		c, mux, _ := setup(t)
		mux.HandleFunc("/auth/sign_in", func(w http.ResponseWriter, r *http.Request) {
			testMethod(t, r, http.MethodPost)
			testQuery(t, r, url.Values{})
			testBearer(t, r, "")
			testJSONBody(t, r, map[string]any{"username": "alice", "password": "pw-1", "domain": "example.com"})
			writeJSON(w, 200, `{"token_type":"Bearer","access_token":"at-1","refresh_token":"rt-1","expires_in":1800}`)
		})
		res, err := c.SignInWithCredentials(ctx, apiclient.Credentials{Username: "alice", Password: "pw-1", Domain: "example.com"})
		if err != nil {
			t.Fatal(err)
		}
		tp, ok := res.(*apiclient.TokenPair)
		if !ok {
			t.Fatalf("result is %T, want *TokenPair", res)
		}
		if tp.AccessToken.Reveal() != "at-1" || tp.RefreshToken.Reveal() != "rt-1" || tp.ExpiresIn != 1800 || tp.TokenType != "Bearer" {
			t.Errorf("pair = %#v", tp)
		}
	})
	t.Run("two-factor challenge, system level, from a QR code", func(t *testing.T) {
		c, mux, _ := setup(t)
		mux.HandleFunc("/auth/sign_in", func(w http.ResponseWriter, r *http.Request) {
			testQuery(t, r, url.Values{"qr": {"true"}})
			testJSONBody(t, r, map[string]any{"username": "admin", "password": "pw"})
			writeJSON(w, 200, `{"two_factor_enabled":true,"token":"session-1"}`)
		})
		res, err := c.SignInWithCredentials(ctx, apiclient.Credentials{Username: "admin", Password: "pw", QR: true})
		if err != nil {
			t.Fatal(err)
		}
		ch, ok := res.(*apiclient.TwoFactorChallenge)
		if !ok {
			t.Fatalf("result is %T, want *TwoFactorChallenge", res)
		}
		if !ch.TwoFactorEnabled || ch.Token.Reveal() != "session-1" {
			t.Errorf("challenge = %#v", ch)
		}
	})
	t.Run("an answer that is neither is a DecodeError", func(t *testing.T) {
		c, mux, _ := setup(t)
		mux.HandleFunc("/auth/sign_in", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"hello":"world"}`)
		})
		_, err := c.SignInWithCredentials(ctx, apiclient.Credentials{Username: "a", Password: "b"})
		var de *apiclient.DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("err = %v, want *DecodeError", err)
		}
	})
	t.Run("wrong password is an UNAUTHORIZED APIError", func(t *testing.T) {
		c, mux, _ := setup(t)
		mux.HandleFunc("/auth/sign_in", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 401, `{"errors":[{"code":"UNAUTHORIZED","message":"wrong username or password"}]}`)
		})
		_, err := c.SignInWithCredentials(ctx, apiclient.Credentials{Username: "a", Password: "b"})
		if !apiclient.IsAPIError(err, apiclient.CodeUnauthorized) {
			t.Fatalf("err = %v, want UNAUTHORIZED", err)
		}
	})
}

func TestClient_SignInWithSocialAccount(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("/auth/sign_in/microsoft", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testQuery(t, r, url.Values{})
		testBearer(t, r, "")
		testJSONBody(t, r, map[string]any{"domain": "example.com", "callback_url": "https://app.example.com/cb"})
		writeJSON(w, 200, `{"url":"https://login.microsoftonline.com/authorize?x=1"}`)
	})
	res, err := c.SignInWithSocialAccount(ctx, apiclient.SocialSignIn{Provider: "microsoft", Domain: "example.com", CallbackURL: "https://app.example.com/cb"})
	if err != nil {
		t.Fatal(err)
	}
	if res.URL != "https://login.microsoftonline.com/authorize?x=1" {
		t.Errorf("url = %q", res.URL)
	}
	for _, bad := range []string{"", "a/b", "a?b", "a#b"} {
		if _, err := c.SignInWithSocialAccount(ctx, apiclient.SocialSignIn{Provider: bad}); err == nil {
			t.Errorf("provider %q accepted", bad)
		}
	}
}

func TestClient_SendOTP(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("/auth/send_otp", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testBearer(t, r, "")
		testJSONBody(t, r, map[string]any{"token": "session-1"})
		w.WriteHeader(200)
	})
	if err := c.SendOTP(ctx, "session-1"); err != nil {
		t.Fatal(err)
	}
}

func TestClient_VerifyOTP(t *testing.T) {
	t.Run("answer with a token pair", func(t *testing.T) {
		c, mux, _ := setup(t)
		mux.HandleFunc("/auth/verify_otp", func(w http.ResponseWriter, r *http.Request) {
			testMethod(t, r, http.MethodPost)
			testBearer(t, r, "")
			testJSONBody(t, r, map[string]any{"token": "session-1", "code": "123456"})
			writeJSON(w, 200, `{"token_type":"Bearer","access_token":"at","refresh_token":"rt","expires_in":60}`)
		})
		tp, err := c.VerifyOTP(ctx, "session-1", "123456")
		if err != nil {
			t.Fatal(err)
		}
		if tp == nil || tp.AccessToken.Reveal() != "at" {
			t.Errorf("pair = %#v", tp)
		}
	})
	t.Run("answer without a body", func(t *testing.T) {
		c, mux, _ := setup(t)
		mux.HandleFunc("/auth/verify_otp", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
		tp, err := c.VerifyOTP(ctx, "s", "1")
		if err != nil || tp != nil {
			t.Errorf("VerifyOTP = %v, %v; want nil, nil", tp, err)
		}
	})
}

func TestClient_ForgetPassword(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  apiclient.ForgetPassword
		want map[string]any
	}{
		{"tenant user", apiclient.ForgetPassword{Domain: "example.com", Username: "alice", CallbackURL: "https://app/reset"},
			map[string]any{"domain": "example.com", "username": "alice", "callback_url": "https://app/reset"}},
		{"system user leaves the domain out", apiclient.ForgetPassword{Username: "admin", CallbackURL: "https://app/reset"},
			map[string]any{"username": "admin", "callback_url": "https://app/reset"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mux, _ := setup(t)
			mux.HandleFunc("/auth/forget_password", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, http.MethodPost)
				testBearer(t, r, "")
				testJSONBody(t, r, tc.want)
				w.WriteHeader(200)
			})
			if err := c.ForgetPassword(ctx, tc.req); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestClient_ResetPassword(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("/auth/reset_password", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testBearer(t, r, "")
		testJSONBody(t, r, map[string]any{"token": "reset-1", "new_password": "N3w!pass"})
		w.WriteHeader(200)
	})
	if err := c.ResetPassword(ctx, "reset-1", "N3w!pass"); err != nil {
		t.Fatal(err)
	}
}

func TestClient_RefreshToken(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("/auth/refresh_token", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testBearer(t, r, "")
		testJSONBody(t, r, map[string]any{"refresh_token": "rt-1"})
		writeJSON(w, 200, `{"token_type":"Bearer","access_token":"at-2","refresh_token":"rt-2","expires_in":3600}`)
	})
	tp, err := c.RefreshToken(ctx, "rt-1")
	if err != nil {
		t.Fatal(err)
	}
	if tp.AccessToken.Reveal() != "at-2" || tp.RefreshToken.Reveal() != "rt-2" || tp.ExpiresIn != 3600 {
		t.Errorf("pair = %#v", tp)
	}
}

func TestClient_GetUserAuthInfo(t *testing.T) {
	t.Run("explicit token wins over the client's", func(t *testing.T) {
		c, mux, _ := setup(t, apiclient.WithBearerToken("client-token"))
		mux.HandleFunc("/auth/user", func(w http.ResponseWriter, r *http.Request) {
			testMethod(t, r, http.MethodGet)
			testQuery(t, r, url.Values{})
			testNoBody(t, r)
			testBearer(t, r, "call-token")
			writeJSON(w, 200, `{"role":"Admin","password_verified":true,"password_force_reset":false,"domain":"example.com","role_id":"r1","role_name":"Admin","capabilities":["users.read"]}`)
		})
		u, err := c.GetUserAuthInfo(ctx, "call-token")
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != "Admin" || !u.PasswordVerified || u.Domain != "example.com" || u.RoleID != "r1" || len(u.Capabilities) != 1 {
			t.Errorf("user = %+v", u)
		}
	})
	t.Run("v22.3 fields of any JSON type read as text", func(t *testing.T) {
		c, mux, _ := setup(t)
		mux.HandleFunc("/auth/user", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"role":"Admin","role_id":5,"capabilities":["calls.make",{"name": "auth", "scope": "self"},null,7]}`)
		})
		u, err := c.GetUserAuthInfo(ctx, "tok")
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != "Admin" || u.RoleID != "5" || !slices.Equal(u.Capabilities, []string{"calls.make", `{"name":"auth","scope":"self"}`, "7"}) {
			t.Errorf("user = %+v", u)
		}
	})
	t.Run("empty token uses the client's", func(t *testing.T) {
		c, mux, _ := setup(t, apiclient.WithBearerToken("client-token"))
		mux.HandleFunc("/auth/user", func(w http.ResponseWriter, r *http.Request) {
			testBearer(t, r, "client-token")
			writeJSON(w, 200, `{}`)
		})
		if _, err := c.GetUserAuthInfo(ctx, ""); err != nil {
			t.Fatal(err)
		}
	})
}

func TestClient_SignOut(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("/auth/sign_out", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testQuery(t, r, url.Values{})
		testNoBody(t, r)
		testBearer(t, r, "at-1")
		w.WriteHeader(200)
	})
	if err := c.SignOut(ctx, "at-1"); err != nil {
		t.Fatal(err)
	}
}

// TestClient_sessionCookie covers login, getLoginStatus and logout together: the
// cookie set by /login must come back on the later calls of the same client.
func TestClient_sessionCookie(t *testing.T) {
	c, mux, _ := setup(t)
	loggedIn := false
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			testCookie(t, r, "SESSION", "")
			testBearer(t, r, "")
			testJSONBody(t, r, map[string]any{"username": "alice", "password": "pw", "domain": "example.com"})
			http.SetCookie(w, &http.Cookie{Name: "SESSION", Value: "sess-42", Path: "/", HttpOnly: true})
			loggedIn = true
			w.WriteHeader(200)
		case http.MethodGet:
			testNoBody(t, r)
			testBearer(t, r, "")
			testCookie(t, r, "SESSION", "sess-42")
			writeJSON(w, 200, `{"access_token":"web-at","expires_at":"2026-01-02T03:04:05Z","expires_in":1800,"role":"Admin"}`)
		default:
			t.Errorf("method %s", r.Method)
		}
	})
	mux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testNoBody(t, r)
		testCookie(t, r, "SESSION", "sess-42")
		http.SetCookie(w, &http.Cookie{Name: "SESSION", Value: "", Path: "/", MaxAge: -1})
		w.WriteHeader(http.StatusNoContent)
	})

	if err := c.Login(ctx, apiclient.Credentials{Username: "alice", Password: "pw", Domain: "example.com"}); err != nil {
		t.Fatal(err)
	}
	if !loggedIn {
		t.Fatal("login handler not reached")
	}
	st, err := c.GetLoginStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if st.AccessToken.Reveal() != "web-at" || !st.ExpiresAt.Equal(want) || st.ExpiresIn != 1800 || st.Role != "Admin" {
		t.Errorf("status = %#v", st)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestClient_GetLoginStatus_withoutSession(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		testCookie(t, r, "SESSION", "")
		writeJSON(w, 401, `{"errors":[{"code":"UNAUTHORIZED","message":"not logged in"}]}`)
	})
	_, err := c.GetLoginStatus(ctx)
	var ae *apiclient.APIError
	if !errors.As(err, &ae) || ae.Status != 401 || ae.Code() != apiclient.CodeUnauthorized {
		t.Fatalf("err = %v, want 401 UNAUTHORIZED", err)
	}
}

func TestClient_LoginWithMicrosoft(t *testing.T) {
	const idp = "https://login.microsoftonline.com/tenant/oauth2/v2.0/authorize?client_id=x"
	t.Run("returns the Location without following it", func(t *testing.T) {
		c, mux, _ := setup(t)
		mux.HandleFunc("/login/by_microsoft", func(w http.ResponseWriter, r *http.Request) {
			testMethod(t, r, http.MethodPost)
			testBearer(t, r, "")
			testFormBody(t, r, url.Values{"domain": {"example.com"}})
			http.Redirect(w, r, idp, http.StatusFound)
		})
		loc, err := c.LoginWithMicrosoft(ctx, "example.com")
		if err != nil {
			t.Fatal(err)
		}
		if loc != idp {
			t.Errorf("location = %q, want %q", loc, idp)
		}
	})
	t.Run("a relative Location is not followed either", func(t *testing.T) {
		c, mux, _ := setup(t)
		followed := false
		mux.HandleFunc("/login/by_microsoft", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "/api/info")
			w.WriteHeader(http.StatusFound)
		})
		mux.HandleFunc("/info", func(http.ResponseWriter, *http.Request) { followed = true })
		if _, err := c.LoginWithMicrosoft(ctx, "example.com"); err != nil {
			t.Fatal(err)
		}
		if followed {
			t.Error("the redirect was followed")
		}
	})
	t.Run("302 without a Location is a DecodeError", func(t *testing.T) {
		c, mux, _ := setup(t)
		mux.HandleFunc("/login/by_microsoft", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusFound) })
		_, err := c.LoginWithMicrosoft(ctx, "example.com")
		var de *apiclient.DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("err = %v, want *DecodeError", err)
		}
	})
}

func TestClient_Logout(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testNoBody(t, r)
		testBearer(t, r, "")
		testCookie(t, r, "SESSION", "")
		w.WriteHeader(http.StatusNoContent)
	})
	if err := c.Logout(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestClient_observer checks every typed call reports its exchange, with the
// operationId, to client and context observers.
func TestClient_observer(t *testing.T) {
	var fromClient, fromCtx []*apiclient.Exchange
	c, mux, _ := setup(t, apiclient.WithObserver(func(e *apiclient.Exchange) { fromClient = append(fromClient, e) }))
	mux.HandleFunc("/auth/send_otp", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	octx := apiclient.WithExchangeObserver(ctx, func(e *apiclient.Exchange) { fromCtx = append(fromCtx, e) })
	if err := c.SendOTP(octx, "s"); err != nil {
		t.Fatal(err)
	}
	if len(fromClient) != 1 || len(fromCtx) != 1 || fromClient[0] != fromCtx[0] {
		t.Fatalf("observed %d/%d exchanges", len(fromClient), len(fromCtx))
	}
	ex := fromClient[0]
	if ex.Operation != "sendOTP" || ex.Method != "POST" || ex.Status != 200 || ex.Duration <= 0 || string(ex.RequestBody) != `{"token":"s"}` {
		t.Errorf("exchange = %+v", ex.Dump(true))
	}
}

func TestClient_Do_escapedPath(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("/auth/sign_in/{provider}", func(w http.ResponseWriter, r *http.Request) {
		if p := r.PathValue("provider"); p != "micro soft" {
			t.Errorf("provider = %q, want %q", p, "micro soft")
		}
		if r.URL.EscapedPath() != "/auth/sign_in/micro%20soft" {
			t.Errorf("escaped path = %q", r.URL.EscapedPath())
		}
		writeJSON(w, 200, `{"url":"u"}`)
	})
	if _, err := c.SignInWithSocialAccount(ctx, apiclient.SocialSignIn{Provider: "micro soft"}); err != nil {
		t.Fatal(err)
	}
}
