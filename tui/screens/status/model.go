// Package status is the session screen: GET /login and GET /auth/user, token
// refresh, sign-out and logout, and the optional auto-refresh before expiry.
package status

import (
	"context"
	"errors"
	"net/http"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/outcome"
)

// ID is the screen's ID; the root sends common.AutoRefreshMsg to it.
const ID common.ScreenID = "status"

type (
	statusMsg struct {
		id        uint64
		login     *apiclient.LoginStatus
		loginErr  error
		user      *apiclient.UserAuthInfo
		userErr   error
		userAsked bool
	}
	renewedMsg struct {
		id     uint64
		tokens *apiclient.TokenPair
		err    error
		auto   bool
		// expired: an auto-refresh after the access token ran out.
		expired bool
	}
	signedOutMsg struct {
		id  uint64
		err error
	}
	loggedOutMsg struct {
		id  uint64
		err error
	}
	// confirmedMsg comes back from the root's confirm dialog.
	confirmedMsg struct{ action string }
)

// Model is the status screen.
type Model struct {
	ctx  *common.Context
	keys KeyMap
	reqs common.Requests

	login         *apiclient.LoginStatus
	loginErr      string
	user          *apiclient.UserAuthInfo
	userErr       string
	out           outcome.Line
	width, height int
}

// New builds the screen.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx, keys: DefaultKeyMap()}
	m.updateKeys()
	return m
}

// ID implements common.Screen.
func (m *Model) ID() common.ScreenID { return ID }

// Title implements common.Screen.
func (m *Model) Title() string { return "Status" }

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Capturing implements common.Screen: this screen has no text field.
func (m *Model) Capturing() bool { return false }

// Busy implements common.Screen.
func (m *Model) Busy() bool { return m.reqs.Busy() }

// Cancel stops the request in flight.
func (m *Model) Cancel() { m.reqs.Cancel() }

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	defer m.updateKeys()
	switch msg := msg.(type) {
	case statusMsg:
		if !m.reqs.Finish(msg.id) {
			return nil
		}
		m.login, m.loginErr = msg.login, common.DescribeError(msg.loginErr)
		m.user, m.userErr = msg.user, common.DescribeError(msg.userErr)
		if !msg.userAsked {
			m.userErr = "no access token: sign in first"
		}
		m.out.Info("status checked")
		return nil
	case renewedMsg:
		return m.onRenewed(msg)
	case signedOutMsg:
		if !m.reqs.Finish(msg.id) {
			return nil
		}
		if msg.err != nil && !tokenDead(msg.err) {
			// The token may still work: keep the session, so the person can retry.
			m.out.Failed("sign out", msg.err)
			return nil
		}
		m.clear()
		done := common.SignedOutMsg{Notice: "signed out"}
		if msg.err != nil {
			// 401: the PBX no longer knows the token (expired, or signed out
			// elsewhere), so there is nothing left to sign out of; keeping a
			// session the PBX rejects would only mislead.
			done.Notice = "sign out: the PBX already rejected the token (401); local session cleared"
		}
		m.out.Info(done.Notice)
		return func() tea.Msg { return done }
	case revokedMsg:
		return m.onRevoked(msg)
	case loggedOutMsg:
		if !m.reqs.Finish(msg.id) {
			return nil
		}
		web := m.ctx.Session != nil && m.ctx.Session.Kind == common.WebSession
		if msg.err != nil && !(web && tokenDead(msg.err)) {
			m.out.Failed("log out", msg.err)
			return nil
		}
		m.clear()
		notice := "web session logged out"
		if msg.err != nil {
			// 401: the PBX has no such web session any more (expired, or logged
			// out elsewhere); as with sign-out, keeping it here would only mislead.
			notice = "log out: the PBX no longer has this web session (401); local web session cleared"
		}
		m.out.Info(notice)
		if web {
			return func() tea.Msg { return common.SignedOutMsg{Notice: notice} }
		}
		return nil
	case confirmedMsg:
		return m.do(msg.action)
	case common.AutoRefreshMsg:
		if s := m.ctx.Session; s != nil && !s.Refresh.IsZero() && !m.reqs.Busy() {
			return m.renew(true, msg.Expired)
		}
		return nil
	case common.LeftMsg:
		m.out.Clear()
		return nil
	case common.SignedInMsg, common.TargetChangedMsg:
		m.reqs.Cancel()
		m.clear()
		return nil
	case tea.KeyMsg:
		return m.onKey(msg)
	}
	return nil
}

func (m *Model) clear() {
	m.login, m.loginErr, m.user, m.userErr = nil, "", nil, ""
	m.out.Clear()
}

