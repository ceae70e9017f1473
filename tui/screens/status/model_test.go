package status

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/mocks"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

var now = time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)

func setup(t *testing.T, signedIn bool) (*Model, *mocks.API) {
	api := mocks.NewAPI(t)
	ctx := tuitest.Context(api)
	ctx.Now = func() time.Time { return now }
	ctx.Time = now // the root's last read, which View draws from
	if signedIn {
		s := common.SessionFromTokens(now, "alice", "example.com", &apiclient.TokenPair{AccessToken: "acc", RefreshToken: "ref", ExpiresIn: 1800})
		ctx.Session = &s
	}
	m := New(ctx)
	m.SetSize(80, 20)
	return m, api
}

func TestModel_Status_success(t *testing.T) {
	m, api := setup(t, true)
	api.EXPECT().GetLoginStatus(mock.Anything).Return(nil, tuitest.APIErr(401, "UNAUTHORIZED", "no web session")).Once()
	api.EXPECT().GetUserAuthInfo(mock.Anything, apiclient.Secret("acc")).
		Return(&apiclient.UserAuthInfo{Role: "Admin", PasswordVerified: true, Domain: "example.com"}, nil).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("r"))))
	v := m.View()
	assert.Contains(t, v, "no web session")
	assert.Regexp(t, `password_verified\s+true`, v)
	assert.Contains(t, v, "30:00", "the token countdown")
	assert.NotContains(t, v, "acc", "tokens never show")
}

func TestModel_Status_networkError(t *testing.T) {
	m, api := setup(t, false)
	api.EXPECT().GetLoginStatus(mock.Anything).Return(nil, tuitest.NetErr()).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("r"))))
	v := m.View()
	assert.Contains(t, v, "cannot reach the PBX")
	assert.Contains(t, v, "no access token: sign in first")
}

func TestModel_RefreshToken(t *testing.T) {
	m, api := setup(t, true)
	api.EXPECT().RefreshToken(mock.Anything, apiclient.Secret("ref")).
		Return(&apiclient.TokenPair{AccessToken: "acc2", RefreshToken: "ref2", ExpiresIn: 900}, nil).Once()
	out := m.Update(tuitest.Run(t, m.Update(tuitest.Key("t"))))
	msg := out().(common.SessionUpdatedMsg)
	assert.Equal(t, apiclient.Secret("acc2"), msg.Session.Access)
	assert.Equal(t, "alice", msg.Session.Username)
	assert.Equal(t, now.Add(900*time.Second), msg.Session.ExpiresAt)
}

func TestModel_RefreshToken_apiError(t *testing.T) {
	m, api := setup(t, true)
	api.EXPECT().RefreshToken(mock.Anything, mock.Anything).Return(nil, tuitest.APIErr(401, "UNAUTHORIZED", "refresh token expired")).Once()
	out := m.Update(tuitest.Run(t, m.Update(tuitest.Key("t"))))
	assert.Nil(t, out)
	assert.Contains(t, m.View(), "refresh token expired")
}

func TestModel_AutoRefresh(t *testing.T) {
	m, api := setup(t, true)
	api.EXPECT().RefreshToken(mock.Anything, apiclient.Secret("ref")).
		Return(&apiclient.TokenPair{AccessToken: "acc2", RefreshToken: "ref2", ExpiresIn: 900}, nil).Once()
	m.Update(tuitest.Key("a"))
	assert.True(t, m.ctx.AutoRefresh)
	out := m.Update(tuitest.Run(t, m.Update(common.AutoRefreshMsg{})))
	_, ok := out().(common.SessionUpdatedMsg)
	assert.True(t, ok)
	assert.Contains(t, m.View(), "refreshed automatically")
}

func TestModel_SignOut(t *testing.T) {
	m, api := setup(t, true)
	api.EXPECT().SignOut(mock.Anything, apiclient.Secret("acc")).Return(nil).Once()
	out := m.Update(tuitest.Run(t, m.Update(tuitest.Key("s"))))
	_, ok := out().(common.SignedOutMsg)
	assert.True(t, ok)
}

func TestModel_SignOut_productionAsksFirst(t *testing.T) {
	m, api := setup(t, true)
	m.ctx.Target.Production = true
	cmd := m.Update(tuitest.Key("s"))
	ask, ok := cmd().(common.ConfirmMsg)
	require.True(t, ok, "a production profile asks before signing out")
	assert.Equal(t, ID, ask.To)
	api.EXPECT().SignOut(mock.Anything, apiclient.Secret("acc")).Return(nil).Once()
	out := m.Update(tuitest.Run(t, m.Update(ask.Yes)))
	_, ok = out().(common.SignedOutMsg)
	assert.True(t, ok)
}

