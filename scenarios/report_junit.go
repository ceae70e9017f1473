package scenarios

import (
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
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

func strictFindings(r *RunResult) int {
	if r.Strict {
		return r.Findings
	}
	return 0
}

// WriteJUnit writes the run as JUnit XML. Messages hold no secrets (see Failure).
func WriteJUnit(w io.Writer, r *RunResult) error {
	suite := junitSuite{
		Name: "pbxauth conformance (" + r.Target + ")", Tests: len(r.Scenarios),
		Failures: r.Failed + strictFindings(r), Errors: r.Errored, Skipped: r.Skipped,
		Time: seconds(r.Duration.Seconds()), Timestamp: r.Started.UTC().Format("2006-01-02T15:04:05"),
	}
	for _, sr := range r.Scenarios {
		s := sr.Scenario
		c := junitCase{Name: s.Name, Classname: classname(s), File: strings.TrimPrefix(s.Pos.File, BuiltinPrefix), Line: s.Pos.Line, Time: seconds(sr.Duration.Seconds())}
		var out strings.Builder
		for _, st := range sr.Steps {
			fmt.Fprintf(&out, "%-5s %s (%s, %s)\n", st.Status, st.Name, st.Pos, round(st.Duration))
			for _, w := range st.Warnings {
				fmt.Fprintf(&out, "      warning: %s\n", w)
			}
		}
		c.SystemOut = out.String()
		switch sr.Status {
		case StatusSkipped:
			c.Skipped = &junitSkipped{Message: sr.Reason}
		case StatusFailed:
			if !sr.failsRun(r.Strict) {
				// A finding: CI should see it without the build going red.
				c.SystemOut = "FINDING (recommended level, " + sr.Scenario.Source + "): " + problem(sr, "finding").Message + "\n" + c.SystemOut
				break
			}
			c.Failure = problem(sr, "assertion")
		case StatusError:
			c.Error = problem(sr, "unreachable")
		}
		suite.Cases = append(suite.Cases, c)
	}
	doc := junitSuites{Name: "pbxauth", Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors,
		Skipped: suite.Skipped, Time: suite.Time, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// classname groups scenarios by file, the way CI tools group test classes.
func classname(s *Scenario) string {
	f := s.Pos.File
	prefix := ""
	if rest, ok := strings.CutPrefix(f, BuiltinPrefix); ok {
		f, prefix = rest, "builtin."
	}
	base := strings.TrimSuffix(strings.TrimSuffix(path.Base(strings.ReplaceAll(f, "\\", "/")), ".yaml"), ".yml")
	return "pbxauth." + prefix + base
}

func problem(sr *ScenarioResult, kind string) *junitProblem {
	st := sr.FailedStep()
	if st == nil {
		return &junitProblem{Message: sr.Reason, Type: kind, Text: sr.Reason}
	}
	if st.Status == StatusFailed && st.Err == "" && len(st.Failures) > 0 && st.Failures[0].Check == "spec" {
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
