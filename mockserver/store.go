package mockserver

import (
	"sync"
	"time"
)

// DefaultStoreLimit bounds each store (access tokens, refresh tokens, sessions,
// challenges, reset tokens, authorization requests, identity provider codes) when
// Options.StoreLimit is 0.
const DefaultStoreLimit = 10000

// ttlStore is a bounded map whose entries expire. Every entry of one store lives
// equally long and the clock only moves forward, so insertion order is expiry order:
// a FIFO queue finds the expired entries in O(1) each, and when the store is full the
// oldest entry (the next to expire) makes room. A sign-in flood therefore keeps the
// store at its bound instead of growing.
type ttlStore[V any] struct {
	mu   sync.Mutex
	max  int
	m    map[string]*ttlItem[V]
	q    []*ttlItem[V]
	head int
}

type ttlItem[V any] struct {
	key  string
	val  V
	exp  time.Time
	dead bool // removed from m; its queue slot is skipped
}

func newTTLStore[V any](max int) *ttlStore[V] {
	return &ttlStore[V]{max: max, m: make(map[string]*ttlItem[V])}
}

// put adds an entry that expires at exp, first dropping expired entries and, at the
// bound, the oldest one.
func (s *ttlStore[V]) put(now time.Time, key string, v V, exp time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(now)
	for len(s.m) >= s.max {
		s.popLocked()
	}
	if old, ok := s.m[key]; ok {
		old.dead = true
	}
	it := &ttlItem[V]{key: key, val: v, exp: exp}
	s.m[key] = it
	s.q = append(s.q, it)
	s.compactLocked()
}

// get returns a live entry; an expired one is dropped.
func (s *ttlStore[V]) get(now time.Time, key string) (V, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.m[key]
	if !ok || !now.Before(it.exp) {
		if ok {
			s.removeLocked(it)
		}
		var zero V
		return zero, false
	}
	return it.val, true
}

// take removes and returns a live entry. Of two concurrent takes of one key, exactly
// one gets it: this is what makes refresh-token rotation and reset tokens single-use.
func (s *ttlStore[V]) take(now time.Time, key string) (V, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.m[key]
	if ok {
		s.removeLocked(it)
	}
	if !ok || !now.Before(it.exp) {
		var zero V
		return zero, false
	}
	return it.val, true
}

// update runs fn on a live entry under the store's lock; fn returns false to remove
// it. It reports whether the entry was live.
func (s *ttlStore[V]) update(now time.Time, key string, fn func(v V) (keep bool)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.m[key]
	if !ok || !now.Before(it.exp) {
		if ok {
			s.removeLocked(it)
		}
		return false
	}
	if !fn(it.val) {
		s.removeLocked(it)
	}
	return true
}

// remove drops an entry, live or not.
func (s *ttlStore[V]) remove(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it, ok := s.m[key]; ok {
		s.removeLocked(it)
	}
}

// size counts the entries still held (expired ones included until swept).
func (s *ttlStore[V]) size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

func (s *ttlStore[V]) removeLocked(it *ttlItem[V]) {
	if s.m[it.key] == it {
		delete(s.m, it.key)
	}
	it.dead = true
}

// sweepLocked drops expired entries from the front of the queue.
func (s *ttlStore[V]) sweepLocked(now time.Time) {
	for s.head < len(s.q) {
		it := s.q[s.head]
		if !it.dead && now.Before(it.exp) {
			return
		}
		s.removeLocked(it)
		s.q[s.head] = nil
		s.head++
	}
}

// popLocked drops the oldest live entry.
func (s *ttlStore[V]) popLocked() {
	for s.head < len(s.q) {
		it := s.q[s.head]
		s.q[s.head] = nil
		s.head++
		if !it.dead {
			s.removeLocked(it)
			return
		}
	}
}

// compactLocked keeps the queue's memory proportional to the live entries: removed
// entries (revoked tokens) leave dead slots behind until they reach the front.
func (s *ttlStore[V]) compactLocked() {
	if s.head > 0 && s.head >= len(s.q)/2 {
		n := copy(s.q, s.q[s.head:])
		clear(s.q[n:])
		s.q, s.head = s.q[:n], 0
	}
	if len(s.q)-s.head > 2*s.max+16 {
		// Slots before head are nil (already popped): filter only what follows.
		live := s.q[:0]
		for _, it := range s.q[s.head:] {
			if !it.dead {
				live = append(live, it)
			}
		}
		clear(s.q[len(live):])
		s.q, s.head = live, 0
	}
}
