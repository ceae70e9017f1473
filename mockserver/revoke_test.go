package mockserver_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mockserver"
)

// resetPassword sets a new password through forget_password and the mailed link.
func (h *harness) resetPassword(user, domain, pw string) {
	h.t.Helper()
	require.NoError(h.t, h.api.ForgetPassword(ctx, apiclient.ForgetPassword{Username: user, Domain: domain, CallbackURL: "https://app.example/reset"}))
	tok := h.lastMail(mockserver.MailReset, user).Token
	require.NoError(h.t, h.api.ResetPassword(ctx, apiclient.Secret(tok), apiclient.Secret(pw)))
}

func unauthorizedErr(t *testing.T, err error) {
	t.Helper()
	apiErr(t, err, http.StatusUnauthorized, apiclient.CodeUnauthorized)
}

// refreshRefused checks a failed refresh: 400 UNKNOWN, as PortSIP's guide shows it.
func refreshRefused(t *testing.T, err error) {
	t.Helper()
	apiErr(t, err, http.StatusBadRequest, apiclient.CodeUnknown)
}

func TestResetPassword_revokesTheAccountsSignIns(t *testing.T) {
	h := newHarness(t)
	before := h.signIn("bob", "Bob#2026", "example.com")
	refreshed := h.signIn("bob", "Bob#2026", "example.com")
	refreshed, err := h.api.RefreshToken(ctx, refreshed.RefreshToken)
	require.NoError(t, err)
	web := h.newClient()
	require.NoError(t, web.Login(ctx, creds("bob", "Bob#2026", "example.com")))
	other := h.signIn("alice", "Alice#2026", "example.com")
	// Another reset link for bob, asked for before the reset.
	require.NoError(t, h.api.ForgetPassword(ctx, apiclient.ForgetPassword{Username: "bob", Domain: "example.com", CallbackURL: "https://app.example/reset"}))
	spare := h.lastMail(mockserver.MailReset, "bob").Token

	h.resetPassword("bob", "example.com", "Changed2027")

	t.Run("an access token from before the reset is refused", func(t *testing.T) {
		_, err := h.api.GetUserAuthInfo(ctx, before.AccessToken)
		unauthorizedErr(t, err)
		_, err = h.api.GetUserAuthInfo(ctx, refreshed.AccessToken)
		unauthorizedErr(t, err)
	})
	t.Run("a refresh token from before the reset is refused", func(t *testing.T) {
		_, err := h.api.RefreshToken(ctx, before.RefreshToken)
		refreshRefused(t, err)
		_, err = h.api.RefreshToken(ctx, refreshed.RefreshToken)
		refreshRefused(t, err)
	})
	t.Run("the web session from before the reset has ended", func(t *testing.T) {
		_, err := web.GetLoginStatus(ctx)
		unauthorizedErr(t, err)
	})
	t.Run("another reset link from before the reset is used up", func(t *testing.T) {
		err := h.api.ResetPassword(ctx, apiclient.Secret(spare), "Another2027")
		ae := apiErr(t, err, http.StatusBadRequest, apiclient.CodeValidateFailed)
		assert.Equal(t, []fieldRule{{"token", "invalid"}}, violations(t, ae.Body))
	})
	t.Run("other accounts keep their sign-ins", func(t *testing.T) {
		_, err := h.api.GetUserAuthInfo(ctx, other.AccessToken)
		require.NoError(t, err)
	})
	t.Run("a sign-in with the new password works", func(t *testing.T) {
		tp := h.signIn("bob", "Changed2027", "example.com")
		_, err := h.api.GetUserAuthInfo(ctx, tp.AccessToken)
		require.NoError(t, err)
		_, err = h.api.RefreshToken(ctx, tp.RefreshToken)
		require.NoError(t, err)
		require.NoError(t, web.Login(ctx, creds("bob", "Changed2027", "example.com")))
		_, err = web.GetLoginStatus(ctx)
		require.NoError(t, err)
	})
}

func TestResetPassword_endsTwoFactorSignInsUnderWay(t *testing.T) {
	h := newHarness(t)
	tok := h.twoFactor()
	require.NoError(t, h.api.SendOTP(ctx, tok))
	code := h.lastMail(mockserver.MailOTP, "carol").Code
	h.resetPassword("carol", "secure.example.com", "Changed2027")
	_, err := h.api.VerifyOTP(ctx, tok, apiclient.Secret(code))
	unauthorizedErr(t, err) // a challenge opened with the old password
}

