// Package history keeps the exchanges of a TUI session, in order, for the inspector.
package history

import (
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
)

// DefaultLimit bounds a session's history so a long session can't grow without end.
const DefaultLimit = 1000

// Entry is one exchange of the session. Exchange holds the real values (the
// inspector can reveal on request); redact before storing or showing.
type Entry struct {
	// Seq numbers entries from 1 across the whole session, even after trimming.
	Seq      int
	Exchange *apiclient.Exchange
	// Target is the profile the exchange was made against.
	Target string
	// Scenario names the scenario run that made the exchange, when it was
	// opened from the Scenarios screen; such entries are not the person's own
	// session, so they are neither stored nor exported by default.
	Scenario string
	At       time.Time
	// ClockBefore is how far the mock's clock moved between the previous
	// exported entry and this one; set on the copies handed to ExportScenario,
	// which writes it as a clock step so a replay expires tokens as the session did.
	ClockBefore time.Duration
}

// ClockMove is a move of the mock's clock, made after entry AfterSeq.
type ClockMove struct {
	AfterSeq int
	By       time.Duration
	Target   string
}

// Log is an append-only, bounded list of entries. Only the TUI's Update touches it.
type Log struct {
	limit   int
	seq     int
	entries []Entry
	clock   []ClockMove
	sink    func(Entry)
}

// OnAppend makes fn see every entry appended from now on (the on-disk Store's
// Record). fn runs inside the TUI's Update, so it must not block or do I/O itself.
func (l *Log) OnAppend(fn func(Entry)) { l.sink = fn }

// New returns a Log keeping at most limit entries (DefaultLimit when limit <= 0).
func New(limit int) *Log {
	if limit <= 0 {
		limit = DefaultLimit
	}
	return &Log{limit: limit}
}

// Append adds an exchange and returns its entry.
func (l *Log) Append(target string, ex *apiclient.Exchange) Entry {
	return l.AppendScenario(target, "", ex)
}

// AppendScenario adds an exchange made by the run of scenario (see Entry.Scenario).
func (l *Log) AppendScenario(target, scenario string, ex *apiclient.Exchange) Entry {
	l.seq++
	at := ex.Started
	if at.IsZero() {
		at = time.Now()
	}
	e := Entry{Seq: l.seq, Exchange: ex, Target: target, Scenario: scenario, At: at}
	l.entries = append(l.entries, e)
	if l.sink != nil {
		l.sink(e)
	}
	if len(l.entries) > l.limit {
		// Copy so the dropped entries' memory is released.
		l.entries = append([]Entry(nil), l.entries[len(l.entries)-l.limit:]...)
	}
	return e
}

// AppendClock records that target's (mock) clock moved by d after the newest entry.
func (l *Log) AppendClock(target string, d time.Duration) {
	l.clock = append(l.clock, ClockMove{AfterSeq: l.seq, By: d, Target: target})
	// Moves before the oldest kept entry can never reach an export.
	if len(l.entries) > 0 {
		first := l.entries[0].Seq
		i := 0
		for i < len(l.clock) && l.clock[i].AfterSeq < first-1 {
			i++
		}
		if i > 0 {
			l.clock = append([]ClockMove(nil), l.clock[i:]...)
		}
	}
}

// WithClock returns copies of entries (this run's, oldest first) with ClockBefore
// set to the clock moves of their target made since the previous one of them.
// Moves before the first are left out: a replay starts on a fresh clock.
func (l *Log) WithClock(entries []Entry) []Entry {
	out := append([]Entry(nil), entries...)
	for i := range out {
		if i == 0 {
			continue
		}
		prev, cur := out[i-1].Seq, out[i].Seq
		for _, c := range l.clock {
			if c.Target == out[i].Target && c.AfterSeq >= prev && c.AfterSeq < cur {
				out[i].ClockBefore += c.By
			}
		}
	}
	return out
}

// Retarget gives old's entries (and clock moves) the name new: the profile was
// renamed, and its session goes on.
func (l *Log) Retarget(old, new string) {
	for i := range l.entries {
		if l.entries[i].Target == old {
			l.entries[i].Target = new
		}
	}
	for i := range l.clock {
		if l.clock[i].Target == old {
			l.clock[i].Target = new
		}
	}
}

// Entries returns the entries, oldest first. The slice must not be modified.
func (l *Log) Entries() []Entry { return l.entries }

// Len is the number of entries kept.
func (l *Log) Len() int { return len(l.entries) }

// Last is the newest entry, if any.
func (l *Log) Last() (Entry, bool) {
	if len(l.entries) == 0 {
		return Entry{}, false
	}
	return l.entries[len(l.entries)-1], true
}
