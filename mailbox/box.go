package mailbox

import (
	"context"
	"sync"
)

// DefaultMaxMails is how many mails a Box keeps when not told: a run's worth.
const DefaultMaxMails = 500

// Box keeps the newest mails in memory, in order of arrival, and lets a reader
// wait for one. It is safe for concurrent use.
type Box struct {
	mu      sync.Mutex
	max     int
	mails   []*Mail // oldest first, at most max
	seq     uint64
	dropped uint64
	arrived chan struct{} // closed and replaced on every Add
}

// NewBox keeps at most max mails (DefaultMaxMails when max <= 0); past that the
// oldest is dropped.
func NewBox(max int) *Box {
	if max <= 0 {
		max = DefaultMaxMails
	}
	return &Box{max: max, arrived: make(chan struct{})}
}

// Add stores m, numbering it, and wakes the waiters.
func (b *Box) Add(m *Mail) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	m.Seq = b.seq
	if len(b.mails) >= b.max {
		n := copy(b.mails, b.mails[1:])
		b.mails[n] = nil
		b.mails = b.mails[:n]
		b.dropped++
	}
	b.mails = append(b.mails, m)
	close(b.arrived)
	b.arrived = make(chan struct{})
}

// Seq is the number of the newest mail (0 when none came yet): a mark a reader
// keeps to ask later for mail that arrived after it.
func (b *Box) Seq() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.seq
}

// Dropped is how many mails were let go to stay within the cap.
func (b *Box) Dropped() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dropped
}

// Len is how many mails the box holds.
func (b *Box) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.mails)
}

// Find returns the newest mail after mark that q matches, preferring one that
// names q's domain; nil when none.
func (b *Box) Find(after uint64, q Query) *Mail {
	b.mu.Lock()
	defer b.mu.Unlock()
	m, _ := b.find(after, q)
	return m
}

func (b *Box) find(after uint64, q Query) (*Mail, <-chan struct{}) {
	var best *Mail
	for i := len(b.mails) - 1; i >= 0 && b.mails[i].Seq > after; i-- {
		m := b.mails[i]
		if !m.Matches(q) {
			continue
		}
		if m.Prefer(q) {
			return m, b.arrived
		}
		if best == nil {
			best = m
		}
	}
	return best, b.arrived
}

// Wait returns the newest mail after mark that q matches, waiting for one to
// arrive if there is none yet; it gives up with ctx's error.
func (b *Box) Wait(ctx context.Context, after uint64, q Query) (*Mail, error) {
	for {
		b.mu.Lock()
		m, arrived := b.find(after, q)
		b.mu.Unlock()
		if m != nil {
			return m, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-arrived:
		}
	}
}

// Mails returns the mails held, oldest first.
func (b *Box) Mails() []*Mail {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*Mail(nil), b.mails...)
}