func TestSignOut_expiredAccessToken(t *testing.T) {
	h := newHarness(t)
	tp := h.signIn("bob", "Bob#2026", "example.com")
	h.srv.AdvanceClock(mockserver.DefaultTokenTTL + time.Minute)
	_, err := h.api.GetUserAuthInfo(ctx, tp.AccessToken)
	unauthorizedErr(t, err)

	t.Run("signing out with the expired but known token answers 200", func(t *testing.T) {
		require.NoError(t, h.api.SignOut(ctx, tp.AccessToken))
	})
	t.Run("and the refresh token issued with it is revoked", func(t *testing.T) {
		_, err := h.api.RefreshToken(ctx, tp.RefreshToken)
		refreshRefused(t, err)
	})
	t.Run("a second sign-out is refused", func(t *testing.T) {
		unauthorizedErr(t, h.api.SignOut(ctx, tp.AccessToken))
	})
	t.Run("an unknown token is refused", func(t *testing.T) {
		unauthorizedErr(t, h.api.SignOut(ctx, "garbage-token"))
	})
	t.Run("a token past its refresh token's lifetime is forgotten", func(t *testing.T) {
		old := h.signIn("bob", "Bob#2026", "example.com")
		h.srv.AdvanceClock(mockserver.RefreshTTL + time.Minute)
		unauthorizedErr(t, h.api.SignOut(ctx, old.AccessToken))
	})
	t.Run("a token retired by a refresh is refused", func(t *testing.T) {
		old := h.signIn("bob", "Bob#2026", "example.com")
		_, err := h.api.RefreshToken(ctx, old.RefreshToken)
		require.NoError(t, err)
		unauthorizedErr(t, h.api.SignOut(ctx, old.AccessToken))
	})
	t.Run("an expired token still opens nothing else", func(t *testing.T) {
		tp := h.signIn("bob", "Bob#2026", "example.com")
		h.srv.AdvanceClock(mockserver.DefaultTokenTTL + time.Minute)
		_, err := h.api.GetUserAuthInfo(ctx, tp.AccessToken)
		unauthorizedErr(t, err)
	})
}

func TestRefreshToken_reuseRevokesTheFamily(t *testing.T) {
	t.Run("a stolen token used after the owner rotated kills the owner's pair", func(t *testing.T) {
		h := newHarness(t)
		stolen := h.signIn("bob", "Bob#2026", "example.com")
		owner, err := h.api.RefreshToken(ctx, stolen.RefreshToken)
		require.NoError(t, err)
		owner, err = h.api.RefreshToken(ctx, owner.RefreshToken) // a longer chain
		require.NoError(t, err)
		_, err = h.api.RefreshToken(ctx, stolen.RefreshToken) // the attacker
		refreshRefused(t, err)
		_, err = h.api.GetUserAuthInfo(ctx, owner.AccessToken)
		unauthorizedErr(t, err)
		_, err = h.api.RefreshToken(ctx, owner.RefreshToken)
		refreshRefused(t, err)
	})
	t.Run("the owner's late use of the old token kills the attacker's pair", func(t *testing.T) {
		h := newHarness(t)
		tp := h.signIn("bob", "Bob#2026", "example.com")
		attacker, err := h.api.RefreshToken(ctx, tp.RefreshToken)
		require.NoError(t, err)
		_, err = h.api.RefreshToken(ctx, tp.RefreshToken) // the owner, unaware
		refreshRefused(t, err)
		_, err = h.api.GetUserAuthInfo(ctx, attacker.AccessToken)
		unauthorizedErr(t, err)
		_, err = h.api.RefreshToken(ctx, attacker.RefreshToken)
		refreshRefused(t, err)
	})
	t.Run("other sign-ins of the account live on", func(t *testing.T) {
		h := newHarness(t)
		tp := h.signIn("bob", "Bob#2026", "example.com")
		other := h.signIn("bob", "Bob#2026", "example.com")
		web := h.newClient()
		require.NoError(t, web.Login(ctx, creds("bob", "Bob#2026", "example.com")))
		_, err := h.api.RefreshToken(ctx, tp.RefreshToken)
		require.NoError(t, err)
		_, err = h.api.RefreshToken(ctx, tp.RefreshToken)
		refreshRefused(t, err)
		_, err = h.api.GetUserAuthInfo(ctx, other.AccessToken)
		require.NoError(t, err)
		_, err = h.api.RefreshToken(ctx, other.RefreshToken)
		require.NoError(t, err)
		_, err = web.GetLoginStatus(ctx)
		require.NoError(t, err)
	})
	t.Run("a reuse answers the same UNKNOWN body each time", func(t *testing.T) {
		h := newHarness(t)
		tp := h.signIn("bob", "Bob#2026", "example.com")
		_, err := h.api.RefreshToken(ctx, tp.RefreshToken)
		require.NoError(t, err)
		_, first := h.api.RefreshToken(ctx, tp.RefreshToken)
		_, second := h.api.RefreshToken(ctx, tp.RefreshToken)
		a, b := apiErr(t, first, 400, apiclient.CodeUnknown), apiErr(t, second, 400, apiclient.CodeUnknown)
		assert.Equal(t, string(a.Body), string(b.Body))
	})
}