func TestModel_Logout_webSession(t *testing.T) {
	m, api := setup(t, false)
	m.ctx.Session = &common.Session{Kind: common.WebSession, Username: "alice"}
	api.EXPECT().Logout(mock.Anything).Return(nil).Once()
	out := m.Update(tuitest.Run(t, m.Update(tuitest.Key("l"))))
	_, ok := out().(common.SignedOutMsg)
	assert.True(t, ok)
}

func TestModel_Logout_error(t *testing.T) {
	m, api := setup(t, false)
	api.EXPECT().Logout(mock.Anything).Return(tuitest.NetErr()).Once()
	assert.Nil(t, m.Update(tuitest.Run(t, m.Update(tuitest.Key("l")))))
	assert.Contains(t, m.View(), "log out: cannot reach the PBX")
}

func TestModel_StaleReplyDropped(t *testing.T) {
	m, api := setup(t, true)
	api.EXPECT().RefreshToken(mock.Anything, mock.Anything).Return(&apiclient.TokenPair{AccessToken: "x"}, nil).Once()
	cmd := m.Update(tuitest.Key("t"))
	m.Update(tea.KeyMsg{Type: tea.KeyEsc})
	assert.Nil(t, m.Update(tuitest.Run(t, cmd)), "a cancelled refresh must not replace the tokens")
}

func TestModel_SignOut_deadTokenClearsTheLocalSession(t *testing.T) {
	m, api := setup(t, true)
	api.EXPECT().SignOut(mock.Anything, apiclient.Secret("acc")).
		Return(tuitest.APIErr(401, "UNAUTHORIZED", "token expired")).Once()
	out := m.Update(tuitest.Run(t, m.Update(tuitest.Key("s"))))
	require.NotNil(t, out, "a 401 means the PBX has no session left: end ours too")
	done, ok := out().(common.SignedOutMsg)
	require.True(t, ok)
	assert.Contains(t, done.Notice, "401")
	assert.Contains(t, done.Notice, "local session cleared", "the status line says what happened")
}

func TestModel_SignOut_otherErrorsKeepTheSession(t *testing.T) {
	for name, err := range map[string]error{
		"a server error":  tuitest.APIErr(500, "INTERNAL", "boom"),
		"a network error": tuitest.NetErr(),
	} {
		t.Run(name, func(t *testing.T) {
			m, api := setup(t, true)
			api.EXPECT().SignOut(mock.Anything, apiclient.Secret("acc")).Return(err).Once()
			assert.Nil(t, m.Update(tuitest.Run(t, m.Update(tuitest.Key("s")))), "the token may still work")
			assert.NotNil(t, m.ctx.Session)
			assert.Contains(t, m.View(), "sign out: ")
		})
	}
}

func TestModel_Logout_goneWebSessionClearsTheLocalOne(t *testing.T) {
	m, api := setup(t, false)
	m.ctx.Session = &common.Session{Kind: common.WebSession, Username: "alice"}
	api.EXPECT().Logout(mock.Anything).Return(tuitest.APIErr(401, "UNAUTHORIZED", "no web session")).Once()
	out := m.Update(tuitest.Run(t, m.Update(tuitest.Key("l"))))
	require.NotNil(t, out, "a 401 means the PBX has no web session left: end ours too")
	done, ok := out().(common.SignedOutMsg)
	require.True(t, ok)
	assert.Contains(t, done.Notice, "401")
	assert.Contains(t, done.Notice, "local web session cleared")
	assert.Contains(t, m.View(), "no longer has this web session")
}

func TestModel_Logout_401WithATokenSessionKeepsIt(t *testing.T) {
	m, api := setup(t, true) // signed in with tokens: logout is about a web session it doesn't have
	api.EXPECT().Logout(mock.Anything).Return(tuitest.APIErr(401, "UNAUTHORIZED", "no web session")).Once()
	assert.Nil(t, m.Update(tuitest.Run(t, m.Update(tuitest.Key("l")))))
	assert.NotNil(t, m.ctx.Session)
	assert.Contains(t, m.View(), "log out: 401")
}
