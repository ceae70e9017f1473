package mockserver_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mockserver"
)

var tokenShape = regexp.MustCompile(`^[A-Z0-9]{48}$`)

// form posts a raw form to the token endpoint, as a client written from the guide does.
func (h *harness) tokenForm(form url.Values) *apiclient.Response {
	h.t.Helper()
	return h.raw(http.MethodPost, "/login/oauth/token", "application/x-www-form-urlencoded", form.Encode())
}

func passwordForm(user, pw, domain string) url.Values {
	f := url.Values{"grant_type": {"password"}, "username": {user}, "password": {pw}, "scope": {"all"}, "client_id": {apiclient.OAuthClientID}}
	if domain != "" {
		f.Set("domain", domain)
	}
	return f
}

func TestOAuthToken_passwordGrant(t *testing.T) {
	h := newHarness(t)
	t.Run("a tenant user and the system administrator get the guide's pair", func(t *testing.T) {
		for _, c := range [][3]string{{"bob", "Bob#2026", "example.com"}, {"admin", "Admin#2026", ""}} {
			resp := h.tokenForm(passwordForm(c[0], c[1], c[2]))
			require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			assert.Equal(t, "Bearer", jsonField(t, resp.Body, "token_type"))
			access := jsonField(t, resp.Body, "access_token")
			assert.Regexp(t, tokenShape, access)
			assert.Regexp(t, tokenShape, jsonField(t, resp.Body, "refresh_token"))
			assert.Contains(t, string(resp.Body), `"expires_in":1800`)
			info, err := h.api.GetUserAuthInfo(ctx, apiclient.Secret(access))
			require.NoError(t, err)
			assert.True(t, info.PasswordVerified)
		}
	})
	t.Run("a failed login is the guide's 400 UNAUTHORIZED, the same for every cause", func(t *testing.T) {
		var bodies []string
		for _, c := range [][3]string{{"bob", "nope", "example.com"}, {"zoe", "Bob#2026", "example.com"}, {"bob", "Bob#2026", ""}} {
			_, err := h.api.OAuthPasswordGrant(ctx, creds(c[0], c[1], c[2]))
			ae := apiErr(t, err, http.StatusBadRequest, apiclient.CodeUnauthorized)
			assert.Contains(t, string(ae.Body), "Login failed, authentication error")
			bodies = append(bodies, string(ae.Body))
		}
		assert.Equal(t, bodies[0], bodies[1])
		assert.Equal(t, bodies[0], bodies[2])
	})
	t.Run("a two-factor account is refused, not given tokens", func(t *testing.T) {
		_, err := h.api.OAuthPasswordGrant(ctx, creds("carol", "Carol#2026", "secure.example.com"))
		ae := apiErr(t, err, http.StatusBadRequest, apiclient.CodeUnauthorized)
		assert.Contains(t, string(ae.Body), "/auth/sign_in")
	})
	t.Run("a wrong client_id is refused even with the right password", func(t *testing.T) {
		f := passwordForm("bob", "Bob#2026", "example.com")
		f.Set("client_id", "11111111-2222-3333-4444-555555555555")
		resp := h.tokenForm(f)
		assert.Equal(t, http.StatusBadRequest, resp.Status)
		assert.Equal(t, apiclient.CodeUnauthorized, decodeErrors(t, resp.Body).Errors[0].Code)
		assert.NotContains(t, string(resp.Body), "access_token")
	})
	t.Run("field problems are VALIDATE_FAILED", func(t *testing.T) {
		for name, c := range map[string]struct {
			edit func(url.Values)
			want []fieldRule
		}{
			"no client_id":                  {func(f url.Values) { f.Del("client_id") }, []fieldRule{{"client_id", "required"}}},
			"an unknown grant":              {func(f url.Values) { f.Set("grant_type", "client_credentials") }, []fieldRule{{"grant_type", "one_of"}}},
			"a scope other than all":        {func(f url.Values) { f.Set("scope", "openid") }, []fieldRule{{"scope", "one_of"}}},
			"no password":                   {func(f url.Values) { f.Del("password") }, []fieldRule{{"password", "required"}}},
			"a reserved name with a domain": {func(f url.Values) { f.Set("username", "admin") }, []fieldRule{{"username", "reserved"}}},
		} {
			t.Run(name, func(t *testing.T) {
				f := passwordForm("bob", "Bob#2026", "example.com")
				c.edit(f)
				resp := h.tokenForm(f)
				require.Equal(t, http.StatusBadRequest, resp.Status, "%s", resp.Body)
				assert.Equal(t, c.want, violations(t, resp.Body))
			})
		}
	})
	t.Run("JSON is 415: the guide's body is a form", func(t *testing.T) {
		resp := h.raw(http.MethodPost, "/login/oauth/token", "application/json", `{"grant_type":"password"}`)
		assert.Equal(t, http.StatusUnsupportedMediaType, resp.Status)
	})
}

