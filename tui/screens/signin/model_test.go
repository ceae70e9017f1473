package signin

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/mocks"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
	tuimocks "github.com/pbxauth/pbxauth/tui/mocks"
)

func setup(t *testing.T) (*Model, *mocks.API) {
	api := mocks.NewAPI(t)
	ctx := tuitest.Context(api)
	m := New(ctx)
	m.SetSize(80, 20)
	m.Init()
	m.Update(tuitest.Key("tab")) // the first field is one key away
	return m, api
}

// The app starts in navigation: ?, q and digits keep their meaning until the
// person enters a field, and tab enters the first one.
func TestModel_SignIn_startsInNavigation(t *testing.T) {
	m := New(tuitest.Context(mocks.NewAPI(t)))
	m.SetSize(80, 20)
	assert.Nil(t, m.Init(), "no focus, so no cursor command")
	assert.False(t, m.Capturing())
	m.Update(tuitest.Key("tab"))
	assert.True(t, m.Capturing())
	tuitest.Type(m.Update, "q")
	assert.Equal(t, "q", m.creds.Value("username"))
}

func fill(m *Model, user, pw, domain string) {
	tuitest.Type(m.Update, user)
	m.Update(tuitest.Key("tab"))
	tuitest.Type(m.Update, pw)
	m.Update(tuitest.Key("tab"))
	tuitest.Type(m.Update, domain)
}

var alice = apiclient.Credentials{Username: "alice", Password: "Alice#2026", Domain: "example.com"}

func TestModel_SignIn_success(t *testing.T) {
	m, api := setup(t)
	tp := &apiclient.TokenPair{TokenType: "Bearer", AccessToken: "acc", RefreshToken: "ref", ExpiresIn: 1800}
	api.EXPECT().SignInWithCredentials(mock.Anything, alice).Return(tp, nil).Once()
	fill(m, "alice", "Alice#2026", "example.com")
	cmd := m.Update(tuitest.Key("enter"))
	require.True(t, m.Busy())
	out := m.Update(tuitest.Run(t, cmd))
	require.False(t, m.Busy())
	msg, ok := out().(common.SignedInMsg)
	require.True(t, ok, "a good sign-in tells the root who is signed in")
	assert.Equal(t, "alice@example.com", msg.Session.Who())
	assert.Equal(t, apiclient.Secret("acc"), msg.Session.Access)
	assert.Empty(t, m.creds.Value("password"), "the password is not kept after use")
	assert.Contains(t, m.View(), "signed in")
}

func TestModel_SignIn_apiError(t *testing.T) {
	m, api := setup(t)
	api.EXPECT().SignInWithCredentials(mock.Anything, alice).
		Return(nil, tuitest.APIErr(401, "UNAUTHORIZED", "wrong username or password")).Once()
	fill(m, "alice", "Alice#2026", "example.com")
	out := m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	assert.Nil(t, out)
	assert.Contains(t, m.View(), "401 UNAUTHORIZED: wrong username or password")
	assert.Equal(t, "credentials", m.Step())
}

func TestModel_SignIn_networkError(t *testing.T) {
	m, api := setup(t)
	api.EXPECT().SignInWithCredentials(mock.Anything, mock.Anything).Return(nil, tuitest.NetErr()).Once()
	fill(m, "alice", "Alice#2026", "example.com")
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	assert.Contains(t, m.View(), "cannot reach the PBX")
}

func TestModel_SignIn_twoFactor(t *testing.T) {
	m, api := setup(t)
	ob := tuimocks.NewOutbox(t)
	ob.EXPECT().LatestOTP(mock.Anything, "carol").Return("123456", nil).Once()
	m.ctx.Outbox = ob
	carol := apiclient.Credentials{Username: "carol", Password: "Carol#2026", Domain: "secure.example.com"}
	api.EXPECT().SignInWithCredentials(mock.Anything, carol).
		Return(&apiclient.TwoFactorChallenge{TwoFactorEnabled: true, Token: "chal"}, nil).Once()
	api.EXPECT().SendOTP(mock.Anything, apiclient.Secret("chal")).Return(nil).Once()
	api.EXPECT().VerifyOTP(mock.Anything, apiclient.Secret("chal"), apiclient.Secret("123456")).
		Return(&apiclient.TokenPair{AccessToken: "acc", RefreshToken: "ref", ExpiresIn: 60}, nil).Once()

	fill(m, "carol", "Carol#2026", "secure.example.com")
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	require.Equal(t, "two-factor code", m.Step())
	assert.Contains(t, m.View(), "for carol")

	m.Update(tuitest.Run(t, m.Update(tuitest.Key("ctrl+e"))))
	assert.Contains(t, m.View(), "code sent")

	m.Update(tuitest.Run(t, m.Update(tuitest.Key("ctrl+o"))))
	assert.Equal(t, "123456", m.otp.Value("code"))
	assert.NotContains(t, m.View(), "123456", "the code is masked until revealed")
	m.Update(tuitest.Key("ctrl+r"))
	assert.Contains(t, m.View(), "123456", "ctrl+r reveals it")

	out := m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	msg, ok := out().(common.SignedInMsg)
	require.True(t, ok)
	assert.Equal(t, "carol@secure.example.com", msg.Session.Who())
	assert.Equal(t, "credentials", m.Step())
}

