package mockserver_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mockserver"
)

func TestRetrieveMetadata(t *testing.T) {
	h := newHarness(t)
	t.Run("system metadata without a domain", func(t *testing.T) {
		m, err := h.api.RetrieveMetadata(ctx, "")
		require.NoError(t, err)
		assert.Equal(t, "pbx.example.net", m.WebDomain)
		require.NotNil(t, m.EnableDataflow)
		assert.True(t, *m.EnableDataflow)
		assert.Empty(t, m.Domain, "no tenant fields without a domain")
	})
	t.Run("tenant metadata merged with a domain", func(t *testing.T) {
		m, err := h.api.RetrieveMetadata(ctx, "contoso.com")
		require.NoError(t, err)
		assert.Equal(t, "pbx.example.net", m.WebDomain)
		assert.Equal(t, "Contoso", m.Name)
		assert.Equal(t, "contoso.com", m.Domain)
		require.NotNil(t, m.EnableMS365Integration)
		assert.True(t, *m.EnableMS365Integration)
		assert.Equal(t, h.srv.URL()+"/_mock/idp/contoso.com/oauth2/v2.0/authorize", m.MS365AuthorizationEndpoint)
	})
	t.Run("tenant without Microsoft 365", func(t *testing.T) {
		m, err := h.api.RetrieveMetadata(ctx, "EXAMPLE.com")
		require.NoError(t, err)
		assert.Equal(t, "example.com", m.Domain, "domains match case-insensitively")
		require.NotNil(t, m.EnableMS365Integration)
		assert.False(t, *m.EnableMS365Integration)
		assert.Empty(t, m.MS365AuthorizationEndpoint)
	})
	t.Run("unknown domain is VALIDATE_FAILED naming the field", func(t *testing.T) {
		_, err := h.api.RetrieveMetadata(ctx, "nowhere.example")
		ae := apiErr(t, err, http.StatusBadRequest, apiclient.CodeValidateFailed)
		assert.Equal(t, []fieldRule{{"domain", "unknown_tenant"}}, violations(t, ae.Body))
	})
	t.Run("malformed domain breaks the domain rule", func(t *testing.T) {
		resp := h.raw(http.MethodGet, "/info?domain=a%20b", "", "")
		assert.Equal(t, http.StatusBadRequest, resp.Status)
		assert.Equal(t, []fieldRule{{"domain", "charset"}}, violations(t, resp.Body))
	})
}

func TestSignIn_tokenPair(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct{ user, pw, domain, role string }{
		{"admin", "Admin#2026", "", "SystemAdmin"},
		{"dealer1", "Dealer#2026", "", "Dealer"},
		{"alice", "Alice#2026", "example.com", "Admin"},
		{"bob", "Bob#2026", "example.com", "StandardUser"},
		{"dave", "Dave#2026", "contoso.com", "StandardUser"},
	} {
		t.Run(c.user+" gets a token pair that GET /auth/user accepts", func(t *testing.T) {
			tp := h.signIn(c.user, c.pw, c.domain)
			assert.Equal(t, "Bearer", tp.TokenType)
			assert.Equal(t, 1800, tp.ExpiresIn)
			assert.GreaterOrEqual(t, len(tp.AccessToken.Reveal()), 22, "at least 128 bits")
			assert.NotEqual(t, tp.AccessToken, tp.RefreshToken)
			info, err := h.api.GetUserAuthInfo(ctx, tp.AccessToken)
			require.NoError(t, err)
			assert.Equal(t, c.role, info.Role)
			assert.Equal(t, c.domain, info.Domain)
			assert.True(t, info.PasswordVerified)
			assert.NotEmpty(t, info.RoleID)
			assert.NotEmpty(t, info.RoleName)
			assert.NotEmpty(t, info.Capabilities)
		})
	}
	t.Run("tokens differ on every sign-in", func(t *testing.T) {
		a, b := h.signIn("bob", "Bob#2026", "example.com"), h.signIn("bob", "Bob#2026", "example.com")
		assert.NotEqual(t, a.AccessToken.Reveal(), b.AccessToken.Reveal())
	})
	t.Run("qr=true signs in too", func(t *testing.T) {
		c := creds("bob", "Bob#2026", "example.com")
		c.QR = true
		_, err := h.api.SignInWithCredentials(ctx, c)
		require.NoError(t, err)
	})
	t.Run("qr that is not a boolean is VALIDATE_FAILED", func(t *testing.T) {
		resp := h.raw(http.MethodPost, "/auth/sign_in?qr=maybe", "application/json", `{"username":"bob","password":"Bob#2026","domain":"example.com"}`)
		assert.Equal(t, http.StatusBadRequest, resp.Status)
		assert.Equal(t, []fieldRule{{"qr", "type"}}, violations(t, resp.Body))
	})
}

