package scenarios

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTextReporter_hostileTextIsInert(t *testing.T) {
	evil := "\x1b]52;c;AAAA\x07\x1b[2J\r\u009b1m\u202e\xff"
	var b strings.Builder
	rep := NewTextReporter(&b, true)
	rep.Event(Event{Kind: ScenarioFinished, Result: &ScenarioResult{
		Scenario: &Scenario{Name: "s" + evil},
		Status:   StatusFailed,
		Reason:   "r" + evil,
		Steps: []*StepResult{{Name: "n" + evil, Status: StatusFailed, Err: "e" + evil, Warnings: []string{"w" + evil},
			Failures: []Failure{{Check: "c" + evil, Expected: "x" + evil, Actual: "a" + evil}}}},
	}})
	out := b.String()
	for _, bad := range []string{"\x1b", "\r", "\u009b", "\u202e", "\xff"} {
		assert.NotContains(t, out, bad)
	}
	assert.Contains(t, out, `actual:   a^[]52;c;AAAA^G^[[2J^M\u009b1m\u202e\xff`)
}
