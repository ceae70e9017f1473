package social

import (
	"context"
	"net/url"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/form"
)

// The authorization-code flow (RFC 6749 4.1 with PKCE, RFC 7636): enter asks the
// PBX for the login page with an S256 challenge; the person signs in there and
// brings back the code (or the whole callback address); enter trades it at
// POST /login/oauth/token with the verifier.

// codeFlow is one authorization request, from the login page to the exchange.
type codeFlow struct {
	provider, domain string
	// redirect is the callback_url the request named: the exchange's redirect_uri.
	redirect string
	// state is the login page address's state: a callback with another one is
	// not this sign-in's (RFC 6749 10.12).
	state apiclient.Secret
	pkce  *apiclient.PKCE // nil: the request carried no challenge
	// account signed in at the simulated identity provider (ctrl+o), if it did.
	account string
}

type (
	idpMsg struct {
		id       uint64
		account  string
		callback string
		err      error
	}
	exchangedMsg struct {
		id     uint64
		tokens *apiclient.TokenPair
		err    error
	}
)

// startFlow remembers the request whose login page came back, and opens the code step.
func (m *Model) startFlow(msg resultMsg) tea.Cmd {
	q := urlQuery(msg.url)
	m.flow = &codeFlow{provider: msg.req.Provider, domain: msg.req.Domain, redirect: msg.req.CallbackURL,
		state: apiclient.Secret(q.Get("state")), pkce: msg.pkce}
	fields := []form.Field{{Key: "code", Label: "Code", Kind: form.Secret, Placeholder: "authorization code, or the whole callback address"}}
	if m.ctx.IdP != nil {
		fields = append(fields, form.Field{Key: "account", Label: "IdP account", Optional: true,
			Placeholder: "account at the simulated IdP", Hint: m.keys.FromIdP.Help().Key + " signs in as it"})
	}
	m.code = form.New(m.ctx.Styles, nil, fields...)
	m.code.SetWidth(m.width)
	m.code.SetValue("account", demoAccount(m.ctx.Demo, m.flow.domain, m.ctx.Target.DefaultUsername))
	m.form.Blur()
	return m.code.Focus(0)
}

// demoAccount is the demo account of the mock's tenant domain, to prefill the IdP
// account; else the profile's user.
func demoAccount(demo []common.DemoAccount, domain, fallback string) string {
	for _, a := range demo {
		if a.Domain != "" && strings.EqualFold(a.Domain, domain) {
			return a.Username
		}
	}
	return fallback
}

func (m *Model) endFlow() {
	m.flow = nil
	m.code = form.Model{}
}

// fromIdP signs in at the simulated identity provider (the mock only).
func (m *Model) fromIdP() tea.Cmd {
	account := m.code.Value("account")
	if account == "" {
		m.out.Err("enter the IdP account to sign in as")
		return nil
	}
	ctx, id := m.reqs.Start(m.ctx.Base, m.ctx.RequestTimeout)
	m.out.Clear()
	return common.To(ID, authorize(ctx, m.ctx.IdP, id, m.url, account))
}

func (m *Model) onIdP(msg idpMsg) tea.Cmd {
	if !m.reqs.Finish(msg.id) || m.flow == nil {
		return nil
	}
	if msg.err != nil {
		m.out.Failed("", msg.err)
		return nil
	}
	code, state, refused := parseCallback(msg.callback)
	switch {
	case refused != "":
		m.out.Err("the identity provider refused: " + refused)
		return nil
	case code == "":
		m.out.Err("the identity provider's redirect holds no code")
		return nil
	}
	// The callback address, state and all, as a browser would land on it: enter
	// checks its state as it would a pasted one.
	m.code.SetValue("code", msg.callback)
	m.flow.account = msg.account
	done := "signed in at the simulated IdP as " + msg.account + "; the code came back on the callback (masked); " + m.keys.Form.Submit.Help().Key + " exchanges it"
	if state == "" {
		done += " (no state in it)"
	}
	m.out.Info(done)
	return nil
}

// exchange checks the pasted code or callback, then trades the code.
func (m *Model) exchange(anyway bool) tea.Cmd {
	in := strings.TrimSpace(m.code.Value("code"))
	code, state, refused := parseCallback(in)
	switch {
	case refused != "":
		m.out.Err("the identity provider refused: " + refused)
		return nil
	case code == "" && !anyway:
		m.out.Err("paste the code or the callback address (" + m.keys.Form.SendAnyway.Help().Key + " sends it empty)")
		return nil
	case state != "" && state != m.flow.state.Reveal() && !anyway:
		m.out.Err("the callback's state is not this sign-in's: not exchanged (a forged callback?); " + m.keys.Form.SendAnyway.Help().Key + " sends it anyway")
		return nil
	}
	x := apiclient.CodeExchange{Code: apiclient.Secret(code), RedirectURI: m.flow.redirect}
	if m.flow.pkce != nil {
		x.CodeVerifier = m.flow.pkce.Verifier
	}
	ctx, id := m.reqs.Start(m.ctx.Base, m.ctx.RequestTimeout)
	m.out.Clear()
	return common.To(ID, exchangeCode(ctx, m.ctx.API, id, x))
}

func (m *Model) onExchanged(msg exchangedMsg) tea.Cmd {
	if !m.reqs.Finish(msg.id) || m.flow == nil {
		return nil
	}
	if msg.err != nil {
		m.out.Err("exchange the code: " + common.DescribeError(msg.err) + " (a code works once: " + m.keys.StartOver.Help().Key + " starts a new sign-in)")
		m.code.SetValue("code", "")
		return nil
	}
	who := m.flow.account
	if who == "" {
		who = "(" + m.flow.provider + " account)"
	}
	s := common.SessionFromTokens(m.ctx.Now(), who, m.flow.domain, msg.tokens)
	s.OAuth = true
	how := "authorization code"
	if m.flow.pkce != nil {
		how += " + PKCE"
	}
	m.endFlow()
	m.url = ""
	m.out.Info("signed in (" + how + "); see Status")
	return func() tea.Msg { return common.SignedInMsg{Session: s} }
}

// parseCallback reads what the person pasted: a callback address (code, state,
// or the provider's error), or the code alone.
func parseCallback(in string) (code, state, refused string) {
	if !strings.Contains(in, "code=") && !strings.Contains(in, "error=") {
		return in, "", ""
	}
	q := urlQuery(in)
	if e := q.Get("error"); e != "" {
		return "", "", strings.TrimSpace(e + " " + q.Get("error_description"))
	}
	return q.Get("code"), q.Get("state"), ""
}

// urlQuery is the query of an address, or of a bare query string.
func urlQuery(raw string) url.Values {
	if _, rest, ok := strings.Cut(raw, "?"); ok {
		raw = rest
	}
	raw, _, _ = strings.Cut(raw, "#")
	q, _ := url.ParseQuery(raw)
	return q
}

func authorize(ctx context.Context, idp common.IdP, id uint64, page, account string) tea.Cmd {
	return func() tea.Msg {
		cb, err := idp.Authorize(ctx, page, account)
		return idpMsg{id: id, account: account, callback: cb, err: err}
	}
}

func exchangeCode(ctx context.Context, api apiclient.API, id uint64, x apiclient.CodeExchange) tea.Cmd {
	return func() tea.Msg {
		tp, err := api.OAuthExchangeCode(ctx, x)
		return exchangedMsg{id: id, tokens: tp, err: err}
	}
}
