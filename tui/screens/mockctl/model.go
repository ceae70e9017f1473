// Package mockctl is the Mock screen: when the target is the built-in mock, its
// live request journal, its outbox, per-operation fault and latency controls, the
// mock clock and a reset.
package mockctl

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/tui/common"
)

// ID is the screen's ID.
const ID common.ScreenID = "mock"

// Control is what the screen needs of the mock: its Controller, plus the live
// journal and the clock read without a call, which an in-process mock offers
// (*mockserver.InProcess, from Server.Control).
type Control interface {
	mockserver.Controller
	Subscribe() (<-chan mockserver.JournalEntry, func())
	Now() time.Time
}

var _ Control = (*mockserver.InProcess)(nil)

// callTimeout bounds each call to the mock (in-process, it answers in microseconds).
const callTimeout = 5 * time.Second

// journalKeep bounds the journal the screen shows.
const journalKeep = 200

// pane is the part of the screen that has the keys.
type pane int

const (
	paneJournal pane = iota
	paneOutbox
	paneFaults
)

func (p pane) String() string { return [...]string{"Journal", "Outbox", "Faults"}[p] }

// Choices the fault keys cycle through.
var (
	statuses  = []int{0, 500, 503, 429, 401}
	latencies = []time.Duration{0, 300 * time.Millisecond, time.Second, 3 * time.Second}
	rates     = []float64{0, 0.5, 0.1}
)

// Clock steps: a minute, and past the mock's access-token lifetime.
const (
	smallStep = time.Minute
	bigStep   = mockserver.DefaultTokenTTL + time.Minute
)

// Model is the Mock screen.
type Model struct {
	ctx  *common.Context
	ctl  Control
	keys KeyMap

	stop    func()
	ch      <-chan mockserver.JournalEntry
	journal []mockserver.JournalEntry // newest first
	snap    snapshot
	ops     []string

	pane   pane
	op     int // the operation under the cursor in the fault pane
	scroll int // first row shown in the journal and outbox panes
	reveal bool
	info   string
	err    string
	width  int
	height int
	closed bool
}

// New builds the screen on the mock's control.
func New(ctx *common.Context, ctl Control) *Model {
	m := &Model{ctx: ctx, ctl: ctl, keys: DefaultKeyMap(), ops: spec.OperationIDs()}
	m.updateKeys()
	return m
}

// ID implements common.Screen.
func (m *Model) ID() common.ScreenID { return ID }

// Title implements common.Screen.
func (m *Model) Title() string { return "Mock" }

// Init subscribes to the mock's journal.
func (m *Model) Init() tea.Cmd { return common.To(ID, subscribe(m.ctl)) }

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Capturing implements common.Screen: no text field here.
func (m *Model) Capturing() bool { return false }

// Busy implements common.Screen: the mock answers in microseconds.
func (m *Model) Busy() bool { return false }

// Cancel ends the journal subscription (the root calls it on quit).
func (m *Model) Cancel() {
	if m.stop != nil {
		m.stop()
		m.stop = nil
	}
}

// active reports whether the target is the mock this screen controls.
func (m *Model) active() bool { return m.ctx.Target.Mock }

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	defer m.updateKeys()
	switch msg := msg.(type) {
	case subscribedMsg:
		m.ch, m.stop, m.snap = msg.ch, msg.stop, msg.snap
		m.setJournal(msg.snap.journal)
		return common.To(ID, wait(m.ch, m.ctl))
	case entryMsg:
		m.journal = append([]mockserver.JournalEntry{msg.e}, m.journal...)
		if len(m.journal) > journalKeep {
			m.journal = m.journal[:journalKeep]
		}
		// The request may have mailed a code or changed state: read the mock again.
		return tea.Batch(common.To(ID, wait(m.ch, m.ctl)), common.To(ID, read(m.ctl)))
	case journalClosedMsg:
		m.closed = true
		return nil
	case snapshotMsg:
		m.snap = msg.snap
		if msg.err != nil {
			m.info, m.err = "", msg.err.Error()
		}
		return nil
	case resetDoneMsg:
		m.snap = msg.snap
		m.journal = nil
		m.info, m.err = "mock reset: original data, no tokens, mail, faults or clock offset", ""
		if msg.hadSignIn {
			// Every token is gone with the reset, so the session is too.
			return func() tea.Msg { return common.SignedOutMsg{} }
		}
		return nil
	case common.LeftMsg:
		m.info, m.err = "", "" // about an action the person has moved on from
		return nil
	case resetConfirmedMsg:
		return common.To(ID, reset(m.ctl, m.ctx.Session != nil))
	case tea.KeyMsg:
		if !m.active() {
			return nil
		}
		return m.onKey(msg)
	}
	return nil
}

