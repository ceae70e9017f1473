package e2e

import (
	"regexp"
	"strconv"
	"testing"
)

// TestTmux_loadFromTheScenariosScreen loads an in-process mock from the scenarios
// screen in a real terminal: the charts of requests and p99 per second fill as
// the seconds pass, esc stops the load early and its summary stays on screen.
func TestTmux_loadFromTheScenariosScreen(t *testing.T) {
	tm, _, _, _ := launch(t)
	tm.waitFor("first frame", `built-in mock`, `not signed in`)
	tm.keys("8")
	tm.waitFor("scenarios screen", `Scenarios · on fresh in-process mocks`, `› \[ \] a body`)
	// The first built-in scenario is read-only, so the load keeps it.
	tm.keys("L")
	s := tm.waitFor("load running", `Load · \d+s of 30s · closed loop, 8 virtual users · on an in-process mock`,
		`requests per second · max [1-9]\d*`, `p99 latency per second · max \d`, `[▁▂▃▄▅▆▇█]`)
	m := regexp.MustCompile(`(\d+) requests · (\d+) errors`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no totals on screen:\n%s", s)
	}
	if n, _ := strconv.Atoi(m[1]); n == 0 {
		t.Errorf("a second has passed and no request is counted:\n%s", s)
	}
	tm.keys("Escape")
	tm.waitFor("load stopped", `Load · interrupted`, `Load against in-process mock: closed loop`, `latency\s+p50 `, `errors\s+none`)
	tm.keys("Escape")
	tm.waitFor("back to the list", `Scenarios · on fresh in-process mocks`)
	tm.keys("q")
	tm.waitFor("terminal restored", `(?m)EXITED=0$`)
}
