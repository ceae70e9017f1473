package runner_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// BenchmarkRunner_builtinSuitePooled runs the whole built-in suite the way
// `pbxauth run --mock` does: a mock of its own per scenario, reused through a
// MockPool (reset between scenarios) instead of a port bound per scenario.
func BenchmarkRunner_builtinSuitePooled(b *testing.B) {
	ss, err := scenarios.LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := spec.Load(); err != nil {
		b.Fatal(err)
	}
	for _, parallel := range []int{1, 4} {
		b.Run(fmt.Sprintf("parallel=%d", parallel), func(b *testing.B) {
			pool := runner.NewMockPool(mockserver.Options{})
			b.Cleanup(func() { _ = pool.Close() })
			r, err := runner.New(runner.Options{NewMock: pool.Get, Parallel: parallel})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				res := r.Run(context.Background(), ss, nil)
				if res.ExitCode() != 0 {
					b.Fatalf("suite failed: %d failed, %d errored", res.Failed, res.Errored)
				}
			}
			b.ReportMetric(float64(len(ss)), "scenarios/op")
		})
	}
}