func TestOAuthToken_refreshGrant(t *testing.T) {
	h := newHarness(t)
	tp, err := h.api.OAuthPasswordGrant(ctx, creds("bob", "Bob#2026", "example.com"))
	require.NoError(t, err)
	next, err := h.api.OAuthRefresh(ctx, tp.RefreshToken)
	require.NoError(t, err)
	assert.NotEqual(t, tp.RefreshToken, next.RefreshToken)
	_, err = h.api.GetUserAuthInfo(ctx, tp.AccessToken)
	unauthorizedErr(t, err) // rotated out
	_, err = h.api.GetUserAuthInfo(ctx, next.AccessToken)
	require.NoError(t, err)

	t.Run("reuse is the guide's 400 UNKNOWN and revokes the family", func(t *testing.T) {
		_, err := h.api.OAuthRefresh(ctx, tp.RefreshToken)
		ae := apiErr(t, err, http.StatusBadRequest, apiclient.CodeUnknown)
		assert.Contains(t, string(ae.Body), "unknown error")
		_, err = h.api.GetUserAuthInfo(ctx, next.AccessToken)
		unauthorizedErr(t, err)
	})
	t.Run("an unknown token is 400 UNKNOWN", func(t *testing.T) {
		_, err := h.api.OAuthRefresh(ctx, "NOSUCHTOKEN")
		apiErr(t, err, http.StatusBadRequest, apiclient.CodeUnknown)
	})
	t.Run("a pair from /auth/sign_in refreshes here too", func(t *testing.T) {
		p := h.signIn("alice", "Alice#2026", "example.com")
		_, err := h.api.OAuthRefresh(ctx, p.RefreshToken)
		require.NoError(t, err)
	})
}

func TestOAuthRevoke(t *testing.T) {
	h := newHarness(t)
	tp, err := h.api.OAuthPasswordGrant(ctx, creds("bob", "Bob#2026", "example.com"))
	require.NoError(t, err)
	require.NoError(t, h.api.OAuthRevoke(ctx, tp.AccessToken))
	t.Run("the access token has ended", func(t *testing.T) {
		_, err := h.api.GetUserAuthInfo(ctx, tp.AccessToken)
		unauthorizedErr(t, err)
	})
	t.Run("revoking it again is 401 with a bearer challenge", func(t *testing.T) {
		resp := h.raw(http.MethodPost, "/login/oauth/revoke", "", "", "Authorization", "Bearer "+tp.AccessToken.Reveal())
		assert.Equal(t, http.StatusUnauthorized, resp.Status)
		assert.Contains(t, resp.Header.Get("WWW-Authenticate"), "invalid_token")
	})
	t.Run("without a token it is 401", func(t *testing.T) {
		unauthorizedErr(t, h.newClient().OAuthRevoke(ctx, ""))
	})
	t.Run("its refresh token still renews the sign-in", func(t *testing.T) {
		_, err := h.api.OAuthRefresh(ctx, tp.RefreshToken)
		require.NoError(t, err)
	})
	t.Run("an expired but known token is revoked with 200", func(t *testing.T) {
		p := h.signIn("alice", "Alice#2026", "example.com")
		h.srv.AdvanceClock(mockserver.DefaultTokenTTL + time.Second)
		require.NoError(t, h.api.OAuthRevoke(ctx, p.AccessToken))
	})
}

