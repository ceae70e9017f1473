package main

import (
	"strings"
	"testing"
)

func TestParse_groupsRunsAndStripsTheProcsSuffix(t *testing.T) {
	in := `goos: linux
pkg: github.com/pbxauth/pbxauth/bench/floor
BenchmarkFloorHandler/info-2         	   53053	      4000 ns/op	    6712 B/op	      22 allocs/op
BenchmarkFloorHandler/info-2         	   53053	      4400 ns/op	    6712 B/op	      22 allocs/op
BenchmarkFloorHandler/info-2         	   53053	      4200 ns/op	    6712 B/op	      22 allocs/op
pkg: github.com/pbxauth/pbxauth/scenarios
BenchmarkBuiltinSuite/shared_mock-2  	       2	  11076387 ns/op	        43.00 scenarios/op	 2180260 B/op	   25658 allocs/op
PASS
`
	res, order, err := parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(order) != 2 || order[0] != "BenchmarkFloorHandler/info" || order[1] != "BenchmarkBuiltinSuite/shared_mock" {
		t.Fatalf("order = %v", order)
	}
	f := res["BenchmarkFloorHandler/info"]
	if f.pkg != "bench/floor" || len(f.ns) != 3 || median(f.ns) != 4200 {
		t.Errorf("floor = %+v", f)
	}
	s := res["BenchmarkBuiltinSuite/shared_mock"]
	if median(s.by) != 2180260 || median(s.allocs) != 25658 {
		t.Errorf("suite B/op %v allocs %v: a custom metric must not shift the columns", s.by, s.allocs)
	}
}
