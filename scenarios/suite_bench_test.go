package scenarios_test

import (
	"testing"

	"github.com/pbxauth/pbxauth/scenarios"
)

// BenchmarkLoadBuiltin parses the embedded suite and its flows.
func BenchmarkLoadBuiltin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scenarios.LoadBuiltin(); err != nil {
			b.Fatal(err)
		}
	}
}
