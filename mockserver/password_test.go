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

func TestForgetPassword(t *testing.T) {
	h := newHarness(t)
	t.Run("an existing user gets a reset link built on callback_url", func(t *testing.T) {
		require.NoError(t, h.api.ForgetPassword(ctx, apiclient.ForgetPassword{Domain: "example.com", Username: "bob", CallbackURL: "https://app.example/reset?lang=en"}))
		m := h.lastMail(mockserver.MailReset, "bob")
		assert.Equal(t, "bob@example.com", m.To)
		assert.NotEmpty(t, m.Token)
		link, err := url.Parse(m.Link)
		require.NoError(t, err)
		assert.Equal(t, "app.example", link.Host)
		assert.Equal(t, "/reset", link.Path)
		assert.Equal(t, "en", link.Query().Get("lang"))
		assert.Equal(t, m.Token, link.Query().Get("token"))
		assert.Contains(t, m.Body, m.Link)
	})
	t.Run("a system account needs no domain", func(t *testing.T) {
		require.NoError(t, h.api.ForgetPassword(ctx, apiclient.ForgetPassword{Username: "admin", CallbackURL: "https://app.example/reset"}))
		m := h.lastMail(mockserver.MailReset, "admin")
		assert.Equal(t, "admin@pbx.example.net", m.To)
		assert.Empty(t, m.Domain)
	})
	t.Run("the answer is identical whether or not the user exists", func(t *testing.T) {
		before := len(h.srv.Outbox())
		body := func(user string) string {
			return jsonBody(t, map[string]string{"domain": "example.com", "username": user, "callback_url": "https://app.example/r"})
		}
		known := h.raw(http.MethodPost, "/auth/forget_password", "application/json", body("bob"))
		unknown := h.raw(http.MethodPost, "/auth/forget_password", "application/json", body("nobody"))
		noTenant := h.raw(http.MethodPost, "/auth/forget_password", "application/json",
			jsonBody(t, map[string]string{"domain": "nowhere.example", "username": "bob", "callback_url": "https://app.example/r"}))
		for _, r := range []*apiclient.Response{unknown, noTenant} {
			assert.Equal(t, known.Status, r.Status)
			assert.Equal(t, known.Body, r.Body)
			assert.Equal(t, known.Header.Get("Content-Type"), r.Header.Get("Content-Type"))
			assert.Equal(t, known.Header.Get("Content-Length"), r.Header.Get("Content-Length"))
		}
		assert.Len(t, h.srv.Outbox(), before+1, "only the existing user got mail")
	})
	t.Run("a reserved name with a domain is VALIDATE_FAILED", func(t *testing.T) {
		err := h.api.ForgetPassword(ctx, apiclient.ForgetPassword{Domain: "example.com", Username: "root", CallbackURL: "https://app.example/r"})
		ae := apiErr(t, err, http.StatusBadRequest, apiclient.CodeValidateFailed)
		assert.Equal(t, []fieldRule{{"username", "reserved"}}, violations(t, ae.Body))
	})
	t.Run("a callback_url that is not absolute is VALIDATE_FAILED", func(t *testing.T) {
		err := h.api.ForgetPassword(ctx, apiclient.ForgetPassword{Domain: "example.com", Username: "bob", CallbackURL: "reset.html"})
		ae := apiErr(t, err, http.StatusBadRequest, apiclient.CodeValidateFailed)
		assert.Equal(t, []fieldRule{{"callback_url", "url"}}, violations(t, ae.Body))
	})
}

// resetToken asks for a reset link for bob and returns its token.
func (h *harness) resetToken() apiclient.Secret {
	h.t.Helper()
	require.NoError(h.t, h.api.ForgetPassword(ctx, apiclient.ForgetPassword{Domain: "example.com", Username: "bob", CallbackURL: "https://app.example/reset"}))
	return apiclient.Secret(h.lastMail(mockserver.MailReset, "bob").Token)
}

