// Package targetbar renders the always-visible line that says which PBX the TUI
// talks to, how (mock, TLS) and who is signed in, with a live token countdown.
package targetbar

import (
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/pbxauth/pbxauth/tui/common"
)

// View renders the bar for ctx at now, within width columns. It is a pure function
// of its inputs, so the countdown moves only when the root ticks. The target is on
// the left, the session on the right; when space is short the target's parts get
// their short forms and the URL is cut, never the TLS or production markers.
func View(ctx *common.Context, now time.Time, width int) string {
	st := ctx.Styles.TargetBar
	right := session(ctx, now)
	for _, compact := range []bool{false, true} {
		left := target(ctx, compact)
		if fits(left, right, width) {
			return join(left, right, width)
		}
	}
	// Still too wide: cut the URL, keep the markers and the session.
	markers := strings.Join(markerParts(ctx, true), " ")
	room := width - 2 - ansi.StringWidth(right) - ansi.StringWidth(markers) - 2
	url := shortURL(ctx.Target.BaseURL)
	if room < 8 {
		// Tiny terminal: markers and session only, cut to the width.
		return st.Bar.MaxWidth(max(1, width)).Render(ansi.Truncate(markers+" "+right, max(1, width-2), "…"))
	}
	left := st.URL.Render(ansi.Truncate(url, room, "…")) + " " + markers
	return join(left, right, width)
}

func fits(left, right string, width int) bool {
	return ansi.StringWidth(left)+ansi.StringWidth(right)+3 <= width
}

func join(left, right string, width int) string {
	gap := max(1, width-2-ansi.StringWidth(left)-ansi.StringWidth(right))
	return lipgloss.NewStyle().Padding(0, 1).MaxWidth(max(1, width)).Render(left + strings.Repeat(" ", gap) + right)
}

func target(ctx *common.Context, compact bool) string {
	st := ctx.Styles.TargetBar
	t := ctx.Target
	url := t.BaseURL
	var parts []string
	// Compact drops the profile name and shortens the mock's mark, but keeps the
	// scheme: http or https, with its TLS state, is what the bar is for.
	if !compact && t.Profile != "" && !t.Mock && !t.AdHoc {
		parts = append(parts, st.Faint.Render(t.Profile+":"))
	}
	parts = append(parts, st.URL.Render(url))
	parts = append(parts, markerParts(ctx, compact)...)
	return strings.Join(parts, " ")
}

func markerParts(ctx *common.Context, compact bool) []string {
	st := ctx.Styles.TargetBar
	t := ctx.Target
	var out []string
	if t.Mock {
		if compact {
			out = append(out, st.Mock.Render("[mock]"))
		} else {
			out = append(out, st.Mock.Render("[built-in mock]"))
		}
	}
	// The TLS mark is the setting, not a handshake's result: nothing has been
	// verified before the first call, and a failed verification is an error of
	// that call, not a state of the target.
	switch {
	case strings.HasPrefix(t.BaseURL, "http://"):
		out = append(out, st.Faint.Render("plain HTTP"))
	case t.Insecure:
		out = append(out, st.TLSOff.Render("⚠ TLS NOT VERIFIED"))
	default:
		out = append(out, st.TLSOK.Render("TLS verify on"))
	}
	if t.Production {
		out = append(out, st.Production.Render("PRODUCTION"))
	}
	return out
}

func shortURL(u string) string {
	u = strings.TrimPrefix(u, "https://")
	u = strings.TrimPrefix(u, "http://")
	return strings.TrimSuffix(strings.TrimSuffix(u, "/"), "/api")
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
	case s.Revoked:
		return who + " " + st.Expired.Render("revoked")
	case s.ExpiresAt.IsZero():
		return who
	case s.Live(now):
		left := int(s.Remaining(now).Round(time.Second) / time.Second)
		return who + " " + st.Countdown.Render(common.Countdown(left))
	default:
		return who + " " + st.Expired.Render("expired")
	}
}
