// Package report writes a run's results as text, JSON, JUnit XML, a standalone
// HTML page and the coverage matrix, as the results come (ReportStream) or whole.
package report

import (
	"io"

	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// ReportWriter writes a report as a run goes: Begin once, Scenario for each
// result in the run's order, End once with the counts. A writer holds on to no
// result after Scenario returns, so reports of any length take constant memory.
type ReportWriter interface {
	Begin(run *runner.RunResult) error
	Scenario(sr *runner.ScenarioResult) error
	End(run *runner.RunResult) error
}

// writeWhole runs a ReportWriter over a finished run.
func writeWhole(w ReportWriter, r *runner.RunResult) error {
	if err := w.Begin(r); err != nil {
		return err
	}
	for _, sr := range r.Scenarios {
		if err := w.Scenario(sr); err != nil {
			return err
		}
	}
	return w.End(r)
}

// ReportStream feeds a run's events to report writers, results in the run's
// order: with Parallel > 1 scenarios finish out of order, so a result waits
// until those before it are written (the wait holds a few results, not the run).
type ReportStream struct {
	writers []ReportWriter
	next    int
	waiting map[int]*runner.ScenarioResult
	err     error
}

// NewReportStream returns a stream to the writers; give its Event to Runner.Run.
func NewReportStream(writers ...ReportWriter) *ReportStream {
	return &ReportStream{writers: writers, waiting: map[int]*runner.ScenarioResult{}}
}

// Event handles one run event (calls are serialised by the runner).
func (s *ReportStream) Event(e runner.Event) {
	switch e.Kind {
	case runner.RunStarted:
		s.each(func(w ReportWriter) error { return w.Begin(e.Run) })
	case runner.ScenarioFinished:
		s.waiting[e.Index] = e.Result
		for {
			sr, ok := s.waiting[s.next]
			if !ok {
				break
			}
			delete(s.waiting, s.next)
			s.next++
			s.each(func(w ReportWriter) error { return w.Scenario(sr) })
		}
	case runner.RunFinished:
		s.each(func(w ReportWriter) error { return w.End(e.Run) })
	}
}

func (s *ReportStream) each(fn func(ReportWriter) error) {
	for _, w := range s.writers {
		if err := fn(w); err != nil && s.err == nil {
			s.err = err
		}
	}
}

// Err is the first error a writer returned.
func (s *ReportStream) Err() error { return s.err }

// errWriter remembers the first write error, so a writer can check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

func (e *errWriter) WriteString(s string) { _, _ = io.WriteString(e, s) }

// Outcomes records each scenario and its status only (a few words each, not
// its steps and exchanges), for what needs every outcome at the end, like the
// coverage matrix.
type Outcomes struct {
	List    []*scenarios.Scenario
	Results []*runner.ScenarioResult
}

func (o *Outcomes) Begin(*runner.RunResult) error { return nil }

func (o *Outcomes) Scenario(sr *runner.ScenarioResult) error {
	o.List = append(o.List, sr.Scenario)
	o.Results = append(o.Results, &runner.ScenarioResult{Scenario: sr.Scenario, Status: sr.Status})
	return nil
}

func (o *Outcomes) End(*runner.RunResult) error { return nil }