func TestResetPassword(t *testing.T) {
	t.Run("the new password works, the old one fails, the token is single-use", func(t *testing.T) {
		h := newHarness(t)
		tok := h.resetToken()
		require.NoError(t, h.api.ResetPassword(ctx, tok, "Fresh2027"))
		_, err := h.api.SignInWithCredentials(ctx, creds("bob", "Bob#2026", "example.com"))
		apiErr(t, err, http.StatusBadRequest, apiclient.CodeUnauthorized)
		h.signIn("bob", "Fresh2027", "example.com")
		err = h.api.ResetPassword(ctx, tok, "Other2027")
		ae := apiErr(t, err, http.StatusBadRequest, apiclient.CodeValidateFailed)
		assert.Equal(t, []fieldRule{{"token", "invalid"}}, violations(t, ae.Body))
	})
	t.Run("the link expires after 30 minutes", func(t *testing.T) {
		h := newHarness(t)
		tok := h.resetToken()
		h.srv.AdvanceClock(mockserver.ResetTTL + time.Second)
		err := h.api.ResetPassword(ctx, tok, "Fresh2027")
		apiErr(t, err, http.StatusBadRequest, apiclient.CodeValidateFailed)
		h.signIn("bob", "Bob#2026", "example.com")
	})
	for _, c := range []struct{ pw, rule string }{
		{"Ab1", "min_length"},
		{"abcdefghij", "digit"},
		{"1234567890", "letter"},
		{strings.Repeat("a1", 33), "max_length"},
	} {
		t.Run("the default policy refuses "+c.rule, func(t *testing.T) {
			h := newHarness(t)
			tok := h.resetToken()
			err := h.api.ResetPassword(ctx, tok, apiclient.Secret(c.pw))
			ae := apiErr(t, err, http.StatusBadRequest, apiclient.CodeValidateFailed)
			assert.Equal(t, []fieldRule{{"new_password", c.rule}}, violations(t, ae.Body))
			require.NoError(t, h.api.ResetPassword(ctx, tok, "Good2027x"), "a refused password does not use the token up")
		})
	}
	t.Run("a tenant's own policy applies", func(t *testing.T) {
		d := mockserver.DemoData()
		no := false
		d.Tenants[0].PasswordPolicy = &mockserver.Policy{MinLength: 12, RequireDigit: &no, RequireSymbol: true}
		h := newHarness(t, func(o *mockserver.Options) { o.Data = d })
		tok := h.resetToken()
		err := h.api.ResetPassword(ctx, tok, "short#1")
		ae := apiErr(t, err, http.StatusBadRequest, apiclient.CodeValidateFailed)
		assert.Equal(t, []fieldRule{{"new_password", "min_length"}}, violations(t, ae.Body))
		err = h.api.ResetPassword(ctx, tok, "longenoughnosymbol")
		ae = apiErr(t, err, http.StatusBadRequest, apiclient.CodeValidateFailed)
		assert.Equal(t, []fieldRule{{"new_password", "symbol"}}, violations(t, ae.Body))
		require.NoError(t, h.api.ResetPassword(ctx, tok, "long-enough-no-digit"))
	})
	t.Run("a reset clears password_force_reset", func(t *testing.T) {
		d := mockserver.DemoData()
		d.Tenants[0].Users[1].PasswordForceReset = true
		h := newHarness(t, func(o *mockserver.Options) { o.Data = d })
		tok := h.resetToken()
		require.NoError(t, h.api.ResetPassword(ctx, tok, "Fresh2027"))
		info, err := h.api.GetUserAuthInfo(ctx, h.signIn("bob", "Fresh2027", "example.com").AccessToken)
		require.NoError(t, err)
		assert.False(t, info.PasswordForceReset)
	})
	t.Run("Reset brings the old password back", func(t *testing.T) {
		h := newHarness(t)
		require.NoError(t, h.api.ResetPassword(ctx, h.resetToken(), "Fresh2027"))
		h.srv.Reset()
		h.signIn("bob", "Bob#2026", "example.com")
	})
}
