// Package forgot is the forgot-password screen: POST /auth/forget_password mails a
// reset link; POST /auth/reset_password sets the new password with its token.
package forgot

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/form"
	"github.com/pbxauth/pbxauth/tui/components/outcome"
)

// ID is the screen's ID.
const ID common.ScreenID = "forgot"

// DefaultCallback is the page the reset mail links to.
const DefaultCallback = "https://localhost/reset"

const (
	requestForm = iota
	resetForm
)

type (
	requestedMsg struct {
		id       uint64
		username string
		err      error
	}
	resetMsg struct {
		id  uint64
		err error
	}
	tokenMsg struct {
		id    uint64
		token string
		err   error
	}
	confirmedMsg struct{}
)

// Model is the forgot-password screen.
type Model struct {
	ctx       *common.Context
	keys      KeyMap
	forms     [2]form.Model
	active    int
	reqs      common.Requests
	fill      common.Requests
	requested string // who the last reset mail went to
	out       outcome.Line
	width     int
}

// New builds the screen.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx, keys: DefaultKeyMap()}
	m.forms[requestForm] = form.New(ctx.Styles, form.RulesFor("forgetPassword"),
		form.Field{Key: "username", Label: "Username", Placeholder: "account name"},
		form.Field{Key: "domain", Label: "Domain", Optional: true, Placeholder: "tenant domain; empty for system accounts"},
		form.Field{Key: "callback_url", Label: "Callback URL", Placeholder: "where the reset link points"},
	)
	m.forms[resetForm] = form.New(ctx.Styles, form.RulesFor("resetPassword"),
		form.Field{Key: "token", Label: "Reset token", Kind: form.Secret, Placeholder: "from the reset link"},
		form.Field{Key: "new_password", Label: "New password", Kind: form.Secret},
	)
	m.forms[requestForm].SetValue("callback_url", DefaultCallback)
	m.prefill(ctx.Target)
	m.updateKeys()
	return m
}

// prefill puts the target's defaults in as real values (empty when it has none,
// so the last profile's user is not sent to the new PBX).
func (m *Model) prefill(t common.Target) {
	m.forms[requestForm].SetValue("username", t.DefaultUsername)
	m.forms[requestForm].SetValue("domain", t.DefaultDomain)
	m.forms[requestForm].Untouch()
}

// ID implements common.Screen.
func (m *Model) ID() common.ScreenID { return ID }

// Title implements common.Screen.
func (m *Model) Title() string { return "Forgot password" }

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize implements common.Screen.
func (m *Model) SetSize(w, _ int) {
	m.width = w
	for i := range m.forms {
		m.forms[i].SetWidth(w)
	}
}

// Capturing implements common.Screen.
func (m *Model) Capturing() bool { return m.forms[m.active].Capturing() }

// Busy implements common.Screen.
func (m *Model) Busy() bool { return m.reqs.Busy() || m.fill.Busy() }

// Cancel stops requests in flight.
func (m *Model) Cancel() { m.reqs.Cancel(); m.fill.Cancel() }

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	defer m.updateKeys()
	switch msg := msg.(type) {
	case requestedMsg:
		if !m.reqs.Finish(msg.id) {
			return nil
		}
		if msg.err != nil {
			m.out.Failed("forget password", msg.err)
			return nil
		}
		m.requested = msg.username
		// The PBX answers the same whether or not the account exists.
		sent := "if " + msg.username + " exists, a reset link is mailed to it; " + m.keys.Form.Next.Help().Key + " to enter its token"
		if m.ctx.Outbox != nil {
			sent += ", or " + m.keys.FillToken.Help().Key + " to take it from the mock's outbox"
		}
		m.out.Info(sent)
		// The reply arrives while the person may be typing elsewhere: show the
		// next form, but leave focus to them (no key of theirs lands in a field).
		m.showForm(resetForm, 0)
		return nil
	case tokenMsg:
		if !m.fill.Finish(msg.id) {
			return nil
		}
		if msg.err != nil {
			m.out.Failed("", msg.err)
			return nil
		}
		m.forms[resetForm].SetValue("token", msg.token)
		m.out.Info("token filled from the mock's outbox; " + m.keys.Form.Next.Help().Key + " to the new password, then " + m.keys.Form.Submit.Help().Key)
		m.showForm(resetForm, 1)
		return nil
	case resetMsg:
		if !m.reqs.Finish(msg.id) {
			return nil
		}
		if msg.err != nil {
			// Policy errors come back as VALIDATE_FAILED with the rule in detail.
			m.out.Failed("reset password", msg.err)
			return nil
		}
		m.forms[resetForm].Reset()
		m.out.Info("password changed; sign in with the new one")
		return nil
	case confirmedMsg:
		return m.sendReset()
	case common.LeftMsg:
		m.out.Clear()
		return nil
	case common.TargetChangedMsg:
		m.Cancel()
		m.requested = ""
		m.out.Clear()
		m.forms[resetForm].Reset()
		m.prefill(msg.Target)
		return nil
	case tea.KeyMsg:
		return m.onKey(msg)
	}
	return m.forms[m.active].Update(msg)
}

