// Package targetbar renders the always-visible line that says which PBX the TUI
// talks to, how (mock, TLS) and who is signed in, with a live token countdown.
package targetbar

import (
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/pbxauth/pbxauth/tui/common"
)

// View renders the bar for ctx at now, within width columns. It is a pure
// function of its inputs, so the countdown moves only when the root ticks.
func View(ctx *common.Context, now time.Time, width int) string {
	st := ctx.Styles.TargetBar
	t := ctx.Target
	parts := []string{}
	name := t.Profile
	if name == "" {
		name = "target"
	}
	parts = append(parts, st.Faint.Render(name+":")+" "+st.URL.Render(t.BaseURL))
	if t.Mock {
		parts = append(parts, st.Mock.Render("[built-in mock]"))
	}
	switch {
	case strings.HasPrefix(t.BaseURL, "http://"):
		parts = append(parts, st.Faint.Render("plain HTTP"))
	case t.Insecure:
		parts = append(parts, st.TLSOff.Render(" ⚠ TLS NOT VERIFIED "))
	default:
		parts = append(parts, st.TLSOK.Render("TLS verified"))
	}
	if t.Production {
		parts = append(parts, st.Production.Render(" PRODUCTION "))
	}
	parts = append(parts, session(ctx, now))
	line := strings.Join(parts, "  ")
	return st.Bar.MaxWidth(max(1, width)).Render(line)
}

func session(ctx *common.Context, now time.Time) string {
	st := ctx.Styles.TargetBar
	s := ctx.Session
	if s == nil {
		return st.Faint.Render("not signed in")
	}
	who := st.User.Render("● " + s.Who())
	if s.Kind == common.WebSession {
		who += st.Faint.Render(" (web)")
	}
	switch {
	case s.ExpiresAt.IsZero():
		return who
	case s.Live(now):
		left := int(s.Remaining(now).Round(time.Second) / time.Second)
		return who + " " + st.Countdown.Render("token "+common.Countdown(left))
	default:
		return who + " " + st.Expired.Render("token expired")
	}
}

// Height is the bar's height (one line).
func Height() int { return lipgloss.Height("x") }
