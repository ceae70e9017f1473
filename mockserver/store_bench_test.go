package mockserver

import (
	"crypto/rand"
	"encoding/base64"
	"sync/atomic"
	"testing"
	"time"
)

// benchKeys are token-shaped keys (43 characters, like the mock's tokens), made
// before the timer starts so the benchmarks measure the store, not crypto/rand.
func benchKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		var b [32]byte
		_, _ = rand.Read(b[:])
		keys[i] = base64.RawURLEncoding.EncodeToString(b[:])
	}
	return keys
}

// BenchmarkTTLStore measures the token store under parallel load (b.RunParallel):
// inserts at the bound (each evicts the oldest), lookups of live tokens, and the
// rotation pattern of refresh_token and sign_out (insert, then take), which leaves
// dead queue slots for compaction to reclaim.
func BenchmarkTTLStore(b *testing.B) {
	keys := benchKeys(1 << 16)
	mask := uint64(len(keys) - 1)
	now := time.Now()
	exp := now.Add(time.Hour)

	b.Run("put_at_bound", func(b *testing.B) {
		s := newTTLStore[int](DefaultStoreLimit)
		var n atomic.Uint64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := n.Add(1)
				s.put(now, keys[i&mask], int(i), exp)
			}
		})
		if got := s.size(); got > DefaultStoreLimit {
			b.Fatalf("store holds %d entries, bound is %d", got, DefaultStoreLimit)
		}
	})
	b.Run("get_live", func(b *testing.B) {
		s := newTTLStore[int](DefaultStoreLimit)
		for i := range DefaultStoreLimit {
			s.put(now, keys[i], i, exp)
		}
		var n atomic.Uint64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := n.Add(1) % DefaultStoreLimit
				if _, ok := s.get(now, keys[i]); !ok {
					b.Errorf("live key %d not found", i)
					return
				}
			}
		})
	})
	b.Run("rotate", func(b *testing.B) {
		s := newTTLStore[int](DefaultStoreLimit)
		var n atomic.Uint64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := n.Add(1)
				s.put(now, keys[i&mask], int(i), exp)
				// Take the token issued a few rotations ago, as a client refreshing
				// or signing out does; a miss is fine (evicted or taken already).
				s.take(now, keys[(i-8)&mask])
			}
		})
	})
}
