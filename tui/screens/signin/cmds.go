package signin

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/common"
)

// Replies of this screen's requests; id drops stale ones.
type (
	signInMsg struct {
		id     uint64
		creds  apiclient.Credentials
		result apiclient.SignInResult
		err    error
		oauth  bool // the password grant of POST /login/oauth/token answered
	}
	webLoginMsg struct {
		id     uint64
		creds  apiclient.Credentials
		status *apiclient.LoginStatus
		err    error // the login itself
		// statusErr is GET /login failing after a good login: still logged in.
		statusErr error
	}
	sentCodeMsg struct {
		id  uint64
		err error
	}
	verifiedMsg struct {
		id     uint64
		tokens *apiclient.TokenPair
		err    error
	}
	outboxMsg struct {
		id   uint64
		code string
		err  error
	}
)

func signIn(ctx context.Context, api apiclient.API, id uint64, c apiclient.Credentials) tea.Cmd {
	return func() tea.Msg {
		res, err := api.SignInWithCredentials(ctx, c)
		return signInMsg{id: id, creds: c, result: res, err: err}
	}
}

// passwordGrant signs in at the guide's token endpoint; its answer is always a
// token pair (the mock refuses two-factor accounts there).
func passwordGrant(ctx context.Context, api apiclient.API, id uint64, c apiclient.Credentials) tea.Cmd {
	return func() tea.Msg {
		msg := signInMsg{id: id, creds: c, oauth: true}
		tp, err := api.OAuthPasswordGrant(ctx, c)
		if err == nil {
			msg.result = tp
		}
		msg.err = err
		return msg
	}
}

// webLogin opens a cookie session, then reads its status for the expiry and role.
func webLogin(ctx context.Context, api apiclient.API, id uint64, c apiclient.Credentials) tea.Cmd {
	return func() tea.Msg {
		if err := api.Login(ctx, c); err != nil {
			return webLoginMsg{id: id, creds: c, err: err}
		}
		st, err := api.GetLoginStatus(ctx)
		return webLoginMsg{id: id, creds: c, status: st, statusErr: err}
	}
}

func sendCode(ctx context.Context, api apiclient.API, id uint64, challenge apiclient.Secret) tea.Cmd {
	return func() tea.Msg {
		return sentCodeMsg{id: id, err: api.SendOTP(ctx, challenge)}
	}
}

func verify(ctx context.Context, api apiclient.API, id uint64, challenge, code apiclient.Secret) tea.Cmd {
	return func() tea.Msg {
		tp, err := api.VerifyOTP(ctx, challenge, code)
		return verifiedMsg{id: id, tokens: tp, err: err}
	}
}

func readOutbox(ctx context.Context, ob common.Outbox, id uint64, username string) tea.Cmd {
	return func() tea.Msg {
		code, err := ob.LatestOTP(ctx, username)
		return outboxMsg{id: id, code: code, err: err}
	}
}

func signedIn(s common.Session) tea.Cmd {
	return func() tea.Msg { return common.SignedInMsg{Session: s} }
}
