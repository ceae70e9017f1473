package fuzz

import (
	"html/template"
	"io"
	"sync"

	"github.com/pbxauth/pbxauth/scenarios/report"
)

// The fuzz HTML report is the run report's sibling: one offline file with the same
// style sheet and the same policy (no script, nothing loaded), so a QA lead reads both
// the same way. Every text goes through html/template; exchanges are the redacted ones
// the JSON report holds.

// fuzzHTMLTmpl is parsed on first use, not in every process's start-up
// (`pbxauth --help` included).
var fuzzHTMLTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("fuzz").Parse(fuzzHTMLSrc))
})

const fuzzHTMLSrc = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.Style.CSP}}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>pbxauth fuzz report: {{.R.Target}}</title>
<style>{{.Style.CSS}}</style>
</head>
<body>
<h1>pbxauth fuzz report</h1>
<p class="meta">Target <code>{{.R.Target}}</code>{{if .R.Mock}} (pbxauth's mock){{end}} · seed {{.R.Seed}} (replay with <code>--seed {{.R.Seed}}</code>) · mode {{.R.Mode}} · started {{.R.Started.UTC.Format "2006-01-02 15:04:05 UTC"}} · {{.R.Duration}}</p>
<h2 id="summary">Summary</h2>
<div class="cards">
<div class="card"><b>{{.R.Examples}}</b>examples</div>
<div class="card"><b>{{.R.Requests}}</b>requests</div>
<div class="card"><b class="fail">{{.Failed}}</b>failures</div>
<div class="card"><b class="finding">{{.Findings}}</b>findings</div>
<div class="card"><b>{{.R.Errors}}</b>without answer</div>
<div class="card"><b>{{.R.Stopped}}</b>cut short</div>
</div>
{{range .R.Notes}}<p class="meta">note: {{.}}</p>
{{end}}
<h2 id="operations">Operations</h2>
<table>
<thead><tr><th>operation</th><th>examples</th><th>requests</th><th>failures</th><th>findings</th></tr></thead>
<tbody>
{{range .R.Ops}}<tr><td><code>{{.Operation}}</code></td><td>{{.Examples}}</td><td>{{.Requests}}</td><td>{{.Failures}}</td><td>{{.Findings}}</td></tr>
{{end}}</tbody>
</table>
<h2 id="failures">Failures and findings</h2>
{{if not .Found}}<p>None found.</p>{{end}}
{{range .Found}}<section>
<h3>{{if .Finding}}FINDING{{else}}FAIL{{end}} [{{.Level}}] {{.Check}} on <code>{{.Op}}</code></h3>
<p>{{.Message}}</p>
<p class="meta">source: {{.Source}} · shrunk from {{.Before}} to {{.After}} step(s){{if .Saved}} · reproduce: <code>pbxauth run {{.Saved}}</code>{{end}}</p>
{{range .Exchanges}}<pre>{{.}}</pre>
{{end}}</section>
{{end}}
</body>
</html>
`

type htmlFound struct {
	Finding                    bool
	Level                      Level
	Check, Op, Message, Source string
	Before, After              int
	Saved                      string
	Exchanges                  []string
}

// WriteHTML writes the run as a self-contained HTML page.
func WriteHTML(w io.Writer, r *Result) error {
	v := struct {
		Style            report.HTMLPageStyle
		R                *Result
		Failed, Findings int
		Found            []htmlFound
	}{Style: report.SharedHTMLStyle(), R: r, Failed: r.Failed(), Findings: r.Findings()}
	for _, fd := range r.Found {
		hf := htmlFound{Finding: fd.Finding(), Level: fd.Failure.Level, Check: fd.Failure.Check, Op: fd.Failure.Op,
			Message: fd.Failure.Message, Source: fd.Failure.Source, Before: fd.StepsBefore, After: fd.StepsAfter, Saved: fd.Saved}
		for _, s := range fd.Steps {
			if t := report.HTMLExchangeText(s.Exchange); t != "" {
				hf.Exchanges = append(hf.Exchanges, t)
			}
		}
		v.Found = append(v.Found, hf)
	}
	return fuzzHTMLTmpl().Execute(w, v)
}