func TestModel_SignIn_wrongCode(t *testing.T) {
	m, api := setup(t)
	api.EXPECT().SignInWithCredentials(mock.Anything, mock.Anything).
		Return(&apiclient.TwoFactorChallenge{TwoFactorEnabled: true, Token: "chal"}, nil).Once()
	api.EXPECT().VerifyOTP(mock.Anything, mock.Anything, apiclient.Secret("000000")).
		Return(nil, tuitest.APIErr(401, "UNAUTHORIZED", "invalid code")).Once()
	fill(m, "carol", "Carol#2026", "secure.example.com")
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	tuitest.Type(m.Update, "000000")
	out := m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	assert.Nil(t, out)
	assert.Equal(t, "two-factor code", m.Step(), "a wrong code leaves the person on the code step")
	assert.Contains(t, m.View(), "invalid code")
	assert.Contains(t, m.View(), "for carol@secure.example.com")
	assert.Regexp(t, `ctrl\+b: back to the\s+credentials`, m.View(), "a used-up challenge: the way back is said")
	assert.Contains(t, m.ShortHelp(), m.keys.Back, "and on the help bar, not only in ?")

	// The next code is typed into an empty field, not after the masked wrong one.
	api.EXPECT().VerifyOTP(mock.Anything, mock.Anything, apiclient.Secret("123456")).
		Return(&apiclient.TokenPair{AccessToken: "a", ExpiresIn: 60}, nil).Once()
	tuitest.Type(m.Update, "123456")
	out = m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	require.NotNil(t, out)
	_, ok := out().(common.SignedInMsg)
	assert.True(t, ok)
	assert.False(t, m.Capturing(), "after sign-in no field has focus: 2 goes to Status")
}

func TestModel_SignIn_endedChallengeReturnsToCredentials(t *testing.T) {
	m, api := setup(t)
	api.EXPECT().SignInWithCredentials(mock.Anything, mock.Anything).
		Return(&apiclient.TwoFactorChallenge{TwoFactorEnabled: true, Token: "chal"}, nil).Once()
	api.EXPECT().SendOTP(mock.Anything, apiclient.Secret("chal")).
		Return(tuitest.APIErr(401, "UNAUTHORIZED", "the two-factor session is unknown")).Once()
	fill(m, "carol", "Carol#2026", "secure.example.com")
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	require.Equal(t, "two-factor code", m.Step())
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("ctrl+e"))))
	assert.Equal(t, "credentials", m.Step(), "a challenge the PBX no longer knows leaves nothing to do on the code step")
	assert.Regexp(t, `two-factor session has\s+ended`, m.View(), "the person is told why they are back")
	assert.False(t, m.Capturing(), "a reply never moves focus into a field")
	assert.Equal(t, "carol", m.creds.Value("username"), "the credentials are kept for the new sign-in")
}

func TestModel_SignIn_invalidFieldsBlockUntilSendAnyway(t *testing.T) {
	m, api := setup(t)
	fill(m, ".bad.", "", "")
	assert.Nil(t, m.Update(tuitest.Key("enter")), "invalid input is not sent")
	v := m.View()
	assert.Contains(t, v, "must not start or end with a period")
	assert.Contains(t, v, "is required")

	api.EXPECT().SignInWithCredentials(mock.Anything, apiclient.Credentials{Username: ".bad."}).
		Return(nil, tuitest.APIErr(400, "VALIDATE_FAILED", "field validation failed")).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("ctrl+g"))))
	assert.Contains(t, m.View(), "VALIDATE_FAILED")
}

func TestModel_SignIn_staleReplyAfterSignOutIsDropped(t *testing.T) {
	m, api := setup(t)
	api.EXPECT().SignInWithCredentials(mock.Anything, mock.Anything).
		Return(&apiclient.TokenPair{AccessToken: "acc", ExpiresIn: 60}, nil).Once()
	fill(m, "alice", "Alice#2026", "example.com")
	cmd := m.Update(tuitest.Key("enter"))
	m.Update(common.SignedOutMsg{})
	assert.Nil(t, m.Update(tuitest.Run(t, cmd)), "a reply after sign-out must not sign back in")
	assert.False(t, m.Busy())
}

func TestModel_SignIn_escCancelsInFlight(t *testing.T) {
	m, api := setup(t)
	fill(m, "alice", "Alice#2026", "example.com")
	var seen context.Context
	api.EXPECT().SignInWithCredentials(mock.Anything, mock.Anything).
		RunAndReturn(func(ctx context.Context, _ apiclient.Credentials) (apiclient.SignInResult, error) {
			seen = ctx
			return nil, ctx.Err()
		}).Once()
	cmd := m.Update(tuitest.Key("enter"))
	m.Update(tuitest.Key("esc"))
	assert.False(t, m.Busy())
	assert.Contains(t, m.View(), "cancelled")
	assert.Nil(t, m.Update(tuitest.Run(t, cmd)))
	require.NotNil(t, seen)
	assert.Error(t, seen.Err(), "the request's context was cancelled")
}

