package mockserver_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mockserver"
)

func TestLogin_session(t *testing.T) {
	h := newHarness(t)
	require.NoError(t, h.api.Login(ctx, creds("alice", "Alice#2026", "example.com")))
	t.Run("POST /login answers 200 with no body and an HttpOnly SameSite cookie", func(t *testing.T) {
		var login *apiclient.Exchange
		h.mu.Lock()
		for _, ex := range h.exchanges {
			if ex.Operation == "login" {
				login = ex
			}
		}
		h.mu.Unlock()
		require.NotNil(t, login)
		assert.Equal(t, http.StatusOK, login.Status)
		assert.Empty(t, login.ResponseBody)
		cookie := login.ResponseHeader.Get("Set-Cookie")
		assert.Contains(t, cookie, mockserver.SessionCookie+"=")
		assert.Contains(t, cookie, "HttpOnly")
		assert.Contains(t, cookie, "SameSite=Lax")
	})
	t.Run("GET /login reports the session", func(t *testing.T) {
		st, err := h.api.GetLoginStatus(ctx)
		require.NoError(t, err)
		assert.Equal(t, "Admin", st.Role)
		assert.InDelta(t, 1800, st.ExpiresIn, 1)
		assert.Equal(t, time.UTC, st.ExpiresAt.Location())
		assert.WithinDuration(t, h.srv.Now().Add(30*time.Minute), st.ExpiresAt, 2*time.Second)
		info, err := h.api.GetUserAuthInfo(ctx, st.AccessToken)
		require.NoError(t, err, "the session's access token works as a bearer token")
		assert.Equal(t, "Admin", info.Role)
	})
	t.Run("expires_at is RFC 3339 UTC and expires_in counts down with the clock", func(t *testing.T) {
		h.srv.AdvanceClock(10 * time.Minute)
		resp := h.raw(http.MethodGet, "/login", "", "")
		require.Equal(t, http.StatusOK, resp.Status)
		assert.Regexp(t, `"expires_at":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"`, string(resp.Body))
		st, err := h.api.GetLoginStatus(ctx)
		require.NoError(t, err)
		assert.InDelta(t, 1200, st.ExpiresIn, 2)
	})
	t.Run("another client has no session", func(t *testing.T) {
		_, err := h.newClient().GetLoginStatus(ctx)
		apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
	})
	t.Run("POST /logout ends it with 204", func(t *testing.T) {
		require.NoError(t, h.api.Logout(ctx))
		_, err := h.api.GetLoginStatus(ctx)
		apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
	})
	t.Run("POST /logout without a session is 204 too", func(t *testing.T) {
		resp := h.raw(http.MethodPost, "/logout", "", "")
		assert.Equal(t, http.StatusNoContent, resp.Status)
	})
}

func TestLogin_failures(t *testing.T) {
	h := newHarness(t)
	t.Run("wrong password is 400 UNAUTHORIZED", func(t *testing.T) {
		apiErr(t, h.api.Login(ctx, creds("alice", "nope", "example.com")), http.StatusBadRequest, apiclient.CodeUnauthorized)
	})
	t.Run("two-factor account cannot open a web session with a password alone", func(t *testing.T) {
		apiErr(t, h.api.Login(ctx, creds("carol", "Carol#2026", "secure.example.com")), http.StatusBadRequest, apiclient.CodeUnauthorized)
	})
	t.Run("missing username is VALIDATE_FAILED", func(t *testing.T) {
		resp := h.raw(http.MethodPost, "/login", "application/json", `{"password":"x"}`)
		assert.Equal(t, []fieldRule{{"username", "required"}}, violations(t, resp.Body))
	})
	t.Run("session expires with the access token", func(t *testing.T) {
		require.NoError(t, h.api.Login(ctx, creds("bob", "Bob#2026", "example.com")))
		h.srv.AdvanceClock(31 * time.Minute)
		_, err := h.api.GetLoginStatus(ctx)
		apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
	})
	t.Run("signing the session's token out ends the session", func(t *testing.T) {
		require.NoError(t, h.api.Login(ctx, creds("bob", "Bob#2026", "example.com")))
		st, err := h.api.GetLoginStatus(ctx)
		require.NoError(t, err)
		require.NoError(t, h.api.SignOut(ctx, st.AccessToken))
		_, err = h.api.GetLoginStatus(ctx)
		apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
	})
}

