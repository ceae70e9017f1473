package social

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/termsafe"
	"github.com/pbxauth/pbxauth/tui/components/kv"
)

// View implements common.Screen.
func (m *Model) View() string {
	st := m.ctx.Styles
	var b strings.Builder
	if m.flow != nil {
		b.WriteString(st.Form.Title.Render("Social sign-in · code → POST /login/oauth/token") + "\n")
		b.WriteString(m.outcome() + "\n\n")
		b.WriteString(m.codeView())
		return b.String()
	}
	b.WriteString(st.Form.Title.Render("Social sign-in · POST /auth/sign_in/{provider}") + "\n\n")
	b.WriteString(m.form.View() + "\n\n")
	out := m.out.View(st, m.width, m.reqs.Busy())
	switch {
	case m.reqs.Busy(), m.out.IsErr():
		b.WriteString(out)
	case m.url != "":
		// Only by_microsoft's redirect ends here: a login page opens the code step.
		b.WriteString(st.Form.Section.Render("POST /login/by_microsoft redirects (302) to:") + "\n")
		b.WriteString(m.wrappedURL(false))
		if out != "" {
			b.WriteString("\n\n" + out)
		} else {
			b.WriteString("\n\n" + st.Form.Hint.Render(m.keys.Copy.Help().Key+" copies it whole (the lines above are wrapped)"))
		}
	case out != "":
		b.WriteString(out)
	default:
		b.WriteString(st.Form.Hint.Width(max(10, m.width-1)).Render(m.keys.Form.Submit.Help().Key + " asks for the IdP URL; " + m.keys.Microsoft.Help().Key + " tries the web login redirect"))
	}
	return b.String()
}

// outcome is the last action's result, or what to do next.
func (m *Model) outcome() string {
	if out := m.out.View(m.ctx.Styles, m.width, m.reqs.Busy()); out != "" {
		return out
	}
	return m.ctx.Styles.Form.Hint.Render("sign in on the login page, then paste the code it sends back")
}

// codeView is the code step: the login page, the flow's secrets (masked unless
// revealed), and the code form.
func (m *Model) codeView() string {
	st := m.ctx.Styles
	revealed := m.code.Revealed()
	var b strings.Builder
	step1 := "1. Open the login page in a browser and sign in:"
	if m.ctx.IdP != nil {
		// The in-process mock has no address a browser could open.
		step1 = "1. The login page (the mock's simulated IdP: " + m.keys.FromIdP.Help().Key + " signs in there):"
	}
	b.WriteString(st.Form.Section.Render(step1) + "\n")
	b.WriteString(m.wrappedURL(revealed) + "\n")
	rows := []kv.Row{{Key: "state", Value: secret(m.flow.state, revealed)}}
	if p := m.flow.pkce; p != nil {
		rows = append(rows, kv.Row{Key: "code_challenge", Value: p.Challenge + " (S256)"},
			kv.Row{Key: "code_verifier", Value: secret(p.Verifier, revealed)})
	} else {
		rows = append(rows, kv.Row{Key: "PKCE", Value: "off: the code alone will do"})
	}
	b.WriteString(kv.View(st, rows, m.width) + "\n\n")
	b.WriteString(st.Form.Section.Render("2. The code comes back on "+termsafe.Line(m.flow.redirect)+":") + "\n")
	b.WriteString(m.code.View())
	return b.String()
}

// wrappedURL wraps the address (hard, inside it), never cuts it: the person may
// need all of it. Secret query parameters stay hidden unless revealed.
func (m *Model) wrappedURL(revealed bool) string {
	u := m.url
	if !revealed {
		u = apiclient.RedactURL(u)
	}
	return ansi.Hardwrap(termsafe.Line(u), max(10, m.width-1), false)
}

func secret(s apiclient.Secret, revealed bool) string {
	if revealed {
		return s.Reveal()
	}
	return s.String()
}