func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Cancel):
		outcome.LeaveField(&m.out, nil, &m.reqs)
		return nil
	case key.Matches(msg, m.keys.Refresh):
		return m.do("status")
	case key.Matches(msg, m.keys.RenewToken):
		return m.do("renew")
	case key.Matches(msg, m.keys.SignOut):
		return m.guard("signout", "Sign out of the PRODUCTION PBX "+m.ctx.Target.BaseURL+"?")
	case key.Matches(msg, m.keys.Revoke):
		return m.guard("revoke", "Revoke the access token on the PRODUCTION PBX "+m.ctx.Target.BaseURL+"?")
	case key.Matches(msg, m.keys.Logout):
		return m.guard("logout", "Log the web session out of the PRODUCTION PBX "+m.ctx.Target.BaseURL+"?")
	case key.Matches(msg, m.keys.AutoRefresh):
		m.ctx.AutoRefresh = !m.ctx.AutoRefresh
		return nil
	}
	return nil
}

// guard asks first on a production profile; the answer comes back as confirmedMsg.
func (m *Model) guard(action, prompt string) tea.Cmd {
	if !m.ctx.Target.Production {
		return m.do(action)
	}
	return func() tea.Msg { return common.ConfirmMsg{Prompt: prompt, To: ID, Yes: confirmedMsg{action: action}} }
}

func (m *Model) do(action string) tea.Cmd {
	var access apiclient.Secret
	if m.ctx.Session != nil {
		access = m.ctx.Session.Access
	}
	switch action {
	case "status":
		ctx, id := m.reqs.Start(m.ctx.Base, m.ctx.RequestTimeout)
		m.out.Clear()
		return common.To(ID, checkStatus(ctx, m.ctx.API, id, access))
	case "renew":
		return m.renew(false, false)
	case "signout":
		ctx, id := m.reqs.Start(m.ctx.Base, m.ctx.RequestTimeout)
		m.out.Clear()
		return common.To(ID, signOut(ctx, m.ctx.API, id, access))
	case "revoke":
		ctx, id := m.reqs.Start(m.ctx.Base, m.ctx.RequestTimeout)
		m.out.Clear()
		return common.To(ID, revoke(ctx, m.ctx.API, id, access))
	case "logout":
		ctx, id := m.reqs.Start(m.ctx.Base, m.ctx.RequestTimeout)
		m.out.Clear()
		return common.To(ID, logout(ctx, m.ctx.API, id))
	}
	return nil
}

func (m *Model) renew(auto, expired bool) tea.Cmd {
	s := m.ctx.Session
	if s == nil || s.Refresh.IsZero() {
		m.out.Err("no refresh token: sign in with POST /auth/sign_in first")
		return nil
	}
	ctx, id := m.reqs.Start(m.ctx.Base, m.ctx.RequestTimeout)
	m.out.Clear()
	return common.To(ID, renewToken(ctx, m.ctx.API, id, s.Refresh, s.OAuth, auto, expired))
}

func (m *Model) onRenewed(msg renewedMsg) tea.Cmd {
	if !m.reqs.Finish(msg.id) {
		return nil
	}
	if msg.err != nil {
		m.out.Failed("refresh token", msg.err)
		return nil
	}
	old := m.ctx.Session
	if old == nil {
		return nil // signed out meanwhile
	}
	s := common.SessionFromTokens(m.ctx.Now(), old.Username, old.Domain, msg.tokens)
	s.Role, s.OAuth = old.Role, old.OAuth
	if s.Refresh.IsZero() {
		s.Refresh = old.Refresh
	}
	done := "token refreshed"
	switch {
	case msg.expired:
		done = "token refreshed automatically after it expired"
	case msg.auto:
		done = "token refreshed automatically before expiry"
	}
	if s.OAuth {
		done += " (OAuth refresh_token grant)"
	}
	m.out.Info(done)
	return func() tea.Msg { return common.SessionUpdatedMsg{Session: s} }
}

// tokenDead reports whether err is the PBX saying the access token is no good.
func tokenDead(err error) bool {
	var ae *apiclient.APIError
	return errors.As(err, &ae) && ae.Status == http.StatusUnauthorized
}

func checkStatus(ctx context.Context, api apiclient.API, id uint64, access apiclient.Secret) tea.Cmd {
	return func() tea.Msg {
		r := statusMsg{id: id}
		r.login, r.loginErr = api.GetLoginStatus(ctx)
		if !access.IsZero() {
			r.userAsked = true
			r.user, r.userErr = api.GetUserAuthInfo(ctx, access)
		}
		return r
	}
}

// renewToken refreshes where the tokens came from: the OAuth grant's at the token
// endpoint (the guide's refresh_token grant), the others at /auth/refresh_token.
func renewToken(ctx context.Context, api apiclient.API, id uint64, refresh apiclient.Secret, oauth, auto, expired bool) tea.Cmd {
	return func() tea.Msg {
		renew := api.RefreshToken
		if oauth {
			renew = api.OAuthRefresh
		}
		tp, err := renew(ctx, refresh)
		return renewedMsg{id: id, tokens: tp, err: err, auto: auto, expired: expired}
	}
}

func signOut(ctx context.Context, api apiclient.API, id uint64, access apiclient.Secret) tea.Cmd {
	return func() tea.Msg { return signedOutMsg{id: id, err: api.SignOut(ctx, access)} }
}

func logout(ctx context.Context, api apiclient.API, id uint64) tea.Cmd {
	return func() tea.Msg { return loggedOutMsg{id: id, err: api.Logout(ctx)} }
}
