package form

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the form's keys. Every action is a chord or a non-printing key, so
// it works while a text field has focus.
type KeyMap struct {
	Next       key.Binding
	Prev       key.Binding
	Submit     key.Binding
	SendAnyway key.Binding
	Reveal     key.Binding
	Toggle     key.Binding
}

// DefaultKeyMap is the form's default key map.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:       key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:       key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "prev field")),
		Submit:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send")),
		SendAnyway: key.NewBinding(key.WithKeys("ctrl+g"), key.WithHelp("ctrl+g", "send anyway")),
		Reveal:     key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "reveal secrets")),
		Toggle:     key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "toggle")),
	}
}
