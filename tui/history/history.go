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
}

// Log is an append-only, bounded list of entries. Only the TUI's Update touches it.
type Log struct {
	limit   int
	seq     int
	entries []Entry
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
