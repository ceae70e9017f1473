package report

import (
	"encoding/json"
	"io"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/termsafe"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// The --json report: every scenario and step with its redacted exchange. It
// never holds a secret: exchanges go through StepResult.Redacted and
// apiclient.Exchange's always-redacting MarshalJSON.
type jsonScenario struct {
	Name        string        `json:"name"`
	Description string        `json:"description,omitempty"`
	Tags        []string      `json:"tags,omitempty"`
	Level       string        `json:"level"`
	Source      string        `json:"source,omitempty"`
	Pos         scenarios.Pos `json:"pos"`
	Status      runner.Status `json:"status"`
	Finding     bool          `json:"finding,omitempty"`
	Reason      string        `json:"reason,omitempty"`
	DurationMS  float64       `json:"duration_ms"`
	NotRun      int           `json:"not_run,omitempty"`
	Steps       []jsonStep    `json:"steps"`
}

type jsonStep struct {
	Index      int                 `json:"index"`
	Name       string              `json:"name"`
	Kind       scenarios.StepKind  `json:"kind"`
	Operation  string              `json:"operation,omitempty"`
	Pos        scenarios.Pos       `json:"pos"`
	Status     runner.Status       `json:"status"`
	Error      string              `json:"error,omitempty"`
	Failures   []runner.Failure    `json:"failures,omitempty"`
	Warnings   []string            `json:"warnings,omitempty"`
	Captured   []string            `json:"captured,omitempty"`
	DurationMS float64             `json:"duration_ms"`
	Exchange   *apiclient.Exchange `json:"exchange,omitempty"`
}

// Milliseconds is d in milliseconds, to the microsecond, as the JSON reports write it.
func Milliseconds(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// WriteJSON writes the run as an indented JSON report.
func WriteJSON(w io.Writer, r *runner.RunResult) error { return writeWhole(NewJSONReport(w), r) }

// JSONReport writes the --json report as results come: the target and start
// first, each scenario as it finishes, the counts and status last.
type JSONReport struct {
	w     *errWriter
	first bool
	// outcomes feed the coverage matrix written at the end.
	outcomes Outcomes
}

// NewJSONReport returns a ReportWriter of the JSON report to w.
func NewJSONReport(w io.Writer) *JSONReport { return &JSONReport{w: &errWriter{w: w}, first: true} }

// jsonText is v as indented JSON, inert on a terminal: encoding/json escapes C0
// controls only, and a PBX's C1 controls and bidi overrides (in its messages,
// in bodies embedded as JSON) would reach whoever cats the report.
func jsonText(v any, prefix string) string {
	b, err := json.MarshalIndent(v, prefix, "  ")
	if err != nil {
		return "null" // the report's own types always marshal
	}
	return termsafe.JSON(string(b))
}

// Begin writes the report's head.
func (j *JSONReport) Begin(r *runner.RunResult) error {
	j.w.WriteString("{\n  \"target\": " + jsonText(r.Target, "") + ",\n  \"started\": " + jsonText(r.Started, "") +
		",\n  \"scenarios\": [")
	return j.w.err
}

// Scenario writes one scenario with its steps and redacted exchanges.
func (j *JSONReport) Scenario(sr *runner.ScenarioResult) error {
	js := newJSONScenario(sr)
	sep := ",\n    "
	if j.first {
		sep, j.first = "\n    ", false
	}
	j.w.WriteString(sep + jsonText(js, "    "))
	_ = j.outcomes.Scenario(sr)
	return j.w.err
}

// End writes the counts, the status and the exit code, and closes the report.
func (j *JSONReport) End(r *runner.RunResult) error {
	if !j.first {
		j.w.WriteString("\n  ")
	}
	j.w.WriteString("],\n")
	for _, kv := range []struct {
		k string
		v any
	}{{"duration_ms", Milliseconds(r.Duration)}, {"status", r.Status()}, {"exit_code", r.ExitCode()}, {"passed", r.Passed},
		{"failed", r.Failed}, {"errored", r.Errored}, {"skipped", r.Skipped}, {"findings", r.Findings}, {"strict", r.Strict}} {
		j.w.WriteString("  \"" + kv.k + "\": " + jsonText(kv.v, "") + ",\n")
	}
	// The documented responses and field rules with the scenarios that check
	// them (as `run --coverage` prints it).
	j.w.WriteString("  \"coverage\": " + jsonText(Coverage(j.outcomes.List, j.outcomes.Results), "  ") + ",\n")
	j.w.WriteString("  \"interrupted\": " + jsonText(r.Interrupted, "") + "\n}\n")
	return j.w.err
}

// newJSONScenario is a scenario's result as the reports hold it (JSON and HTML).
func newJSONScenario(sr *runner.ScenarioResult) jsonScenario {
	s := sr.Scenario
	js := jsonScenario{Name: s.Name, Description: s.Description, Tags: s.Tags, Level: s.EffectiveLevel(), Source: s.Source,
		Pos: s.Pos, Status: sr.Status, Finding: sr.Finding,
		Reason: sr.Reason, DurationMS: Milliseconds(sr.Duration), NotRun: sr.NotRun, Steps: []jsonStep{}}
	for _, st := range sr.Steps {
		js.Steps = append(js.Steps, jsonStep{Index: st.Index, Name: st.Name, Kind: st.Kind, Operation: st.Operation,
			Pos: st.Pos, Status: st.Status, Error: st.Err, Failures: st.Failures, Warnings: st.Warnings,
			Captured: st.Captured(), DurationMS: Milliseconds(st.Duration), Exchange: st.Redacted()})
	}
	return js
}
