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
	Filter, ClearFilter  key.Binding
}

// DefaultKeyMap is the inspector's default key map.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "newer")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "older")),
		Newest:       key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "newest (follow)")),
		ScrollUp:     key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "scroll up")),
		ScrollDown:   key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "scroll down")),
		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter list")),
		ClearFilter:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Search:       key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "find in exchange")),
		Next:         key.NewBinding(key.WithKeys("n"), key.WithHelp("n/N", "next/prev match")),
		Prev:         key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "prev match")),
		Copy:         key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy curl (redacted)")),
		CopyRevealed: key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "copy curl WITH SECRETS")),
		Replay:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "replay")),
		Mark:         key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "mark for export")),
		Export:       key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export scenario")),
		Cancel:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel replay")),
		EndSearch:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep")),
		ClearSearch:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
	}
}

func (m *Model) updateKeys() {
	has := len(m.items) > 0
	typing := m.searching || m.filtering
	for _, b := range []*key.Binding{&m.keys.Up, &m.keys.Down, &m.keys.Newest, &m.keys.Copy, &m.keys.Search, &m.keys.Mark, &m.keys.Export, &m.keys.ScrollUp, &m.keys.ScrollDown} {
		b.SetEnabled(has && !typing)
	}
	m.keys.Filter.SetEnabled((m.all > 0) && !typing)
	// esc cancels a replay first; with none in flight it clears the filter.
	m.keys.ClearFilter.SetEnabled(m.filter != "" && !typing && !m.reqs.Busy())
	it, ok := m.selected()
	m.keys.CopyRevealed.SetEnabled(ok && !it.earlier && !typing)
	m.keys.Replay.SetEnabled(ok && !it.earlier && !typing && it.entry.Exchange.Operation != "")
	m.keys.Next.SetEnabled(len(m.matches) > 0 && !typing)
	m.keys.Prev.SetEnabled(len(m.matches) > 0 && !typing)
	m.keys.Cancel.SetEnabled(m.reqs.Busy())
	m.keys.EndSearch.SetEnabled(typing)
	m.keys.ClearSearch.SetEnabled(typing)
	what := "find"
	if m.filtering {
		what = "filter"
	}
	m.keys.EndSearch.SetHelp("enter", "keep "+what)
	m.keys.ClearSearch.SetHelp("esc", "clear "+what)
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	if m.searching || m.filtering {
		return []key.Binding{m.keys.EndSearch, m.keys.ClearSearch}
	}
	// Most used first: the bar drops keys from the end when narrow; ? shows all.
	return []key.Binding{m.keys.Filter, m.keys.ClearFilter, m.keys.Search, m.keys.Next, m.keys.Mark, m.keys.Export, m.keys.Copy, m.keys.Replay}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{m.keys.Up, m.keys.Down, m.keys.Newest, m.keys.ScrollUp, m.keys.ScrollDown},
		{m.keys.Filter, m.keys.ClearFilter, m.keys.Search, m.keys.Next, m.keys.Prev, m.keys.EndSearch, m.keys.ClearSearch},
		{m.keys.Copy, m.keys.CopyRevealed, m.keys.Replay, m.keys.Cancel},
		{m.keys.Mark, m.keys.Export},
	}
}
