package scenarios

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/mockserver"
)

// doublingBomb is a scenario whose variable v<n> is v<n-1> twice: 2^n times v0.
func doublingBomb(n int, v0 string) string {
	var b strings.Builder
	b.WriteString("name: bomb\ntags: [readonly]\nvars:\n")
	if v0 != "" {
		fmt.Fprintf(&b, "  v0: %q\n", v0)
	}
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "  v%d: \"${v%d}${v%d}\"\n", i, i-1, i-1)
	}
	fmt.Fprintf(&b, "steps:\n  - call: retrieveMetadata\n    params: {domain: \"${v%d}\"}\n", n)
	return b.String()
}

func TestVars_checkRefusesRecursionAndSureBombs(t *testing.T) {
	for name, c := range map[string]struct{ src, want string }{
		"self":    {"name: s\nvars: {a: \"x${a}\"}\nsteps:\n  - call: retrieveMetadata\n", "variable a refers to itself"},
		"cycle":   {"name: s\nvars: {a: \"${b}\", b: \"${a}\"}\nsteps:\n  - call: retrieveMetadata\n", "variable a refers to b, which comes after it"},
		"nested":  {"name: s\nvars: {a: {k: [\"${a}\"]}}\nsteps:\n  - call: retrieveMetadata\n", "variable a refers to itself"},
		"flow":    {"flow: f\nparams: {p: \"${q}\", q: \"${p}\"}\nsteps:\n  - call: retrieveMetadata\n", "parameter p refers to q"},
		"doubles": {doublingBomb(40, "xxxxxxxx"), "variable v18 expands to more than 1024 KiB"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := NewLoader().Parse("s.yaml", []byte(c.src))
			if name == "flow" { // a flow alone is no scenario: parse it as one
				_, err = NewLoader().Parse("f.yaml", []byte(c.src))
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Less(t, strings.Count(err.Error(), "\n"), 3, "one error, not one per variable after it:\n%s", err)
		})
	}
	// Earlier variables are fine, and so are unknown ones (--var, the environment).
	_, err := NewLoader().Parse("s.yaml", []byte("name: s\nvars: {a: x, b: \"${a}${a}${given}\"}\nsteps:\n  - call: retrieveMetadata\n"))
	require.NoError(t, err)
}

func TestVars_runtimeBombIsBoundedInMemoryAndTime(t *testing.T) {
	// v0 comes from --var, so the check cannot size it: the run must stop it.
	ss, err := NewLoader().Parse("s.yaml", []byte(doublingBomb(40, "")))
	require.NoError(t, err)
	r, err := NewRunner(Options{NewMock: InProcessMock(mockserver.Options{}), Vars: map[string]string{"v0": strings.Repeat("x", 1000)}})
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
	require.ErrorIs(t, err, errExpandTooBig)

	var deep any = "x"
	for range maxValueDepth + 5 {
		deep = []any{deep}
	}
	_, err = sc.expandValue(deep)
	require.ErrorIs(t, err, errValueTooDeep)
}
