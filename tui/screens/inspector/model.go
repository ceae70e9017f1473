// Package inspector is the exchange inspector: every exchange of the session
// (and the profile's earlier ones, from the on-disk history) in a list, the
// selected one in full with its spec violations, search in the body, copy as curl
// through OSC 52, replay, and export as a scenario file.
package inspector

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/clipboard"
	"github.com/pbxauth/pbxauth/tui/components/exchangeview"
	"github.com/pbxauth/pbxauth/tui/components/textdoc"
	"github.com/pbxauth/pbxauth/tui/history"
)

// ID is the screen's ID.
const ID common.ScreenID = "inspector"

// Options are the inspector's outside world.
type Options struct {
	// Store is the on-disk history; nil keeps the history in memory only.
	Store *history.Store
	// Clipboard receives copied curl commands; nil reports that copying is unavailable.
	Clipboard clipboard.Clipboard
	// ExportDir is where exported scenarios are written ("" is the working directory).
	ExportDir string
}

type (
	restoredMsg struct {
		profile string
		entries []history.Entry
		err     error
	}
	replayedMsg struct {
		id   uint64
		what string
		err  error
	}
	replayConfirmedMsg struct{ ex *apiclient.Exchange }
	copiedMsg          struct {
		revealed bool
		err      error
	}
	exportedMsg struct {
		path string
		exp  *history.Export
		err  error
	}
)

// item is one row of the list: an entry of this session or, earlier, one restored
// from disk (redacted).
type item struct {
	entry   history.Entry
	earlier bool
	n       int // index among the earlier entries, which may repeat Seq numbers
}

type itemKey struct {
	earlier bool
	n       int
}

func (it item) key() itemKey {
	if it.earlier {
		return itemKey{true, it.n}
	}
	return itemKey{false, it.entry.Seq}
}

// Model is the inspector screen.
type Model struct {
	ctx  *common.Context
	opts Options
	keys KeyMap
	reqs common.Requests

	restored    []history.Entry
	restoredFor string
	// seen is the History's newest Seq and length when items were built.
	seenSeq, seenLen int
	items            []item
	sel              int
	follow           bool // the newest exchange stays selected as new ones arrive
	marked           map[itemKey]bool

	detailKey   itemKey
	detailWidth int
	detailOK    bool
	violations  map[itemKey][]spec.Violation
	doc         textdoc.Doc
	starts      []int
	docStyles   textdoc.Styles
	vp          viewport.Model

	search    textinput.Model
	searching bool
	query     string
	matches   []textdoc.Match
	cur       int

	info, err     string
	width, height int
	listH         int
}

// New builds the inspector.
func New(ctx *common.Context, opts Options) *Model {
	m := &Model{
		ctx: ctx, opts: opts, keys: DefaultKeyMap(), follow: true,
		marked: map[itemKey]bool{}, violations: map[itemKey][]spec.Violation{},
		docStyles: textdoc.NewStyles(ctx.Styles.Palette),
	}
	m.search = textinput.New()
	m.search.Prompt = "/"
	m.search.Placeholder = "search the exchange"
	m.search.CharLimit = 200
	m.vp = viewport.New(0, 0)
	m.vp.KeyMap = viewport.KeyMap{} // the screen's own keys scroll it
	m.sync()
	m.updateKeys()
	return m
}

// ID implements common.Screen.
func (m *Model) ID() common.ScreenID { return ID }

// Title implements common.Screen.
func (m *Model) Title() string { return "Inspector" }

// Init loads the profile's earlier exchanges from disk.
func (m *Model) Init() tea.Cmd { return m.load(m.ctx.Target.Profile) }

func (m *Model) load(profile string) tea.Cmd {
	if m.opts.Store == nil {
		return nil
	}
	m.restoredFor = profile
	return common.To(ID, loadHistory(m.opts.Store, profile))
}

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.search.Width = max(1, w-4)
	m.layout()
	m.detailOK = false
	m.sync()
}

// layout gives the list up to a third of the height (no more rows than it has)
// and the detail the rest, less the list header, the divider and the status line.
func (m *Model) layout() {
	m.listH = max(1, min(8, m.height/3, len(m.items)))
	m.vp.Width = max(1, m.width)
	m.vp.Height = max(1, m.height-m.listH-3)
}

