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

const loadSrc = `
name: info
tags: [readonly]
steps:
  - call: retrieveMetadata
  - call: signInWithCredentials
    body: {username: alice, password: "Alice#2026", domain: example.com}
`

// The server counts the requests it holds at once, over every request of a run
// bounded by iterations (not by a wall-clock window a slow machine could stretch).
func TestRun_closedLoopNeverExceedsConcurrency(t *testing.T) {
	f, srv := scentest.NewFake(t)
	f.Delay = 2 * time.Millisecond // keeps requests in flight long enough to overlap
	r, err := runner.New(runner.Options{BaseURL: srv.URL})
	require.NoError(t, err)
	res, err := Run(context.Background(), r, scentest.Parse(t, "l.yaml", loadSrc), Options{Iterations: 200, Concurrency: 5})
	require.NoError(t, err)
	assert.LessOrEqual(t, f.Max.Load(), int32(5), "requests in flight at once")
	assert.GreaterOrEqual(t, f.Max.Load(), int32(2), "the virtual users ran concurrently")
	assert.Equal(t, int64(200), res.Iterations)
	assert.Equal(t, int64(400), res.Requests, "two requests per iteration")
	assert.Equal(t, int64(400), f.Requests.Load())
	assert.Empty(t, res.Errors)
	assert.Equal(t, Completed, res.State)
	assert.GreaterOrEqual(t, res.P50, 2*time.Millisecond)
	assert.LessOrEqual(t, res.P50, res.P90)
	assert.LessOrEqual(t, res.P99, res.P999)
	assert.LessOrEqual(t, res.P999, res.Max)
}

func TestRun_stopsAtTheDurationAndAwaitsRequestsInFlight(t *testing.T) {
	f, srv := scentest.NewFake(t)
	f.Delay = 150 * time.Millisecond // every request is still in flight at the end
	r, err := runner.New(runner.Options{BaseURL: srv.URL})
	require.NoError(t, err)
	ss := scentest.Parse(t, "l.yaml", "name: i\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n")
	res, err := Run(context.Background(), r, ss, Options{Duration: 100 * time.Millisecond, Concurrency: 3})
	require.NoError(t, err)
	assert.Equal(t, int64(3), res.Requests, "the three requests in flight at the end were awaited and counted")
	assert.Equal(t, int64(3), res.Iterations)
	assert.Zero(t, res.Unfinished)
	assert.GreaterOrEqual(t, res.P50, 150*time.Millisecond)
}

func TestRun_cancelStopsEarlyWithSummary(t *testing.T) {
	f, srv := scentest.NewFake(t)
	r, err := runner.New(runner.Options{BaseURL: srv.URL})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		// Cancelled once some requests got through, however slow the machine.
		for f.Requests.Load() < 5 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	start := time.Now()
	res, err := Run(ctx, r, scentest.Parse(t, "l.yaml", loadSrc), Options{Duration: time.Minute, Concurrency: 3})
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 30*time.Second, "far less than the one-minute duration")
	assert.True(t, res.Interrupted)
	assert.Greater(t, res.Requests, int64(0))
	var b strings.Builder
	require.NoError(t, WriteSummary(&b, res))
	assert.Contains(t, b.String(), "(interrupted)")
}

func TestRun_breaksErrorsDownByCode(t *testing.T) {
	f, srv := scentest.NewFake(t)
	f.SignInStatus = 503
	r, err := runner.New(runner.Options{BaseURL: srv.URL})
	require.NoError(t, err)
	res, err := Run(context.Background(), r, scentest.Parse(t, "l.yaml", loadSrc), Options{Iterations: 10, Concurrency: 2})
	require.NoError(t, err)
	require.NotEmpty(t, res.Errors)
	assert.Equal(t, "HTTP 503 UNKNOWN", res.Errors[0].Key)
	assert.Equal(t, res.Statuses[503], res.Errors[0].Count)
	assert.Equal(t, res.Iterations, res.IterationsFailed)
	var b strings.Builder
	require.NoError(t, WriteSummary(&b, res))
	assert.Contains(t, b.String(), "HTTP 503 UNKNOWN")
}

