package signin

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// ctrl+t steps through the methods; the title and the help bar follow.
func TestModel_Method_stepsThroughTheThree(t *testing.T) {
	m, _ := setup(t)
	assert.Contains(t, m.View(), "Sign in · POST /auth/sign_in")
	assert.Equal(t, "use OAuth", m.keys.Method.Help().Desc)
	assert.Contains(t, m.ShortHelp(), m.keys.Method, "the method key is on the bar")
	m.Update(tuitest.Key("ctrl+t"))
	assert.Contains(t, m.View(), "Sign in · POST /login/oauth/token")
	assert.Contains(t, m.View(), "method: OAuth password grant")
	assert.Equal(t, "get token (OAuth)", m.keys.Form.Submit.Help().Desc)
	assert.True(t, m.Capturing(), "switching the method keeps the field")
	m.Update(tuitest.Key("ctrl+t"))
	assert.Equal(t, methodWeb, m.method)
	m.Update(tuitest.Key("ctrl+t"))
	assert.Equal(t, methodSignIn, m.method)
}

func TestModel_OAuthPasswordGrant_storesTheSession(t *testing.T) {
	m, api := setup(t)
	now := time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)
	m.ctx.Now = func() time.Time { return now }
	tp := &apiclient.TokenPair{TokenType: "Bearer", AccessToken: "acc", RefreshToken: "ref", ExpiresIn: 1800}
	api.EXPECT().OAuthPasswordGrant(mock.Anything, alice).Return(tp, nil).Once()
	m.Update(tuitest.Key("ctrl+t"))
	fill(m, "alice", "Alice#2026", "example.com")
	out := m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	require.NotNil(t, out)
	msg, ok := out().(common.SignedInMsg)
	require.True(t, ok, "the grant's tokens become the session, as a normal sign-in's")
	s := msg.Session
	assert.Equal(t, "alice@example.com", s.Who())
	assert.Equal(t, apiclient.Secret("acc"), s.Access)
	assert.Equal(t, apiclient.Secret("ref"), s.Refresh)
	assert.Equal(t, now.Add(30*time.Minute), s.ExpiresAt)
	assert.True(t, s.OAuth, "Status renews it at the token endpoint")
	assert.Equal(t, common.BearerSession, s.Kind)
	assert.Contains(t, m.View(), "signed in (OAuth password grant)")
	assert.Empty(t, m.creds.Value("password"))
}

// A failed grant shows PortSIP's answer through the error describer; a two-factor
// account is refused the same way (the mock's choice), and the person stays on the
// credentials with the method kept.
func TestModel_OAuthPasswordGrant_refusedShowsThePBXAnswer(t *testing.T) {
	m, api := setup(t)
	api.EXPECT().OAuthPasswordGrant(mock.Anything, mock.Anything).
		Return(nil, tuitest.APIErr(400, "UNAUTHORIZED", "Login failed, authentication error")).Once()
	m.Update(tuitest.Key("ctrl+t"))
	fill(m, "carol", "Carol#2026", "secure.example.com")
	out := m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	assert.Nil(t, out)
	v := m.View()
	assert.Contains(t, v, "OAuth password grant: 400 UNAUTHORIZED: Login failed, authentication error")
	assert.Equal(t, "credentials", m.Step())
	assert.Equal(t, methodOAuth, m.method)
}

func TestModel_OAuthPasswordGrant_sameFieldRules(t *testing.T) {
	m, _ := setup(t)
	m.Update(tuitest.Key("ctrl+t"))
	fill(m, "admin", "x", "example.com")
	assert.Nil(t, m.Update(tuitest.Key("enter")), "a reserved name with a domain is not sent")
	assert.Contains(t, m.View(), "is reserved")
}
