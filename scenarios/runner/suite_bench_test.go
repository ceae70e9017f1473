package runner_test

import (
	"context"
	"testing"

	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// BenchmarkBuiltinSuite runs the whole built-in suite against the mock, the cost of
// `pbxauth run` with no arguments: once with a fresh in-process mock per scenario
// (what the CLI does), once against one shared mock reset between scenarios (what
// a standalone `pbxauth mock` gets). Steps are spec-checked in both.
func BenchmarkBuiltinSuite(b *testing.B) {
	suite, err := scenarios.LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	shared, err := mockserver.Start(mockserver.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = shared.Close() })
	for _, tc := range []struct {
		name string
		opts runner.Options
	}{
		{"mock_per_scenario", runner.Options{NewMock: runner.InProcessMock(mockserver.Options{})}},
		{"shared_mock", runner.Options{BaseURL: shared.APIURL()}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			r, err := runner.New(tc.opts)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				res := r.Run(context.Background(), suite, nil)
				if res.ExitCode() != 0 {
					b.Fatalf("the built-in suite did not pass: %d failed, %d errored", res.Failed, res.Errored)
				}
			}
			b.ReportMetric(float64(len(suite)), "scenarios/op")
		})
	}
}