// Capturing implements common.Screen: the search field takes every key.
func (m *Model) Capturing() bool { return m.searching }

// Busy implements common.Screen.
func (m *Model) Busy() bool { return m.reqs.Busy() }

// Cancel stops a replay in flight.
func (m *Model) Cancel() { m.reqs.Cancel() }

// Selected is the selected exchange (tests read it).
func (m *Model) Selected() (*apiclient.Exchange, bool) {
	it, ok := m.selected()
	if !ok {
		return nil, false
	}
	return it.entry.Exchange, true
}

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
		vs = spec.ValidateExchange(ex)
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
		items = append(items, item{entry: entries[i]})
	}
	for i := len(m.restored) - 1; i >= 0; i-- {
		items = append(items, item{entry: m.restored[i], earlier: true, n: i})
	}
	m.items = items
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

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	m.sync()
	defer m.updateKeys()
	switch msg := msg.(type) {
	case restoredMsg:
		if msg.profile != m.restoredFor {
			return nil
		}
		m.restored = msg.entries
		if msg.err != nil {
			m.err = msg.err.Error()
		}
		m.rebuild()
		m.detailOK = false
		m.sync()
		return nil
	case replayedMsg:
		if !m.reqs.Finish(msg.id) {
			return nil
		}
		if msg.err != nil {
			m.info, m.err = "", "replay: "+common.DescribeError(msg.err)
		} else {
			m.info, m.err = "replayed: got "+msg.what, ""
		}
		m.follow, m.sel = true, 0
		m.sync()
		return nil
	case replayConfirmedMsg:
		return m.replay(msg.ex)
	case copiedMsg:
		switch {
		case msg.err != nil:
			m.info, m.err = "", msg.err.Error()
		case msg.revealed:
			m.info, m.err = "copied curl WITH SECRETS to the clipboard (OSC 52) — handle with care", ""
		default:
			m.info, m.err = "copied curl (secrets redacted) to the clipboard (OSC 52)", ""
		}
		return nil
	case exportedMsg:
		if msg.err != nil {
			m.info, m.err = "", "export: "+msg.err.Error()
			return nil
		}
		m.info, m.err = exportSummary(msg.path, msg.exp), ""
		return nil
	case common.TargetChangedMsg:
		m.reqs.Cancel()
		m.restored, m.marked = nil, map[itemKey]bool{}
		m.rebuild()
		m.detailOK = false
		return m.load(msg.Target.Profile)
	case tea.KeyMsg:
		if m.searching {
			return m.onSearchKey(msg)
		}
		return m.onKey(msg)
	}
	return nil
}

func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Cancel):
		if m.reqs.Cancel() {
			m.info, m.err = "", "replay cancelled"
		}
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.Newest):
		m.follow, m.sel = true, 0
		m.sync()
	case key.Matches(msg, k.ScrollDown):
		m.vp.HalfPageDown()
	case key.Matches(msg, k.ScrollUp):
		m.vp.HalfPageUp()
	case key.Matches(msg, k.Search):
		m.searching = true
		m.search.SetValue(m.query)
		m.search.CursorEnd()
		return m.search.Focus()
	case key.Matches(msg, k.Next):
		m.jump(1)
	case key.Matches(msg, k.Prev):
		m.jump(-1)
	case key.Matches(msg, k.Copy):
		return m.copy(false)
	case key.Matches(msg, k.CopyRevealed):
		return m.copy(true)
	case key.Matches(msg, k.Replay):
		return m.askReplay()
	case key.Matches(msg, k.Mark):
		m.info, m.err = "", ""
		if it, ok := m.selected(); ok {
			if m.marked[it.key()] {
				delete(m.marked, it.key())
			} else {
				m.marked[it.key()] = true
			}
		}
	case key.Matches(msg, k.Export):
		return m.export()
	}
	return nil
}

func (m *Model) move(d int) {
	if len(m.items) == 0 {
		return
	}
	m.sel = max(0, min(len(m.items)-1, m.sel+d))
	m.follow = m.sel == 0
	m.sync()
}