func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	f := &m.forms[m.active]
	switch {
	case key.Matches(msg, m.keys.Cancel):
		// esc always leaves the field, cancelling first, so the next key is
		// never typed into a field the person thinks they have left.
		outcome.LeaveField(&m.out, f, &m.reqs, &m.fill)
		return nil
	case key.Matches(msg, m.keys.Form.Next) && f.FocusIndex() == f.Len()-1:
		return m.switchForm(1-m.active, 0)
	case key.Matches(msg, m.keys.Form.Prev) && f.FocusIndex() == 0:
		other := 1 - m.active
		return m.switchForm(other, m.forms[other].Len()-1)
	case key.Matches(msg, m.keys.Form.Submit):
		return m.submit(false)
	case key.Matches(msg, m.keys.Form.SendAnyway):
		return m.submit(true)
	case key.Matches(msg, m.keys.FillToken):
		ctx, id := m.fill.Start(m.ctx.Base, m.ctx.RequestTimeout)
		who := m.requested
		if who == "" {
			who = m.forms[requestForm].Value("username")
		}
		return common.To(ID, readToken(ctx, m.ctx.Outbox, id, who))
	}
	return f.Update(msg)
}

// showForm makes form i the active one with no field focused; tab enters its
// field next.
func (m *Model) showForm(i, next int) {
	m.forms[m.active].Blur()
	m.active = i
	m.forms[i].FocusLater(next)
}

func (m *Model) switchForm(i, field int) tea.Cmd {
	m.forms[m.active].Blur()
	m.active = i
	return m.forms[i].Focus(field)
}

func (m *Model) submit(anyway bool) tea.Cmd {
	f := &m.forms[m.active]
	f.Touch()
	if !anyway && !f.Valid() {
		m.out.Err("fix the marked fields, or " + m.keys.Form.SendAnyway.Help().Key + " to send anyway")
		return nil
	}
	if m.active == requestForm {
		ctx, id := m.reqs.Start(m.ctx.Base, m.ctx.RequestTimeout)
		m.out.Clear()
		req := apiclient.ForgetPassword{Username: f.Value("username"), Domain: f.Value("domain"), CallbackURL: f.Value("callback_url")}
		return common.To(ID, requestReset(ctx, m.ctx.API, id, req))
	}
	if m.ctx.Target.Production {
		// Built here, not in the Cmd: a Cmd runs on another goroutine, and
		// must not read the model.
		ask := common.ConfirmMsg{Prompt: "Reset a password on the PRODUCTION PBX " + m.ctx.Target.BaseURL + "?", To: ID, Yes: confirmedMsg{}}
		return func() tea.Msg { return ask }
	}
	return m.sendReset()
}

func (m *Model) sendReset() tea.Cmd {
	f := m.forms[resetForm]
	ctx, id := m.reqs.Start(m.ctx.Base, m.ctx.RequestTimeout)
	m.out.Clear()
	return common.To(ID, resetPassword(ctx, m.ctx.API, id, apiclient.Secret(f.Value("token")), apiclient.Secret(f.Value("new_password"))))
}

func requestReset(ctx context.Context, api apiclient.API, id uint64, req apiclient.ForgetPassword) tea.Cmd {
	return func() tea.Msg {
		return requestedMsg{id: id, username: req.Username, err: api.ForgetPassword(ctx, req)}
	}
}

func resetPassword(ctx context.Context, api apiclient.API, id uint64, token, pw apiclient.Secret) tea.Cmd {
	return func() tea.Msg { return resetMsg{id: id, err: api.ResetPassword(ctx, token, pw)} }
}

func readToken(ctx context.Context, ob common.Outbox, id uint64, username string) tea.Cmd {
	return func() tea.Msg {
		tok, err := ob.LatestResetToken(ctx, username)
		return tokenMsg{id: id, token: tok, err: err}
	}
}
