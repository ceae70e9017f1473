// Package signin is the sign-in screen: credentials and domain (POST /auth/sign_in),
// the two-factor step when challenged (send code, enter code), or a web-session
// login (POST /login) instead.
package signin

import (
	"errors"
	"net/http"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/rules"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/form"
	"github.com/pbxauth/pbxauth/tui/components/outcome"
)

// ID is the screen's ID.
const ID common.ScreenID = "signin"

type step int

const (
	stepCredentials step = iota
	stepOTP
)

func (s step) String() string {
	if s == stepOTP {
		return "two-factor code"
	}
	return "credentials"
}

// Model is the sign-in screen.
type Model struct {
	ctx   *common.Context
	keys  KeyMap
	creds form.Model
	otp   form.Model
	step  step
	reqs  common.Requests
	// fill is the outbox read, apart from reqs so it never cancels a sign-in.
	fill common.Requests

	method    method
	challenge apiclient.Secret
	pending   apiclient.Credentials // who the challenge is for
	codeSent  bool
	out       outcome.Line
	width     int
	demo      string // the mock's demo accounts, laid out once (they never change)
}

// New builds the screen, pre-filled from the target's defaults.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx, keys: DefaultKeyMap(), demo: renderDemo(ctx.Styles, ctx.Demo)}
	m.creds = form.New(ctx.Styles, m.credentialRules,
		form.Field{Key: "username", Label: "Username", Placeholder: "account name"},
		form.Field{Key: "password", Label: "Password", Kind: form.Secret},
		form.Field{Key: "domain", Label: "Domain", Optional: true, Placeholder: "tenant domain; empty for system accounts"},
	)
	m.otp = form.New(ctx.Styles, form.RulesFor("verifyOTP"),
		form.Field{Key: "code", Label: "Code", Kind: form.Secret, Placeholder: "one-time code from the mail"},
	)
	m.prefill(ctx.Target)
	m.updateKeys()
	return m
}

// credentialRules checks the form with the rules of the operation the method picks.
// The password grant takes the same fields with the same rules as /auth/sign_in.
func (m *Model) credentialRules(v map[string]string) []rules.Violation {
	op := "signInWithCredentials"
	if m.method == methodWeb {
		op = "login"
	}
	return rules.Check(op, v)
}

// prefill puts the target's defaults in as real values. It clears the fields of a
// target without defaults, so the last profile's user is not sent to the new PBX.
func (m *Model) prefill(t common.Target) {
	m.creds.SetValue("username", t.DefaultUsername)
	m.creds.SetValue("domain", t.DefaultDomain)
	m.creds.SetValue("password", "")
	m.creds.Untouch()
}

// ID implements common.Screen.
func (m *Model) ID() common.ScreenID { return ID }

// Title implements common.Screen.
func (m *Model) Title() string { return "Sign in" }

// Init leaves every field unfocused: the app starts in navigation, so the first
// ?, q or digit a newcomer presses does what the help bar says; tab (one key)
// enters the first field.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize implements common.Screen.
func (m *Model) SetSize(w, _ int) {
	m.width = w
	m.creds.SetWidth(w)
	m.otp.SetWidth(w)
}

// Capturing implements common.Screen.
func (m *Model) Capturing() bool { return m.form().Capturing() }

// Busy implements common.Screen.
func (m *Model) Busy() bool { return m.reqs.Busy() || m.fill.Busy() }

// Cancel stops requests in flight.
func (m *Model) Cancel() { m.reqs.Cancel(); m.fill.Cancel() }

// Step is the current step's name (tests read it).
func (m *Model) Step() string { return m.step.String() }

