package signin

import (
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/mockserver"
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
		if m.ctx.Target.Mock {
			notes = append(notes, m.demo)
		}
	}
	for _, n := range notes {
		b.WriteString("\n\n" + n)
	}
	return b.String()
}

// renderDemo styles the demo accounts once (they never change). Line by line: a
// block would pad every line to the longest, and a narrow terminal would then
// cut all of them.
func renderDemo(st *styles.Styles) string {
	lines := strings.Split(demoAccounts, "\n")
	for i, l := range lines {
		lines[i] = st.Form.Hint.Render(l)
	}
	return strings.Join(lines, "\n")
}

// demoAccounts tells a newcomer on the built-in mock what to type: the first
// account of the system and of each tenant, with what makes the tenant special.
var demoAccounts = func() string {
	d := mockserver.DemoData()
	rows := [][4]string{}
	if a := d.System.Accounts; len(a) > 0 {
		rows = append(rows, [4]string{a[0].Username, a[0].Password, "(no domain)", "system account"})
	}
	for _, t := range d.Tenants {
		if len(t.Users) == 0 {
			continue
		}
		note := ""
		switch {
		case t.TwoFactor:
			note = "2FA: code in the outbox"
		case t.MS365.Enabled:
			note = "Microsoft 365 on Social"
		}
		rows = append(rows, [4]string{t.Users[0].Username, t.Users[0].Password, t.Domain, note})
	}
	var w [3]int
	for _, r := range rows {
		for i := range w {
			w[i] = max(w[i], len(r[i]))
		}
	}
	var b strings.Builder
	b.WriteString("Demo accounts on the built-in mock (user, password, domain):")
	for _, r := range rows {
		line := "  "
		for i := range w {
			line += r[i] + strings.Repeat(" ", w[i]-len(r[i])+2)
		}
		b.WriteString("\n" + strings.TrimRight(line+r[3], " "))
	}
	return b.String()
}()
