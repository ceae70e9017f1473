package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

func TestTextReporter_hostileTextIsInert(t *testing.T) {
	evil := "\x1b]52;c;AAAA\x07\x1b[2J\r\u009b1m\u202e\xff"
	var b strings.Builder
	rep := NewTextReporter(&b, true)
	rep.Event(runner.Event{Kind: runner.ScenarioFinished, Result: &runner.ScenarioResult{
		Scenario: &scenarios.Scenario{Name: "s" + evil},
		Status:   runner.StatusFailed,
		Reason:   "r" + evil,
		Steps: []*runner.StepResult{{Name: "n" + evil, Status: runner.StatusFailed, Err: "e" + evil, Warnings: []string{"w" + evil},
			Failures: []runner.Failure{{Check: "c" + evil, Expected: "x" + evil, Actual: "a" + evil}}}},
	}})
	out := b.String()
	for _, bad := range []string{"\x1b", "\r", "\u009b", "\u202e", "\xff"} {
		assert.NotContains(t, out, bad)
	}
	assert.Contains(t, out, `actual:   a^[]52;c;AAAA^G^[[2J^M\u009b1m\u202e\xff`)
}
