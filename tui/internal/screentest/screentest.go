// Package screentest runs one screen as a Bubble Tea program for teatest: a
// window-sized harness that delivers a screen's own ScreenMsgs to it, as the root
// does, and quits on ctrl+c.
package screentest

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pbxauth/pbxauth/tui/common"
)

// Harness is a tea.Model around a screen.
type Harness struct {
	S             common.Screen
	width, height int
}

// New wraps s.
func New(s common.Screen) *Harness { return &Harness{S: s} }

// Init implements tea.Model.
func (h *Harness) Init() tea.Cmd { return h.S.Init() }

// Update implements tea.Model.
func (h *Harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.width, h.height = msg.Width, msg.Height
		h.S.SetSize(msg.Width, msg.Height)
		return h, nil
	case tea.KeyMsg:
		if msg.Type == tea.KeyCtrlC {
			return h, tea.Quit
		}
	case common.ScreenMsg:
		if msg.To == h.S.ID() {
			return h, h.S.Update(msg.Msg)
		}
		return h, nil
	}
	return h, h.S.Update(msg)
}

// View implements tea.Model: the screen cut to the window, as the root cuts it.
func (h *Harness) View() string { return common.Clamp(h.S.View(), h.width, h.height) }
