package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseReport_readsTheBenchLine(t *testing.T) {
	out := "Running 5s test @ http://127.0.0.1:1/api/info\n  2 threads and 64 connections\n" +
		"BENCH requests=1000 duration_us=2000000 p50_us=900 p90_us=4000 p99_us=9000 max_us=20000 " +
		"err_connect=1 err_read=2 err_write=3 err_status=4 err_timeout=5\n"
	s, err := parseReport(out)
	if err != nil {
		t.Fatal(err)
	}
	if s.Requests != 1000 || s.P50 != 900 || s.P99 != 9000 || s.Max != 20000 {
		t.Errorf("parsed %+v", s)
	}
	if got := s.rps(); got != 500 {
		t.Errorf("rps = %v, want 500", got)
	}
	if got := s.errors(); got != 15 {
		t.Errorf("errors = %d, want 15 (connect+read+write+status+timeout)", got)
	}
}

func TestParseReport_withoutBenchLineIsAnError(t *testing.T) {
	if _, err := parseReport("Requests/sec: 1234\n"); err == nil || !strings.Contains(err.Error(), "report.lua") {
		t.Errorf("err = %v, want one naming report.lua", err)
	}
	if _, err := parseReport("BENCH requests=abc\n"); err == nil {
		t.Error("a malformed number parsed")
	}
}

func TestMed_isTheMiddleOrTheMeanOfTheTwoMiddles(t *testing.T) {
	mk := func(reqs ...int64) []sample {
		var ss []sample
		for _, r := range reqs {
			ss = append(ss, sample{Requests: r, DurationUS: 1e6})
		}
		return ss
	}
	if got := med(mk(30, 10, 20), sample.rps); got != 20 {
		t.Errorf("median of 3 = %v", got)
	}
	if got := med(mk(40, 10, 20, 30), sample.rps); got != 25 {
		t.Errorf("median of 4 = %v", got)
	}
	if got := med(nil, sample.rps); got != 0 {
		t.Errorf("median of none = %v", got)
	}
}

func TestReport_flagsMissedTargets(t *testing.T) {
	one := func(rps int64) []sample { return []sample{{Requests: rps, DurationUS: 1e6}} }
	r := &report{
		cfg:   config{duration: time.Second, rounds: 1, threads: 2, conns: 64},
		order: []string{"mock", "floor", "prism"},
		samples: map[string]map[string][]sample{
			calls[0].label: {"mock": one(60), "floor": one(100), "prism": one(5)},  // 0.6× floor: missed
			calls[1].label: {"mock": one(60), "floor": one(100), "prism": one(10)}, // 0.6× floor, 6× Prism: missed
		},
	}
	md := r.markdown()
	if r.allTargetsMet() {
		t.Fatalf("targets reported met:\n%s", md)
	}
	for _, want := range []string{"mock/floor 0.60× < 0.7×", "mock/prism 6.00× < 10.0×", "0.60× ✓", "12.00× ✓"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

func TestThousands(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567"} {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%v) = %q, want %q", in, got, want)
		}
	}
}
