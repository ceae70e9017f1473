package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// The HTML report (--html) is one self-contained file for QA leads: no script, no
// external resource, and a Content-Security-Policy that forbids loading anything,
// so opening it offline (or from a mail attachment) sends no request. It shows the
// same data as the JSON report: exchanges are redacted the same way, and every text
// goes through html/template's escaping.

//go:embed html.tmpl
var htmlReportSrc string

//go:embed html.css
var htmlReportCSS string

// htmlReportTmpl is parsed on first use, not in every process's start-up (it
// was a thousand allocations of `pbxauth --help`).
var htmlReportTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"ms": func(v float64) string { return fmt.Sprintf("%.0f ms", v) },
	}).Parse(htmlReportSrc))
})

// maxHTMLBody bounds each body shown: the report stays small enough to open.
const maxHTMLBody = 32 << 10

// htmlRun is the run's head and counts with its scenarios.
type htmlRun struct {
	Target                                     string
	Started                                    time.Time
	DurationMS                                 float64
	Status                                     runner.Status
	ExitCode                                   int
	Passed, Failed, Errored, Skipped, Findings int
	Strict                                     bool
	Scenarios                                  []jsonScenario
	Coverage                                   []CoverageItem
}

func newHTMLRun(r *runner.RunResult) htmlRun {
	rep := htmlRun{Target: r.Target, Started: r.Started, DurationMS: Milliseconds(r.Duration), Status: r.Status(),
		ExitCode: r.ExitCode(), Passed: r.Passed, Failed: r.Failed, Errored: r.Errored, Skipped: r.Skipped,
		Findings: r.Findings, Strict: r.Strict}
	list := make([]*scenarios.Scenario, len(r.Scenarios))
	for i, sr := range r.Scenarios {
		rep.Scenarios = append(rep.Scenarios, newJSONScenario(sr))
		list[i] = sr.Scenario
	}
	rep.Coverage = Coverage(list, r.Scenarios)
	return rep
}

// HTMLReport is the ReportWriter of the HTML report: the page needs the whole run
// (summary first), so it keeps the scenarios and writes at the end.
type HTMLReport struct {
	w       io.Writer
	results []*runner.ScenarioResult
}

// NewHTMLReport returns a ReportWriter of the HTML report to w.
func NewHTMLReport(w io.Writer) *HTMLReport { return &HTMLReport{w: w} }

// Begin implements ReportWriter.
func (h *HTMLReport) Begin(*runner.RunResult) error { return nil }

// Scenario implements ReportWriter.
func (h *HTMLReport) Scenario(sr *runner.ScenarioResult) error {
	h.results = append(h.results, sr)
	return nil
}

// End implements ReportWriter.
func (h *HTMLReport) End(r *runner.RunResult) error {
	run := *r
	run.Scenarios = h.results
	return WriteHTML(h.w, &run)
}

type htmlReport struct {
	CSP      string
	CSS      template.CSS
	Report   htmlRun
	Ops      []htmlOp
	Problems []htmlProblem
	Coverage *htmlTable
}

// htmlOp counts, for one operation, the scenarios that call it by level and outcome.
type htmlOp struct {
	Operation string
	Levels    []htmlCount // in Levels order
}

type htmlCount struct {
	Level                                     string
	Passed, Failed, Findings, Skipped, Errors int
}

func (c htmlCount) Total() int { return c.Passed + c.Failed + c.Findings + c.Skipped + c.Errors }

// htmlProblem is a scenario that failed, errored or gave a finding.
type htmlProblem struct {
	Scenario jsonScenario
	Steps    []htmlStep
}

type htmlStep struct {
	Step     jsonStep
	Exchange *htmlExchange
}

type htmlExchange struct{ Text string }

// htmlTable is rows of cells under column names.
type htmlTable struct {
	Columns []string
	Rows    [][]htmlCell
}

type htmlCell struct {
	Text string
	Gap  bool // empty: nothing covers it
}

