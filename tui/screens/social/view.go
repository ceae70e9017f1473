package social

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/termsafe"
)

// View implements common.Screen.
func (m *Model) View() string {
	st := m.ctx.Styles
	var b strings.Builder
	b.WriteString(st.Form.Title.Render("Social sign-in · POST /auth/sign_in/{provider}") + "\n\n")
	b.WriteString(m.form.View() + "\n\n")
	switch {
	case m.reqs.Busy():
		b.WriteString(st.Status.Busy.Render("waiting for the PBX…"))
	case m.err != "":
		b.WriteString(st.Form.Error.Width(max(10, m.width-1)).Render("✗ " + m.err))
	case m.url != "":
		label := "Identity provider page (open it in a browser):"
		if m.what == "location" {
			label = "POST /login/by_microsoft redirects (302) to:"
		}
		// Wrap (hard, inside the address), never cut: the person may need to copy the whole address. Secret
		// query parameters stay hidden.
		u := termsafe.Line(apiclient.RedactURL(m.url))
		b.WriteString(st.Form.Section.Render(label) + "\n")
		b.WriteString(ansi.Hardwrap(u, max(10, m.width-1), false))
		if m.info != "" {
			b.WriteString("\n\n" + st.Form.Success.Render(m.info))
		} else {
			b.WriteString("\n\n" + st.Form.Hint.Render("ctrl+y copies it whole (the lines above are wrapped)"))
		}
	default:
		b.WriteString(st.Form.Hint.Render("enter asks for the IdP URL; ctrl+b tries the web login redirect"))
	}
	return b.String()
}
