package scenarios

import (
	"encoding/json"
	"io"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
)

// jsonReport is the --json report: every scenario and step with its redacted
// exchange. It never holds a secret: exchanges go through StepResult.Redacted and
// apiclient.Exchange's always-redacting MarshalJSON.
type jsonReport struct {
	Target     string         `json:"target"`
	Started    time.Time      `json:"started"`
	DurationMS float64        `json:"duration_ms"`
	Status     Status         `json:"status"`
	ExitCode   int            `json:"exit_code"`
	Passed     int            `json:"passed"`
	Failed     int            `json:"failed"`
	Errored    int            `json:"errored"`
	Skipped    int            `json:"skipped"`
	Findings   int            `json:"findings"`
	Strict     bool           `json:"strict"`
	Scenarios  []jsonScenario `json:"scenarios"`
	// Coverage is the documented responses and field rules with the scenarios
	// that check them (as `run --coverage` prints it).
	Coverage []CoverageItem `json:"coverage"`
}

type jsonScenario struct {
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Tags        []string   `json:"tags,omitempty"`
	Level       string     `json:"level"`
	Source      string     `json:"source,omitempty"`
	Pos         Pos        `json:"pos"`
	Status      Status     `json:"status"`
	Finding     bool       `json:"finding,omitempty"`
	Reason      string     `json:"reason,omitempty"`
	DurationMS  float64    `json:"duration_ms"`
	NotRun      int        `json:"not_run,omitempty"`
	Steps       []jsonStep `json:"steps"`
}

type jsonStep struct {
	Index      int                 `json:"index"`
	Name       string              `json:"name"`
	Kind       StepKind            `json:"kind"`
	Operation  string              `json:"operation,omitempty"`
	Pos        Pos                 `json:"pos"`
	Status     Status              `json:"status"`
	Error      string              `json:"error,omitempty"`
	Failures   []Failure           `json:"failures,omitempty"`
	Warnings   []string            `json:"warnings,omitempty"`
	Captured   []string            `json:"captured,omitempty"`
	DurationMS float64             `json:"duration_ms"`
	Exchange   *apiclient.Exchange `json:"exchange,omitempty"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// WriteJSON writes the run as an indented JSON report.
func WriteJSON(w io.Writer, r *RunResult) error {
	rep := jsonReport{Target: r.Target, Started: r.Started, DurationMS: ms(r.Duration), Status: r.Status(),
		ExitCode: r.ExitCode(), Passed: r.Passed, Failed: r.Failed, Errored: r.Errored, Skipped: r.Skipped,
		Findings: r.Findings, Strict: r.Strict, Scenarios: []jsonScenario{}}
	for _, sr := range r.Scenarios {
		s := sr.Scenario
		js := jsonScenario{Name: s.Name, Description: s.Description, Tags: s.Tags, Level: s.EffectiveLevel(), Source: s.Source,
			Pos: s.Pos, Status: sr.Status, Finding: sr.Finding,
			Reason: sr.Reason, DurationMS: ms(sr.Duration), NotRun: sr.NotRun, Steps: []jsonStep{}}
		for _, st := range sr.Steps {
			js.Steps = append(js.Steps, jsonStep{Index: st.Index, Name: st.Name, Kind: st.Kind, Operation: st.Operation,
				Pos: st.Pos, Status: st.Status, Error: st.Err, Failures: st.Failures, Warnings: st.Warnings,
				Captured: st.Captured(), DurationMS: ms(st.Duration), Exchange: st.Redacted()})
		}
		rep.Scenarios = append(rep.Scenarios, js)
	}
	list := make([]*Scenario, len(r.Scenarios))
	for i, sr := range r.Scenarios {
		list[i] = sr.Scenario
	}
	rep.Coverage = Coverage(list, r.Scenarios)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
