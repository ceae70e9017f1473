package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/internal/termsafe"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// TextReporter writes a plain-text live summary: one block per scenario as it
// finishes (so parallel runs don't interleave), then the totals. Use its Event
// method as the run's event callback.
type TextReporter struct {
	w io.Writer
	// Verbose lists every step, not only the failing one.
	Verbose bool
}

// NewTextReporter writes to w.
func NewTextReporter(w io.Writer, verbose bool) *TextReporter {
	return &TextReporter{w: w, Verbose: verbose}
}

// Event handles one run event.
func (t *TextReporter) Event(e runner.Event) {
	switch e.Kind {
	case runner.RunStarted:
		fmt.Fprintf(t.w, "Running %d scenario(s) against %s\n\n", e.Total, safe(e.Run.Target))
	case runner.ScenarioFinished:
		t.scenario(e.Result)
	case runner.RunFinished:
		t.summary(e.Run)
	}
}

// safe makes one field inert: names come from scenario files, failure text and
// actual values from the server, and the report usually goes to a terminal.
func safe(s string) string { return termsafe.Line(s) }

func (t *TextReporter) scenario(r *runner.ScenarioResult) {
	s := r.Scenario
	label := map[runner.Status]string{runner.StatusPassed: "PASS ", runner.StatusFailed: "FAIL ", runner.StatusError: "ERROR", runner.StatusSkipped: "SKIP "}[r.Status]
	if r.Finding {
		label = "FINDING"
	}
	switch r.Status {
	case runner.StatusSkipped:
		fmt.Fprintf(t.w, "%s %s: %s\n", label, safe(s.Name), safe(r.Reason))
		return
	case runner.StatusPassed:
		fmt.Fprintf(t.w, "%s %s (%s, %s)\n", label, safe(s.Name), plural(len(r.Steps), "step"), RoundDuration(r.Duration))
	default:
		fmt.Fprintf(t.w, "%s %s (%s)\n", label, safe(s.Name), safe(s.Pos.String()))
		if s.Source != "" {
			fmt.Fprintf(t.w, "      level %s, source: %s\n", s.EffectiveLevel(), safe(s.Source))
		}
	}
	for _, st := range r.Steps {
		failing := st.Status == runner.StatusFailed || st.Status == runner.StatusError
		if !failing && !t.Verbose {
			continue
		}
		fmt.Fprintf(t.w, "      %s step %d %q (%s)\n", st.Status, st.Index+1, st.Name, safe(st.Pos.String())) // %q escapes what a name holds
		if st.Err != "" {
			fmt.Fprintf(t.w, "        %s\n", safe(st.Err))
		}
		for _, f := range st.Failures {
			fmt.Fprintf(t.w, "        %s\n", safe(f.Check))
			if f.Expected != "" || f.Actual != "" {
				fmt.Fprintf(t.w, "          expected: %s\n          actual:   %s\n", safe(f.Expected), safe(f.Actual))
			}
		}
		if failing || t.Verbose {
			for _, w := range st.Warnings {
				fmt.Fprintf(t.w, "        warning: %s\n", safe(w))
			}
		}
	}
	if r.Reason != "" && r.Status != runner.StatusPassed {
		fmt.Fprintf(t.w, "      %s\n", safe(r.Reason))
	}
	if r.NotRun > 0 {
		fmt.Fprintf(t.w, "      (%s not run)\n", plural(r.NotRun, "later step"))
	}
}

func (t *TextReporter) summary(r *runner.RunResult) {
	var parts []string
	parts = append(parts, fmt.Sprintf("%d passed", r.Passed))
	if r.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", r.Failed))
	}
	if r.Findings > 0 {
		f := fmt.Sprintf("%d finding(s) (recommended practice not followed", r.Findings)
		if r.Strict {
			f += "; --strict: they fail the run"
		}
		parts = append(parts, f+")")
	}
	if r.Errored > 0 {
		parts = append(parts, fmt.Sprintf("%d errored (target unreachable or timed out)", r.Errored))
	}
	if r.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", r.Skipped))
	}
	fmt.Fprintf(t.w, "\n%s in %s\n", strings.Join(parts, ", "), RoundDuration(r.Duration))
}

// RoundDuration rounds a duration for display, to a precision that suits its size.
func RoundDuration(d time.Duration) time.Duration {
	switch {
	case d > time.Second:
		return d.Round(10 * time.Millisecond)
	case d > time.Millisecond:
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