func (m *Model) form() *form.Model {
	if m.step == stepOTP {
		return &m.otp
	}
	return &m.creds
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	defer m.updateKeys()
	switch msg := msg.(type) {
	case signInMsg:
		return m.onSignIn(msg)
	case webLoginMsg:
		return m.onWebLogin(msg)
	case sentCodeMsg:
		if !m.reqs.Finish(msg.id) {
			return nil
		}
		if msg.err != nil {
			if challengeEnded(msg.err) {
				// Nothing on the code step can work any more: back to the
				// credentials, saying why, instead of leaving the person there.
				m.toCredentials()
				m.creds.Blur() // keys meant for the code field go nowhere
				m.out.Err("the two-factor session has ended (it expired, was used up by wrong codes, or the password changed): sign in again")
				return nil
			}
			m.out.Failed("send code", msg.err)
			return nil
		}
		m.codeSent = true
		sent := "code sent by mail"
		if m.ctx.Outbox != nil {
			sent += " (" + m.keys.FillCode.Help().Key + " reads it from the mock's outbox)"
		}
		m.out.Info(sent)
		return nil
	case verifiedMsg:
		return m.onVerified(msg)
	case outboxMsg:
		if !m.fill.Finish(msg.id) {
			return nil
		}
		if msg.err != nil {
			m.out.Failed("", msg.err)
			return nil
		}
		m.otp.SetValue("code", msg.code)
		m.out.Info("code filled from the mock's outbox; " + m.keys.Form.Submit.Help().Key + " verifies")
		return nil
	case common.LeftMsg:
		m.out.Clear()
		return nil
	case common.SignedOutMsg:
		// A sign-in still in flight must not sign the person back in.
		m.Cancel()
		m.toCredentials()
		m.out.Clear()
		return nil
	case common.TargetChangedMsg:
		m.Cancel()
		m.toCredentials()
		m.out.Clear()
		m.prefill(msg.Target)
		return nil
	case tea.KeyMsg:
		return m.onKey(msg)
	}
	return m.form().Update(msg)
}

func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Cancel):
		// esc always leaves the field, cancelling first, so the next key is
		// never typed into a field the person thinks they have left.
		outcome.LeaveField(&m.out, m.form(), &m.reqs, &m.fill)
		return nil
	case key.Matches(msg, m.keys.Form.Submit):
		if m.step == stepOTP {
			return m.verify(false)
		}
		return m.submit(false)
	case key.Matches(msg, m.keys.Form.SendAnyway):
		if m.step == stepOTP {
			return m.verify(true)
		}
		return m.submit(true)
	case key.Matches(msg, m.keys.SendCode):
		ctx, id := m.reqs.Start(m.ctx.Base, m.ctx.RequestTimeout)
		m.out.Clear()
		return common.To(ID, sendCode(ctx, m.ctx.API, id, m.challenge))
	case key.Matches(msg, m.keys.FillCode):
		ctx, id := m.fill.Start(m.ctx.Base, m.ctx.RequestTimeout)
		return common.To(ID, readOutbox(ctx, m.ctx.Outbox, id, m.pending.Username))
	case key.Matches(msg, m.keys.Method):
		m.method = (m.method + 1) % methodCount
		m.out.Clear()
		return nil
	case key.Matches(msg, m.keys.Back):
		m.Cancel()
		m.toCredentials()
		return m.creds.Focus(0)
	}
	return m.form().Update(msg)
}

func (m *Model) credentials() apiclient.Credentials {
	return apiclient.Credentials{
		Username: m.creds.Value("username"),
		Password: apiclient.Secret(m.creds.Value("password")),
		Domain:   m.creds.Value("domain"),
	}
}

// submit sends the credentials; anyway skips the rules, for negative tests.
func (m *Model) submit(anyway bool) tea.Cmd {
	m.creds.Touch()
	if !anyway && !m.creds.Valid() {
		m.out.Err("fix the marked fields, or " + m.keys.Form.SendAnyway.Help().Key + " to send anyway")
		return nil
	}
	c := m.credentials()
	ctx, id := m.reqs.Start(m.ctx.Base, m.ctx.RequestTimeout)
	m.out.Clear()
	switch m.method {
	case methodWeb:
		return common.To(ID, webLogin(ctx, m.ctx.API, id, c))
	case methodOAuth:
		return common.To(ID, passwordGrant(ctx, m.ctx.API, id, c))
	}
	return common.To(ID, signIn(ctx, m.ctx.API, id, c))
}

