// Package keys holds the global key map of the TUI; each screen keeps its own map.
package keys

import "github.com/charmbracelet/bubbles/key"

// Global are the keys the root router handles before any screen. Quit, Help and the
// number keys are guarded: they only act when no text input has focus.
type Global struct {
	Quit      key.Binding // guarded
	ForceQuit key.Binding // always
	Help      key.Binding // guarded
	Next      key.Binding // always (a ctrl chord, so typing never triggers it)
	Prev      key.Binding
	Jump      key.Binding // guarded: 1..9
	Cancel    key.Binding
	// PageDown and PageUp scroll a body taller than its area.
	PageDown key.Binding
	PageUp   key.Binding
}

// DefaultGlobal is pbxauth's global key map.
func DefaultGlobal() Global {
	return Global{
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Next:      key.NewBinding(key.WithKeys("ctrl+n", "ctrl+right"), key.WithHelp("ctrl+n", "next screen")),
		Prev:      key.NewBinding(key.WithKeys("ctrl+p", "ctrl+left"), key.WithHelp("ctrl+p", "prev screen")),
		Jump:      key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "go to screen")),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel + leave field")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "scroll down")),
		PageUp:    key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "scroll up")),
	}
}

// ShortHelp implements help.KeyMap.
func (g Global) ShortHelp() []key.Binding {
	return []key.Binding{g.Next, g.Help, g.Quit}
}

// FullHelp implements help.KeyMap. Cancel is left out: with no field focused, esc
// means what each screen's own help says (cancel a request, back to the list).
func (g Global) FullHelp() [][]key.Binding {
	return [][]key.Binding{{g.Next, g.Prev, g.Jump}, {g.Help, g.Quit, g.ForceQuit}}
}
