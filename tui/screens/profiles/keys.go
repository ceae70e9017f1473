package profiles

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/pbxauth/pbxauth/tui/components/form"
)

// KeyMap is the profiles screen's keys.
type KeyMap struct {
	Up, Down, Use, Add, Edit, Delete key.Binding
	Form                             form.KeyMap
	Cancel                           key.Binding
}

// DefaultKeyMap is the screen's default key map.
func DefaultKeyMap() KeyMap {
	k := KeyMap{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Use:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "use this target")),
		Add:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add")),
		Edit:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		Delete: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete")),
		Form:   form.DefaultKeyMap(),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to list")),
	}
	k.Form.Submit.SetHelp("enter", "save")
	return k
}

func (m *Model) updateKeys() {
	listing := !m.editing
	writable := m.store != nil && m.store.LoadErr == nil
	saved := m.selectedSaved() >= 0
	m.keys.Up.SetEnabled(listing)
	m.keys.Down.SetEnabled(listing)
	m.keys.Use.SetEnabled(listing)
	m.keys.Add.SetEnabled(listing && writable)
	m.keys.Edit.SetEnabled(listing && writable && saved)
	// d stays on for rows that are not in the file, to say why it can't delete them.
	m.keys.Delete.SetEnabled(listing && (writable || !saved))
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	if m.editing {
		return []key.Binding{m.keys.Form.Submit, m.keys.Form.Next, m.keys.Form.Toggle, m.keys.Cancel}
	}
	return []key.Binding{m.keys.Use, m.keys.Add, m.keys.Edit, m.shownDelete()}
}

// shownDelete is d for the help: only on a saved profile's row. On other rows d
// still answers (why there is nothing to delete) but is not offered.
func (m *Model) shownDelete() key.Binding {
	d := m.keys.Delete
	d.SetEnabled(d.Enabled() && m.selectedSaved() >= 0)
	return d
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	if m.editing {
		return [][]key.Binding{{m.keys.Form.Submit, m.keys.Cancel}, {m.keys.Form.Next, m.keys.Form.Prev, m.keys.Form.Toggle}}
	}
	return [][]key.Binding{{m.keys.Up, m.keys.Down, m.keys.Use}, {m.keys.Add, m.keys.Edit, m.shownDelete()}}
}