func TestSignIn_failures(t *testing.T) {
	h := newHarness(t)
	var bodies [][]byte
	for _, c := range []struct{ name, user, pw, domain string }{
		{"wrong password", "bob", "Bob#2025", "example.com"},
		{"unknown user", "zoe", "Bob#2026", "example.com"},
		{"unknown tenant", "bob", "Bob#2026", "nowhere.example"},
		{"tenant user without a domain (system accounts only)", "bob", "Bob#2026", ""},
		{"system account with a tenant's domain", "dealer1", "Dealer#2026", "example.com"},
		{"user of another tenant", "carol", "Carol#2026", "example.com"},
	} {
		t.Run(c.name+" is 400 UNAUTHORIZED", func(t *testing.T) {
			_, err := h.api.SignInWithCredentials(ctx, creds(c.user, c.pw, c.domain))
			ae := apiErr(t, err, http.StatusBadRequest, apiclient.CodeUnauthorized)
			bodies = append(bodies, ae.Body)
		})
	}
	t.Run("every credential failure answers the very same body", func(t *testing.T) {
		for _, b := range bodies[1:] {
			assert.Equal(t, string(bodies[0]), string(b))
		}
	})
	t.Run("a reserved name with a domain is VALIDATE_FAILED", func(t *testing.T) {
		_, err := h.api.SignInWithCredentials(ctx, creds("Admin", "Admin#2026", "example.com"))
		ae := apiErr(t, err, http.StatusBadRequest, apiclient.CodeValidateFailed)
		assert.Equal(t, []fieldRule{{"username", "reserved"}}, violations(t, ae.Body))
	})
	t.Run("missing password is VALIDATE_FAILED required", func(t *testing.T) {
		resp := h.raw(http.MethodPost, "/auth/sign_in", "application/json", `{"username":"bob"}`)
		assert.Equal(t, []fieldRule{{"password", "required"}}, violations(t, resp.Body))
	})
	t.Run("null domain counts as absent", func(t *testing.T) {
		// PortSIP sends blank fields as null; the document's optional domain is
		// nullable, so these exchanges pass the harness's document check too.
		resp := h.raw(http.MethodPost, "/auth/sign_in", "application/json", `{"username":"admin","password":"Admin#2026","domain":null}`)
		assert.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
		resp = h.raw(http.MethodPost, "/login", "application/json", `{"username":"dealer1","password":"Dealer#2026","domain":null}`)
		assert.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
		resp = h.raw(http.MethodPost, "/auth/forget_password", "application/json", `{"username":"admin","domain":null,"callback_url":"https://pbx.example.net/reset"}`)
		assert.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
		assert.Equal(t, "admin@pbx.example.net", h.lastMail(mockserver.MailReset, "admin").To)
	})
	t.Run("null for a required field is VALIDATE_FAILED required", func(t *testing.T) {
		resp := h.raw(http.MethodPost, "/auth/sign_in", "application/json", `{"username":"admin","password":null}`)
		assert.Equal(t, []fieldRule{{"password", "required"}}, violations(t, resp.Body))
	})
	t.Run("empty domain breaks min_length", func(t *testing.T) {
		resp := h.raw(http.MethodPost, "/auth/sign_in", "application/json", `{"username":"admin","password":"x","domain":""}`)
		assert.Equal(t, []fieldRule{{"domain", "min_length"}}, violations(t, resp.Body))
	})
	t.Run("every broken field is named", func(t *testing.T) {
		resp := h.raw(http.MethodPost, "/auth/sign_in", "application/json", `{"username":".bob","password":7}`)
		assert.Equal(t, []fieldRule{{"password", "type"}, {"username", "period_edge"}}, violations(t, resp.Body))
	})
}

// twoFactor signs carol in and returns the challenge token.
func (h *harness) twoFactor() apiclient.Secret {
	h.t.Helper()
	res, err := h.api.SignInWithCredentials(ctx, creds("carol", "Carol#2026", "secure.example.com"))
	require.NoError(h.t, err)
	ch, ok := res.(*apiclient.TwoFactorChallenge)
	require.True(h.t, ok, "expected a challenge, got %T", res)
	require.True(h.t, ch.TwoFactorEnabled)
	return ch.Token
}