func (m *Model) onSearchKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.EndSearch):
		m.searching = false
		m.search.Blur()
		m.jumpTo(0)
		return nil
	case key.Matches(msg, m.keys.ClearSearch):
		m.searching = false
		m.search.Blur()
		m.setQuery("")
		return nil
	}
	var cmd tea.Cmd
	m.search, cmd = m.search.Update(msg)
	if m.search.Value() != m.query {
		m.setQuery(m.search.Value())
		m.jumpTo(0)
	}
	return cmd
}

func (m *Model) setQuery(q string) {
	m.query = q
	m.matches = m.doc.Find(q)
	m.cur = 0
	m.render()
}

func (m *Model) jump(d int) {
	if len(m.matches) == 0 {
		return
	}
	m.jumpTo((m.cur + d + len(m.matches)) % len(m.matches))
}

// jumpTo makes match i current and scrolls it into view, a few rows from the top.
func (m *Model) jumpTo(i int) {
	if i < 0 || i >= len(m.matches) {
		return
	}
	m.cur = i
	m.render()
	row := m.starts[m.matches[i].Line]
	if row < m.vp.YOffset || row >= m.vp.YOffset+m.vp.Height {
		m.vp.SetYOffset(max(0, row-2))
	}
}

func (m *Model) copy(reveal bool) tea.Cmd {
	it, ok := m.selected()
	if !ok {
		return nil
	}
	if reveal && it.earlier {
		m.info, m.err = "", "entries from earlier sessions hold no secrets to reveal"
		return nil
	}
	// The text is made here, so the Cmd holds a string, not the model.
	text := it.entry.Exchange.Curl(reveal)
	return common.To(ID, copyCurl(m.opts.Clipboard, text, reveal))
}

func (m *Model) askReplay() tea.Cmd {
	it, ok := m.selected()
	if !ok {
		return nil
	}
	ex := it.entry.Exchange
	if it.earlier {
		m.info, m.err = "", errRedacted.Error()
		return nil
	}
	if err := replayable(ex); err != nil {
		m.info, m.err = "", err.Error()
		return nil
	}
	if it.entry.Target != m.ctx.Target.Profile {
		// The client talks to the current target: replaying there would send one
		// PBX's tokens to another.
		m.info, m.err = "", "this exchange was made on "+it.entry.Target+"; switch to that profile to replay it"
		return nil
	}
	if m.ctx.Target.Production && mutates(ex) {
		prompt := "Replay " + ex.Method + " " + apiclient.RedactURL(ex.URL) + " on the PRODUCTION PBX?"
		return func() tea.Msg { return common.ConfirmMsg{Prompt: prompt, To: ID, Yes: replayConfirmedMsg{ex: ex}} }
	}
	return m.replay(ex)
}

func (m *Model) replay(ex *apiclient.Exchange) tea.Cmd {
	ctx, id := m.reqs.Start(m.ctx.Base, m.ctx.RequestTimeout)
	m.info, m.err = "replaying "+ex.Method+" "+apiclient.RedactURL(ex.URL)+"…", ""
	return common.To(ID, replayCmd(ctx, m.ctx.API, id, ex))
}

// exportEntries are the marked entries, or every entry of the current profile,
// oldest first.
func (m *Model) exportEntries() []history.Entry {
	var out []history.Entry
	for i := len(m.items) - 1; i >= 0; i-- {
		it := m.items[i]
		if len(m.marked) > 0 {
			if m.marked[it.key()] {
				out = append(out, it.entry)
			}
			continue
		}
		if it.entry.Target == m.ctx.Target.Profile {
			out = append(out, it.entry)
		}
	}
	return out
}

func (m *Model) export() tea.Cmd {
	entries := m.exportEntries()
	if len(entries) == 0 {
		m.info, m.err = "", "nothing to export for "+m.ctx.Target.Profile
		return nil
	}
	now := m.ctx.Now()
	opts := history.ExportOptions{
		Name: "session " + m.ctx.Target.Profile + " " + now.Format("2006-01-02 15:04:05"),
		Mock: m.ctx.Target.Mock,
	}
	name := "pbxauth-" + m.ctx.Target.Profile + "-" + now.Format("20060102-150405") + ".yaml"
	return common.To(ID, exportCmd(entries, opts, m.opts.ExportDir, name))
}
