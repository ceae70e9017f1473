// Package inspector is the exchange inspector: every exchange of the session
// (and the profile's earlier ones, from the on-disk history) in a list, the
// selected one in full with its spec violations, search in the body, copy as curl
// through OSC 52, replay, and export as a scenario file.
package inspector

import (
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/clipboard"
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
	// Now is the wall clock, for export file names (time.Now when nil): the
	// target's clock may be the mock's, moved hours ahead.
	Now func() time.Time
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
		// unreachable is set when the exchange went to an address curl cannot
		// reach: the built-in mock runs in-process under a .invalid host.
		unreachable bool
		err         error
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
	// num is the number the list shows: earlier entries 1..len(restored), oldest
	// first, then this session's after them, so no two rows share a number.
	num int
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

	// filter narrows the list (/); search finds text in the selected exchange (f).
	filterIn  textinput.Model
	filtering bool
	filter    string
	// all is how many rows there are before the filter.
	all int

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
	if opts.Now == nil {
		opts.Now = time.Now
	}
	m := &Model{
		ctx: ctx, opts: opts, keys: DefaultKeyMap(), follow: true,
		marked: map[itemKey]bool{}, violations: map[itemKey][]spec.Violation{},
		docStyles: textdoc.NewStyles(ctx.Styles.Palette),
	}
	m.search = textinput.New()
	m.search.Cursor.SetMode(cursor.CursorStatic) // no redraw loop while idle
	m.search.Prompt = "find: "
	m.search.Placeholder = "text in this exchange"
	m.search.PlaceholderStyle = ctx.Styles.Form.Hint // not bubbles' fixed colour
	m.search.CharLimit = 200
	m.filterIn = textinput.New()
	m.filterIn.Cursor.SetMode(cursor.CursorStatic)
	m.filterIn.Prompt = "/"
	m.filterIn.Placeholder = "filter the list: method, path, status, operation"
	m.filterIn.PlaceholderStyle = ctx.Styles.Form.Hint
	m.filterIn.CharLimit = 200
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
	m.search.Width = max(1, w-8)
	m.filterIn.Width = max(1, w-4)
	m.layout()
	m.detailOK = false
	m.sync()
}

// Capturing implements common.Screen: the filter and search fields take every key.
func (m *Model) Capturing() bool { return m.searching || m.filtering }

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

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	m.sync()
	// After the message too: View draws what Update left and never syncs
	// (rebuilding the list and validating an exchange are no job for View).
	defer m.sync() // it ends with updateKeys
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
		if msg.err == nil && msg.unreachable {
			m.info += "; the built-in mock is in-process, so curl needs `pbxauth mock` (127.0.0.1:8887)"
		}
		return nil
	case exportedMsg:
		if msg.err != nil {
			m.info, m.err = "", "export: "+msg.err.Error()
			return nil
		}
		m.info, m.err = exportSummary(msg.path, msg.exp), ""
		return nil
	case common.LeftMsg:
		m.info, m.err = "", "" // about an action the person has moved on from
		return nil
	case common.SelectEntryMsg:
		for i, it := range m.items {
			if !it.earlier && it.entry.Seq == msg.Seq {
				m.sel, m.follow = i, i == 0
				m.sync()
				break
			}
		}
		return nil
	case common.TargetChangedMsg:
		m.reqs.Cancel()
		m.restored, m.marked = nil, map[itemKey]bool{}
		m.rebuild()
		m.detailOK = false
		return m.load(msg.Target.Profile)
	case tea.KeyMsg:
		if m.filtering {
			return m.onFilterKey(msg)
		}
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
	case key.Matches(msg, k.Filter):
		return m.startFilter()
	case key.Matches(msg, k.ClearFilter):
		m.setFilter("")
	case key.Matches(msg, k.Search):
		m.info, m.err = "", "" // the line shows the search's matches from now on
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
