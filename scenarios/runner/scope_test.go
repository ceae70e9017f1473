package runner

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/internal/scentest"
)

func TestVars_runtimeBombIsBoundedInMemoryAndTime(t *testing.T) {
	// v0 comes from --var, so the check cannot size it: the run must stop it.
	ss, err := scenarios.NewLoader().Parse("s.yaml", []byte(scentest.DoublingBomb(40, "")))
	require.NoError(t, err)
	r, err := New(Options{NewMock: InProcessMock(mockserver.Options{}), Vars: map[string]string{"v0": strings.Repeat("x", 1000)}})
	require.NoError(t, err)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	done := make(chan *RunResult, 1)
	go func() { done <- r.Run(context.Background(), ss, nil) }()
	var res *RunResult
	select {
	case res = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("the bomb ran on")
	}
	runtime.ReadMemStats(&after)
	require.Len(t, res.Scenarios, 1)
	sr := res.Scenarios[0]
	assert.Equal(t, StatusFailed, sr.Status)
	assert.Contains(t, sr.Reason, "expands to more than 1024 KiB")
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(256<<20), "bytes allocated by the run")
}

func TestVars_valueBudgetAndDepth(t *testing.T) {
	sc := newScope()
	sc.vals["big"] = strings.Repeat("x", 600<<10)
	many := make([]any, 40) // 40 × 600 KiB: each string under the cap, the whole over it
	for i := range many {
		many[i] = "${big}"
	}
	_, err := sc.expandValue(map[string]any{"a": many})
	require.ErrorIs(t, err, errValueTooBig)
	_, err = sc.expand("${big}${big}")
	require.ErrorIs(t, err, scenarios.ErrExpandTooBig)

	var deep any = "x"
	for range scenarios.MaxValueDepth + 5 {
		deep = []any{deep}
	}
	_, err = sc.expandValue(deep)
	require.ErrorIs(t, err, errValueTooDeep)
}
