package social

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/pbxauth/pbxauth/tui/components/form"
)

// KeyMap is the social sign-in screen's keys.
type KeyMap struct {
	Form      form.KeyMap
	Microsoft key.Binding
	Copy      key.Binding
	Cancel    key.Binding
}

// DefaultKeyMap is the screen's default key map.
func DefaultKeyMap() KeyMap {
	k := KeyMap{
		Form:      form.DefaultKeyMap(),
		Microsoft: key.NewBinding(key.WithKeys("ctrl+b"), key.WithHelp("ctrl+b", "web login by_microsoft")),
		Copy:      key.NewBinding(key.WithKeys("ctrl+y"), key.WithHelp("ctrl+y", "copy the URL")),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
	k.Form.Submit.SetHelp("enter", "get IdP URL")
	return k
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.keys.Form.Submit, m.keys.Microsoft, m.keys.Copy, m.keys.Form.SendAnyway}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.keys.Form.Submit, m.keys.Microsoft, m.keys.Form.SendAnyway}, {m.keys.Copy, m.keys.Form.Next, m.keys.Form.Prev}}
}

// updateKeys shows copy only when there is a URL to copy.
func (m *Model) updateKeys() { m.keys.Copy.SetEnabled(m.url != "") }