func (m *Model) onSignIn(msg signInMsg) tea.Cmd {
	if !m.reqs.Finish(msg.id) {
		return nil
	}
	if msg.err != nil {
		what := "sign in"
		if msg.oauth {
			what = "OAuth password grant"
		}
		m.out.Failed(what, msg.err)
		return nil
	}
	switch r := msg.result.(type) {
	case *apiclient.TwoFactorChallenge:
		m.step, m.challenge, m.pending, m.codeSent = stepOTP, r.Token, msg.creds, false
		m.otp.Reset()
		m.out.Info("two-factor authentication: " + m.keys.SendCode.Help().Key + " mails a code, then enter it")
		return m.otp.Focus(0)
	case *apiclient.TokenPair:
		m.out.Info("signed in")
		s := common.SessionFromTokens(m.ctx.Now(), msg.creds.Username, msg.creds.Domain, r)
		if msg.oauth {
			m.out.Info("signed in (OAuth password grant)")
			s.OAuth = true
		}
		m.doneWithForm()
		return signedIn(s)
	}
	m.out.Err("sign in: unexpected answer")
	return nil
}

func (m *Model) onWebLogin(msg webLoginMsg) tea.Cmd {
	if !m.reqs.Finish(msg.id) {
		return nil
	}
	if msg.err != nil {
		m.out.Failed("log in", msg.err)
		return nil
	}
	s := common.Session{Kind: common.WebSession, Username: msg.creds.Username, Domain: msg.creds.Domain}
	m.out.Info("web session open")
	if msg.statusErr != nil {
		m.out.Info("web session open; GET /login failed: " + common.DescribeError(msg.statusErr))
	} else if st := msg.status; st != nil {
		s.Role, s.Access = st.Role, st.AccessToken
		now := m.ctx.Now()
		switch {
		case st.ExpiresIn > 0:
			s.Lifetime = secs(st.ExpiresIn)
			s.ExpiresAt = now.Add(s.Lifetime)
		case !st.ExpiresAt.IsZero():
			s.ExpiresAt = st.ExpiresAt
		}
	}
	m.doneWithForm()
	return signedIn(s)
}

func (m *Model) verify(anyway bool) tea.Cmd {
	m.otp.Touch()
	if !anyway && m.otp.Value("code") == "" {
		m.out.Err("enter the code, or " + m.keys.Form.SendAnyway.Help().Key + " to send anyway")
		return nil
	}
	ctx, id := m.reqs.Start(m.ctx.Base, m.ctx.RequestTimeout)
	m.out.Clear()
	return common.To(ID, verify(ctx, m.ctx.API, id, m.challenge, apiclient.Secret(m.otp.Value("code"))))
}

func (m *Model) onVerified(msg verifiedMsg) tea.Cmd {
	if !m.reqs.Finish(msg.id) {
		return nil
	}
	if msg.err != nil {
		m.out.Err("verify code: " + common.DescribeError(msg.err) + " (" + m.keys.Back.Help().Key + ": back to the credentials for a new challenge)")
		// A rejected code is of no more use: clear it so the next one is typed
		// fresh, not appended to a masked wrong one.
		m.otp.SetValue("code", "")
		m.otp.Untouch()
		return nil
	}
	who := m.pending
	m.toCredentials()
	m.doneWithForm()
	m.out.Info("signed in (two-factor)")
	if msg.tokens == nil {
		m.out.Info("code accepted, but the PBX answered no tokens")
	}
	return signedIn(common.SessionFromTokens(m.ctx.Now(), who.Username, who.Domain, msg.tokens))
}

// doneWithForm forgets the password and leaves the fields after a sign-in, so
// the number keys switch screens again (the next stop is usually Status).
func (m *Model) doneWithForm() {
	m.creds.SetValue("password", "")
	m.creds.Untouch()
	m.creds.Blur()
}

// challengeEnded tells a refused send_otp: it takes nothing but the challenge
// token, so a 401 means the PBX no longer knows the challenge.
func challengeEnded(err error) bool {
	var ae *apiclient.APIError
	return errors.As(err, &ae) && ae.Status == http.StatusUnauthorized
}

func (m *Model) toCredentials() {
	m.step, m.challenge, m.codeSent = stepCredentials, "", false
	m.pending = apiclient.Credentials{}
	m.otp.Reset()
	m.otp.Blur()
}