func TestSignInWithSocialAccount(t *testing.T) {
	h := newHarness(t)
	t.Run("Microsoft 365 tenant answers the simulated IdP page, which returns code and state", func(t *testing.T) {
		res, err := h.api.SignInWithSocialAccount(ctx, apiclient.SocialSignIn{Provider: "microsoft", Domain: "contoso.com", CallbackURL: "https://app.example/cb?x=1"})
		require.NoError(t, err)
		u, err := url.Parse(res.URL)
		require.NoError(t, err)
		assert.Equal(t, "/_mock/idp/contoso.com/oauth2/v2.0/authorize", u.Path)
		state := u.Query().Get("state")
		require.NotEmpty(t, state)
		assert.Equal(t, "https://app.example/cb?x=1", u.Query().Get("redirect_uri"))

		page, body := h.control(http.MethodGet, u.RequestURI(), "")
		assert.Equal(t, http.StatusOK, page)
		assert.Contains(t, string(body), "dave")

		noFollow := h.srv.Client()
		noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		form := url.Values{"username": {"dave"}, "redirect_uri": {"https://app.example/cb?x=1"}, "state": {state}}
		resp, err := noFollow.PostForm(h.srv.URL()+u.Path, form)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusFound, resp.StatusCode)
		back, err := url.Parse(resp.Header.Get("Location"))
		require.NoError(t, err)
		assert.Equal(t, "app.example", back.Host)
		assert.Equal(t, "1", back.Query().Get("x"))
		assert.Equal(t, state, back.Query().Get("state"))
		assert.NotEmpty(t, back.Query().Get("code"))
	})
	for _, c := range []struct {
		name, provider, domain, cb string
		want                       fieldRule
	}{
		{"another provider", "google", "contoso.com", "https://app.example/cb", fieldRule{"provider", "unsupported"}},
		{"a tenant without Microsoft 365", "microsoft", "example.com", "https://app.example/cb", fieldRule{"domain", "ms365_disabled"}},
		{"an unknown tenant", "microsoft", "nowhere.example", "https://app.example/cb", fieldRule{"domain", "unknown_tenant"}},
		{"a relative callback_url", "microsoft", "contoso.com", "/cb", fieldRule{"callback_url", "url"}},
		{"no callback_url", "microsoft", "contoso.com", "", fieldRule{"callback_url", "required"}},
	} {
		t.Run(c.name+" is VALIDATE_FAILED", func(t *testing.T) {
			_, err := h.api.SignInWithSocialAccount(ctx, apiclient.SocialSignIn{Provider: c.provider, Domain: c.domain, CallbackURL: c.cb})
			ae := apiErr(t, err, http.StatusBadRequest, apiclient.CodeValidateFailed)
			assert.Equal(t, []fieldRule{c.want}, violations(t, ae.Body))
		})
	}
}

