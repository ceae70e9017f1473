package runner

import (
	"fmt"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/scenarios"
)

// Status is the outcome of a step, a scenario or a run.
type Status int

// Outcomes, from best to worst. Error means the target could not be reached or a
// step timed out: the scenario says nothing about the PBX's behaviour.
const (
	StatusPassed Status = iota
	StatusSkipped
	StatusFailed
	StatusError
)

func (s Status) String() string {
	switch s {
	case StatusPassed:
		return "pass"
	case StatusSkipped:
		return "skip"
	case StatusFailed:
		return "fail"
	case StatusError:
		return "error"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// MarshalText writes the status as its name in JSON reports.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Failure is one unmet expectation of a step. Values are shown as JSON and never
// hold secrets: secret fields and known secret values read [REDACTED].
type Failure struct {
	// Check says what was checked, e.g. "status", "body errors.0.code equals".
	Check    string `json:"check"`
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
	// Pos is where the expectation is written, when it is written somewhere.
	Pos scenarios.Pos `json:"pos"`
}

func (f Failure) String() string {
	s := f.Check
	if f.Expected != "" || f.Actual != "" {
		s += fmt.Sprintf(": expected %s, got %s", f.Expected, f.Actual)
	}
	return s
}

// StepResult is one executed step. Steps of included flows appear in place, their
// names prefixed with the flow's.
type StepResult struct {
	// Index is the step's position among the scenario's executed steps.
	Index     int                `json:"index"`
	Name      string             `json:"name"`
	Kind      scenarios.StepKind `json:"kind"`
	Operation string             `json:"operation,omitempty"`
	Pos       scenarios.Pos      `json:"pos"`
	Status    Status             `json:"status"`
	Failures  []Failure          `json:"failures,omitempty"`
	// Warnings are spec violations that do not fail the step (request side, or
	// response side with SpecWarn) and other notes.
	Warnings []string `json:"warnings,omitempty"`
	// Err is why the step could not complete (network, timeout, missing variable).
	Err      string        `json:"error,omitempty"`
	Duration time.Duration `json:"duration_ns"`
	// Exchange is the HTTP exchange with real values, for an inspector that can
	// reveal them; reports use Redacted.
	Exchange   *apiclient.Exchange `json:"-"`
	Violations []spec.Violation    `json:"violations,omitempty"`

	secrets  *redactor
	captured map[string]any
}

// Redacted is the step's exchange with every secret hidden: fields and headers that
// hold secrets, plus any value the scenario knows to be secret (passwords, captured
// tokens and codes) wherever it appears. Nil when the step sent nothing.
func (r *StepResult) Redacted() *apiclient.Exchange {
	if r.Exchange == nil {
		return nil
	}
	ex := r.Exchange.Redact()
	if r.secrets != nil {
		ex.URL = r.secrets.scrub(ex.URL)
		ex.RequestBody = []byte(r.secrets.scrub(string(ex.RequestBody)))
		ex.ResponseBody = []byte(r.secrets.scrub(string(ex.ResponseBody)))
		ex.Err = r.secrets.scrub(ex.Err)
		for _, h := range []map[string][]string{ex.RequestHeader, ex.ResponseHeader} {
			for k, vs := range h {
				for i, v := range vs {
					h[k][i] = r.secrets.scrub(v)
				}
			}
		}
	}
	return ex
}

// Message is a one-line summary of why the step did not pass.
func (r *StepResult) Message() string {
	switch {
	case r.Err != "":
		return r.Err
	case len(r.Failures) > 0:
		s := r.Failures[0].String()
		if n := len(r.Failures) - 1; n > 0 {
			s += fmt.Sprintf(" (and %d more)", n)
		}
		return s
	}
	return ""
}

// ScenarioResult is the outcome of one scenario.
type ScenarioResult struct {
	Scenario *scenarios.Scenario `json:"-"`
	Status   Status              `json:"status"`
	// Reason says why a scenario was skipped or could not run.
	Reason   string        `json:"reason,omitempty"`
	Steps    []*StepResult `json:"steps"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration_ns"`
	// NotRun counts the steps left after the first failing one.
	NotRun int `json:"not_run,omitempty"`
	// Finding marks a failed recommended-level scenario: sound practice the target
	// does not follow. It fails the run only in strict mode.
	Finding bool `json:"finding,omitempty"`
}

// FailsRun reports whether this outcome makes the run fail.
func (r *ScenarioResult) FailsRun(strict bool) bool {
	switch r.Status {
	case StatusFailed:
		return !r.Finding || strict
	case StatusError:
		return true
	}
	return false
}

// FailedStep is the first step that did not pass, or nil.
func (r *ScenarioResult) FailedStep() *StepResult {
	for _, s := range r.Steps {
		if s.Status == StatusFailed || s.Status == StatusError {
			return s
		}
	}
	return nil
}

// RunResult is the outcome of a run, scenarios in the order given.
type RunResult struct {
	Scenarios []*ScenarioResult `json:"scenarios"`
	Started   time.Time         `json:"started"`
	Duration  time.Duration     `json:"duration_ns"`
	Target    string            `json:"target"`
	Passed    int               `json:"passed"`
	Failed    int               `json:"failed"`
	Errored   int               `json:"errored"`
	Skipped   int               `json:"skipped"`
	// Findings counts failed recommended-level scenarios (not in Failed).
	Findings int `json:"findings"`
	// Strict makes findings fail the run.
	Strict bool `json:"strict,omitempty"`
	// Interrupted is true when the run's context ended it early.
	Interrupted bool `json:"interrupted,omitempty"`
	// Notes say how the runner adapted the run to its target (a standalone mock
	// is reset before each scenario and runs them one at a time). They are set
	// when RunStarted is emitted, so a front end can show them before any result.
	Notes []string `json:"notes,omitempty"`
}

// Status is the run's worst scenario outcome (error beats fail: when the target
// can't be reached, failures may be its consequences). Findings count only in
// strict mode.
func (r *RunResult) Status() Status {
	worst := StatusPassed
	for _, s := range r.Scenarios {
		if s != nil && s.Status > worst && s.Status != StatusSkipped && (s.Status != StatusFailed || s.FailsRun(r.Strict)) {
			worst = s.Status
		}
	}
	// A run that dropped its results (Options.DropResults) still has the counts.
	switch {
	case r.Errored > 0:
		worst = StatusError
	case (r.Failed > 0 || (r.Strict && r.Findings > 0)) && worst < StatusFailed:
		worst = StatusFailed
	}
	return worst
}

// count adds one finished scenario to the tallies.
func (r *RunResult) count(sr *ScenarioResult) {
	switch sr.Status {
	case StatusPassed:
		r.Passed++
	case StatusFailed:
		if sr.Finding {
			r.Findings++
		} else {
			r.Failed++
		}
	case StatusError:
		r.Errored++
	case StatusSkipped:
		r.Skipped++
	}
}

// ExitCode maps the run to pbxauth's exit codes: 0 all passed (or skipped), 1 an
// assertion or spec check failed (or the run was interrupted), 3 the target could
// not be reached or timed out.
func (r *RunResult) ExitCode() int {
	if r.Interrupted && r.Status() == StatusPassed {
		return 1 // not everything ran, so not everything passed
	}
	switch r.Status() {
	case StatusFailed:
		return 1
	case StatusError:
		return 3
	}
	return 0
}

// EventKind says what happened.
type EventKind int

// Events, in the order a run emits them.
const (
	RunStarted EventKind = iota
	ScenarioStarted
	StepFinished
	ScenarioFinished
	RunFinished
)

func (k EventKind) String() string {
	return [...]string{"run started", "scenario started", "step finished", "scenario finished", "run finished"}[k]
}

// Event is one moment of a run. Scenario is set on every event but RunStarted and
// RunFinished; Step on StepFinished; Result on ScenarioFinished; Run on RunFinished
// (and, with only Target and Started filled, on RunStarted). A skipped scenario gets
// ScenarioFinished without ScenarioStarted. With Parallel > 1, events of different
// scenarios interleave; Index tells them apart.
type Event struct {
	Kind EventKind
	// Index is the scenario's position in the run's list.
	Index    int
	Total    int
	Scenario *scenarios.Scenario
	Step     *StepResult
	Result   *ScenarioResult
	Run      *RunResult
}
