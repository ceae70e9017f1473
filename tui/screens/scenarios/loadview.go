package scenarios

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/pbxauth/pbxauth/internal/termsafe"
	"github.com/pbxauth/pbxauth/scenarios/loadtest"
)

// loadView is the pane: what runs where, the totals, a chart of requests per
// second and one of p99 latency per second, then the summary once it ends.
func (m *Model) loadView() string {
	p := &m.ld
	st := m.ctx.Styles
	w := max(1, m.width)
	line := func(s string) string { return ansi.Truncate(s, w, "…") }
	var b strings.Builder
	target := m.ctx.Target.BaseURL
	if m.ctx.Target.Mock {
		target = "an in-process mock"
	}
	state := fmt.Sprintf("%s of %s", p.elapsed.Round(time.Second), p.lo.Duration)
	switch {
	case p.running && p.cancelled:
		state = "stopping…"
	case !p.running && p.res != nil:
		state = p.res.State
	case !p.running:
		state = "not run"
	}
	h := fmt.Sprintf("Load · %s · %s · on %s", state, loadHow(p.lo), termsafe.Line(target))
	b.WriteString(st.Form.Title.Render(line(h)) + "\n")
	b.WriteString(st.App.Placeholder.Render(line("scenarios: "+termsafe.Line(strings.Join(p.names, ", ")))) + "\n")
	b.WriteString(line(fmt.Sprintf("%d requests · %d errors · now %.0f req/s · p99 %s", p.requests, p.errors, p.rps.Last(), fmtMS(p.p99.Last()))) + "\n")
	if p.err != "" {
		b.WriteString(st.Form.Error.Render(line(termsafe.Line(p.err))) + "\n")
	}

	var summary string
	if p.res != nil {
		var s strings.Builder
		_ = loadtest.WriteSummary(&s, p.res)
		summary = strings.TrimRight(termsafe.Text(s.String()), "\n")
	}
	// The charts share what the summary leaves: a title row each and the rest
	// split between them, at most 8 rows each (a taller bar says no more).
	used := lipgloss.Height(b.String()) - 1
	if summary != "" {
		used += 1 + strings.Count(summary, "\n") + 1
	}
	chartH := max(1, min(8, (m.height-used-2)/2))
	rps, p99 := p.rps, p.p99 // copies: View sizes them without changing the model
	rps.SetSize(w, chartH)
	p99.SetSize(w, chartH)
	b.WriteString(st.Form.Label.Render(line(fmt.Sprintf("requests per second · max %.0f", rps.Max()))) + "\n")
	b.WriteString(rps.View() + "\n")
	b.WriteString(st.Form.Label.Render(line(fmt.Sprintf("p99 latency per second · max %s", fmtMS(p99.Max())))) + "\n")
	b.WriteString(p99.View())
	if summary != "" {
		for _, l := range strings.Split(summary, "\n") {
			b.WriteString("\n" + line(l))
		}
	}
	return b.String()
}

// loadHow says how the load runs, as the CLI's summary does.
func loadHow(lo loadtest.Options) string {
	if lo.Rate > 0 {
		return fmt.Sprintf("open loop at %g/s, at most %d in flight", lo.Rate, lo.Concurrency)
	}
	return fmt.Sprintf("closed loop, %d virtual users", lo.Concurrency)
}

// fmtMS prints milliseconds as a duration ("-" for none yet).
func fmtMS(v float64) string {
	if v <= 0 {
		return "-"
	}
	return time.Duration(v * float64(time.Millisecond)).Round(10 * time.Microsecond).String()
}
