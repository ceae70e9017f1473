package spec_test

import (
	"testing"
)

// BenchmarkValidateExchange_violation measures a failing sign-in answer: the oneOf
// summary re-checks each alternative to say what it lacks, which the valid-path
// benchmarks in validate_bench_test.go never pay for.
func BenchmarkValidateExchange_violation(b *testing.B) {
	ex := exchange("POST", "/auth/sign_in", `{"username":"alice","password":"pw"}`, 200, `{"access_token":"a"}`)
	if vs := ex.Validate(); len(vs) != 1 {
		b.Fatalf("want one violation, got %v", vs)
	}
	b.ReportAllocs()
	for b.Loop() {
		ex.Validate()
	}
}
