package status

import (
	"strconv"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/kv"
)

// View implements common.Screen.
func (m *Model) View() string {
	st := m.ctx.Styles
	now := m.ctx.Time
	var b strings.Builder
	b.WriteString(st.Form.Title.Render("Status · GET /login, GET /auth/user") + "\n")
	// The outcome of the last action goes above the table: a full table fills a
	// small terminal, and what just happened must not be the line that is cut.
	if out := m.out.View(st, m.width, m.reqs.Busy()); out != "" {
		b.WriteString(out + "\n")
	}
	b.WriteString("\n")
	rows := []kv.Row{{Value: "Session"}}
	if s := m.ctx.Session; s == nil {
		rows = append(rows, kv.Row{Key: "signed in", Value: "no"})
	} else {
		rows = append(rows, kv.Row{Key: "signed in", Value: s.Who() + " (" + s.Via() + ")"})
		switch {
		case s.Revoked:
			rows = append(rows, kv.Row{Key: "token", Value: "revoked (POST /login/oauth/revoke); the refresh token still renews it (t)"})
		case s.ExpiresAt.IsZero():
			rows = append(rows, kv.Row{Key: "token", Value: "no expiry known"})
		case s.Live(now):
			rows = append(rows, kv.Row{Key: "token expires in", Value: common.Countdown(int(s.Remaining(now).Round(time.Second) / time.Second))}) // rounded, as the target bar does
		default:
			rows = append(rows, kv.Row{Key: "token", Value: "expired"})
		}
		if s.Role != "" {
			rows = append(rows, kv.Row{Key: "role", Value: s.Role})
		}
	}
	auto := "off"
	if m.ctx.AutoRefresh {
		auto = "on (renews shortly before expiry, or once expired)"
	}
	rows = append(rows, kv.Row{Key: "auto-refresh", Value: auto})

	rows = append(rows, kv.Row{Value: "GET /login"})
	switch {
	case m.loginErr != "":
		rows = append(rows, kv.Row{Key: "error", Value: m.loginErr})
	case m.login != nil:
		rows = append(rows, kv.Row{Key: "role", Value: m.login.Role},
			kv.Row{Key: "expires_in", Value: strconv.Itoa(m.login.ExpiresIn) + " s"},
			kv.Row{Key: "expires_at", Value: timeText(m.login.ExpiresAt)},
			kv.Row{Key: "access_token", Value: m.login.AccessToken.String()})
	default:
		rows = append(rows, kv.Row{Key: "result", Value: "not checked yet (r)"})
	}
	rows = append(rows, kv.Row{Value: "GET /auth/user"})
	switch {
	case m.userErr != "":
		rows = append(rows, kv.Row{Key: "error", Value: m.userErr})
	case m.user != nil:
		u := m.user
		rows = append(rows, kv.Row{Key: "role", Value: u.Role},
			kv.Row{Key: "password_verified", Value: strconv.FormatBool(u.PasswordVerified)},
			kv.Row{Key: "password_force_reset", Value: strconv.FormatBool(u.PasswordForceReset)})
		if u.Domain != "" {
			rows = append(rows, kv.Row{Key: "domain", Value: u.Domain})
		}
		if u.RoleName != "" {
			rows = append(rows, kv.Row{Key: "role_name", Value: u.RoleName + " (" + u.RoleID + ")"})
		}
		if len(u.Capabilities) > 0 {
			rows = append(rows, kv.Row{Key: "capabilities", Value: strings.Join(u.Capabilities, ", ")})
		}
	default:
		rows = append(rows, kv.Row{Key: "result", Value: "not checked yet (r)"})
	}
	b.WriteString(kv.View(st, rows, m.width))
	return b.String()
}

// timeText is a time as RFC 3339, or blank when the PBX sent none (null).
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
