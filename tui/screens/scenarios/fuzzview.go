package scenarios

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/termsafe"
)

// fuzzView is the pane: a header, the examples per operation, the failures found.
func (m *Model) fuzzView() string {
	p := &m.fz
	if p.detail {
		return p.vp.View()
	}
	st := m.ctx.Styles
	w := max(1, m.width)
	var b strings.Builder
	target := m.ctx.Target.BaseURL
	if m.ctx.Target.Mock {
		target = "an in-process mock"
	}
	// The seed first: a narrow terminal cuts the end, and the seed replays the run.
	h := fmt.Sprintf("Fuzz · seed %d · %s · on %s", p.seed, termsafe.Line(p.summary), termsafe.Line(target))
	b.WriteString(st.Form.Title.Render(ansi.Truncate(h, w, "…")) + "\n")
	for _, n := range p.notes {
		b.WriteString(st.App.Placeholder.Render(ansi.Truncate("note: "+termsafe.Line(n), w, "…")) + "\n")
	}
	ops := sortedOps(p.counts)
	// Two columns of counts when there is room, so the failures stay in view.
	cols := 1
	if w >= 80 {
		cols = 2
	}
	colW := w / cols
	for i := 0; i < len(ops); i += cols {
		var line strings.Builder
		for j := i; j < min(len(ops), i+cols); j++ {
			line.WriteString(fmt.Sprintf("%-*s", colW, ansi.Truncate(fmt.Sprintf("  %-24s %7d", ops[j], p.counts[ops[j]]), colW, "…")))
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	b.WriteString("\n")
	if len(p.found) == 0 {
		b.WriteString(st.App.Placeholder.Render("no failure found so far") + "\n")
	}
	fail := lipgloss.NewStyle().Foreground(st.Palette.Fail).Bold(true)
	finding := lipgloss.NewStyle().Foreground(st.Palette.Skip)
	for i, fd := range p.found {
		mark := "  "
		if i == p.cursor {
			mark = "> "
		}
		word, style := "FAIL   ", fail
		if fd.Finding() {
			word, style = "FINDING", finding
		}
		line := fmt.Sprintf("%s %s on %s: %s", word, fd.Failure.Check, fd.Failure.Op, termsafe.Line(fd.Failure.Message))
		b.WriteString(mark + style.Render(ansi.Truncate(line, max(1, w-2), "…")) + "\n")
	}
	return b.String()
}

// openFuzzDetail fills the viewport with the selected failure: what failed, where
// the expectation comes from, and each request and answer (redacted, inert).
func (m *Model) openFuzzDetail() {
	p := &m.fz
	p.vp.Width, p.vp.Height = max(1, m.width), max(1, m.height-1)
	fd := p.found[p.cursor]
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s on %s\n%s\nsource: %s\n", fd.Failure.Level, fd.Failure.Check, fd.Failure.Op,
		termsafe.Text(fd.Failure.Message), fd.Failure.Source)
	fmt.Fprintf(&b, "shrunk from %d to %d step(s) in %d re-run(s); seen %d time(s)\n\n", fd.StepsBefore, fd.StepsAfter, fd.ShrinkRuns, fd.Occurrences)
	for _, s := range fd.Steps {
		if s.Exchange == nil {
			continue
		}
		mark := ""
		if s.Step == fd.Failure.Step {
			mark = "  ← failed here"
		}
		fmt.Fprintf(&b, "step %d%s\n%s\n", s.Step+1, mark, termsafe.Text(s.Exchange.Dump(false)))
	}
	p.vp.SetContent(ansi.Wordwrap(b.String(), max(1, m.width), ""))
	p.vp.GotoTop()
}

// firstExchange is the exchange of the failing step of the open failure.
func (p *fuzzPane) firstExchange() *apiclient.Exchange {
	if p.cursor >= len(p.found) {
		return nil
	}
	fd := p.found[p.cursor]
	for _, s := range fd.Steps {
		if s.Step == fd.Failure.Step && s.Exchange != nil {
			return s.Exchange
		}
	}
	return nil
}