// codeFlow starts a Microsoft sign-in for dave with the given PKCE challenge and
// client, and returns the code the simulated identity provider sends back.
func (h *harness) codeFlow(challenge, clientID, callback string) apiclient.Secret {
	h.t.Helper()
	res, err := h.api.SignInWithSocialAccount(ctx, apiclient.SocialSignIn{
		Provider: "microsoft", Domain: "contoso.com", CallbackURL: callback, CodeChallenge: challenge, ClientID: clientID,
	})
	require.NoError(h.t, err)
	p := h.browser().get(res.URL + "&login_hint=dave")
	require.Equal(h.t, http.StatusFound, p.status, "%s", p.body)
	loc, err := url.Parse(p.header.Get("Location"))
	require.NoError(h.t, err)
	code := loc.Query().Get("code")
	require.NotEmpty(h.t, code, loc.String())
	return apiclient.Secret(code)
}

const appCallback = "https://app.example.com/callback"

func TestOAuthToken_authorizationCodeGrant(t *testing.T) {
	h := newHarness(t)
	exchange := func(code apiclient.Secret, redirect string, verifier apiclient.Secret) (*apiclient.TokenPair, error) {
		return h.api.OAuthExchangeCode(ctx, apiclient.CodeExchange{Code: code, RedirectURI: redirect, CodeVerifier: verifier})
	}
	refused := func(t *testing.T, err error, why string) {
		t.Helper()
		ae := apiErr(t, err, http.StatusBadRequest, apiclient.CodeUnauthorized)
		assert.Contains(t, string(ae.Body), why)
	}
	t.Run("the code and its verifier sign dave in", func(t *testing.T) {
		pk := apiclient.NewPKCE()
		tp, err := exchange(h.codeFlow(pk.Challenge, apiclient.OAuthClientID, appCallback), appCallback, pk.Verifier)
		require.NoError(t, err)
		info, err := h.api.GetUserAuthInfo(ctx, tp.AccessToken)
		require.NoError(t, err)
		assert.Equal(t, "contoso.com", info.Domain)
		assert.False(t, info.PasswordVerified, "no password was checked")
	})
	t.Run("a wrong verifier is refused and uses the code up", func(t *testing.T) {
		pk := apiclient.NewPKCE()
		code := h.codeFlow(pk.Challenge, "", appCallback)
		_, err := exchange(code, appCallback, apiclient.NewPKCE().Verifier)
		refused(t, err, "does not match the code_verifier")
		_, err = exchange(code, appCallback, pk.Verifier)
		refused(t, err, "")
	})
	t.Run("a missing verifier is refused", func(t *testing.T) {
		_, err := exchange(h.codeFlow(apiclient.NewPKCE().Challenge, "", appCallback), appCallback, "")
		refused(t, err, "needs the code_verifier")
	})
	t.Run("a verifier for a code issued without a challenge is refused (downgrade)", func(t *testing.T) {
		_, err := exchange(h.codeFlow("", "", appCallback), appCallback, apiclient.NewPKCE().Verifier)
		refused(t, err, "without a code_challenge")
	})
	t.Run("without PKCE on both sides the code works", func(t *testing.T) {
		_, err := exchange(h.codeFlow("", "", appCallback), appCallback, "")
		require.NoError(t, err)
	})
	t.Run("a reused code is refused and revokes the pair it gave", func(t *testing.T) {
		pk := apiclient.NewPKCE()
		code := h.codeFlow(pk.Challenge, "", appCallback)
		first, err := exchange(code, appCallback, pk.Verifier)
		require.NoError(t, err)
		_, err = exchange(code, appCallback, pk.Verifier)
		refused(t, err, "already used")
		_, err = h.api.GetUserAuthInfo(ctx, first.AccessToken)
		unauthorizedErr(t, err)
		_, err = h.api.OAuthRefresh(ctx, first.RefreshToken)
		refreshRefused(t, err)
	})
	t.Run("a wrong redirect_uri is refused", func(t *testing.T) {
		pk := apiclient.NewPKCE()
		_, err := exchange(h.codeFlow(pk.Challenge, "", appCallback), "https://evil.example/callback", pk.Verifier)
		refused(t, err, "another redirect_uri")
	})
	t.Run("a wrong client_id is refused", func(t *testing.T) {
		pk := apiclient.NewPKCE()
		code := h.codeFlow(pk.Challenge, apiclient.OAuthClientID, appCallback)
		resp := h.tokenForm(url.Values{"grant_type": {"authorization_code"}, "code": {code.Reveal()}, "redirect_uri": {appCallback},
			"code_verifier": {pk.Verifier.Reveal()}, "client_id": {"11111111-2222-3333-4444-555555555555"}})
		assert.Equal(t, http.StatusBadRequest, resp.Status)
		assert.Equal(t, apiclient.CodeUnauthorized, decodeErrors(t, resp.Body).Errors[0].Code)
		// A sign-in started for another client cannot be finished by this one.
		code = h.codeFlow(pk.Challenge, "another-client", appCallback)
		_, err := exchange(code, appCallback, pk.Verifier)
		refused(t, err, "another client_id")
	})
	t.Run("an unknown code is refused", func(t *testing.T) {
		_, err := exchange("NOSUCHCODE", appCallback, "")
		refused(t, err, "unknown or expired")
	})
	t.Run("an expired code is refused", func(t *testing.T) {
		code := h.codeFlow("", "", appCallback)
		h.srv.AdvanceClock(mockserver.IdPCodeTTL)
		_, err := exchange(code, appCallback, "")
		refused(t, err, "unknown or expired")
	})
	t.Run("a challenge must be S256-shaped and name its method", func(t *testing.T) {
		for body, want := range map[string]fieldRule{
			`{"domain":"contoso.com","callback_url":"` + appCallback + `","code_challenge":"` + apiclient.NewPKCE().Challenge + `"}`:                                             {"code_challenge_method", "required"},
			`{"domain":"contoso.com","callback_url":"` + appCallback + `","code_challenge":"` + apiclient.NewPKCE().Challenge + `","code_challenge_method":"plain"}`:             {"code_challenge_method", "one_of"},
			`{"domain":"contoso.com","callback_url":"` + appCallback + `","code_challenge":"` + "a" + apiclient.NewPKCE().Challenge[1:42] + `!","code_challenge_method":"S256"}`: {"code_challenge", "format"},
		} {
			resp := h.raw(http.MethodPost, "/auth/sign_in/microsoft", "application/json", body)
			require.Equal(t, http.StatusBadRequest, resp.Status, body)
			assert.Equal(t, []fieldRule{want}, violations(t, resp.Body), body)
		}
	})
}

// TestOAuthToken_webLoginCodeIsRefused: a code the identity provider issued for the
// PBX's own web login (by_microsoft) is no code for an API client.
func TestOAuthToken_webLoginCodeIsRefused(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	authorize := b.startWebLogin("contoso.com")
	q := authorize.Query()
	q.Set("login_hint", "dave")
	authorize.RawQuery = q.Encode()
	p := b.get(authorize.String())
	require.Equal(t, http.StatusFound, p.status)
	loc, err := url.Parse(p.header.Get("Location"))
	require.NoError(t, err)
	_, err = h.api.OAuthExchangeCode(ctx, apiclient.CodeExchange{Code: apiclient.Secret(loc.Query().Get("code")), RedirectURI: q.Get("redirect_uri")})
	ae := apiErr(t, err, http.StatusBadRequest, apiclient.CodeUnauthorized)
	assert.Contains(t, string(ae.Body), "web login")
}
