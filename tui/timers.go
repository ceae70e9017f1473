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
	m.now = m.ctx.Now()
	if !m.ticking && m.ctx.Session.Live(m.now) {
		m.ticking = true
		m.tickGen++
		cmds = append(cmds, tick(m.tickGen))
	}
	return tea.Batch(cmds...)
}

// autoRefresh asks the status screen to renew the token once, when a tenth of its
// lifetime (at most a minute) is left.
func (m *Model) autoRefresh() tea.Cmd {
	s := m.ctx.Session
	if !m.ctx.AutoRefresh || s == nil || s.Refresh.IsZero() || m.refreshSent {
		return nil
	}
	lead := min(time.Minute, s.Lifetime/10)
	if left := s.Remaining(m.now); left > 0 && left <= lead {
		m.refreshSent = true
		return func() tea.Msg { return common.ScreenMsg{To: StatusScreen, Msg: common.AutoRefreshMsg{}} }
	}
	return nil
}