// WriteHTML writes the run as a self-contained HTML report.
func WriteHTML(w io.Writer, r *runner.RunResult) error {
	rep := cleanReport(newHTMLRun(r))
	style := SharedHTMLStyle()
	v := htmlReport{
		CSP:    style.CSP,
		CSS:    style.CSS,
		Report: rep,
		Ops:    htmlOps(r),
	}
	for i, js := range rep.Scenarios {
		if js.Status != runner.StatusFailed && js.Status != runner.StatusError {
			continue
		}
		p := htmlProblem{Scenario: js}
		for j, st := range js.Steps {
			if st.Status == runner.StatusPassed {
				continue
			}
			hs := htmlStep{Step: st}
			if st.Exchange != nil {
				hs.Exchange = renderExchange(r.Scenarios[i].Steps[j].Redacted())
			}
			p.Steps = append(p.Steps, hs)
		}
		v.Problems = append(v.Problems, p)
	}
	v.Coverage = coverageTable(rep)
	var buf bytes.Buffer
	if err := htmlReportTmpl().Execute(&buf, v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// htmlOps lists each operation the scenarios call (their flows included), with
// the scenarios' outcomes by level.
func htmlOps(r *runner.RunResult) []htmlOp {
	byOp := map[string]map[string]*htmlCount{}
	for _, sr := range r.Scenarios {
		for _, op := range uniq(scenarios.CalledOps(sr.Scenario.Steps)) {
			if byOp[op] == nil {
				byOp[op] = map[string]*htmlCount{}
			}
			lv := sr.Scenario.EffectiveLevel()
			c := byOp[op][lv]
			if c == nil {
				c = &htmlCount{Level: lv}
				byOp[op][lv] = c
			}
			switch {
			case sr.Status == runner.StatusPassed:
				c.Passed++
			case sr.Status == runner.StatusSkipped:
				c.Skipped++
			case sr.Status == runner.StatusError:
				c.Errors++
			case sr.Finding:
				c.Findings++
			default:
				c.Failed++
			}
		}
	}
	ops := make([]htmlOp, 0, len(byOp))
	for op, levels := range byOp {
		row := htmlOp{Operation: op}
		for _, lv := range scenarios.Levels {
			c := htmlCount{Level: lv}
			if levels[lv] != nil {
				c = *levels[lv]
			}
			row.Levels = append(row.Levels, c)
		}
		ops = append(ops, row)
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Operation < ops[j].Operation })
	return ops
}

// renderExchange lays out a redacted exchange as text, cut when long, with control
// characters dropped (html/template escapes the rest).
func renderExchange(ex *apiclient.Exchange) *htmlExchange {
	if ex == nil {
		return nil
	}
	s := ex.Dump(false)
	if len(s) > maxHTMLBody {
		s = strings.ToValidUTF8(s[:maxHTMLBody], "") + fmt.Sprintf("\n… (%d more bytes)", len(s)-maxHTMLBody)
	}
	return &htmlExchange{Text: printable(s)}
}

func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || (!unicode.IsControl(r) && !unicode.Is(unicode.Bidi_Control, r)) {
			return r
		}
		return -1
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// coverageTable is the JSON report's coverage matrix: each documented response
// and field rule with the scenarios that check it; a row nothing checks is a gap.
func coverageTable(rep htmlRun) *htmlTable {
	if len(rep.Coverage) == 0 {
		return nil
	}
	t := &htmlTable{Columns: []string{"operation", "documented", "source", "checked by", "passed", "failed", "skipped"}}
	for _, c := range rep.Coverage {
		op := c.Operation
		if op == "" {
			op = strings.TrimSpace(c.Method + " " + c.Path)
		}
		t.Rows = append(t.Rows, []htmlCell{
			{Text: printable(op)}, {Text: printable(c.Item)}, {Text: printable(c.Source)},
			{Text: printable(strings.Join(c.Scenarios, ", ")), Gap: c.Gap()},
			{Text: fmt.Sprint(c.Passed)}, {Text: fmt.Sprint(c.Failed)}, {Text: fmt.Sprint(c.Skipped)},
		})
	}
	return t
}

// cleanReport drops control and bidi characters from the texts a target or a
// scenario file wrote (html/template escapes markup, not those).
func cleanReport(rep htmlRun) htmlRun {
	rep.Target = printable(rep.Target)
	for i := range rep.Scenarios {
		sc := &rep.Scenarios[i]
		sc.Name, sc.Description, sc.Source, sc.Reason = printable(sc.Name), printable(sc.Description), printable(sc.Source), printable(sc.Reason)
		for j := range sc.Steps {
			st := &sc.Steps[j]
			st.Name, st.Error = printable(st.Name), printable(st.Error)
			fs := make([]runner.Failure, len(st.Failures))
			for k, f := range st.Failures {
				f.Check, f.Expected, f.Actual = printable(f.Check), printable(f.Expected), printable(f.Actual)
				fs[k] = f
			}
			st.Failures = fs
		}
	}
	return rep
}

func uniq(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
