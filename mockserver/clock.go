package mockserver

import (
	"math"
	"time"
)

// The mock clock: Options.Now (real time by default) plus an offset that only grows,
// so expiry can be tested without waiting. POST /_mock/clock and the TUI move it;
// Reset puts it back.

// Now is the mock clock: Options.Now plus every AdvanceClock since the last Reset.
func (s *Server) Now() time.Time { return s.baseNow().Add(time.Duration(s.offset.Load())) }

// baseNow is Options.Now, or time.Now.
func (s *Server) baseNow() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}

// MaxClockOffset is the furthest the mock clock can run ahead of real time (the
// largest time.Duration, about 292 years).
const MaxClockOffset = time.Duration(math.MaxInt64)

// AdvanceClock moves the mock clock forward (negative values are ignored: expiry only
// makes sense forward). It stops at MaxClockOffset rather than wrapping around into
// the past.
func (s *Server) AdvanceClock(d time.Duration) {
	for d > 0 {
		cur := s.offset.Load()
		next := int64(MaxClockOffset)
		if int64(d) <= int64(MaxClockOffset)-cur {
			next = cur + int64(d)
		}
		if s.offset.CompareAndSwap(cur, next) {
			return
		}
	}
}

// tryAdvanceClock moves the clock forward by d > 0 unless that would pass
// MaxClockOffset; it then leaves the clock and says how far it could still go.
func (s *Server) tryAdvanceClock(d time.Duration) (room time.Duration, ok bool) {
	for {
		cur := s.offset.Load()
		room = MaxClockOffset - time.Duration(cur)
		if d > room {
			return room, false
		}
		if s.offset.CompareAndSwap(cur, cur+int64(d)) {
			return room - d, true
		}
	}
}
