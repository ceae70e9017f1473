package mockserver_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/mockserver"
)

func lockoutData(t *testing.T) *mockserver.Data {
	t.Helper()
	d, err := mockserver.ParseData("lockout.yaml", []byte(`
tenants:
  - domain: example.com
    lockout: {max_failures: 3, window: 10m}
    users:
      - {username: alice, password: "Alice#2026", role: Admin}
  - domain: open.example.com
    users:
      - {username: erin, password: "Erin#2026", role: Admin}
`))
	require.NoError(t, err)
	return d
}

func signInStatus(h *harness, path, user, domain, pw string) (int, http.Header) {
	h.t.Helper()
	r, b := h.send(http.MethodPost, path, `{"username":"`+user+`","domain":"`+domain+`","password":"`+pw+`"}`, "Content-Type", "application/json")
	if r.StatusCode != http.StatusOK && r.StatusCode != http.StatusTooManyRequests {
		// Wrong credentials: whatever status the mock answers them with, never
		// the lockout's.
		require.Contains(h.t, string(b), `"code":"UNAUTHORIZED"`)
		return badCredentials, r.Header
	}
	return r.StatusCode, r.Header
}

// badCredentials stands for the mock's answer to wrong credentials.
const badCredentials = -1

func TestLockout_failedSignInsWithinTheWindowAnswer429(t *testing.T) {
	h := newHarness(t, func(o *mockserver.Options) { o.Data = lockoutData(t) })
	for i := range 3 {
		st, _ := signInStatus(h, "/api/auth/sign_in", "alice", "example.com", "wrong")
		require.Equal(t, badCredentials, st, "failure %d", i+1)
		h.srv.AdvanceClock(mustDuration("1m"))
	}
	// Locked: even the right password is refused, on both sign-in operations.
	for _, path := range []string{"/api/auth/sign_in", "/api/login"} {
		st, hdr := signInStatus(h, path, "alice", "example.com", "Alice#2026")
		require.Equal(t, http.StatusTooManyRequests, st, path)
		secs, err := strconv.Atoi(hdr.Get("Retry-After"))
		require.NoError(t, err, "Retry-After is delay-seconds")
		// The first failure was 3m ago on the mock clock: 7 minutes to go.
		assert.InDelta(t, 7*60, secs, 2, path)
	}
	// Unknown usernames of the tenant are throttled alike (no account discovery).
	for range 3 {
		st, _ := signInStatus(h, "/api/auth/sign_in", "nobody1", "example.com", "x")
		require.Equal(t, badCredentials, st)
	}
	st, _ := signInStatus(h, "/api/auth/sign_in", "nobody1", "example.com", "x")
	assert.Equal(t, http.StatusTooManyRequests, st)

	// The mock clock ends the lockout once the oldest failure leaves the window.
	h.srv.AdvanceClock(mustDuration("7m1s"))
	st, _ = signInStatus(h, "/api/auth/sign_in", "alice", "example.com", "Alice#2026")
	assert.Equal(t, http.StatusOK, st)
}

func TestLockout_theOAuthPasswordGrantCountsAndIsThrottledToo(t *testing.T) {
	h := newHarness(t, func(o *mockserver.Options) { o.Data = lockoutData(t) })
	grant := func(pw string) int {
		form := "grant_type=password&scope=all&client_id=9d806019-75b2-4b3d-bb8b-f5a3a412cc0a" +
			"&username=alice&domain=example.com&password=" + pw
		r, _ := h.send(http.MethodPost, "/api/login/oauth/token", form, "Content-Type", "application/x-www-form-urlencoded")
		return r.StatusCode
	}
	for i := range 3 {
		require.NotEqual(t, http.StatusTooManyRequests, grant("wrong"), "failure %d", i+1)
	}
	assert.Equal(t, http.StatusTooManyRequests, grant("Alice%232026"), "the grant is throttled like sign-in")
	st, _ := signInStatus(h, "/api/auth/sign_in", "alice", "example.com", "Alice#2026")
	assert.Equal(t, http.StatusTooManyRequests, st, "failures through the grant count for sign-in")
}

func TestLockout_successClearsAndOtherTenantsAreNotThrottled(t *testing.T) {
	h := newHarness(t, func(o *mockserver.Options) { o.Data = lockoutData(t) })
	for range 2 {
		st, _ := signInStatus(h, "/api/auth/sign_in", "alice", "example.com", "wrong")
		require.Equal(t, badCredentials, st)
	}
	st, _ := signInStatus(h, "/api/auth/sign_in", "alice", "example.com", "Alice#2026")
	require.Equal(t, http.StatusOK, st)
	for range 2 { // the count started again
		st, _ = signInStatus(h, "/api/auth/sign_in", "alice", "example.com", "wrong")
		require.Equal(t, badCredentials, st)
	}
	st, _ = signInStatus(h, "/api/auth/sign_in", "alice", "example.com", "Alice#2026")
	assert.Equal(t, http.StatusOK, st)

	// Failures spread wider than the window never lock.
	for range 5 {
		st, _ = signInStatus(h, "/api/auth/sign_in", "alice", "example.com", "wrong")
		require.Equal(t, badCredentials, st)
		h.srv.AdvanceClock(mustDuration("5m1s"))
	}
	// No policy, no lockout.
	for range 10 {
		st, _ = signInStatus(h, "/api/auth/sign_in", "erin", "open.example.com", "wrong")
		require.Equal(t, badCredentials, st)
	}
	st, _ = signInStatus(h, "/api/auth/sign_in", "erin", "open.example.com", "Erin#2026")
	assert.Equal(t, http.StatusOK, st)
	// A reset forgets the failures.
	for range 3 {
		signInStatus(h, "/api/auth/sign_in", "alice", "example.com", "wrong")
	}
	h.srv.Reset()
	st, _ = signInStatus(h, "/api/auth/sign_in", "alice", "example.com", "Alice#2026")
	assert.Equal(t, http.StatusOK, st)
}

func TestLockout_dataIsChecked(t *testing.T) {
	for _, c := range []struct{ lockout, want string }{
		{"{max_failures: 0, window: 10m}", "max_failures must be from 1"},
		{"{max_failures: 3, window: 0s}", "window must be a duration"},
		{"{max_failures: 3, window: 48h}", "window must be a duration"},
		{"{max_failures: 3, window: soon}", "lockout.yaml"},
	} {
		_, err := mockserver.ParseData("lockout.yaml", []byte("tenants:\n  - domain: example.com\n    lockout: "+c.lockout+"\n    users:\n      - {username: alice, password: x1234567, role: Admin}\n"))
		require.Error(t, err, c.lockout)
		assert.Contains(t, err.Error(), c.want)
	}
}

func mustDuration(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}
