// Package social is the social sign-in screen: POST /auth/sign_in/{provider} shows
// the identity provider's page, whose code is then exchanged at
// POST /login/oauth/token (with PKCE); POST /login/by_microsoft shows the redirect
// it answers.
package social

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/rules"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/clipboard"
	"github.com/pbxauth/pbxauth/tui/components/form"
	"github.com/pbxauth/pbxauth/tui/components/outcome"
)

// ID is the screen's ID.
const ID common.ScreenID = "social"

// DefaultCallback is where the IdP sends the person back; any URL works for
// exploring, since pbxauth never follows it.
const DefaultCallback = "https://localhost/callback"

type resultMsg struct {
	id uint64
	// what: "url" (sign_in/{provider}) or "location" (by_microsoft).
	what string
	url  string
	err  error
	req  apiclient.SocialSignIn
	pkce *apiclient.PKCE // made by the command, with the request
}

// Model is the social sign-in screen.
type Model struct {
	ctx       *common.Context
	keys      KeyMap
	form      form.Model
	reqs      common.Requests
	what, url string
	out       outcome.Line
	width     int
	clip      clipboard.Clipboard
	// flow is the authorization request whose code the code form takes; nil
	// until a login page came back.
	flow *codeFlow
	code form.Model
}

// copiedMsg is the clipboard's answer.
type copiedMsg struct{ err error }

// New builds the screen; clip takes the URL on ctrl+y (nil: copying is unavailable).
func New(ctx *common.Context, clip clipboard.Clipboard) *Model {
	m := &Model{ctx: ctx, keys: DefaultKeyMap(), clip: clip}
	m.form = form.New(ctx.Styles, validate,
		form.Field{Key: "provider", Label: "Provider", Placeholder: "identity provider", Hint: "PortSIP knows only microsoft"},
		form.Field{Key: "domain", Label: "Domain", Placeholder: "tenant domain"},
		form.Field{Key: "callback_url", Label: "Callback URL", Placeholder: "where the IdP sends the browser back"},
		form.Field{Key: "pkce", Label: "PKCE", Kind: form.Toggle, Hint: "S256 code_challenge + client_id (pbxauth's addition to the call)"},
	)
	m.form.SetValue("provider", "microsoft")
	m.form.SetValue("callback_url", DefaultCallback)
	m.form.SetValue("domain", ctx.Target.DefaultDomain)
	m.form.SetValue("pkce", "true") // the guide advises PKCE
	m.updateKeys()
	return m
}

// validate adds the provider (a path segment) to the shared rules.
func validate(v map[string]string) []rules.Violation {
	var out []rules.Violation
	p := v["provider"]
	switch {
	case p == "":
		out = append(out, rules.Violation{Field: "provider", Rule: "required", Message: "is required"})
	case strings.ContainsAny(p, "/?# "):
		out = append(out, rules.Violation{Field: "provider", Rule: "charset", Message: "must be one path segment"})
	case p != "microsoft":
		// PortSIP's API names one provider; another is a negative test, sent
		// only when asked (ctrl+g), as every other rule.
		out = append(out, rules.Violation{Field: "provider", Rule: "one_of", Message: "is not a provider PortSIP knows (microsoft)"})
	}
	fields := map[string]string{"domain": v["domain"], "callback_url": v["callback_url"]}
	return append(out, rules.Check("signInWithSocialAccount", fields)...)
}

// ID implements common.Screen.
func (m *Model) ID() common.ScreenID { return ID }

// Title implements common.Screen.
func (m *Model) Title() string { return "Social" }

// Init implements common.Screen.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize implements common.Screen.
func (m *Model) SetSize(w, _ int) {
	m.width = w
	m.form.SetWidth(w)
	m.code.SetWidth(w)
}

// Capturing implements common.Screen.
func (m *Model) Capturing() bool { return m.active().Capturing() }

// active is the form keys go to: the code form once a login page came back.
func (m *Model) active() *form.Model {
	if m.flow != nil {
		return &m.code
	}
	return &m.form
}

// Busy implements common.Screen.
func (m *Model) Busy() bool { return m.reqs.Busy() }

