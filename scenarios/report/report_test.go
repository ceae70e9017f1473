package report

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// sampleRun is one scenario of each outcome, as the runner would report them.
func sampleRun() *runner.RunResult {
	sc := func(name string) *scenarios.Scenario {
		return &scenarios.Scenario{Name: name, Tags: []string{"readonly"}, Pos: scenarios.Pos{File: scenarios.BuiltinPrefix + "signin.yaml", Line: 3}}
	}
	failing := &runner.StepResult{Index: 1, Name: "who am I", Kind: scenarios.KindCall, Operation: "getUserAuthInfo", Pos: scenarios.Pos{File: "builtin:signin.yaml", Line: 12}, Status: runner.StatusFailed,
		Failures: []runner.Failure{{Check: "status", Expected: "200", Actual: "401 UNAUTHORIZED: bad token", Pos: scenarios.Pos{File: "builtin:signin.yaml", Line: 12}}}}
	return &runner.RunResult{
		Target: "in-process mock", Started: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC), Duration: 12 * time.Millisecond,
		Passed: 1, Failed: 1, Errored: 1, Skipped: 1,
		Scenarios: []*runner.ScenarioResult{
			{Scenario: sc("passes"), Status: runner.StatusPassed, Steps: []*runner.StepResult{{Name: "sign in", Status: runner.StatusPassed}}},
			{Scenario: sc("fails"), Status: runner.StatusFailed, NotRun: 2, Steps: []*runner.StepResult{{Name: "sign in", Status: runner.StatusPassed}, failing}},
			{Scenario: sc("errors"), Status: runner.StatusError, Steps: []*runner.StepResult{{Name: "read the metadata", Status: runner.StatusError, Err: "timed out after 10s"}}},
			{Scenario: sc("skips"), Status: runner.StatusSkipped, Reason: "needs the mock PBX"},
		},
	}
}

func TestWriteJUnit_oneTestcasePerScenario(t *testing.T) {
	var b strings.Builder
	require.NoError(t, WriteJUnit(&b, sampleRun()))
	var doc struct {
		Tests, Failures, Errors, Skipped int `xml:",attr"`
		Suite                            struct {
			Cases []struct {
				Name      string `xml:"name,attr"`
				Classname string `xml:"classname,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
				Error *struct {
					Message string `xml:"message,attr"`
				} `xml:"error"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal([]byte(b.String()), &doc), b.String())
	cases := doc.Suite.Cases
	require.Len(t, cases, 4)
	assert.Equal(t, "pbxauth.builtin.signin", cases[0].Classname)
	assert.Nil(t, cases[0].Failure)
	require.NotNil(t, cases[1].Failure)
	assert.Equal(t, `step "who am I": status: expected 200, got 401 UNAUTHORIZED: bad token`, cases[1].Failure.Message)
	assert.Contains(t, cases[1].Failure.Text, "expected: 200")
	assert.Contains(t, cases[1].Failure.Text, "actual:   401 UNAUTHORIZED")
	require.NotNil(t, cases[2].Error)
	assert.Contains(t, cases[2].Error.Message, "timed out after 10s")
	require.NotNil(t, cases[3].Skipped)
	assert.Equal(t, "needs the mock PBX", cases[3].Skipped.Message)
}

func TestTextReporter_showsFailingStepWithExpectedAndActual(t *testing.T) {
	var b strings.Builder
	rep := NewTextReporter(&b, false)
	run := sampleRun()
	rep.Event(runner.Event{Kind: runner.RunStarted, Total: 4, Run: &runner.RunResult{Target: run.Target}})
	for _, sr := range run.Scenarios {
		rep.Event(runner.Event{Kind: runner.ScenarioFinished, Result: sr})
	}
	rep.Event(runner.Event{Kind: runner.RunFinished, Run: run})
	out := b.String()
	for _, want := range []string{
		"PASS  passes (1 step,",
		"FAIL  fails (builtin:signin.yaml:3)",
		`fail step 2 "who am I" (builtin:signin.yaml:12)`,
		"expected: 200",
		"actual:   401 UNAUTHORIZED: bad token",
		"(2 later steps not run)",
		"ERROR errors",
		"timed out after 10s",
		"SKIP  skips: needs the mock PBX",
		"1 passed, 1 failed, 1 errored (target unreachable or timed out), 1 skipped",
	} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, `step 1 "sign in"`, "passing steps are listed only with -v")
}

func TestWriteJSON_everyStepWithItsOutcome(t *testing.T) {
	var b strings.Builder
	require.NoError(t, WriteJSON(&b, sampleRun()))
	var doc struct {
		ExitCode  int `json:"exit_code"`
		Scenarios []struct {
			Status string `json:"status"`
			Steps  []struct {
				Status   string           `json:"status"`
				Failures []runner.Failure `json:"failures"`
			} `json:"steps"`
		} `json:"scenarios"`
	}
	require.NoError(t, json.Unmarshal([]byte(b.String()), &doc))
	assert.Equal(t, 3, doc.ExitCode)
	require.Len(t, doc.Scenarios, 4)
	assert.Equal(t, "fail", doc.Scenarios[1].Status)
	assert.Equal(t, "401 UNAUTHORIZED: bad token", doc.Scenarios[1].Steps[1].Failures[0].Actual)
}
