package status

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/boundedjson"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// apply does what the root does with a session update.
func apply(t *testing.T, m *Model, cmd tea.Cmd) common.Session {
	t.Helper()
	require.NotNil(t, cmd)
	up, ok := cmd().(common.SessionUpdatedMsg)
	require.True(t, ok, "the screen hands the new session to the root")
	m.ctx.Session = &up.Session
	m.Update(up)
	return up.Session
}

// Revoke ends the access token at the PBX; the screen says so, the PBX's refusal
// shows on the next call, and the refresh token renews the session.
func TestModel_Revoke_thenThePBXRefusesTheToken(t *testing.T) {
	m, api := setup(t, true)
	m.ctx.Session.OAuth = true
	assert.Contains(t, m.View(), "bearer, OAuth")
	require.True(t, m.keys.Revoke.Enabled())
	api.EXPECT().OAuthRevoke(mock.Anything, apiclient.Secret("acc")).Return(nil).Once()
	s := apply(t, m, m.Update(tuitest.Run(t, m.Update(tuitest.Key("x")))))
	assert.True(t, s.Revoked)
	assert.Equal(t, apiclient.Secret("ref"), s.Refresh, "the refresh token is kept")
	v := m.View()
	assert.Contains(t, v, "access token revoked")
	assert.Regexp(t, `token\s+revoked`, v)
	assert.NotContains(t, v, "30:00", "no countdown for a revoked token")
	assert.False(t, m.keys.Revoke.Enabled(), "nothing left to revoke")

	api.EXPECT().GetLoginStatus(mock.Anything).Return(nil, tuitest.APIErr(401, "UNAUTHORIZED", "no web session")).Once()
	api.EXPECT().GetUserAuthInfo(mock.Anything, apiclient.Secret("acc")).
		Return(nil, tuitest.APIErr(401, "UNAUTHORIZED", "the access token is revoked")).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("r"))))
	assert.Contains(t, m.View(), "401 UNAUTHORIZED: the access token is revoked")

	// The OAuth session renews at the token endpoint, and the new token is live.
	api.EXPECT().OAuthRefresh(mock.Anything, apiclient.Secret("ref")).
		Return(&apiclient.TokenPair{AccessToken: "acc2", RefreshToken: "ref2", ExpiresIn: 1800}, nil).Once()
	s = apply(t, m, m.Update(tuitest.Run(t, m.Update(tuitest.Key("t")))))
	assert.False(t, s.Revoked)
	assert.True(t, s.OAuth)
	assert.Equal(t, apiclient.Secret("acc2"), s.Access)
	assert.Contains(t, m.View(), "token refreshed (OAuth refresh_token grant)")
}

func TestModel_Revoke_productionAsksFirst(t *testing.T) {
	m, api := setup(t, true)
	m.ctx.Target.Production = true
	ask, ok := m.Update(tuitest.Key("x"))().(common.ConfirmMsg)
	require.True(t, ok, "a production profile asks before revoking")
	assert.Contains(t, ask.Prompt, "Revoke the access token")
	api.EXPECT().OAuthRevoke(mock.Anything, apiclient.Secret("acc")).Return(nil).Once()
	s := apply(t, m, m.Update(tuitest.Run(t, m.Update(ask.Yes))))
	assert.True(t, s.Revoked)
}

func TestModel_Revoke_errorKeepsTheToken(t *testing.T) {
	m, api := setup(t, true)
	api.EXPECT().OAuthRevoke(mock.Anything, mock.Anything).Return(tuitest.NetErr()).Once()
	assert.Nil(t, m.Update(tuitest.Run(t, m.Update(tuitest.Key("x")))))
	assert.Contains(t, m.View(), "revoke: cannot reach the PBX")
	assert.False(t, m.ctx.Session.Revoked)
}

func TestModel_Revoke_notForWebSessions(t *testing.T) {
	m, _ := setup(t, false)
	m.ctx.Session = &common.Session{Kind: common.WebSession, Username: "alice", Access: "acc"}
	m.updateKeys()
	assert.False(t, m.keys.Revoke.Enabled())
	assert.Nil(t, m.Update(tuitest.Key("x")))
}

// A session from /auth/sign_in keeps renewing at /auth/refresh_token.
func TestModel_Refresh_signInSessionUsesRefreshToken(t *testing.T) {
	m, api := setup(t, true)
	api.EXPECT().RefreshToken(mock.Anything, apiclient.Secret("ref")).
		Return(&apiclient.TokenPair{AccessToken: "acc2", RefreshToken: "ref2", ExpiresIn: 60}, nil).Once()
	s := apply(t, m, m.Update(tuitest.Run(t, m.Update(tuitest.Key("t")))))
	assert.False(t, s.OAuth)
}

// PortSIP sends blank fields as null: they decode to zero values and show as
// blanks, never as <nil>, a zero date or a crash.
func TestModel_Status_nullFieldsShowBlank(t *testing.T) {
	m, api := setup(t, true)
	login, user := &apiclient.LoginStatus{}, &apiclient.UserAuthInfo{}
	require.NoError(t, boundedjson.Unmarshal([]byte(`{"access_token":null,"expires_at":null,"expires_in":null,"role":null}`), login))
	require.NoError(t, boundedjson.Unmarshal([]byte(`{"role":null,"password_verified":null,"password_force_reset":null,"domain":null,"role_id":null,"role_name":null,"capabilities":null}`), user))
	api.EXPECT().GetLoginStatus(mock.Anything).Return(login, nil).Once()
	api.EXPECT().GetUserAuthInfo(mock.Anything, mock.Anything).Return(user, nil).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("r"))))
	v := m.View()
	assert.NotContains(t, v, "<nil>")
	assert.NotContains(t, v, "0001-01-01")
	assert.Regexp(t, `expires_at\s+—`, v)
	assert.Regexp(t, `access_token\s+—`, v)
	assert.Regexp(t, `GET /auth/user\s+role\s+—`, v)
}

// Auto-refresh renews an OAuth session at the token endpoint too.
func TestModel_AutoRefresh_oauthSessionUsesTheRefreshGrant(t *testing.T) {
	m, api := setup(t, true)
	m.ctx.Session.OAuth = true
	api.EXPECT().OAuthRefresh(mock.Anything, apiclient.Secret("ref")).
		Return(&apiclient.TokenPair{AccessToken: "acc2", RefreshToken: "ref2", ExpiresIn: 1800}, nil).Once()
	s := apply(t, m, m.Update(tuitest.Run(t, m.Update(common.AutoRefreshMsg{Expired: true}))))
	assert.True(t, s.OAuth)
	assert.Equal(t, apiclient.Secret("ref2"), s.Refresh)
	assert.Contains(t, m.View(), "token refreshed automatically after it expired (OAuth refresh_token grant)")
}
