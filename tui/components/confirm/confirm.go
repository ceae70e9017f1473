// Package confirm is a yes/no dialog, used before state-changing calls on a
// production profile.
package confirm

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/pbxauth/pbxauth/tui/styles"
)

// KeyMap is the dialog's keys.
type KeyMap struct {
	Yes, No key.Binding
}

// DefaultKeyMap answers with y or n/esc.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Yes: key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:  key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "no")),
	}
}

// Answer is the dialog's outcome.
type Answer int

// Answers.
const (
	Pending Answer = iota
	Yes
	No
)

// Model is an open dialog.
type Model struct {
	KeyMap KeyMap
	Prompt string
	styles *styles.Styles
}

// New opens a dialog asking prompt.
func New(st *styles.Styles, prompt string) Model {
	return Model{KeyMap: DefaultKeyMap(), Prompt: prompt, styles: st}
}

// Update reads one key and tells the answer (Pending for any other key).
func (m Model) Update(msg tea.Msg) Answer {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return Pending
	}
	switch {
	case key.Matches(km, m.KeyMap.Yes):
		return Yes
	case key.Matches(km, m.KeyMap.No):
		return No
	}
	return Pending
}

// View renders the dialog within width columns.
func (m Model) View(width int) string {
	body := m.Prompt + "\n\n" + m.styles.Form.Hint.Render("y: yes   n/esc: no")
	return m.styles.Dialog.MaxWidth(max(10, width)).Width(min(60, max(10, width-2))).Render(lipgloss.NewStyle().Render(body))
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Yes, k.No} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }
