package scenarios

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the scenarios screen's keys.
type KeyMap struct {
	Up, Down, PageUp, PageDown key.Binding
	Top, Bottom                key.Binding
	Pick, PickAll              key.Binding
	Run, Cancel                key.Binding
	Open, Back, Inspect        key.Binding
	Mutations                  key.Binding
	Live                       key.Binding
	Reload                     key.Binding
	Fuzz                       key.Binding
	Load                       key.Binding
}

// DefaultKeyMap is the screen's default key map.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Top:       key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "first")),
		Bottom:    key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "last (your files)")),
		PageUp:    key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "scroll up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "scroll down")),
		Pick:      key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "select")),
		PickAll:   key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "select all/none")),
		Run:       key.NewBinding(key.WithKeys("enter", "r"), key.WithHelp("enter", "run selected")),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel run")),
		Open:      key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open result")),
		Back:      key.NewBinding(key.WithKeys("esc", "o", "backspace"), key.WithHelp("esc", "back to the list")),
		Inspect:   key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "open exchange in Inspector")),
		Mutations: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "allow mutations")),
		Live:      key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "run on the live mock")),
		Reload:    key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "reload files")),
		Fuzz:      key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "fuzz the target (60 s)")),
		Load:      key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "load test the selection (30 s)")),
	}
}

func (m *Model) updateKeys() {
	k := &m.keys
	list := !m.detail
	k.Up.SetEnabled(len(m.rows) > 0)
	k.Down.SetEnabled(len(m.rows) > 0)
	k.Top.SetEnabled(list && len(m.rows) > 0)
	k.Bottom.SetEnabled(list && len(m.rows) > 0)
	k.Pick.SetEnabled(list && len(m.rows) > 0)
	k.PickAll.SetEnabled(list && len(m.rows) > 0)
	k.Run.SetEnabled(list && !m.running && len(m.rows) > 0)
	k.Cancel.SetEnabled(list && m.running)
	r := m.current()
	k.Open.SetEnabled(list && r != nil && r.result != nil)
	k.Back.SetEnabled(m.detail)
	k.Inspect.SetEnabled(m.detail && m.detailStep != nil && m.detailStep.Exchange != nil)
	k.PageUp.SetEnabled(m.detail)
	k.PageDown.SetEnabled(m.detail)
	k.Mutations.SetEnabled(list && !m.ctx.Target.Mock)
	// On the mock, m picks fresh mocks or the live one (its faults and clock).
	k.Live.SetEnabled(list && m.ctx.Target.Mock && !m.running)
	if m.live {
		k.Live.SetHelp("m", "run on fresh mocks")
	} else {
		k.Live.SetHelp("m", "run on the live mock")
	}
	k.Reload.SetEnabled(list && !m.running)
	k.Fuzz.SetEnabled(list && !m.running && !m.fz.running)
	k.Back.SetHelp("esc", "back to the list")
	k.Fuzz.SetHelp("F", "fuzz the target (60 s)")
	k.Load.SetEnabled(list && !m.running && !m.ld.running && len(m.rows) > 0)
	k.Load.SetHelp("L", "load test the selection (30 s)")
	if m.fz.open {
		m.fuzzKeys()
	}
	if m.ld.open {
		m.loadKeys()
	}
	if m.allowMutations {
		k.Mutations.SetHelp("m", "forbid mutations")
	} else {
		k.Mutations.SetHelp("m", "allow mutations")
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	if m.ld.open {
		return []key.Binding{m.keys.Back, m.keys.Cancel, m.keys.Load}
	}
	if m.fz.open {
		return []key.Binding{m.keys.Back, m.keys.Cancel, m.keys.Open, m.keys.Inspect, m.keys.Fuzz}
	}
	if m.detail {
		return []key.Binding{m.keys.Back, m.keys.Inspect, m.keys.Down, m.keys.PageDown}
	}
	return []key.Binding{m.keys.Pick, m.keys.Run, m.keys.Cancel, m.keys.Open, m.keys.Live, m.keys.PickAll}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{m.keys.Up, m.keys.Down, m.keys.Top, m.keys.Bottom},
		{m.keys.Pick, m.keys.PickAll},
		{m.keys.Run, m.keys.Cancel, m.keys.Mutations, m.keys.Live, m.keys.Reload, m.keys.Fuzz, m.keys.Load},
		{m.keys.Open, m.keys.Back, m.keys.Inspect, m.keys.PageUp, m.keys.PageDown},
	}
}

// fuzzKeys enables what the fuzz pane answers to.
func (m *Model) fuzzKeys() {
	k, p := &m.keys, &m.fz
	for _, b := range []*key.Binding{&k.Top, &k.Bottom, &k.Pick, &k.PickAll, &k.Run, &k.Mutations, &k.Live, &k.Reload} {
		b.SetEnabled(false)
	}
	k.Up.SetEnabled(true)
	k.Down.SetEnabled(true)
	k.Cancel.SetEnabled(p.running && !p.detail)
	k.Back.SetEnabled(p.detail || !p.running)
	k.Back.SetHelp("esc", "back")
	k.Open.SetEnabled(!p.detail && len(p.found) > 0)
	k.Inspect.SetEnabled(p.detail && p.firstExchange() != nil)
	k.PageUp.SetEnabled(p.detail)
	k.PageDown.SetEnabled(p.detail)
	k.Fuzz.SetEnabled(!p.running && !p.detail)
	k.Fuzz.SetHelp("F", "fuzz again")
}
