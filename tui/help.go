package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/pbxauth/pbxauth/tui/keys"
)

// helpKeys joins the active screen's keys with the global ones. While a field has
// focus the guarded keys (q, ?, digits) are typed, not acted on, so they are left
// out of the help and esc is shown instead.
type helpKeys struct {
	screen interface {
		ShortHelp() []key.Binding
		FullHelp() [][]key.Binding
	}
	global    keys.Global
	capturing bool
	// dialog: a yes/no question has every key but ctrl+c, so only its own keys
	// are true (esc answers no; it does not leave a field).
	dialog bool
}

func (h helpKeys) ShortHelp() []key.Binding {
	out := append([]key.Binding(nil), h.screen.ShortHelp()...)
	if h.dialog {
		return append(out, h.global.ForceQuit)
	}
	if h.capturing {
		return append(out, h.global.Cancel, h.global.ForceQuit)
	}
	return append(out, h.global.Help, h.global.Quit)
}

func (h helpKeys) FullHelp() [][]key.Binding {
	out := append([][]key.Binding(nil), h.screen.FullHelp()...)
	if h.dialog {
		return append(out, []key.Binding{h.global.ForceQuit})
	}
	if h.capturing {
		return append(out, []key.Binding{h.global.Cancel, h.global.Next, h.global.Prev, h.global.ForceQuit})
	}
	return append(out, h.global.FullHelp()...)
}
