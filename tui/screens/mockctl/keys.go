package mockctl

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the Mock screen's keys.
type KeyMap struct {
	NextPane, PrevPane                 key.Binding
	Up, Down                           key.Binding
	Status, Latency, Rate, Drop, Clear key.Binding
	ClearAll                           key.Binding
	Advance, AdvanceBig                key.Binding
	Reset, Reveal                      key.Binding
}

// DefaultKeyMap is the screen's default key map.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		NextPane:   key.NewBinding(key.WithKeys("tab", "right", "l"), key.WithHelp("tab", "journal/outbox/faults")),
		PrevPane:   key.NewBinding(key.WithKeys("shift+tab", "left", "h"), key.WithHelp("shift+tab", "prev pane")),
		Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:       key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Status:     key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "failure status")),
		Latency:    key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delay")),
		Rate:       key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "failure rate")),
		Drop:       key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "drop connection")),
		Clear:      key.NewBinding(key.WithKeys("backspace", "delete"), key.WithHelp("⌫", "clear fault")),
		ClearAll:   key.NewBinding(key.WithKeys("X"), key.WithHelp("X", "clear all faults")),
		Advance:    key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "clock +1m")),
		AdvanceBig: key.NewBinding(key.WithKeys(">"), key.WithHelp(">", "clock +31m")),
		Reset:      key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "reset mock")),
		Reveal:     key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "reveal codes")),
	}
}

func (m *Model) updateKeys() {
	on := m.active()
	faults := on && m.pane == paneFaults
	for _, b := range []*key.Binding{&m.keys.NextPane, &m.keys.PrevPane, &m.keys.Up, &m.keys.Down, &m.keys.Advance, &m.keys.AdvanceBig, &m.keys.Reset, &m.keys.ClearAll} {
		b.SetEnabled(on)
	}
	for _, b := range []*key.Binding{&m.keys.Status, &m.keys.Latency, &m.keys.Rate, &m.keys.Drop, &m.keys.Clear} {
		b.SetEnabled(faults)
	}
	m.keys.Reveal.SetEnabled(on && m.pane == paneOutbox)
	if m.reveal {
		m.keys.Reveal.SetHelp("v", "mask codes")
	} else {
		m.keys.Reveal.SetHelp("v", "reveal codes")
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	switch m.pane {
	case paneFaults:
		return []key.Binding{m.keys.NextPane, m.keys.Status, m.keys.Latency, m.keys.Rate, m.keys.Drop, m.keys.Clear}
	case paneOutbox:
		return []key.Binding{m.keys.NextPane, m.keys.Reveal, m.keys.Advance, m.keys.Reset}
	}
	return []key.Binding{m.keys.NextPane, m.keys.Advance, m.keys.AdvanceBig, m.keys.Reset}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{m.keys.NextPane, m.keys.PrevPane, m.keys.Up, m.keys.Down},
		{m.keys.Status, m.keys.Latency, m.keys.Rate, m.keys.Drop, m.keys.Clear, m.keys.ClearAll},
		{m.keys.Advance, m.keys.AdvanceBig, m.keys.Reset, m.keys.Reveal},
	}
}
