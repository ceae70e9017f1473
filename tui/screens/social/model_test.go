package social

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/mocks"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// clip records what is copied.
type clip struct{ got []string }

func (c *clip) Copy(s string) error { c.got = append(c.got, s); return nil }

func setup(t *testing.T) (*Model, *mocks.API) {
	return setupClip(t, nil)
}

// demo is the built-in mock's Microsoft 365 tenant as `pbxauth tui` offers it.
var demo = []common.DemoAccount{{Username: "dave", Password: "Dave#2026", Domain: "contoso.com", Note: "Microsoft 365 on Social"}}

func setupClip(t *testing.T, cb *clip) (*Model, *mocks.API) {
	api := mocks.NewAPI(t)
	ctx := tuitest.Context(api)
	ctx.Demo = demo
	var m *Model
	if cb != nil {
		m = New(ctx, cb)
	} else {
		m = New(ctx, nil)
	}
	m.SetSize(80, 20)
	m.Update(tuitest.Key("tab"))
	m.Update(tuitest.Key("tab")) // domain
	return m, api
}

func TestModel_Social_showsIdPURL(t *testing.T) {
	m, api := setup(t)
	tuitest.Type(m.Update, "contoso.com")
	api.EXPECT().SignInWithSocialAccount(mock.Anything, mock.MatchedBy(func(r apiclient.SocialSignIn) bool {
		return r.Provider == "microsoft" && r.Domain == "contoso.com" && r.CallbackURL == DefaultCallback &&
			len(r.CodeChallenge) == 43 && r.ClientID == apiclient.OAuthClientID
	})).
		Return(&apiclient.SocialSignInResult{URL: "https://login.example/authorize?client_id=x"}, nil).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	assert.Contains(t, m.View(), "https://login.example/authorize?client_id=x")
}

func TestModel_Social_byMicrosoftShowsLocation(t *testing.T) {
	m, api := setup(t)
	tuitest.Type(m.Update, "contoso.com")
	api.EXPECT().LoginWithMicrosoft(mock.Anything, "contoso.com").Return("https://idp.example/auth?state=1", nil).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("ctrl+b"))))
	v := m.View()
	assert.Contains(t, v, "redirects (302)")
	assert.Contains(t, v, "https://idp.example/auth?state=[REDACTED]", "the OAuth state is a secret on screen")
}

func TestModel_Social_apiError(t *testing.T) {
	m, api := setup(t)
	tuitest.Type(m.Update, "example.com")
	api.EXPECT().SignInWithSocialAccount(mock.Anything, mock.Anything).
		Return(nil, tuitest.APIErr(400, "VALIDATE_FAILED", "Microsoft 365 is not enabled")).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	assert.Contains(t, m.View(), "Microsoft 365 is not enabled")
}

func TestModel_Social_networkError(t *testing.T) {
	m, api := setup(t)
	tuitest.Type(m.Update, "contoso.com")
	api.EXPECT().LoginWithMicrosoft(mock.Anything, "contoso.com").Return("", tuitest.NetErr()).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("ctrl+b"))))
	assert.Contains(t, m.View(), "cannot reach the PBX")
}

func TestModel_Social_missingDomainIsMarked(t *testing.T) {
	m, _ := setup(t)
	assert.Nil(t, m.Update(tuitest.Key("enter")))
	assert.Contains(t, m.View(), "is required")
}

func TestModel_Social_copiesTheWholeURL(t *testing.T) {
	cb := &clip{}
	m, api := setupClip(t, cb)
	assert.False(t, m.keys.Copy.Enabled(), "nothing to copy yet")
	tuitest.Type(m.Update, "contoso.com")
	long := "https://login.example/authorize?client_id=x&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&response_type=code&scope=openid+profile+email&state=abc"
	api.EXPECT().SignInWithSocialAccount(mock.Anything, mock.Anything).
		Return(&apiclient.SocialSignInResult{URL: long}, nil).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	assert.True(t, m.keys.Copy.Enabled())
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("ctrl+y"))))
	assert.Equal(t, []string{long}, cb.got, "one line, not the wrapped one on screen")
	assert.Contains(t, m.View(), "copied the URL")
}

// A provider PortSIP does not know is flagged and not sent, unless ctrl+g.
func TestModel_Social_unknownProviderNeedsSendAnyway(t *testing.T) {
	m, _ := setup(t)
	m.form.SetValue("provider", "google")
	assert.Nil(t, m.Update(tuitest.Key("enter")), "nothing is sent")
	assert.Contains(t, m.View(), "is not a provider PortSIP knows")
}
