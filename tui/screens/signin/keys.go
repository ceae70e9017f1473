package signin

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/pbxauth/pbxauth/tui/components/form"
)

// KeyMap is the sign-in screen's keys.
type KeyMap struct {
	Form     form.KeyMap
	SendCode key.Binding
	FillCode key.Binding
	Back     key.Binding
	Method   key.Binding
	Cancel   key.Binding
}

// DefaultKeyMap is the screen's default key map.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Form:     form.DefaultKeyMap(),
		SendCode: key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "email code")),
		FillCode: key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "code from mock outbox")),
		Back:     key.NewBinding(key.WithKeys("ctrl+b"), key.WithHelp("ctrl+b", "back to credentials")),
		Method:   key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "method")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// updateKeys turns the step's keys on and off, so the help shows only what works.
func (m *Model) updateKeys() {
	otp := m.step == stepOTP
	m.keys.SendCode.SetEnabled(otp)
	m.keys.Back.SetEnabled(otp)
	m.keys.Method.SetEnabled(!otp)
	// The help names the method the key switches to, so the bar says what it does.
	m.keys.Method.SetHelp("ctrl+t", "use "+((m.method+1)%methodCount).short())
	m.keys.FillCode.SetEnabled(otp && m.ctx.Outbox != nil)
	if m.ctx.Target.Mock {
		m.keys.FillCode.SetHelp("ctrl+o", "code from mock outbox")
	} else {
		m.keys.FillCode.SetHelp("ctrl+o", "code from the PBX's mail")
	}
	if otp {
		m.keys.Form.Submit.SetHelp("enter", "verify code")
	} else if m.method == methodWeb {
		m.keys.Form.Submit.SetHelp("enter", "log in (web)")
	} else if m.method == methodOAuth {
		m.keys.Form.Submit.SetHelp("enter", "get token (OAuth)")
	} else {
		m.keys.Form.Submit.SetHelp("enter", "sign in")
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	if m.step == stepOTP {
		// The way back is on the bar: a used-up challenge leaves nothing to do here.
		return []key.Binding{m.keys.Form.Submit, m.keys.SendCode, m.keys.Back, m.keys.FillCode}
	}
	return []key.Binding{m.keys.Form.Submit, m.keys.Method, m.keys.Form.Next, m.keys.Form.Reveal}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{m.keys.Form.Submit, m.keys.Form.SendAnyway, m.keys.Form.Reveal},
		{m.keys.Method, m.keys.Form.Next, m.keys.Form.Prev},
		{m.keys.SendCode, m.keys.FillCode, m.keys.Back},
	}
}
