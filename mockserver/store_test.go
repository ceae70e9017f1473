package mockserver

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTTLStore(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	s := newTTLStore[int](3)
	t.Run("get finds live entries and drops expired ones", func(t *testing.T) {
		s.put(now, "a", 1, now.Add(time.Minute))
		v, ok := s.get(now, "a")
		assert.True(t, ok)
		assert.Equal(t, 1, v)
		_, ok = s.get(now.Add(time.Minute), "a")
		assert.False(t, ok, "an entry is dead at its expiry instant")
		assert.Equal(t, 0, s.size())
	})
	t.Run("take removes", func(t *testing.T) {
		s.put(now, "b", 2, now.Add(time.Minute))
		v, ok := s.take(now, "b")
		assert.True(t, ok)
		assert.Equal(t, 2, v)
		_, ok = s.take(now, "b")
		assert.False(t, ok)
	})
	t.Run("at the bound the oldest entry makes room", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			s.put(now, strconv.Itoa(i), i, now.Add(time.Minute))
		}
		assert.Equal(t, 3, s.size())
		_, ok := s.get(now, "0")
		assert.False(t, ok)
		_, ok = s.get(now, "4")
		assert.True(t, ok)
	})
	t.Run("put sweeps expired entries", func(t *testing.T) {
		later := now.Add(2 * time.Minute)
		s.put(later, "fresh", 9, later.Add(time.Minute))
		assert.Equal(t, 1, s.size())
	})
	t.Run("update keeps or removes", func(t *testing.T) {
		s.put(now, "u", 1, now.Add(time.Hour))
		assert.True(t, s.update(now, "u", func(int) bool { return true }))
		assert.True(t, s.update(now, "u", func(int) bool { return false }))
		assert.False(t, s.update(now, "u", func(int) bool { return true }))
	})
	t.Run("removals do not let the queue grow without bound", func(t *testing.T) {
		s := newTTLStore[int](10)
		for i := 0; i < 10000; i++ {
			k := strconv.Itoa(i)
			s.put(now, k, i, now.Add(time.Hour))
			s.remove(k)
		}
		assert.LessOrEqual(t, len(s.q), 2*10+16)
		assert.Equal(t, 0, s.size())
	})
	t.Run("compaction with popped slots before the head keeps working", func(t *testing.T) {
		// Regression: the soak found compaction reading the nil slots before head.
		// a expires first and is popped; b stays live and blocks the sweep, so dead
		// slots pile up behind it while head > 0.
		s := newTTLStore[int](4)
		s.put(now, "a", 0, now.Add(time.Minute))
		s.put(now, "b", 0, now.Add(time.Hour))
		churn := func(at time.Time, from, to int) {
			for i := from; i < to; i++ {
				k := "x" + strconv.Itoa(i)
				s.put(at, k, i, at.Add(time.Hour))
				s.take(at, k)
			}
		}
		churn(now, 0, 20)
		later := now.Add(2 * time.Minute)
		churn(later, 20, 40)
		assert.LessOrEqual(t, len(s.q)-s.head, 2*4+16)
		_, ok := s.get(later, "b")
		assert.True(t, ok)
	})
	t.Run("of concurrent takes exactly one wins", func(t *testing.T) {
		s := newTTLStore[int](10)
		s.put(now, "k", 1, now.Add(time.Hour))
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, ok := s.take(now, "k"); ok {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, 1, wins)
	})
}

// TestSignInFlood_storesStayBounded: a flood of sign-ins, 2FA challenges and web
// sessions keeps every store at its bound, and the memory behind it flat.
func TestSignInFlood_storesStayBounded(t *testing.T) {
	const limit = 50
	srv, err := New(Options{StoreLimit: limit})
	require.NoError(t, err)
	h := srv.Handler()
	post := func(path, body string) int {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	for i := 0; i < 600; i++ {
		require.Equal(t, http.StatusOK, post("/api/auth/sign_in", `{"username":"bob","password":"Bob#2026","domain":"example.com"}`))
		require.Equal(t, http.StatusOK, post("/api/auth/sign_in", `{"username":"carol","password":"Carol#2026","domain":"secure.example.com"}`))
		require.Equal(t, http.StatusOK, post("/api/login", `{"username":"alice","password":"Alice#2026","domain":"example.com"}`))
		post("/api/auth/forget_password", `{"username":"bob","domain":"example.com","callback_url":"https://x.example/r"}`)
	}
	st := srv.Stats()
	assert.LessOrEqual(t, st.AccessTokens, limit)
	assert.LessOrEqual(t, st.RefreshTokens, limit)
	assert.LessOrEqual(t, st.Sessions, limit)
	assert.LessOrEqual(t, st.Challenges, limit)
	assert.LessOrEqual(t, st.ResetTokens, limit)
	assert.LessOrEqual(t, st.Mails, outboxSize)
	assert.LessOrEqual(t, st.Requests, journalSize)
	state := srv.st.Load()
	assert.LessOrEqual(t, len(state.access.q), 2*limit+16)
	assert.LessOrEqual(t, cap(state.access.q), 8*limit+64, "the queue's backing array stays small")

	t.Run("expired entries go as the clock moves on", func(t *testing.T) {
		srv.AdvanceClock(RefreshTTL + time.Minute)
		post("/api/auth/sign_in", `{"username":"bob","password":"Bob#2026","domain":"example.com"}`)
		assert.Equal(t, 1, srv.Stats().AccessTokens)
		assert.Equal(t, 1, srv.Stats().RefreshTokens)
	})
}

func TestNewOTP(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		c := newOTP()
		require.Len(t, c, 6)
		require.True(t, isOTPShape(c), c)
		seen[c] = true
	}
	assert.Greater(t, len(seen), 190, "codes are random")
}

func TestNewToken(t *testing.T) {
	a, b := newToken(), newToken()
	assert.NotEqual(t, a, b)
	assert.Len(t, a, 48, "PortSIP's length")
	assert.Regexp(t, `^[A-Z0-9]{48}$`, a, "PortSIP's alphabet")
	// Every character of the alphabet turns up, each near 1/36 of the time: the
	// rejection sampling leaves no bias a modulo would.
	counts := map[rune]int{}
	const n = 2000
	for i := 0; i < n; i++ {
		for _, c := range newToken() {
			counts[c]++
		}
	}
	require.Len(t, counts, 36)
	want := float64(n*TokenLen) / 36
	for c, got := range counts {
		assert.InDelta(t, want, float64(got), want*0.15, "character %q", c)
	}
}
