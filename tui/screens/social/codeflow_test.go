package social

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
)

// idp is a simulated identity provider that answers with a fixed callback.
type idp struct {
	page, account string
	callback      string
	err           error
}

func (p *idp) Authorize(_ context.Context, page, account string) (string, error) {
	p.page, p.account = page, account
	return p.callback, p.err
}

const (
	page  = "http://127.0.0.1:1/_mock/idp/contoso.com/oauth2/v2.0/authorize?client_id=pbx-contoso.com&state=ST4TE&redirect_uri=x"
	state = "ST4TE"
)

// toCodeStep asks for the login page of contoso.com and returns the challenge sent.
func toCodeStep(t *testing.T, m *Model, api *mocks.API) *string {
	t.Helper()
	sent := new(string)
	api.EXPECT().SignInWithSocialAccount(mock.Anything, mock.Anything).
		RunAndReturn(func(_ context.Context, r apiclient.SocialSignIn) (*apiclient.SocialSignInResult, error) {
			*sent = r.CodeChallenge
			return &apiclient.SocialSignInResult{URL: page}, nil
		}).Once()
	tuitest.Type(m.Update, "contoso.com")
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	require.NotNil(t, m.flow, "the login page opens the code step")
	return sent
}

func TestModel_CodeFlow_simulatedIdPThenExchange(t *testing.T) {
	m, api := setup(t)
	p := &idp{callback: DefaultCallback + "?code=C0DE&state=" + state}
	m.ctx.IdP = p
	challenge := toCodeStep(t, m, api)
	require.Len(t, *challenge, 43, "an S256 challenge went with the request")
	assert.True(t, m.Capturing(), "the code field has focus")

	v := m.View()
	assert.Contains(t, v, "state=[REDACTED]", "the state is hidden in the address")
	assert.Regexp(t, `state\s+\[REDACTED\]`, v)
	assert.Contains(t, v, *challenge, "the challenge is public")
	assert.Regexp(t, `code_verifier\s+\[REDACTED\]`, v)
	assert.NotContains(t, v, state)
	assert.NotContains(t, v, m.flow.pkce.Verifier.Reveal())

	m.Update(tuitest.Run(t, m.Update(tuitest.Key("ctrl+o"))))
	assert.Equal(t, "dave", p.account, "the tenant's demo user signs in at the simulated IdP")
	assert.Equal(t, page, p.page)
	v = m.View()
	assert.Contains(t, v, "signed in at the simulated IdP as dave")
	assert.NotContains(t, v, "C0DE", "the code is masked")

	m.Update(tuitest.Key("ctrl+r"))
	v = m.View()
	assert.Contains(t, v, "C0DE", "ctrl+r reveals the code")
	assert.Contains(t, v, "state="+state)
	assert.Contains(t, v, m.flow.pkce.Verifier.Reveal())

	verifier := m.flow.pkce.Verifier
	assert.Equal(t, *challenge, apiclient.PKCEChallenge(verifier.Reveal()), "the verifier kept is the challenge's")
	api.EXPECT().OAuthExchangeCode(mock.Anything, apiclient.CodeExchange{Code: "C0DE", RedirectURI: DefaultCallback, CodeVerifier: verifier}).
		Return(&apiclient.TokenPair{AccessToken: "acc", RefreshToken: "ref", ExpiresIn: 1800}, nil).Once()
	out := m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	require.NotNil(t, out)
	msg, ok := out().(common.SignedInMsg)
	require.True(t, ok, "the exchanged tokens become the session")
	assert.Equal(t, "dave@contoso.com", msg.Session.Who())
	assert.True(t, msg.Session.OAuth, "renewed at the token endpoint")
	assert.Equal(t, apiclient.Secret("ref"), msg.Session.Refresh)
	assert.Nil(t, m.flow, "a code works once: the flow is over")
	assert.Contains(t, m.View(), "signed in (authorization code + PKCE)")
}

