package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/pbxauth/pbxauth/tui/common"
)

// after runs once per Update: it starts the spinner while a request is in flight
// and the countdown while a token is live. Both loops stop by themselves, so an
// idle app schedules nothing.
func (m *Model) after(cmd tea.Cmd) tea.Cmd {
	cmds := []tea.Cmd{cmd}
	if !m.spinning && m.anyBusy() {
		m.spinning = true
		cmds = append(cmds, m.spinner.Tick)
	}
	m.ctx.Time = m.ctx.Now()
	if !m.ticking && m.ctx.Session.Live(m.ctx.Time) {
		m.ticking = true
		m.tickGen++
		cmds = append(cmds, tick(m.tickGen))
	}
	// Every update, not only ticks: a token that expired while nothing ticked
	// (auto-refresh switched on late, a clock that jumped) is renewed too.
	cmds = append(cmds, m.autoRefresh())
	return tea.Batch(cmds...)
}

// autoRefresh asks the status screen to renew the token once, when a tenth of its
// lifetime (at most a minute) is left, or once it has expired: the refresh token
// usually outlives the access token (a laptop that slept, a mock clock moved
// ahead), and the PBX says so if it does not. Once per token, so a refused
// refresh is not retried in a loop.
func (m *Model) autoRefresh() tea.Cmd {
	s := m.ctx.Session
	if !m.ctx.AutoRefresh || s == nil || s.Refresh.IsZero() || s.ExpiresAt.IsZero() || m.refreshSent {
		return nil
	}
	lead := min(time.Minute, s.Lifetime/10)
	left := s.Remaining(m.ctx.Time)
	if left > lead {
		return nil
	}
	m.refreshSent = true
	msg := common.AutoRefreshMsg{Expired: left == 0}
	return func() tea.Msg { return common.ScreenMsg{To: StatusScreen, Msg: msg} }
}
