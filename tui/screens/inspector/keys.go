package inspector

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the inspector's keys. Plain letters are safe: the only text field is
// the search, and while it has focus the screen captures keys.
type KeyMap struct {
	Up, Down, Newest     key.Binding
	ScrollUp, ScrollDown key.Binding
	Search, Next, Prev   key.Binding
	Copy, CopyRevealed   key.Binding
	Replay, Mark, Export key.Binding
	Cancel, EndSearch    key.Binding
	ClearSearch          key.Binding
}

// DefaultKeyMap is the inspector's default key map.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "newer")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "older")),
		Newest:       key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "newest (follow)")),
		ScrollUp:     key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "scroll up")),
		ScrollDown:   key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "scroll down")),
		Search:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Next:         key.NewBinding(key.WithKeys("n"), key.WithHelp("n/N", "next/prev match")),
		Prev:         key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "prev match")),
		Copy:         key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy curl (redacted)")),
		CopyRevealed: key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "copy curl WITH SECRETS")),
		Replay:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "replay")),
		Mark:         key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "mark for export")),
		Export:       key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export scenario")),
		Cancel:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel replay")),
		EndSearch:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep search")),
		ClearSearch:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
	}
}

func (m *Model) updateKeys() {
	has := len(m.items) > 0
	for _, b := range []*key.Binding{&m.keys.Up, &m.keys.Down, &m.keys.Newest, &m.keys.Copy, &m.keys.Search, &m.keys.Mark, &m.keys.Export, &m.keys.ScrollUp, &m.keys.ScrollDown} {
		b.SetEnabled(has && !m.searching)
	}
	it, ok := m.selected()
	m.keys.CopyRevealed.SetEnabled(ok && !it.earlier && !m.searching)
	m.keys.Replay.SetEnabled(ok && !it.earlier && !m.searching && it.entry.Exchange.Operation != "")
	m.keys.Next.SetEnabled(len(m.matches) > 0 && !m.searching)
	m.keys.Prev.SetEnabled(len(m.matches) > 0 && !m.searching)
	m.keys.Cancel.SetEnabled(m.reqs.Busy())
	m.keys.EndSearch.SetEnabled(m.searching)
	m.keys.ClearSearch.SetEnabled(m.searching)
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	if m.searching {
		return []key.Binding{m.keys.EndSearch, m.keys.ClearSearch}
	}
	// Short enough for 80 columns with the global keys; ? shows the rest.
	return []key.Binding{m.keys.Search, m.keys.Next, m.keys.Copy, m.keys.Replay, m.keys.Export}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{m.keys.Up, m.keys.Down, m.keys.Newest, m.keys.ScrollUp, m.keys.ScrollDown},
		{m.keys.Search, m.keys.Next, m.keys.Prev, m.keys.EndSearch, m.keys.ClearSearch},
		{m.keys.Copy, m.keys.CopyRevealed, m.keys.Replay, m.keys.Cancel},
		{m.keys.Mark, m.keys.Export},
	}
}