// A pasted callback whose state is not the request's is not exchanged: it is how
// a forged callback would look (RFC 6749 10.12).
func TestModel_CodeFlow_foreignStateIsRefused(t *testing.T) {
	m, api := setup(t)
	toCodeStep(t, m, api)
	tuitest.Type(m.Update, DefaultCallback+"?code=C0DE&state=OTHER")
	assert.Nil(t, m.Update(tuitest.Key("enter")), "nothing is sent")
	assert.Contains(t, m.View(), "the callback's state is not this sign-in's")

	api.EXPECT().OAuthExchangeCode(mock.Anything, mock.MatchedBy(func(x apiclient.CodeExchange) bool { return x.Code == "C0DE" })).
		Return(nil, tuitest.APIErr(400, "UNAUTHORIZED", "Login failed: the authorization code is unknown or expired")).Once()
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("ctrl+g"))))
	v := m.View()
	assert.Regexp(t, `400 UNAUTHORIZED: Login failed: the authorization code is\s+unknown or expired`, v)
	assert.Contains(t, v, "ctrl+x starts a new sign-in")
	assert.Empty(t, m.code.Value("code"), "a used code is cleared")
}

func TestModel_CodeFlow_bareCodeAndProviderError(t *testing.T) {
	m, api := setup(t)
	toCodeStep(t, m, api)
	tuitest.Type(m.Update, DefaultCallback+"?error=access_denied&error_description=no+such+account&state="+state)
	assert.Nil(t, m.Update(tuitest.Key("enter")))
	assert.Contains(t, m.View(), "the identity provider refused: access_denied no such account")

	m.code.SetValue("code", "C0DE")
	api.EXPECT().OAuthExchangeCode(mock.Anything, mock.MatchedBy(func(x apiclient.CodeExchange) bool {
		return x.Code == "C0DE" && !x.CodeVerifier.IsZero()
	})).Return(&apiclient.TokenPair{AccessToken: "a", ExpiresIn: 60}, nil).Once()
	out := m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	msg := out().(common.SignedInMsg)
	assert.Equal(t, "(microsoft account)@contoso.com", msg.Session.Who(), "who signed in is not known to the screen")
}

func TestModel_CodeFlow_withoutPKCE(t *testing.T) {
	m, api := setup(t)
	m.Update(tuitest.Key("tab"))
	m.Update(tuitest.Key("tab"))
	m.Update(tuitest.Key(" "))
	require.False(t, m.form.Bool("pkce"))
	m.Update(tuitest.Key("shift+tab"))
	m.Update(tuitest.Key("shift+tab"))
	api.EXPECT().SignInWithSocialAccount(mock.Anything, apiclient.SocialSignIn{Provider: "microsoft", Domain: "contoso.com", CallbackURL: DefaultCallback}).
		Return(&apiclient.SocialSignInResult{URL: page}, nil).Once()
	tuitest.Type(m.Update, "contoso.com")
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	require.NotNil(t, m.flow)
	assert.Contains(t, m.View(), "PKCE")
	tuitest.Type(m.Update, "C0DE")
	api.EXPECT().OAuthExchangeCode(mock.Anything, apiclient.CodeExchange{Code: "C0DE", RedirectURI: DefaultCallback}).
		Return(&apiclient.TokenPair{AccessToken: "a", ExpiresIn: 60}, nil).Once()
	out := m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	_, ok := out().(common.SignedInMsg)
	assert.True(t, ok)
}

func TestModel_CodeFlow_startOverAndIdPOnlyOnTheMock(t *testing.T) {
	m, api := setup(t)
	toCodeStep(t, m, api)
	assert.False(t, m.keys.FromIdP.Enabled(), "no simulated IdP off the mock")
	assert.Nil(t, m.Update(tuitest.Key("ctrl+o")))
	assert.Contains(t, m.ShortHelp(), m.keys.StartOver)
	m.Update(tuitest.Key("ctrl+x"))
	assert.Nil(t, m.flow)
	assert.Contains(t, m.View(), "POST /auth/sign_in/{provider}")
	assert.True(t, m.Capturing(), "back in the domain field")
}