func TestLoginWithMicrosoft(t *testing.T) {
	h := newHarness(t)
	t.Run("answers 302 to the tenant's endpoint, and the IdP's code opens a web session", func(t *testing.T) {
		loc, err := h.api.LoginWithMicrosoft(ctx, "contoso.com")
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(loc, h.srv.URL()+"/_mock/idp/contoso.com/oauth2/v2.0/authorize?"), loc)
		var ex *apiclient.Exchange
		h.mu.Lock()
		ex = h.exchanges[len(h.exchanges)-1]
		h.mu.Unlock()
		state, err := url.Parse(loc)
		require.NoError(t, err)
		cookie := ex.ResponseHeader.Get("Set-Cookie")
		assert.Contains(t, cookie, mockserver.StateCookie+"="+state.Query().Get("state"), "the state is bound to the browser")
		assert.Contains(t, cookie, "HttpOnly")
		assert.Contains(t, cookie, "SameSite=Lax")

		// The browser's part: the IdP with a login hint, then back to the PBX.
		b := h.browser()
		back := b.signInAt(b.startWebLogin("contoso.com"), "dave@contoso.com")
		p := b.get(back.String())
		assert.Equal(t, http.StatusOK, p.status, "the redirect chain ends on the signed-in page: %s", p.body)
		assert.Contains(t, string(p.body), "dave")
		assert.Contains(t, strings.Join(p.header.Values("Set-Cookie"), "\n"), mockserver.StateCookie+"=;", "the state cookie is cleared")
	})
	t.Run("the session opened through the IdP reports dave without a verified password", func(t *testing.T) {
		b := h.browser()
		authorize := b.startWebLogin("contoso.com")
		back := b.signInAt(authorize, "dave")
		assert.Equal(t, authorize.Query().Get("state"), back.Query().Get("state"))
		p := b.get(back.String())
		require.Equal(t, http.StatusOK, p.status, "%s", p.body)
		sid := b.sessionCookie()
		require.NotEmpty(t, sid)
		st := h.raw(http.MethodGet, "/login", "", "", "Cookie", mockserver.SessionCookie+"="+sid)
		require.Equal(t, http.StatusOK, st.Status)
		assert.Contains(t, string(st.Body), `"role":"StandardUser"`)

		// The code is single-use.
		p = b.get(back.String())
		assert.Equal(t, http.StatusUnauthorized, p.status)
	})
	t.Run("unknown account at the IdP returns access_denied", func(t *testing.T) {
		loc, err := h.api.LoginWithMicrosoft(ctx, "contoso.com")
		require.NoError(t, err)
		u, _ := url.Parse(loc)
		q := u.Query()
		q.Set("login_hint", "mallory")
		noFollow := h.srv.Client()
		noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := noFollow.Get(h.srv.URL() + u.Path + "?" + q.Encode())
		require.NoError(t, err)
		resp.Body.Close()
		back, _ := url.Parse(resp.Header.Get("Location"))
		assert.Equal(t, "access_denied", back.Query().Get("error"))
	})
	t.Run("a tenant without Microsoft 365 is VALIDATE_FAILED", func(t *testing.T) {
		_, err := h.api.LoginWithMicrosoft(ctx, "example.com")
		ae := apiErr(t, err, http.StatusBadRequest, apiclient.CodeValidateFailed)
		assert.Equal(t, []fieldRule{{"domain", "ms365_disabled"}}, violations(t, ae.Body))
	})
	t.Run("a JSON body is 415", func(t *testing.T) {
		resp := h.raw(http.MethodPost, "/login/by_microsoft", "application/json", `{"domain":"contoso.com"}`)
		assert.Equal(t, http.StatusUnsupportedMediaType, resp.Status)
	})
	t.Run("a form without domain is VALIDATE_FAILED", func(t *testing.T) {
		resp := h.raw(http.MethodPost, "/login/by_microsoft", "application/x-www-form-urlencoded", "tenant=contoso.com")
		assert.Equal(t, []fieldRule{{"domain", "required"}}, violations(t, resp.Body))
	})
	t.Run("a configured endpoint is used as is", func(t *testing.T) {
		d := mockserver.DemoData()
		d.Tenants[2].MS365.AuthorizationEndpoint = "https://login.microsoftonline.com/contoso/oauth2/v2.0/authorize"
		h2 := newHarness(t, func(o *mockserver.Options) { o.Data = d })
		loc, err := h2.api.LoginWithMicrosoft(ctx, "contoso.com")
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(loc, d.Tenants[2].MS365.AuthorizationEndpoint+"?"), loc)
	})
}
