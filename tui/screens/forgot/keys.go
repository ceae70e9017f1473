package forgot

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/pbxauth/pbxauth/tui/components/form"
)

// KeyMap is the forgot-password screen's keys.
type KeyMap struct {
	Form      form.KeyMap
	FillToken key.Binding
	Cancel    key.Binding
}

// DefaultKeyMap is the screen's default key map.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Form:      form.DefaultKeyMap(),
		FillToken: key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "token from mock outbox")),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

func (m *Model) updateKeys() {
	m.keys.FillToken.SetEnabled(m.ctx.Outbox != nil)
	if m.ctx.Target.Mock {
		m.keys.FillToken.SetHelp("ctrl+o", "token from mock outbox")
	} else {
		m.keys.FillToken.SetHelp("ctrl+o", "token from the PBX's mail")
	}
	if m.active == resetForm {
		m.keys.Form.Submit.SetHelp("enter", "reset password")
	} else {
		m.keys.Form.Submit.SetHelp("enter", "mail reset link")
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.keys.Form.Submit, m.keys.FillToken, m.keys.Form.Reveal}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.keys.Form.Submit, m.keys.Form.SendAnyway, m.keys.FillToken}, {m.keys.Form.Next, m.keys.Form.Prev, m.keys.Form.Reveal}}
}
