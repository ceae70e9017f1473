package scenarios

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const loadSrc = `
name: info
tags: [readonly]
steps:
  - call: retrieveMetadata
  - call: signInWithCredentials
    body: {username: alice, password: "Alice#2026", domain: example.com}
`

func TestRunner_Load_neverExceedsConcurrency(t *testing.T) {
	f, srv := newFake(t)
	f.delay = 2 * time.Millisecond // keeps requests in flight long enough to overlap
	r, err := NewRunner(Options{BaseURL: srv.URL})
	require.NoError(t, err)
	res, err := r.Load(context.Background(), parse(t, "l.yaml", loadSrc), LoadOptions{Duration: 300 * time.Millisecond, Concurrency: 5})
	require.NoError(t, err)
	assert.LessOrEqual(t, f.max.Load(), int32(5))
	assert.GreaterOrEqual(t, f.max.Load(), int32(2), "the virtual users ran concurrently")
	assert.Greater(t, res.Requests, int64(10))
	assert.LessOrEqual(t, res.Requests, f.requests.Load(), "requests cut by the end are not counted")
	assert.Empty(t, res.Errors)
	assert.False(t, res.Interrupted)
	assert.GreaterOrEqual(t, res.Duration, 300*time.Millisecond)
	assert.Less(t, res.Duration, 5*time.Second, "stops by itself at the duration")
	assert.GreaterOrEqual(t, res.P50, 2*time.Millisecond)
	assert.LessOrEqual(t, res.P50, res.P90)
	assert.LessOrEqual(t, res.P99, res.Max)
}

func TestRunner_Load_cancelStopsEarlyWithSummary(t *testing.T) {
	_, srv := newFake(t)
	r, err := NewRunner(Options{BaseURL: srv.URL})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	res, err := r.Load(ctx, parse(t, "l.yaml", loadSrc), LoadOptions{Duration: time.Minute, Concurrency: 3})
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 30*time.Second, "far less than the one-minute duration")
	assert.True(t, res.Interrupted)
	assert.Greater(t, res.Requests, int64(0))
	var b strings.Builder
	require.NoError(t, WriteLoadSummary(&b, res))
	assert.Contains(t, b.String(), "(interrupted)")
}

func TestRunner_Load_breaksErrorsDownByCode(t *testing.T) {
	f, srv := newFake(t)
	f.signInStatus = 503
	r, err := NewRunner(Options{BaseURL: srv.URL})
	require.NoError(t, err)
	res, err := r.Load(context.Background(), parse(t, "l.yaml", loadSrc), LoadOptions{Duration: 100 * time.Millisecond, Concurrency: 2})
	require.NoError(t, err)
	require.NotEmpty(t, res.Errors)
	assert.Equal(t, "HTTP 503 UNKNOWN", res.Errors[0].Key)
	assert.Equal(t, res.Statuses[503], res.Errors[0].Count)
	assert.Equal(t, res.Iterations, res.IterationsFailed)
	var b strings.Builder
	require.NoError(t, WriteLoadSummary(&b, res))
	assert.Contains(t, b.String(), "HTTP 503 UNKNOWN")
}

func TestRunner_Load_unreachableIsNetwork(t *testing.T) {
	_, srv := newFake(t)
	url := srv.URL
	srv.Close()
	r, err := NewRunner(Options{BaseURL: url})
	require.NoError(t, err)
	res, err := r.Load(context.Background(), parse(t, "l.yaml", loadSrc), LoadOptions{Duration: 50 * time.Millisecond, Concurrency: 2})
	require.NoError(t, err)
	require.NotEmpty(t, res.Errors)
	assert.Equal(t, "network: connection refused", res.Errors[0].Key)
}

func TestRunner_Load_excludesMockOnlyAndMutating(t *testing.T) {
	_, srv := newFake(t)
	r, err := NewRunner(Options{BaseURL: srv.URL})
	require.NoError(t, err)
	ss := parse(t, "l.yaml", "name: m\ntags: [mutating]\nsteps:\n  - call: retrieveMetadata\n")
	res, err := r.Load(context.Background(), ss, LoadOptions{Duration: 50 * time.Millisecond, Concurrency: 1})
	require.ErrorIs(t, err, ErrNothingToLoad)
	assert.Len(t, res.Excluded, 1)
}

func TestHistogram_quantilesWithinBucketError(t *testing.T) {
	h := newHistogram()
	for i := 1; i <= 10000; i++ {
		h.record(time.Duration(i) * time.Microsecond)
	}
	for _, q := range []float64{0.5, 0.9, 0.99} {
		want := time.Duration(q*10000) * time.Microsecond
		got := h.quantile(q)
		assert.InEpsilon(t, float64(want), float64(got), 0.02, "q=%v", q)
		assert.GreaterOrEqual(t, got, want, "upper edges never flatter")
	}
	assert.Equal(t, 10*time.Millisecond, h.max)
	assert.Equal(t, 10*time.Millisecond, h.quantile(1))
}
