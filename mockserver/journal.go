package mockserver

import (
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
)

// journalSize bounds the journal of recent exchanges.
const journalSize = 256

// Per-entry caps of what the journal keeps, so 256 entries of 64 KiB headers and
// bodies cannot hold tens of megabytes (or answer them on GET /_mock/requests).
const (
	journalHeaderBytes = 8 << 10 // request header names and values together
	journalBodyBytes   = 8 << 10 // each body
)

// subscriberBuffer is how many entries a slow subscriber may lag before it misses some.
const subscriberBuffer = 256

// JournalEntry is one exchange the mock served under /api. Its JSON is journalJSON.
type JournalEntry struct {
	Time      time.Time
	Operation string // operationId; empty for unknown paths
	Method    string
	Path      string
	Status    int
	Duration  time.Duration
	// Exchange is the full exchange, secrets already redacted.
	Exchange *apiclient.Exchange
	// Truncated says the journal kept only the first 8 KiB of the request's header or
	// of a body.
	Truncated bool
}

// journalRecord is what a request leaves in the journal: the entry and its exchange
// in one allocation, unredacted, with the URL still in parts. Redacting costs a JSON
// round trip and the URL a few allocations, so both happen when someone reads it.
type journalRecord struct {
	entry JournalEntry
	ex    apiclient.Exchange
	host  string
	uri   string
	tls   bool
}

// materialize builds the redacted entry a reader sees.
func (rec *journalRecord) materialize() JournalEntry {
	ex := rec.ex
	scheme := "http://"
	if rec.tls {
		scheme = "https://"
	}
	ex.URL = scheme + rec.host + rec.uri
	e := rec.entry
	e.Exchange = ex.Redact()
	return e
}

// journal keeps the newest records and fans them out to subscribers.
type journal struct {
	mu   sync.Mutex
	ring [journalSize]*journalRecord
	next int
	n    int
	subs map[chan JournalEntry]struct{}
}

func (j *journal) add(e *journalRecord) {
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
	red := e.materialize()
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
	raw := make([]*journalRecord, 0, j.n)
	for i := 0; i < j.n; i++ {
		raw = append(raw, j.ring[(j.next-j.n+i+journalSize)%journalSize])
	}
	j.mu.Unlock()
	out := make([]JournalEntry, len(raw))
	for i, e := range raw {
		out[i] = e.materialize()
	}
	return out
}

func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.ring = [journalSize]*journalRecord{}
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

// capExchange cuts what an exchange holds to the journal's per-entry caps and says
// whether it cut anything. A body is redacted before it is cut: a cut JSON body no
// longer parses, so redacting it later could miss a secret.
func capExchange(ex *apiclient.Exchange) bool {
	cut := false
	if h, c := capHeader(ex.RequestHeader, journalHeaderBytes); c {
		ex.RequestHeader, cut = h, true
	}
	if len(ex.RequestBody) > journalBodyBytes {
		ex.RequestBody, cut = capBody(ex.RequestBody, ex.RequestHeader), true
	}
	if len(ex.ResponseBody) > journalBodyBytes {
		ex.ResponseBody, cut = capBody(ex.ResponseBody, ex.ResponseHeader), true
	}
	return cut
}

func capBody(b []byte, h http.Header) []byte {
	red := apiclient.RedactBody(b, h.Get("Content-Type"))
	if len(red) > journalBodyBytes {
		red = red[:journalBodyBytes:journalBodyBytes]
	}
	return red
}

// capHeader returns h, or a copy holding at most limit bytes of names and values
// (in name order, the last value cut short) when h is larger.
func capHeader(h http.Header, limit int) (http.Header, bool) {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v)
		}
	}
	if n <= limit {
		return h, false
	}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(http.Header, len(keys))
	room := limit
	for _, k := range keys {
		for _, v := range h[k] {
			if room < len(k) {
				return out, true
			}
			room -= len(k)
			if len(v) > room {
				v = v[:room]
			}
			room -= len(v)
			out[k] = append(out[k], v)
		}
	}
	return out, true
}

func capString(s string) string {
	if len(s) > journalHeaderBytes {
		return s[:journalHeaderBytes]
	}
	return s
}