// Cancel stops the request in flight.
func (m *Model) Cancel() { m.reqs.Cancel() }

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	defer m.updateKeys()
	switch msg := msg.(type) {
	case copiedMsg:
		m.out.Info("copied the URL to the clipboard (OSC 52)")
		if msg.err != nil {
			m.out.Err("copy: " + msg.err.Error())
		}
		return nil
	case resultMsg:
		if !m.reqs.Finish(msg.id) {
			return nil
		}
		m.what, m.url = msg.what, msg.url
		m.out.Clear()
		if msg.err != nil {
			m.url = ""
			m.out.Failed("", msg.err)
			return nil
		}
		if msg.what == "url" && msg.url != "" {
			return m.startFlow(msg)
		}
		return nil
	case idpMsg:
		return m.onIdP(msg)
	case exchangedMsg:
		return m.onExchanged(msg)
	case common.LeftMsg:
		m.out.Clear()
		return nil
	case common.TargetChangedMsg:
		m.reqs.Cancel()
		m.endFlow()
		m.url = ""
		m.out.Clear()
		m.form.SetValue("domain", msg.Target.DefaultDomain) // never the last target's
		m.form.Untouch()
		return nil
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, m.keys.Cancel):
			// esc always leaves the field, cancelling first, so the next key is
			// never typed into a field the person thinks they have left.
			outcome.LeaveField(&m.out, m.active(), &m.reqs)
			return nil
		case m.flow != nil:
			return m.onCodeKey(msg)
		case key.Matches(msg, m.keys.Form.Submit):
			return m.send("url", false)
		case key.Matches(msg, m.keys.Form.SendAnyway):
			return m.send("url", true)
		case key.Matches(msg, m.keys.Microsoft):
			return m.send("location", false)
		case key.Matches(msg, m.keys.Copy):
			if m.url == "" {
				return nil
			}
			// Copying is the person's reveal: the browser needs the state the
			// screen hides.
			return common.To(ID, copyURL(m.clip, m.url))
		}
	}
	return m.active().Update(msg)
}

// onCodeKey handles the keys of the code step.
func (m *Model) onCodeKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Form.Submit):
		return m.exchange(false)
	case key.Matches(msg, m.keys.Form.SendAnyway):
		return m.exchange(true)
	case key.Matches(msg, m.keys.FromIdP):
		if m.ctx.IdP == nil {
			return nil
		}
		return m.fromIdP()
	case key.Matches(msg, m.keys.StartOver):
		m.reqs.Cancel()
		m.endFlow()
		m.url = ""
		m.out.Clear()
		return m.form.Focus(1) // the domain, the field most often changed
	case key.Matches(msg, m.keys.Copy):
		return common.To(ID, copyURL(m.clip, m.url))
	}
	return m.code.Update(msg)
}

func (m *Model) send(what string, anyway bool) tea.Cmd {
	m.form.Touch()
	if !anyway {
		bad := m.form.Violations()
		if what == "location" {
			bad = rules.Check("loginWithMicrosoft", map[string]string{"domain": m.form.Value("domain")})
		}
		if len(bad) > 0 {
			m.url = ""
			m.out.Err("fix the marked fields, or " + m.keys.Form.SendAnyway.Help().Key + " to send anyway")
			return nil
		}
	}
	ctx, id := m.reqs.Start(m.ctx.Base, m.ctx.RequestTimeout)
	m.url = ""
	m.out.Clear()
	if what == "location" {
		return common.To(ID, byMicrosoft(ctx, m.ctx.API, id, m.form.Value("domain")))
	}
	req := apiclient.SocialSignIn{Provider: m.form.Value("provider"), Domain: m.form.Value("domain"), CallbackURL: m.form.Value("callback_url")}
	return common.To(ID, socialSignIn(ctx, m.ctx.API, id, req, m.form.Bool("pkce")))
}

// copyURL copies the URL as shown (redacted), the one a browser needs.
func copyURL(clip clipboard.Clipboard, u string) tea.Cmd {
	return func() tea.Msg {
		if clip == nil {
			return copiedMsg{err: clipboard.ErrUnavailable}
		}
		return copiedMsg{err: clip.Copy(u)}
	}
}

// socialSignIn asks for the login page; with pkce it makes the verifier (here, not
// in Update: it reads the system's randomness) and sends its challenge.
func socialSignIn(ctx context.Context, api apiclient.API, id uint64, req apiclient.SocialSignIn, pkce bool) tea.Cmd {
	return func() tea.Msg {
		msg := resultMsg{id: id, what: "url", req: req}
		if pkce {
			p := apiclient.NewPKCE()
			msg.pkce = &p
			msg.req.CodeChallenge, msg.req.ClientID = p.Challenge, apiclient.OAuthClientID
		}
		r, err := api.SignInWithSocialAccount(ctx, msg.req)
		msg.err = err
		if r != nil {
			msg.url = r.URL
		}
		return msg
	}
}

func byMicrosoft(ctx context.Context, api apiclient.API, id uint64, domain string) tea.Cmd {
	return func() tea.Msg {
		loc, err := api.LoginWithMicrosoft(ctx, domain)
		return resultMsg{id: id, what: "location", url: loc, err: err}
	}
}
