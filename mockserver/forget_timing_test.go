package mockserver_test

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/mockserver"
)

// forgetCost serves n forget_password calls for one account and counts the work:
// allocations and bytes allocated per call. Counting work, unlike timing it, does not
// depend on the machine's load, and an early return for unknown accounts shows up as
// fewer allocations (no token, link, mail or ticket).
func forgetCost(t *testing.T, srv *mockserver.Server, username, domain string, n int) (allocs, bytes float64) {
	t.Helper()
	body := `{"username":"` + username + `","domain":"` + domain + `","callback_url":"https://app.example/reset"}`
	call := func() {
		req := httptest.NewRequest(http.MethodPost, "/api/auth/forget_password", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("forget_password %s@%s: %d %s", username, domain, rec.Code, rec.Body)
		}
	}
	for range 2100 { // warm up: the stores full, the outboxes past their growth
		call()
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range n {
		call()
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / float64(n), float64(after.TotalAlloc-before.TotalAlloc) / float64(n)
}

func TestForgetPassword_sameWorkWhetherOrNotTheAccountExists(t *testing.T) {
	if testing.Short() {
		t.Skip("counts allocations over thousands of calls")
	}
	// A small store limit: the stores reach their steady state in the warm-up.
	srv, err := mockserver.New(mockserver.Options{StoreLimit: 100})
	require.NoError(t, err)
	const n = 1000
	// Same-length names and domains, so the request bodies are the same size.
	knownA, knownB := forgetCost(t, srv, "alice", "example.com", n)
	unknownA, unknownB := forgetCost(t, srv, "zelda", "example.com", n)
	noTenantA, noTenantB := forgetCost(t, srv, "alice", "exbmple.com", n)
	t.Logf("allocs/call known %.2f, unknown user %.2f, unknown tenant %.2f; bytes/call %.0f, %.0f, %.0f",
		knownA, unknownA, noTenantA, knownB, unknownB, noTenantB)
	for name, c := range map[string][2]float64{"unknown user": {unknownA, unknownB}, "unknown tenant": {noTenantA, noTenantB}} {
		assert.InDelta(t, knownA, c[0], 1, "%s: allocations per call", name)
		assert.InEpsilon(t, knownB, c[1], 0.02, "%s: bytes per call", name)
	}
	// Mail IDs count every mail the outbox took: only the known account's calls.
	mails := srv.Outbox()
	require.NotEmpty(t, mails)
	assert.Equal(t, "m"+strconv.Itoa(2100+n), mails[len(mails)-1].ID, "unknown accounts sent no mail")
}
