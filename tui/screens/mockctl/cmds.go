package mockctl

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/tui/common"
)

// The screen's own messages: its commands' replies, and the reset confirmed.
type (
	subscribedMsg struct {
		ch   <-chan mockserver.JournalEntry
		stop func()
		snap snapshot
	}
	entryMsg struct{ e mockserver.JournalEntry }
	// journalClosedMsg: the mock stopped; nothing more will come.
	journalClosedMsg struct{}
	// snapshotMsg is the mock as read after a change; err is a change it refused.
	snapshotMsg struct {
		snap snapshot
		err  error
	}
	resetDoneMsg struct {
		snap      snapshot
		hadSignIn bool
	}
	resetConfirmedMsg struct{}
)

// snapshot is the mock's state as last read.
type snapshot struct {
	outbox  []mockserver.Mail
	faults  map[string]mockserver.Fault
	now     time.Time
	realNow time.Time
	journal []mockserver.JournalEntry // set on subscribe and reset only
}

// Commands: each takes the control as an argument and returns what it read.

func read(ctl Control) tea.Cmd {
	return func() tea.Msg { return snapshotMsg{snap: take(ctl, false)} }
}

// take reads the mock. In-process reads fail only when their context ends, and
// then the snapshot is empty rather than wrong.
func take(ctl Control, journal bool) snapshot {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	outbox, _ := ctl.Outbox(ctx, mockserver.MailFilter{})
	faults, _ := ctl.Faults(ctx)
	s := snapshot{outbox: outbox, faults: faults, now: ctl.Now(), realNow: time.Now()}
	if journal {
		// Entries already journaled get today's offset: their own is not kept.
		entries, _ := ctl.Requests(ctx, 0)
		s.journal = onMockClock(entries, offset(ctl))
	}
	return s
}

// offset is how far the mock's clock is ahead of the wall clock, to the
// millisecond (the two reads are a few nanoseconds apart).
func offset(ctl Control) time.Duration {
	wall := time.Now()
	return ctl.Now().Sub(wall).Round(time.Millisecond)
}

// onMockClock moves journal times (the wall clock, as the mock's handler reads
// it) onto the mock's clock, which the header, the outbox and the countdown use.
func onMockClock(es []mockserver.JournalEntry, off time.Duration) []mockserver.JournalEntry {
	if off == 0 {
		return es
	}
	out := make([]mockserver.JournalEntry, len(es))
	for i, e := range es {
		e.Time = e.Time.Add(off)
		out[i] = e
	}
	return out
}

func subscribe(ctl Control) tea.Cmd {
	return func() tea.Msg {
		ch, stop := ctl.Subscribe()
		return subscribedMsg{ch: ch, stop: stop, snap: take(ctl, true)}
	}
}

func wait(ch <-chan mockserver.JournalEntry, ctl Control) tea.Cmd {
	return func() tea.Msg {
		e, ok := <-ch
		if !ok {
			return journalClosedMsg{}
		}
		e.Time = e.Time.Add(offset(ctl)) // the offset as the entry arrives
		return entryMsg{e: e}
	}
}

// moveClock tells the root first, then moves the clock: the root records the move
// in the history before any exchange the move sets off (an expired token's
// automatic refresh) can arrive, so an export replays them in order.
func moveClock(ctl Control, d time.Duration) tea.Cmd {
	return tea.Sequence(clockMoved(d), common.To(ID, advance(ctl, d)))
}

// clockMoved tells the root, which records the move in the history.
func clockMoved(d time.Duration) tea.Cmd {
	return func() tea.Msg { return common.ClockMovedMsg{By: d} }
}

// change runs one call that changes the mock, then reads it again.
func change(ctl Control, call func(context.Context) error) tea.Msg {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	err := call(ctx)
	return snapshotMsg{snap: take(ctl, false), err: err}
}

func advance(ctl Control, d time.Duration) tea.Cmd {
	return func() tea.Msg {
		return change(ctl, func(ctx context.Context) error { _, err := ctl.AdvanceClock(ctx, d); return err })
	}
}

func setFaults(ctl Control, f map[string]mockserver.Fault) tea.Cmd {
	return func() tea.Msg {
		return change(ctl, func(ctx context.Context) error { _, err := ctl.SetFaults(ctx, f); return err })
	}
}

func reset(ctl Control, hadSignIn bool) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		if err := ctl.Reset(ctx, mockserver.ResetOptions{}); err != nil {
			return snapshotMsg{snap: take(ctl, false), err: err}
		}
		return resetDoneMsg{snap: take(ctl, true), hadSignIn: hadSignIn}
	}
}