func TestTwoFactor(t *testing.T) {
	t.Run("send_otp mails a 6-digit code and verify_otp answers the token pair", func(t *testing.T) {
		h := newHarness(t)
		tok := h.twoFactor()
		require.NoError(t, h.api.SendOTP(ctx, tok))
		m := h.lastMail(mockserver.MailOTP, "carol")
		assert.Equal(t, "carol@secure.example.com", m.To)
		assert.Equal(t, "secure.example.com", m.Domain)
		assert.Regexp(t, `^\d{6}$`, m.Code)
		assert.Contains(t, m.Body, m.Code)
		tp, err := h.api.VerifyOTP(ctx, tok, apiclient.Secret(m.Code))
		require.NoError(t, err)
		require.NotNil(t, tp)
		info, err := h.api.GetUserAuthInfo(ctx, tp.AccessToken)
		require.NoError(t, err)
		assert.Equal(t, "secure.example.com", info.Domain)
		_, err = h.api.VerifyOTP(ctx, tok, apiclient.Secret(m.Code))
		apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
	})
	t.Run("a new code replaces the previous one", func(t *testing.T) {
		h := newHarness(t)
		tok := h.twoFactor()
		require.NoError(t, h.api.SendOTP(ctx, tok))
		first := h.lastMail(mockserver.MailOTP, "carol").Code
		require.NoError(t, h.api.SendOTP(ctx, tok))
		second := h.lastMail(mockserver.MailOTP, "carol").Code
		if first != second {
			_, err := h.api.VerifyOTP(ctx, tok, apiclient.Secret(first))
			apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
		}
		_, err := h.api.VerifyOTP(ctx, tok, apiclient.Secret(second))
		require.NoError(t, err)
	})
	t.Run("five wrong codes invalidate the challenge", func(t *testing.T) {
		h := newHarness(t)
		tok := h.twoFactor()
		require.NoError(t, h.api.SendOTP(ctx, tok))
		code := h.lastMail(mockserver.MailOTP, "carol").Code
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for i := 0; i < mockserver.MaxOTPAttempts; i++ {
			_, err := h.api.VerifyOTP(ctx, tok, apiclient.Secret(wrong))
			apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
		}
		_, err := h.api.VerifyOTP(ctx, tok, apiclient.Secret(code))
		apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
		apiErr(t, h.api.SendOTP(ctx, tok), http.StatusUnauthorized, apiclient.CodeUnauthorized)
	})
	t.Run("an expired challenge is refused", func(t *testing.T) {
		h := newHarness(t)
		tok := h.twoFactor()
		require.NoError(t, h.api.SendOTP(ctx, tok))
		code := h.lastMail(mockserver.MailOTP, "carol").Code
		h.srv.AdvanceClock(mockserver.ChallengeTTL + time.Second)
		_, err := h.api.VerifyOTP(ctx, tok, apiclient.Secret(code))
		apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
	})
	t.Run("verify before send_otp is refused", func(t *testing.T) {
		h := newHarness(t)
		tok := h.twoFactor()
		_, err := h.api.VerifyOTP(ctx, tok, "123456")
		apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
	})
	t.Run("a code that is not 6 digits is VALIDATE_FAILED", func(t *testing.T) {
		h := newHarness(t)
		tok := h.twoFactor()
		_, err := h.api.VerifyOTP(ctx, tok, "12ab")
		ae := apiErr(t, err, http.StatusBadRequest, apiclient.CodeValidateFailed)
		assert.Equal(t, []fieldRule{{"code", "format"}}, violations(t, ae.Body))
	})
	t.Run("an unknown challenge token is refused", func(t *testing.T) {
		h := newHarness(t)
		apiErr(t, h.api.SendOTP(ctx, "nope"), http.StatusUnauthorized, apiclient.CodeUnauthorized)
		_, err := h.api.VerifyOTP(ctx, "nope", "123456")
		apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
	})
	t.Run("a system account with two_factor gets a challenge", func(t *testing.T) {
		d := mockserver.DemoData()
		d.System.Accounts[0].TwoFactor = true
		h := newHarness(t, func(o *mockserver.Options) { o.Data = d })
		res, err := h.api.SignInWithCredentials(ctx, creds("admin", "Admin#2026", ""))
		require.NoError(t, err)
		require.IsType(t, &apiclient.TwoFactorChallenge{}, res)
	})
}

