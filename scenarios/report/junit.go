package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/pbxauth/pbxauth/internal/termsafe"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// JUnit XML, in the shape Jenkins, GitLab and GitHub's test reporters read: one
// testsuite, one testcase per scenario, <failure> for assertion and spec failures,
// <error> for unreachable targets and timeouts, <skipped> with the reason.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Hostname  string      `xml:"hostname,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	XMLName   xml.Name      `xml:"testcase"`
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

func strictFindings(r *runner.RunResult) int {
	if r.Strict {
		return r.Findings
	}
	return 0
}

// WriteJUnit writes the run as JUnit XML. Messages hold no secrets (see Failure).
func WriteJUnit(w io.Writer, r *runner.RunResult) error { return writeWhole(NewJUnitReport(w), r) }

// JUnitReport writes JUnit XML as results come. The counts are attributes of
// the opening tags, known only at the end, so each testcase waits in a spool
// file until then, not in memory.
type JUnitReport struct {
	w      io.Writer
	spool  *os.File
	strict bool
	err    error
}

// NewJUnitReport returns a ReportWriter of JUnit XML to w.
func NewJUnitReport(w io.Writer) *JUnitReport { return &JUnitReport{w: w} }

// Begin opens the spool.
func (j *JUnitReport) Begin(r *runner.RunResult) error {
	j.strict = r.Strict
	j.spool, j.err = os.CreateTemp("", "pbxauth-junit-*.xml")
	if j.err == nil {
		_ = os.Remove(j.spool.Name()) // unlinked: gone with the process, whatever happens
	}
	return j.err
}

// Scenario spools one testcase.
func (j *JUnitReport) Scenario(sr *runner.ScenarioResult) error {
	if j.err != nil {
		return j.err
	}
	enc := xml.NewEncoder(j.spool)
	enc.Indent("    ", "  ")
	if j.err = enc.Encode(junitTestcase(sr, j.strict)); j.err == nil {
		_, j.err = io.WriteString(j.spool, "\n")
	}
	return j.err
}

// End writes the document: the suite's counts, then the spooled testcases.
func (j *JUnitReport) End(r *runner.RunResult) error {
	if j.err != nil {
		return j.err
	}
	defer j.spool.Close()
	suite := junitSuite{
		Name: "pbxauth conformance (" + termsafe.Line(r.Target) + ")", Tests: r.Passed + r.Failed + r.Findings + r.Errored + r.Skipped,
		Failures: r.Failed + strictFindings(r), Errors: r.Errored, Skipped: r.Skipped,
		Time: seconds(r.Duration.Seconds()), Timestamp: r.Started.UTC().Format("2006-01-02T15:04:05"),
	}
	doc := junitSuites{Name: "pbxauth", Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors,
		Skipped: suite.Skipped, Time: suite.Time, Suites: []junitSuite{suite}}
	// Encoded with no testcase, the document is split at the suite's closing tag
	// and the spool goes in between.
	var head strings.Builder
	enc := xml.NewEncoder(&head)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	text := head.String()
	cut := strings.LastIndex(text, "</testsuite>")
	open := strings.TrimSuffix(text[:cut], "\n")
	if !strings.HasSuffix(open, ">") || strings.HasSuffix(open, "/>") {
		return fmt.Errorf("scenarios: junit: unexpected encoding %q", open)
	}
	w := &errWriter{w: j.w}
	w.WriteString(xml.Header + open + "\n")
	if _, err := j.spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.Copy(w, j.spool); err != nil {
		return err
	}
	w.WriteString("  " + text[cut:] + "\n")
	return w.err
}

func junitTestcase(sr *runner.ScenarioResult, strict bool) junitCase {
	s := sr.Scenario
	c := junitCase{Name: s.Name, Classname: classname(s), File: strings.TrimPrefix(s.Pos.File, scenarios.BuiltinPrefix), Line: s.Pos.Line, Time: seconds(sr.Duration.Seconds())}
	var out strings.Builder
	for _, st := range sr.Steps {
		fmt.Fprintf(&out, "%-5s %s (%s, %s)\n", st.Status, st.Name, st.Pos, RoundDuration(st.Duration))
		for _, w := range st.Warnings {
			fmt.Fprintf(&out, "      warning: %s\n", w)
		}
	}
	c.SystemOut = out.String()
	switch sr.Status {
	case runner.StatusSkipped:
		c.Skipped = &junitSkipped{Message: sr.Reason}
	case runner.StatusFailed:
		if !sr.FailsRun(strict) {
			// A finding: CI should see it without the build going red.
			c.SystemOut = "FINDING (recommended level, " + sr.Scenario.Source + "): " + problem(sr, "finding").Message + "\n" + c.SystemOut
			break
		}
		c.Failure = problem(sr, "assertion")
	case runner.StatusError:
		c.Error = problem(sr, "unreachable")
	}
	c.inert()
	return c
}

// inert makes what a PBX or a scenario file put in a testcase inert, as the
// terminal report shows it: XML escaping alone turns ESC into U+FFFD, losing
// what it was, and lets C1 controls and bidi overrides through (legal XML),
// which act when someone cats the report in a CI log or reorder it on a CI page.
func (c *junitCase) inert() {
	c.Name, c.Classname, c.File = termsafe.Line(c.Name), termsafe.Line(c.Classname), termsafe.Line(c.File)
	c.SystemOut = termsafe.Text(c.SystemOut)
	for _, p := range []*junitProblem{c.Failure, c.Error} {
		if p != nil {
			p.Message, p.Text = termsafe.Line(p.Message), termsafe.Text(p.Text)
		}
	}
	if c.Skipped != nil {
		c.Skipped.Message = termsafe.Line(c.Skipped.Message)
	}
}

// classname groups scenarios by file, the way CI tools group test classes.
func classname(s *scenarios.Scenario) string {
	f := s.Pos.File
	prefix := ""
	if rest, ok := strings.CutPrefix(f, scenarios.BuiltinPrefix); ok {
		f, prefix = rest, "builtin."
	}
	base := strings.TrimSuffix(strings.TrimSuffix(path.Base(strings.ReplaceAll(f, "\\", "/")), ".yaml"), ".yml")
	return "pbxauth." + prefix + base
}

func problem(sr *runner.ScenarioResult, kind string) *junitProblem {
	st := sr.FailedStep()
	if st == nil {
		return &junitProblem{Message: sr.Reason, Type: kind, Text: sr.Reason}
	}
	if st.Status == runner.StatusFailed && st.Err == "" && len(st.Failures) > 0 && st.Failures[0].Check == "spec" {
		kind = "spec"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "step %d %q at %s\n", st.Index+1, st.Name, st.Pos)
	if st.Err != "" {
		fmt.Fprintf(&b, "%s\n", st.Err)
	}
	for _, f := range st.Failures {
		fmt.Fprintf(&b, "%s (%s)\n  expected: %s\n  actual:   %s\n", f.Check, f.Pos, f.Expected, f.Actual)
	}
	return &junitProblem{Message: fmt.Sprintf("step %q: %s", st.Name, st.Message()), Type: kind, Text: b.String()}
}

func seconds(s float64) string { return fmt.Sprintf("%.3f", s) }
