package inspector

// Keeping the list and the detail in step with the History, the size and the search.

import (
	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/tui/components/exchangeview"
	"github.com/pbxauth/pbxauth/tui/components/textdoc"
)

// selected is the item under the cursor.
func (m *Model) selected() (item, bool) {
	if m.sel < 0 || m.sel >= len(m.items) {
		return item{}, false
	}
	return m.items[m.sel], true
}

// sync rebuilds the list when the History grew and the detail when the selection,
// width or search changed. The History changes in the root's Update, which gives
// this screen no message when it is not active, so View calls sync too; both run
// on the program's one goroutine.
func (m *Model) sync() {
	defer m.updateKeys() // the help shows only what works now
	h := m.ctx.History
	last := 0
	if e, ok := h.Last(); ok {
		last = e.Seq
	}
	if last != m.seenSeq || h.Len() != m.seenLen || m.items == nil {
		m.rebuild()
		m.seenSeq, m.seenLen = last, h.Len()
	}
	it, ok := m.selected()
	if !ok {
		m.doc = textdoc.Doc{}
		m.vp.SetContent("")
		m.detailOK = false
		return
	}
	if m.detailOK && it.key() == m.detailKey && m.detailWidth == m.vp.Width {
		return
	}
	if it.key() != m.detailKey {
		m.vp.GotoTop()
	}
	m.detailKey, m.detailWidth, m.detailOK = it.key(), m.vp.Width, true
	ex := it.entry.Exchange
	vs, done := m.violations[it.key()]
	if !done {
		vs = ex.Validate()
		m.violations[it.key()] = vs
	}
	m.doc = exchangeview.Build(ex.Redact(), vs)
	m.matches = m.doc.Find(m.query)
	m.cur = min(m.cur, max(0, len(m.matches)-1))
	m.render()
}

func (m *Model) render() {
	content, starts := m.doc.Render(m.docStyles, m.vp.Width, m.matches, m.cur)
	m.vp.SetContent(content)
	m.starts = starts
}

func (m *Model) rebuild() {
	var prev itemKey
	if it, ok := m.selected(); ok {
		prev = it.key()
	}
	entries := m.ctx.History.Entries()
	items := make([]item, 0, len(entries)+len(m.restored))
	for i := len(entries) - 1; i >= 0; i-- {
		items = append(items, item{entry: entries[i], num: len(m.restored) + entries[i].Seq})
	}
	for i := len(m.restored) - 1; i >= 0; i-- {
		items = append(items, item{entry: m.restored[i], earlier: true, n: i, num: i + 1})
	}
	m.all = len(items)
	if m.filter != "" {
		shown := items[:0]
		for _, it := range items {
			if m.keep(it) {
				shown = append(shown, it)
			}
		}
		items = shown
	}
	m.items = items
	if len(m.violations) > 2*len(items)+16 {
		// Forget the spec checks of entries the History has dropped.
		keep := make(map[itemKey][]spec.Violation, len(items))
		for _, it := range items {
			if v, ok := m.violations[it.key()]; ok {
				keep[it.key()] = v
			}
		}
		m.violations = keep
	}
	h := m.listH
	m.layout()
	if h != m.listH {
		m.detailOK = false // the detail's height changed
	}
	switch {
	case m.follow:
		m.sel = 0
	default:
		m.sel = 0
		for i, it := range items {
			if it.key() == prev {
				m.sel = i
				break
			}
		}
	}
}

// layout gives the list up to a third of the height (no more rows than it has)
// and the detail the rest, less the list header, the divider and the status line.
func (m *Model) layout() {
	m.listH = max(1, min(8, m.height/3, len(m.items)))
	m.vp.Width = max(1, m.width)
	m.vp.Height = max(1, m.height-m.listH-3)
}