func TestRefreshToken(t *testing.T) {
	t.Run("rotation replaces the pair and refuses the old refresh token", func(t *testing.T) {
		h := newHarness(t)
		old := h.signIn("bob", "Bob#2026", "example.com")
		next, err := h.api.RefreshToken(ctx, old.RefreshToken)
		require.NoError(t, err)
		assert.NotEqual(t, old.AccessToken.Reveal(), next.AccessToken.Reveal())
		assert.NotEqual(t, old.RefreshToken.Reveal(), next.RefreshToken.Reveal())
		_, err = h.api.GetUserAuthInfo(ctx, old.AccessToken)
		apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
		_, err = h.api.GetUserAuthInfo(ctx, next.AccessToken)
		require.NoError(t, err)
		last, err := h.api.RefreshToken(ctx, next.RefreshToken)
		require.NoError(t, err)
		// Reusing a traded token is refused (and revokes the family: revoke_test.go).
		_, err = h.api.RefreshToken(ctx, old.RefreshToken)
		refreshRefused(t, err)
		_, err = h.api.GetUserAuthInfo(ctx, last.AccessToken)
		apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
	})
	t.Run("of concurrent uses of one refresh token exactly one wins", func(t *testing.T) {
		h := newHarness(t)
		tp := h.signIn("bob", "Bob#2026", "example.com")
		const n = 8
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins, refused := 0, 0
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := h.api.RefreshToken(ctx, tp.RefreshToken)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					wins++
				} else if apiclient.IsAPIError(err, apiclient.CodeUnknown) {
					refused++
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, 1, wins)
		assert.Equal(t, n-1, refused)
	})
	t.Run("an unknown refresh token is refused", func(t *testing.T) {
		h := newHarness(t)
		_, err := h.api.RefreshToken(ctx, "bogus")
		refreshRefused(t, err)
	})
	t.Run("an expired refresh token is refused", func(t *testing.T) {
		h := newHarness(t)
		tp := h.signIn("bob", "Bob#2026", "example.com")
		h.srv.AdvanceClock(mockserver.RefreshTTL + time.Second)
		_, err := h.api.RefreshToken(ctx, tp.RefreshToken)
		refreshRefused(t, err)
	})
	t.Run("a refresh after the access token expired still works", func(t *testing.T) {
		h := newHarness(t)
		tp := h.signIn("bob", "Bob#2026", "example.com")
		h.srv.AdvanceClock(31 * time.Minute)
		_, err := h.api.RefreshToken(ctx, tp.RefreshToken)
		require.NoError(t, err)
	})
}

func TestGetUserAuthInfo_unauthorized(t *testing.T) {
	h := newHarness(t)
	tp := h.signIn("alice", "Alice#2026", "example.com")
	t.Run("missing token", func(t *testing.T) {
		resp := h.raw(http.MethodGet, "/auth/user", "", "")
		assert.Equal(t, http.StatusUnauthorized, resp.Status)
		assert.Equal(t, apiclient.CodeUnauthorized, decodeErrors(t, resp.Body).Errors[0].Code)
	})
	t.Run("unknown token", func(t *testing.T) {
		_, err := h.api.GetUserAuthInfo(ctx, "not-a-token")
		apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
	})
	t.Run("wrong scheme", func(t *testing.T) {
		resp := h.raw(http.MethodGet, "/auth/user", "", "", "Authorization", "Basic "+tp.AccessToken.Reveal())
		assert.Equal(t, http.StatusUnauthorized, resp.Status)
	})
	t.Run("lower-case bearer scheme works", func(t *testing.T) {
		resp := h.raw(http.MethodGet, "/auth/user", "", "", "Authorization", "bearer "+tp.AccessToken.Reveal())
		assert.Equal(t, http.StatusOK, resp.Status)
	})
	t.Run("expired token", func(t *testing.T) {
		h.srv.AdvanceClock(30*time.Minute + time.Second)
		_, err := h.api.GetUserAuthInfo(ctx, tp.AccessToken)
		apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
	})
}

func TestGetUserAuthInfo_forceReset(t *testing.T) {
	d := mockserver.DemoData()
	d.Tenants[0].Users[1].PasswordForceReset = true
	h := newHarness(t, func(o *mockserver.Options) { o.Data = d; o.TokenTTL = time.Hour })
	tp := h.signIn("bob", "Bob#2026", "example.com")
	assert.Equal(t, 3600, tp.ExpiresIn)
	info, err := h.api.GetUserAuthInfo(ctx, tp.AccessToken)
	require.NoError(t, err)
	assert.True(t, info.PasswordForceReset)
}

func TestSignOut(t *testing.T) {
	h := newHarness(t)
	tp := h.signIn("bob", "Bob#2026", "example.com")
	require.NoError(t, h.api.SignOut(ctx, tp.AccessToken))
	t.Run("the access token is revoked", func(t *testing.T) {
		_, err := h.api.GetUserAuthInfo(ctx, tp.AccessToken)
		apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
	})
	t.Run("the refresh token is revoked", func(t *testing.T) {
		_, err := h.api.RefreshToken(ctx, tp.RefreshToken)
		refreshRefused(t, err)
	})
	t.Run("signing out twice is UNAUTHORIZED", func(t *testing.T) {
		apiErr(t, h.api.SignOut(ctx, tp.AccessToken), http.StatusUnauthorized, apiclient.CodeUnauthorized)
	})
	t.Run("without a token is UNAUTHORIZED", func(t *testing.T) {
		resp := h.raw(http.MethodPost, "/auth/sign_out", "", "")
		assert.Equal(t, http.StatusUnauthorized, resp.Status)
	})
}
