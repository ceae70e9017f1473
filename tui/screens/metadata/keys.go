package metadata

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/pbxauth/pbxauth/tui/components/form"
)

// KeyMap is the metadata screen's keys.
type KeyMap struct {
	Form   form.KeyMap
	Cancel key.Binding
}

// DefaultKeyMap is the screen's default key map.
func DefaultKeyMap() KeyMap {
	k := KeyMap{Form: form.DefaultKeyMap(), Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))}
	k.Form.Submit.SetHelp("enter", "get /info")
	return k
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.keys.Form.Submit, m.keys.Form.SendAnyway}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.keys.Form.Submit, m.keys.Form.SendAnyway}, {m.keys.Form.Next, m.keys.Form.Prev}}
}
