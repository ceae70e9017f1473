package signin

import (
	"strings"
	"time"
)

func secs(n int) time.Duration { return time.Duration(n) * time.Second }

// View implements common.Screen.
func (m *Model) View() string {
	st := m.ctx.Styles
	var b strings.Builder
	if m.step == stepOTP {
		b.WriteString(st.Form.Title.Render("Sign in · two-factor code") + "\n\n")
		b.WriteString(st.Form.Label.Render("for "+m.pending.Username) + "\n")
		sent := "not sent yet: ctrl+e mails it (POST /auth/send_otp)"
		if m.codeSent {
			sent = "code sent"
		}
		b.WriteString(st.Form.Hint.Render(sent) + "\n\n")
		b.WriteString(m.otp.View() + "\n\n")
	} else {
		title := "Sign in · POST /auth/sign_in"
		if m.creds.Bool("web") {
			title = "Web session · POST /login"
		}
		b.WriteString(st.Form.Title.Render(title) + "\n\n")
		b.WriteString(m.creds.View() + "\n\n")
	}
	switch {
	case m.Busy():
		b.WriteString(st.Status.Busy.Render("waiting for the PBX…"))
	case m.err != "":
		b.WriteString(st.Form.Error.Width(max(10, m.width-1)).Render("✗ " + m.err))
	case m.info != "":
		b.WriteString(st.Form.Success.Width(max(10, m.width-1)).Render(m.info))
	}
	if s := m.ctx.Session; s != nil && m.step == stepCredentials {
		b.WriteString("\n" + st.Form.Hint.Render("signed in as "+s.Who()+" ("+s.Kind.String()+"); see Status"))
	}
	return b.String()
}
