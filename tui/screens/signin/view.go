package signin

import (
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/styles"
)

func secs(n int) time.Duration { return time.Duration(n) * time.Second }

// View implements common.Screen.
func (m *Model) View() string {
	st := m.ctx.Styles
	var b strings.Builder
	if m.step == stepOTP {
		b.WriteString(st.Form.Title.Render("Sign in · two-factor code") + "\n\n")
		who := m.pending.Username
		if m.pending.Domain != "" {
			who += "@" + m.pending.Domain
		}
		b.WriteString(st.Form.Label.Render("for "+who) + "\n")
		sent := "not sent yet: " + m.keys.SendCode.Help().Key + " mails it (POST /auth/send_otp)"
		if m.codeSent {
			sent = "code sent"
		}
		b.WriteString(st.Form.Hint.Render(sent) + "\n\n")
		b.WriteString(m.otp.View())
	} else {
		b.WriteString(st.Form.Title.Render("Sign in · "+m.method.endpoint()) + "\n")
		b.WriteString(st.Form.Hint.Render("method: "+m.method.String()+" ("+m.keys.Method.Help().Key+": "+((m.method+1)%methodCount).String()+")") + "\n\n")
		b.WriteString(m.creds.View())
	}
	// Sections below the form, each after a blank line; empty ones take no room.
	var notes []string
	if out := m.out.View(st, m.width, m.Busy()); out != "" {
		notes = append(notes, out)
	}
	if m.step == stepCredentials {
		// Once: right after a sign-in the outcome line says it.
		if s := m.ctx.Session; s != nil && m.out.Empty() {
			notes = append(notes, st.Form.Hint.Render("signed in as "+s.Who()+" ("+s.Via()+"); see Status"))
		}
		if m.ctx.Target.Mock && m.demo != "" {
			notes = append(notes, m.demo)
		}
	}
	for _, n := range notes {
		b.WriteString("\n\n" + n)
	}
	return b.String()
}

// renderDemo lays the demo accounts out as aligned rows and styles them, line by
// line: a block would pad every line to the longest, and a narrow terminal would
// then cut all of them. "" when there are none.
func renderDemo(st *styles.Styles, accounts []common.DemoAccount) string {
	if len(accounts) == 0 {
		return ""
	}
	rows := make([][4]string, len(accounts))
	for i, a := range accounts {
		domain := a.Domain
		if domain == "" {
			domain = "(no domain)"
		}
		rows[i] = [4]string{a.Username, a.Password, domain, a.Note}
	}
	var w [3]int
	for _, r := range rows {
		for i := range w {
			w[i] = max(w[i], len(r[i]))
		}
	}
	lines := []string{st.Form.Hint.Render("Demo accounts on the built-in mock (user, password, domain):")}
	for _, r := range rows {
		line := "  "
		for i := range w {
			line += r[i] + strings.Repeat(" ", w[i]-len(r[i])+2)
		}
		lines = append(lines, st.Form.Hint.Render(strings.TrimRight(line+r[3], " ")))
	}
	return strings.Join(lines, "\n")
}