func TestRun_unreachableIsNetwork(t *testing.T) {
	_, srv := scentest.NewFake(t)
	url := srv.URL
	srv.Close()
	r, err := runner.New(runner.Options{BaseURL: url})
	require.NoError(t, err)
	res, err := Run(context.Background(), r, scentest.Parse(t, "l.yaml", loadSrc), Options{Iterations: 2, Concurrency: 2})
	require.NoError(t, err)
	require.NotEmpty(t, res.Errors)
	assert.Equal(t, "network: connection refused", res.Errors[0].Key)
}

func TestRun_excludesMockOnlyAndMutating(t *testing.T) {
	_, srv := scentest.NewFake(t)
	r, err := runner.New(runner.Options{BaseURL: srv.URL})
	require.NoError(t, err)
	ss := scentest.Parse(t, "l.yaml", "name: m\ntags: [mutating]\nsteps:\n  - call: retrieveMetadata\n")
	res, err := Run(context.Background(), r, ss, Options{Duration: 50 * time.Millisecond, Concurrency: 1})
	require.ErrorIs(t, err, ErrNothingToLoad)
	assert.Len(t, res.Excluded, 1)
}

func TestRecorder_quantilesWithinHDRPrecision(t *testing.T) {
	rec := newRecorder(time.Now())
	for i := 1; i <= 10000; i++ {
		rec.request(time.Duration(i)*time.Microsecond, 200, true, "")
	}
	res := &Result{Statuses: map[int]int64{}, Duration: time.Second}
	rec.fill(res)
	for q, got := range map[float64]time.Duration{0.5: res.P50, 0.9: res.P90, 0.99: res.P99, 0.999: res.P999} {
		want := time.Duration(q*10000) * time.Microsecond
		assert.InEpsilon(t, float64(want), float64(got), 0.002, "q=%v", q)
	}
	assert.InEpsilon(t, float64(10*time.Millisecond), float64(res.Max), 0.002)
	assert.Equal(t, int64(10000), res.Requests)
	assert.Equal(t, int64(10000), res.Statuses[200])
}

// --validate once checks each answer shape once: a broken field is found (and
// counted once), not re-validated on every request; all checks every answer.
func TestRun_validateOnceChecksEachShapeOnce(t *testing.T) {
	f, srv := scentest.NewFake(t)
	f.BadExpires = true
	r, err := runner.New(runner.Options{BaseURL: srv.URL})
	require.NoError(t, err)
	for mode, want := range map[runner.ValidateMode]func(n int64) bool{
		runner.ValidateOnce: func(n int64) bool { return n == 1 },
		runner.ValidateAll:  func(n int64) bool { return n == 20 },
		runner.ValidateOff:  func(n int64) bool { return n == 0 },
	} {
		res, err := Run(context.Background(), r, scentest.Parse(t, "l.yaml", loadSrc), Options{Iterations: 20, Concurrency: 2, Validate: mode})
		require.NoError(t, err)
		var spec int64
		for _, e := range res.Errors {
			if e.Key == "spec violation" {
				spec = e.Count
			}
		}
		assert.True(t, want(spec), "%s: %d spec violations in 20 sign-ins", mode, spec)
	}
}

func TestSlotTime_invertsArrivals(t *testing.T) {
	for _, ramp := range []time.Duration{0, 2 * time.Second} {
		for _, i := range []int64{0, 1, 50, 99, 100, 1000} {
			at := slotTime(i, 100, ramp)
			assert.InDelta(t, float64(i), arrivals(at, 100, ramp), 1e-6, "ramp %s slot %d", ramp, i)
		}
	}
	assert.Equal(t, 10*time.Millisecond, slotTime(1, 100, 0))
	assert.Equal(t, 2*time.Second, slotTime(100, 100, 2*time.Second), "half the ramp's worth of slots by its end")
}
