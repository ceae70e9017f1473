package mockserver

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
)

// journalSize bounds the journal of recent exchanges.
const journalSize = 256

// subscriberBuffer is how many entries a slow subscriber may lag before it misses some.
const subscriberBuffer = 256

// JournalEntry is one exchange the mock served under /api.
type JournalEntry struct {
	Time      time.Time     `json:"time"`
	Operation string        `json:"operation,omitempty"` // operationId; empty for unknown paths
	Method    string        `json:"method"`
	Path      string        `json:"path"`
	Status    int           `json:"status"`
	Duration  time.Duration `json:"duration_ns"`
	// Exchange is the full exchange, secrets already redacted.
	Exchange *apiclient.Exchange `json:"exchange,omitempty"`
}

// MarshalJSON adds the exchange's bodies, which apiclient.Exchange leaves out of its
// own JSON, so that GET /_mock/requests shows what was sent and answered.
func (e JournalEntry) MarshalJSON() ([]byte, error) {
	type plain JournalEntry
	out := struct {
		plain
		RequestBody  json.RawMessage `json:"request_body,omitempty"`
		ResponseBody json.RawMessage `json:"response_body,omitempty"`
	}{plain: plain(e)}
	if e.Exchange != nil {
		out.RequestBody = bodyJSON(e.Exchange.RequestBody)
		out.ResponseBody = bodyJSON(e.Exchange.ResponseBody)
	}
	return json.Marshal(out)
}

// bodyJSON keeps a JSON body as JSON and makes anything else a JSON string.
func bodyJSON(b []byte) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	if json.Valid(b) {
		return b
	}
	s, _ := json.Marshal(string(b))
	return s
}

// journal keeps the newest entries unredacted (redacting costs a JSON round trip, so
// it happens when someone reads them) and fans them out to subscribers.
type journal struct {
	mu   sync.Mutex
	ring [journalSize]*JournalEntry
	next int
	n    int
	subs map[chan JournalEntry]struct{}
}

func (j *journal) add(e *JournalEntry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.ring[j.next] = e
	j.next = (j.next + 1) % journalSize
	if j.n < journalSize {
		j.n++
	}
	if len(j.subs) == 0 {
		return
	}
	red := redacted(e)
	for ch := range j.subs {
		select {
		case ch <- red:
		default: // a slow reader misses entries; the server never waits for it
		}
	}
}

// entries returns redacted copies, oldest first.
func (j *journal) entries() []JournalEntry {
	j.mu.Lock()
	raw := make([]*JournalEntry, 0, j.n)
	for i := 0; i < j.n; i++ {
		raw = append(raw, j.ring[(j.next-j.n+i+journalSize)%journalSize])
	}
	j.mu.Unlock()
	out := make([]JournalEntry, len(raw))
	for i, e := range raw {
		out[i] = redacted(e)
	}
	return out
}

func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.ring = [journalSize]*JournalEntry{}
	j.next, j.n = 0, 0
}

func (j *journal) subscribe() (<-chan JournalEntry, func()) {
	ch := make(chan JournalEntry, subscriberBuffer)
	j.mu.Lock()
	if j.subs == nil {
		j.subs = make(map[chan JournalEntry]struct{})
	}
	j.subs[ch] = struct{}{}
	j.mu.Unlock()
	return ch, func() {
		j.mu.Lock()
		defer j.mu.Unlock()
		// closeAll may have ended it already; a channel is closed exactly once.
		if _, ok := j.subs[ch]; ok {
			delete(j.subs, ch)
			close(ch)
		}
	}
}

// closeAll ends every subscription (server shutdown).
func (j *journal) closeAll() {
	j.mu.Lock()
	defer j.mu.Unlock()
	for ch := range j.subs {
		delete(j.subs, ch)
		close(ch)
	}
}

func redacted(e *JournalEntry) JournalEntry {
	c := *e
	if e.Exchange != nil {
		c.Exchange = e.Exchange.Redact()
	}
	return c
}
