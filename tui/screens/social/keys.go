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
	FromIdP   key.Binding
	StartOver key.Binding
	Cancel    key.Binding
}

// DefaultKeyMap is the screen's default key map.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Form:      form.DefaultKeyMap(),
		Microsoft: key.NewBinding(key.WithKeys("ctrl+b"), key.WithHelp("ctrl+b", "web login by_microsoft")),
		Copy:      key.NewBinding(key.WithKeys("ctrl+y"), key.WithHelp("ctrl+y", "copy URL")),
		FromIdP:   key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "mock IdP code")),
		StartOver: key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "start over")),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	if m.flow != nil {
		// Copy before the rest: on a real PBX the browser needs the whole address.
		return []key.Binding{m.keys.Form.Submit, m.keys.FromIdP, m.keys.Copy, m.keys.Form.Reveal, m.keys.StartOver}
	}
	return []key.Binding{m.keys.Form.Submit, m.keys.Microsoft, m.keys.Copy, m.keys.Form.SendAnyway}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{m.keys.Form.Submit, m.keys.Microsoft, m.keys.Form.SendAnyway},
		{m.keys.FromIdP, m.keys.StartOver, m.keys.Form.Reveal},
		{m.keys.Copy, m.keys.Form.Next, m.keys.Form.Prev, m.keys.Form.Toggle},
	}
}

// updateKeys shows each step's keys only: copy once there is a URL, the code
// step's once a login page came back.
func (m *Model) updateKeys() {
	code := m.flow != nil
	m.keys.Copy.SetEnabled(m.url != "")
	m.keys.Microsoft.SetEnabled(!code)
	m.keys.Form.Toggle.SetEnabled(!code)
	m.keys.FromIdP.SetEnabled(code && m.ctx.IdP != nil)
	m.keys.StartOver.SetEnabled(code)
	m.keys.Form.Reveal.SetEnabled(code)
	if code {
		m.keys.Form.Submit.SetHelp("enter", "exchange code")
	} else {
		m.keys.Form.Submit.SetHelp("enter", "get IdP URL")
	}
}