func TestModel_WebLogin(t *testing.T) {
	m, api := setup(t)
	api.EXPECT().Login(mock.Anything, alice).Return(nil).Once()
	api.EXPECT().GetLoginStatus(mock.Anything).Return(&apiclient.LoginStatus{AccessToken: "acc", ExpiresIn: 600, Role: "Admin"}, nil).Once()
	fill(m, "alice", "Alice#2026", "example.com")
	m.Update(tuitest.Key("ctrl+t"))
	m.Update(tuitest.Key("ctrl+t"))
	require.Equal(t, methodWeb, m.method)
	assert.Contains(t, m.View(), "Sign in · POST /login\n")
	out := m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	msg := out().(common.SignedInMsg)
	assert.Equal(t, common.WebSession, msg.Session.Kind)
	assert.Equal(t, "Admin", msg.Session.Role)
}

func TestModel_SignIn_passwordMasked(t *testing.T) {
	m, _ := setup(t)
	fill(m, "alice", "Sup3rSecret", "")
	assert.NotContains(t, m.View(), "Sup3rSecret")
	m.Update(tuitest.Key("ctrl+r"))
	assert.Contains(t, m.View(), "Sup3rSecret")
}

func TestModel_New_prefillsProfileDefaultsAsValues(t *testing.T) {
	api := mocks.NewAPI(t)
	ctx := tuitest.Context(api)
	ctx.Target.DefaultUsername, ctx.Target.DefaultDomain = "bob", "example.com"
	m := New(ctx)
	m.SetSize(80, 20)
	assert.Equal(t, "bob", m.creds.Value("username"), "a profile's default is a real value, sent as is")
	assert.Equal(t, "example.com", m.creds.Value("domain"))

	// Switching to a target without defaults clears them: the form must not
	// show (and send) the last profile's user.
	ctx.Target = common.Target{Profile: "lab", BaseURL: "https://lab:8887"}
	m.Update(common.TargetChangedMsg{Target: ctx.Target})
	assert.Empty(t, m.creds.Value("username"))
	assert.Empty(t, m.creds.Value("domain"))
	assert.Contains(t, m.View(), "(account name)", "an empty username shows a description, not a name")
	assert.NotContains(t, m.View(), "alice", "no example value that could pass for a filled-in one")
}

func TestModel_View_demoAccountsOnlyOnTheMock(t *testing.T) {
	ctx := tuitest.Context(mocks.NewAPI(t))
	ctx.Demo = []common.DemoAccount{
		{Username: "admin", Password: "Admin#2026", Note: "system account"},
		{Username: "carol", Password: "Carol#2026", Domain: "secure.example.com", Note: "2FA: code in the outbox"},
	}
	m := New(ctx)
	m.SetSize(100, 30)
	m.ctx.Target = common.Target{Profile: "lab", BaseURL: "https://lab:8887"}
	m.Update(common.TargetChangedMsg{Target: m.ctx.Target})
	assert.NotContains(t, m.View(), "Demo accounts")
	m.ctx.Target = common.Target{Profile: "mock", BaseURL: "http://127.0.0.1:1", Mock: true}
	m.Update(common.TargetChangedMsg{Target: m.ctx.Target})
	assert.Contains(t, m.View(), "Demo accounts on the built-in mock")
	assert.Regexp(t, `admin +Admin#2026 +\(no domain\) +system account`, m.View())
	assert.Regexp(t, `carol +Carol#2026 +secure\.example\.com +2FA: code in the outbox`, m.View(), "aligned columns")

	bare := New(tuitest.Context(mocks.NewAPI(t)))
	bare.ctx.Target = m.ctx.Target
	assert.NotContains(t, bare.View(), "Demo accounts", "none given, none shown")
}

func TestModel_SignIn_escCancelsAndLeavesTheField(t *testing.T) {
	m, _ := setup(t) // the cancelled command never runs: no call expected
	fill(m, "alice", "Alice#2026", "example.com")
	require.NotNil(t, m.Update(tuitest.Key("enter")))
	require.True(t, m.Busy())
	m.Update(tuitest.Key("esc"))
	assert.False(t, m.Busy())
	assert.False(t, m.Capturing(), "one esc both cancels and leaves the field")
	assert.Contains(t, m.View(), "cancelled")
}

func TestModel_messages_nameKeysFromTheKeyMap(t *testing.T) {
	m, _ := setup(t)
	m.keys.Form.SendAnyway.SetHelp("alt+g", "send anyway")
	fill(m, ".bad.", "", "")
	m.Update(tuitest.Key("enter"))
	assert.Contains(t, m.View(), "or alt+g to send anyway", "a rebound key is named as bound, not as once written")
}
