package loadtest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/scenarios/internal/scentest"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// A dead target must not be hammered: after a network error each virtual user
// waits (100 ms, doubling to a cap) before it tries again, and the summary says so.
func TestRun_backsOffFromADeadTarget(t *testing.T) {
	_, srv := scentest.NewFake(t)
	url := srv.URL
	srv.Close()
	r, err := runner.New(runner.Options{BaseURL: url})
	require.NoError(t, err)
	res, err := Run(context.Background(), r, scentest.Parse(t, "l.yaml", loadSrc), Options{Duration: 600 * time.Millisecond, Concurrency: 2})
	require.NoError(t, err)
	// Without a pause a refused connection costs microseconds: thousands of attempts.
	// With 100, 200, 400 ms pauses each user tries about 3 times in 600 ms.
	assert.LessOrEqual(t, res.Requests, int64(12), "attempts against a dead target")
	assert.Greater(t, res.Requests, int64(0))
	assert.Positive(t, res.Backoffs)
	var b strings.Builder
	require.NoError(t, WriteSummary(&b, res))
	assert.Contains(t, b.String(), "backoff")
}

func TestBackoff_growsToItsCapAndResets(t *testing.T) {
	var bo backoff
	var got []time.Duration
	for i := 0; i < 6; i++ {
		got = append(got, bo.next())
	}
	assert.Equal(t, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second}, got)
	bo.reset()
	assert.Equal(t, 100*time.Millisecond, bo.next())
}