func (m *Model) setJournal(oldestFirst []mockserver.JournalEntry) {
	m.journal = m.journal[:0]
	for i := len(oldestFirst) - 1; i >= 0 && len(m.journal) < journalKeep; i-- {
		m.journal = append(m.journal, oldestFirst[i])
	}
}

func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.NextPane):
		m.pane = (m.pane + 1) % 3
		m.scroll = 0
	case key.Matches(msg, k.PrevPane):
		m.pane = (m.pane + 2) % 3
		m.scroll = 0
	case key.Matches(msg, k.Up):
		if m.pane == paneFaults {
			m.op = max(0, m.op-1)
		} else {
			m.scroll = max(0, m.scroll-1)
		}
	case key.Matches(msg, k.Down):
		if m.pane == paneFaults {
			m.op = min(len(m.ops)-1, m.op+1)
		} else {
			// Only as far as the last row reaching the bottom: a list that
			// fits does not move.
			m.scroll = min(max(0, m.rowsIn(m.pane)-(m.bodyRows()-1)), m.scroll+1)
		}
	case key.Matches(msg, k.Reveal):
		m.reveal = !m.reveal
	case key.Matches(msg, k.Advance):
		m.info = "mock clock moved 1m forward"
		return moveClock(m.ctl, smallStep)
	case key.Matches(msg, k.AdvanceBig):
		m.info = "mock clock moved " + bigStep.String() + " forward: access tokens issued before have expired"
		return moveClock(m.ctl, bigStep)
	case key.Matches(msg, k.Reset):
		return func() tea.Msg {
			return common.ConfirmMsg{Prompt: "Reset the mock? Tokens, sessions, mail, faults and the clock go back to the start.", To: ID, Yes: resetConfirmedMsg{}}
		}
	case key.Matches(msg, k.Status), key.Matches(msg, k.Latency), key.Matches(msg, k.Rate), key.Matches(msg, k.Drop), key.Matches(msg, k.Clear):
		return m.editFault(msg)
	case key.Matches(msg, k.ClearAll):
		m.info = "all faults cleared"
		return common.To(ID, setFaults(m.ctl, map[string]mockserver.Fault{}))
	}
	return nil
}

func (m *Model) rowsIn(p pane) int {
	if p == paneOutbox {
		return len(m.snap.outbox)
	}
	return len(m.journal)
}

// editFault changes the fault of the operation under the cursor.
func (m *Model) editFault(msg tea.KeyMsg) tea.Cmd {
	if m.pane != paneFaults || m.op >= len(m.ops) {
		return nil
	}
	op := m.ops[m.op]
	faults := m.snap.faults
	next := make(map[string]mockserver.Fault, len(faults)+1)
	for k, v := range faults {
		next[k] = v
	}
	f := next[op]
	k := m.keys
	switch {
	case key.Matches(msg, k.Status):
		f.Status = cycle(statuses, f.Status)
	case key.Matches(msg, k.Latency):
		f.Latency = mockserver.Duration(cycle(latencies, time.Duration(f.Latency)))
	case key.Matches(msg, k.Rate):
		f.ErrorRate = cycle(rates, f.ErrorRate)
	case key.Matches(msg, k.Drop):
		f.Drop = !f.Drop
	case key.Matches(msg, k.Clear):
		f = mockserver.Fault{}
	}
	if f == (mockserver.Fault{}) {
		delete(next, op)
	} else {
		next[op] = f
	}
	if err := mockserver.ValidateFaults(next); err != nil {
		m.info, m.err = "", err.Error()
		return nil
	}
	m.info, m.err = op+": "+describe(f), ""
	return common.To(ID, setFaults(m.ctl, next))
}

// cycle returns the value after cur in vals (the first when cur is not there).
func cycle[T comparable](vals []T, cur T) T {
	for i, v := range vals {
		if v == cur {
			return vals[(i+1)%len(vals)]
		}
	}
	return vals[0]
}
