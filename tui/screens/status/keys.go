package status

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/pbxauth/pbxauth/tui/common"
)

// KeyMap is the status screen's keys. The screen has no text field, so plain
// letters are safe.
type KeyMap struct {
	Refresh     key.Binding
	RenewToken  key.Binding
	SignOut     key.Binding
	Revoke      key.Binding
	Logout      key.Binding
	AutoRefresh key.Binding
	Cancel      key.Binding
}

// DefaultKeyMap is the screen's default key map.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Refresh:     key.NewBinding(key.WithKeys("r", "enter"), key.WithHelp("r", "check status")),
		RenewToken:  key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "refresh token")),
		SignOut:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sign out")),
		Revoke:      key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "revoke")),
		Logout:      key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "log out (web)")),
		AutoRefresh: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "auto-refresh on/off")),
		Cancel:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

func (m *Model) updateKeys() {
	s := m.ctx.Session
	m.keys.RenewToken.SetEnabled(s != nil && !s.Refresh.IsZero())
	bearer := s != nil && s.Kind == common.BearerSession && !s.Access.IsZero()
	m.keys.SignOut.SetEnabled(bearer)
	m.keys.Revoke.SetEnabled(bearer && !s.Revoked)
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.keys.Refresh, m.keys.RenewToken, m.keys.SignOut, m.keys.Revoke, m.keys.Logout}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.keys.Refresh, m.keys.RenewToken, m.keys.AutoRefresh}, {m.keys.SignOut, m.keys.Revoke, m.keys.Logout, m.keys.Cancel}}
}
