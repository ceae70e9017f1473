package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/confirm"
	"github.com/pbxauth/pbxauth/tui/screens/mockctl"
)

// handleKey: ctrl+c always quits; an open dialog takes every other key; then the
// screen switches; q, ? and digits only while no text field has focus; the rest
// goes to the active screen.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	g := m.ctx.Keys
	if key.Matches(msg, g.ForceQuit) {
		return m.quit()
	}
	// Keys typed fast can arrive as one message ("jj"); outside a text field
	// each is a command of its own, so none is dropped. A paste stays whole.
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !m.screens[m.active].Capturing() && m.confirm == nil {
		cmds := make([]tea.Cmd, 0, len(msg.Runes))
		for _, r := range msg.Runes {
			cmds = append(cmds, m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
		}
		return tea.Batch(cmds...)
	}
	if m.confirm != nil {
		switch m.confirm.Update(msg) {
		case confirm.Yes:
			to, yes := m.confirmTo, m.confirmOK
			m.confirm, m.confirmOK = nil, nil
			if s := m.screen(to); s != nil {
				return s.Update(yes)
			}
		case confirm.No:
			m.confirm, m.confirmOK = nil, nil
			m.setNotice("cancelled", false)
		}
		return nil
	}
	if m.help.ShowAll && (key.Matches(msg, g.Help) || msg.Type == tea.KeyEsc) {
		m.help.ShowAll = false
		m.resize()
		return nil
	}
	active := m.screens[m.active]
	if n := m.overflows(); n > 0 {
		switch {
		case key.Matches(msg, g.PageDown):
			m.scroll = min(n, m.scroll+max(1, m.ctx.Height/2))
			return nil
		case key.Matches(msg, g.PageUp):
			m.scroll = max(0, min(n, m.scroll)-max(1, m.ctx.Height/2))
			return nil
		}
	}
	switch {
	case key.Matches(msg, g.Next):
		return m.switchTo((m.active + 1) % m.shown())
	case key.Matches(msg, g.Prev):
		return m.switchTo((m.active + m.shown() - 1) % m.shown())
	}
	if !active.Capturing() {
		switch {
		case key.Matches(msg, g.Quit):
			return m.quit()
		case key.Matches(msg, g.Help):
			m.help.ShowAll = !m.help.ShowAll
			m.resize()
			return nil
		case key.Matches(msg, g.Jump):
			if i := int(msg.Runes[0] - '1'); i < m.shown() {
				return m.switchTo(i)
			}
			return nil
		}
	}
	return active.Update(msg)
}

// shown is how many screens have tabs: the Mock screen (last) only while the
// target is the built-in mock, since it acts on nothing else.
func (m *Model) shown() int {
	n := len(m.screens)
	if n > 0 && m.screens[n-1].ID() == mockctl.ID && !m.ctx.Target.Mock {
		if m.active == n-1 {
			return n // it is open: keep its tab until the person leaves it
		}
		return n - 1
	}
	return n
}

func (m *Model) switchTo(i int) tea.Cmd {
	m.scroll = 0
	cmd := m.activate(i)
	m.notice = ""
	m.resize() // the help bar's height depends on the screen
	return cmd
}

// activate makes screen i the active one; the one left hears of it
// (common.LeftMsg), so what it said stays behind with it.
func (m *Model) activate(i int) tea.Cmd {
	if i == m.active {
		return nil
	}
	left := m.screens[m.active]
	m.active = i
	return left.Update(common.LeftMsg{})
}

func (m *Model) quit() tea.Cmd {
	for _, s := range m.screens {
		if c, ok := s.(interface{ Cancel() }); ok {
			c.Cancel()
		}
	}
	return tea.Quit
}
