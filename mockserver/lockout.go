package mockserver

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Lockout is a tenant's opt-in sign-in throttle: MaxFailures failed sign-ins of one
// username within Window, and further sign-ins of that username answer 429 Too Many
// Requests with Retry-After until the oldest of those failures is Window old. PortSIP
// documents no such policy: this is pbxauth's own choice, so that clients can be
// tested against throttling (RFC 6585 section 4, RFC 9110 section 10.2.3 for
// Retry-After). The mock clock drives the window, so POST /_mock/clock ends a lockout.
// Unknown usernames of the tenant are throttled alike, so a lockout does not tell
// which accounts exist; a successful sign-in clears the username's failures.
type Lockout struct {
	MaxFailures int           `yaml:"max_failures"`
	Window      time.Duration `yaml:"window"`
}

// MaxLockoutWindow bounds Lockout.Window.
const MaxLockoutWindow = 24 * time.Hour

// CodeTooManyRequests answers a locked-out sign-in.
const CodeTooManyRequests = "TOO_MANY_REQUESTS"

func (l *Lockout) problem() string {
	switch {
	case l == nil:
		return ""
	case l.MaxFailures < 1 || l.MaxFailures > 1000:
		return "lockout.max_failures must be from 1 to 1000"
	case l.Window <= 0 || l.Window > MaxLockoutWindow:
		return "lockout.window must be a duration from 1s to 24h, such as 15m"
	}
	return ""
}

// failureLog keeps the recent failed sign-ins of each username under a lockout
// policy, at most max usernames (at the bound an arbitrary one is forgotten: memory
// stays bounded whatever an attacker sends).
type failureLog struct {
	mu  sync.Mutex
	max int
	m   map[string][]time.Time // oldest first, at most the policy's MaxFailures
}

func newFailureLog(max int) *failureLog {
	return &failureLog{max: max, m: make(map[string][]time.Time)}
}

// lockoutOf is the lockout policy for a sign-in's domain, or nil.
func (st *state) lockoutOf(domain string) *Lockout {
	if domain == "" {
		return nil
	}
	if t := st.dir.tenant(domain); t != nil {
		return t.Lockout
	}
	return nil
}

// retryAfter is how long the username stays locked out; 0 means it is not.
func (fl *failureLog) retryAfter(now time.Time, l *Lockout, key string) time.Duration {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	at := fl.m[key]
	if len(at) < l.MaxFailures {
		return 0
	}
	end := at[len(at)-l.MaxFailures].Add(l.Window)
	if !now.Before(end) {
		return 0
	}
	return end.Sub(now)
}

// failed records a failed sign-in.
func (fl *failureLog) failed(now time.Time, l *Lockout, key string) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	at, ok := fl.m[key]
	if !ok && len(fl.m) >= fl.max {
		for k := range fl.m {
			delete(fl.m, k)
			break
		}
	}
	at = append(at, now)
	if len(at) > l.MaxFailures { // only the last MaxFailures matter
		at = append(at[:0], at[len(at)-l.MaxFailures:]...)
	}
	fl.m[key] = at
}

// succeeded forgets a username's failures.
func (fl *failureLog) succeeded(key string) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	delete(fl.m, key)
}

// lockedOut answers 429 when the username has used up its failures in the window.
func (s *Server) lockedOut(st *state, l *Lockout, username, domain string) (response, bool) {
	retry := st.failures.retryAfter(s.Now(), l, userKey(domain, username))
	if retry <= 0 {
		return response{}, false
	}
	secs := int((retry + time.Second - 1) / time.Second) // round up: never invite an early retry
	resp := errorResponse(http.StatusTooManyRequests, CodeTooManyRequests,
		fmt.Sprintf("too many failed sign-ins for this username; try again in %d s", secs),
		map[string]any{"retry_after_seconds": secs})
	resp.header = http.Header{"Retry-After": {strconv.Itoa(secs)}}
	return resp, true
}

// checkCredentials is directory.authenticate under the tenant's lockout policy, if
// any: a locked-out username answers 429 before its password is looked at.
func (s *Server) checkCredentials(st *state, username, domain, password string) (*account, uint64, response, bool) {
	l := st.lockoutOf(domain)
	if l != nil {
		if resp, locked := s.lockedOut(st, l, username, domain); locked {
			return nil, 0, resp, false
		}
	}
	acct, gen := st.dir.authenticate(username, domain, password)
	if acct == nil {
		if l != nil {
			st.failures.failed(s.Now(), l, userKey(domain, username))
		}
		return nil, 0, errBadCredentials(), false
	}
	if l != nil {
		st.failures.succeeded(userKey(domain, username))
	}
	return acct, gen, response{}, true
}
