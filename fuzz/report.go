package fuzz

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pbxauth/pbxauth/internal/termsafe"
)

// TextReporter prints a run as it goes: the seed first, each failure when found
// (already shrunk), then a per-operation table and the summary.
type TextReporter struct {
	W       io.Writer
	Verbose bool
}

// Event prints one event.
func (t *TextReporter) Event(e Event) {
	switch e.Kind {
	case EventStarted:
		r := e.Result
		fmt.Fprintf(t.W, "pbxauth fuzz: seed %d (replay with --seed %d), target %s%s, mode %s\n",
			r.Seed, r.Seed, r.Target, map[bool]string{true: " (pbxauth's mock)"}[r.Mock], r.Mode)
		for _, n := range r.Notes {
			fmt.Fprintf(t.W, "note: %s\n", n)
		}
	case EventFound:
		fd := e.Found
		word := "FAIL"
		if fd.Finding() {
			word = "FINDING"
		}
		fmt.Fprintf(t.W, "%s [%s] %s on %s: %s\n", word, fd.Failure.Level, fd.Failure.Check, fd.Failure.Op, safeText(fd.Failure.Message, 300))
		fmt.Fprintf(t.W, "    shrunk from %d to %d step(s) in %d re-run(s)\n", fd.StepsBefore, fd.StepsAfter, fd.ShrinkRuns)
		if t.Verbose {
			for _, s := range fd.Steps {
				if s.Exchange != nil {
					for _, line := range strings.Split(strings.TrimRight(s.Exchange.Dump(false), "\n"), "\n") {
						fmt.Fprintf(t.W, "    %s\n", safeText(line, 200))
					}
				}
			}
		}
	}
}

// Summary prints the table and the totals after a run (and where failures were saved).
func (t *TextReporter) Summary(r *Result) error {
	for _, fd := range r.Found {
		if fd.Saved != "" {
			fmt.Fprintf(t.W, "saved %s\n", fd.Saved)
		}
	}
	if len(r.Notes) > 0 && r.Unreached {
		fmt.Fprintf(t.W, "note: %s\n", r.Notes[len(r.Notes)-1])
	}
	tw := tabwriter.NewWriter(t.W, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "OPERATION\tEXAMPLES\tREQUESTS\tFAILURES\tFINDINGS\t")
	for _, o := range r.Ops {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t\n", o.Operation, o.Examples, o.Requests, o.Failures, o.Findings)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(t.W, "%d examples, %d requests in %s: %d failure(s), %d finding(s), %d without answer, %d cut short (seed %d)\n",
		r.Examples, r.Requests, r.Duration.Round(100*time.Millisecond), r.Failed(), r.Findings(), r.Errors, r.Stopped, r.Seed)
	return err
}

// jsonFound is a failure in the JSON report, with its redacted exchanges.
type jsonFound struct {
	*Found
	Kind      Kind       `json:"kind"`
	Case      string     `json:"case"`
	Exchanges []jsonStep `json:"exchanges"`
}

type jsonStep struct {
	Step     int    `json:"step"`
	Why      string `json:"why,omitempty"`
	Request  string `json:"request"`
	Status   int    `json:"status,omitempty"`
	Response string `json:"response,omitempty"`
	Error    string `json:"error,omitempty"`
}

// WriteJSON writes the run as JSON: counts per operation and each failure with its
// shrunk, redacted exchanges.
func WriteJSON(w io.Writer, r *Result) error {
	out := struct {
		*Result
		Failed   int          `json:"failed"`
		Findings int          `json:"findings"`
		Found    []jsonFound  `json:"failures"`
		Checks   []checkLevel `json:"checks"`
	}{Result: r, Failed: r.Failed(), Findings: r.Findings(), Found: []jsonFound{}, Checks: checkList()}
	for _, fd := range r.Found {
		jf := jsonFound{Found: fd}
		if fd.Case != nil {
			jf.Kind, jf.Case = fd.Case.Kind, fd.Case.Name
		}
		for _, s := range fd.Steps {
			js := jsonStep{Step: s.Step}
			if fd.Case != nil && s.Step < len(fd.Case.Steps) {
				js.Why = fd.Case.Steps[s.Step].Expect.Why
			}
			if ex := s.Exchange; ex != nil {
				js.Request = ex.Method + " " + ex.URL + "\n" + string(ex.RequestBody)
				js.Status, js.Response, js.Error = ex.Status, string(ex.ResponseBody), ex.Err
			}
			jf.Exchanges = append(jf.Exchanges, js)
		}
		out.Found = append(out.Found, jf)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	// encoding/json escapes C0 controls only: the PBX's C1 and bidi controls
	// become \u escapes too, so the report is inert when cat'ed.
	_, err = io.WriteString(w, termsafe.JSON(string(b))+"\n")
	return err
}

type checkLevel struct {
	Check  string `json:"check"`
	Source string `json:"source"`
}

func checkList() []checkLevel {
	var out []checkLevel
	for _, k := range slices.Sorted(maps.Keys(CheckSources)) {
		out = append(out, checkLevel{k, CheckSources[k]})
	}
	return out
}

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Name    string       `xml:"name,attr"`
	Tests   int          `xml:"tests,attr"`
	Fails   int          `xml:"failures,attr"`
	Time    float64      `xml:"time,attr"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name  string      `xml:"name,attr"`
	Tests int         `xml:"tests,attr"`
	Fails int         `xml:"failures,attr"`
	Props []junitProp `xml:"properties>property"`
	Cases []junitCase `xml:"testcase"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name    string        `xml:"name,attr"`
	Class   string        `xml:"classname,attr"`
	Failure *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes one test suite per operation: a passing case for its examples and
// one case per failure found on it (findings are failures only when strict).
func WriteJUnit(w io.Writer, r *Result, strict bool) error {
	out := junitSuites{Name: "pbxauth fuzz", Time: r.Duration.Seconds()}
	for _, o := range r.Ops {
		s := junitSuite{Name: "fuzz " + o.Operation, Props: []junitProp{
			{"examples", fmt.Sprint(o.Examples)}, {"requests", fmt.Sprint(o.Requests)}, {"seed", fmt.Sprint(r.Seed)},
		}}
		s.Cases = append(s.Cases, junitCase{Name: fmt.Sprintf("%d examples", o.Examples), Class: "fuzz." + o.Operation})
		for _, fd := range r.Found {
			if fd.Failure.Op != o.Operation {
				continue
			}
			jc := junitCase{Name: fmt.Sprintf("[%s] %s", fd.Failure.Level, fd.Failure.Check), Class: "fuzz." + o.Operation}
			if !fd.Finding() || strict {
				text := fd.Failure.Source
				if fd.Saved != "" {
					text += "\nreproduce: pbxauth run " + fd.Saved
				}
				jc.Failure = &junitFailure{Message: safeText(fd.Failure.Message, 500), Type: fd.Failure.Check, Text: text}
				s.Fails++
			}
			s.Cases = append(s.Cases, jc)
		}
		s.Tests = len(s.Cases)
		out.Tests += s.Tests
		out.Fails += s.Fails
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
