package report

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/internal/hostiletest"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// A JUnit report is read by CI pages and by people running cat on it in a CI
// log: what a PBX or a scenario file put in it must stay inert there as in the
// terminal report (C1 controls and bidi overrides are legal XML, so XML
// escaping alone lets them through), and the document must stay well formed.
func TestJUnit_hostileTextIsInert(t *testing.T) {
	evil := hostiletest.Evil
	sc := &scenarios.Scenario{Name: "s" + evil, Pos: scenarios.Pos{File: "qa/f" + evil + ".yaml", Line: 3}, Source: "src" + evil}
	failed := &runner.ScenarioResult{Scenario: sc, Status: runner.StatusFailed, Reason: "r" + evil,
		Steps: []*runner.StepResult{{Name: "n" + evil, Status: runner.StatusFailed, Err: "e" + evil, Warnings: []string{"w" + evil},
			Failures: []runner.Failure{{Check: "c" + evil, Expected: "x" + evil, Actual: "a" + evil}}}}}
	skipped := &runner.ScenarioResult{Scenario: &scenarios.Scenario{Name: "k" + evil}, Status: runner.StatusSkipped, Reason: "why" + evil}
	run := &runner.RunResult{Target: "http://pbx" + evil, Failed: 1, Skipped: 1, Scenarios: []*runner.ScenarioResult{failed, skipped}}
	var b strings.Builder
	require.NoError(t, WriteJUnit(&b, run))
	out := b.String()
	if i, bad := hostiletest.RawControl(out, false); bad {
		t.Errorf("the report holds a raw control at %d: %q", i, out[max(0, i-30):min(len(out), i+30)])
	}
	assert.NotContains(t, out, "\ufffd", "shown in notation, not replaced")
	assert.Contains(t, out, `a^[]52;c;cm0gLXJmIH4=^G^[]0;pwned^G^[[2J`)
	var doc struct{}
	require.NoError(t, xml.Unmarshal([]byte(out), &doc), "well-formed XML")
}
