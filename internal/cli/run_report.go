package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/report"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// runAndReport runs the scenarios with reports written as results come (the
// runner keeps none, so thousands of scenarios take constant memory) and turns the
// outcome into the exit code. The report files are created first, so one that
// cannot be written stops the run before anything is sent.
func runAndReport(ctx context.Context, s *streams, f *runFlags, rn *runner.Runner, list []*scenarios.Scenario) error {
	reports, err := openReports(f)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	rep := report.NewTextReporter(s.out, f.verbose)
	res := rn.Run(ctx, list, func(e runner.Event) {
		if e.Kind == runner.RunStarted && e.Run != nil {
			for _, n := range e.Run.Notes {
				fmt.Fprintln(s.err, "pbxauth: note: "+n)
			}
		}
		rep.Event(e)
		reports.stream.Event(e)
	})
	if f.coverage {
		if err := report.WriteCoverage(s.out, report.Coverage(reports.outcomes.List, reports.outcomes.Results), true); err != nil {
			return err
		}
	}
	if err := reports.close(); err != nil {
		return withCode(ExitUsage, err)
	}
	switch code := res.ExitCode(); {
	case code == ExitOK:
		return nil
	case res.Interrupted:
		return withCode(code, errors.New("run interrupted"))
	case code == ExitNetwork:
		return withCode(code, fmt.Errorf("%d scenario(s) could not reach %s or timed out", res.Errored, res.Target))
	default:
		if res.Failed == 0 {
			return withCode(code, fmt.Errorf("%d finding(s) with --strict", res.Findings))
		}
		return withCode(code, fmt.Errorf("%d scenario(s) failed", res.Failed))
	}
}

// reportFiles are the --junit, --json and --html reports of a run, streamed.
type reportFiles struct {
	stream *report.ReportStream
	files  []*pendingReport
	// outcomes keep each scenario's status for --coverage.
	outcomes report.Outcomes
}

func openReports(f *runFlags) (*reportFiles, error) {
	rf := &reportFiles{}
	writers := []report.ReportWriter{&rf.outcomes}
	for _, r := range []struct {
		path string
		new  func(io.Writer) report.ReportWriter
	}{
		{f.junit, func(w io.Writer) report.ReportWriter { return report.NewJUnitReport(w) }},
		{f.json, func(w io.Writer) report.ReportWriter { return report.NewJSONReport(w) }},
		{f.html, func(w io.Writer) report.ReportWriter { return report.NewHTMLReport(w) }},
	} {
		if r.path == "" {
			continue
		}
		file, err := newPendingReport(r.path)
		if err != nil {
			rf.finish(false)
			return nil, err
		}
		rf.files = append(rf.files, file)
		writers = append(writers, r.new(file.tmp))
	}
	rf.stream = report.NewReportStream(writers...)
	return rf, nil
}

// finish puts every report in place when the stream wrote them whole (keep), or
// throws the temporary files away, leaving any older report untouched.
func (rf *reportFiles) finish(keep bool) error {
	var first error
	for _, file := range rf.files {
		if err := file.finish(keep); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// close says whether every report was written whole; only then do they replace
// what was at their paths.
func (rf *reportFiles) close() error {
	if serr := rf.stream.Err(); serr != nil {
		_ = rf.finish(false)
		return fmt.Errorf("report: %w", serr)
	}
	return rf.finish(true)
}
