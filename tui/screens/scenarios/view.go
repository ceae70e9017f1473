package scenarios

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/pbxauth/pbxauth/internal/termsafe"
	"github.com/pbxauth/pbxauth/scenarios/runner"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/exchangeview"
	"github.com/pbxauth/pbxauth/tui/components/textdoc"
)

// View implements common.Screen.
func (m *Model) View() string {
	st := m.ctx.Styles
	if !m.loaded {
		return st.App.Placeholder.Render("reading scenarios…")
	}
	if m.ld.open {
		return m.loadView()
	}
	if m.fz.open {
		return m.fuzzView()
	}
	if m.detail {
		return m.detailView()
	}
	var b strings.Builder
	b.WriteString(m.header() + "\n")
	used := 2 // header and progress line
	if m.loadErr != "" {
		e := st.Form.Error.Render(common.Wrap(firstLine(m.loadErr), max(1, m.width)))
		b.WriteString(e + "\n")
		used += lipgloss.Height(e)
	}
	// The steps (or the description) take what they need, up to half the body;
	// the list gets every other row.
	steps := m.stepsView(max(1, (m.height-4)/2))
	if steps != "" {
		used += lipgloss.Height(steps)
	}
	listH := max(3, min(m.height-used, len(m.rows)+1)) // +1: the column header
	b.WriteString(m.listView(listH) + "\n")
	b.WriteString(m.progressLine())
	if steps != "" {
		b.WriteString("\n" + steps)
	}
	return b.String()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

func (m *Model) header() string {
	st := m.ctx.Styles
	nb, nu := 0, 0
	for _, r := range m.rows {
		if r.user {
			nu++
		} else {
			nb++
		}
	}
	// What matters most comes first: a narrow terminal cuts the end.
	h := "Scenarios · on " + m.targetLabel()
	if !m.ctx.Target.Mock {
		if m.allowMutations {
			h += " · mutations ALLOWED"
		} else {
			h += " · read-only"
		}
	}
	h += fmt.Sprintf(" · %d built-in", nb)
	if m.opts.Dir != "" {
		h += fmt.Sprintf(" · %d from %s", nu, m.opts.Dir)
	}
	return st.Form.Title.Render(ansi.Truncate(h, max(1, m.width), "…"))
}

func (m *Model) stateStyle(s state) lipgloss.Style {
	p := m.ctx.Styles.Palette
	switch s {
	case passed:
		return lipgloss.NewStyle().Foreground(p.Pass)
	case failed, errored:
		return lipgloss.NewStyle().Foreground(p.Fail).Bold(true)
	case skipped:
		return lipgloss.NewStyle().Foreground(p.Skip)
	case running, queued:
		return lipgloss.NewStyle().Foreground(p.Running)
	}
	return lipgloss.NewStyle().Foreground(p.Faint)
}

func (m *Model) badge(s state) string {
	switch s {
	case passed:
		return "✓ pass"
	case failed:
		return "✗ fail"
	case errored:
		return "! error"
	case skipped:
		return "- skip"
	case running:
		return m.spinner.View() + " running"
	case queued:
		return "· queued"
	}
	return ""
}

func (m *Model) listView(h int) string {
	st := m.ctx.Styles
	w := max(1, m.width)
	const resultW = 10
	// Names get what the longest needs (up to the room left after a quarter for
	// the tags); tags get the rest, so a wide terminal shows them whole.
	longest := 0
	for _, r := range m.rows {
		n := ansi.StringWidth(r.s.Name)
		if r.user {
			n += 2
		}
		longest = max(longest, n)
	}
	nameW := max(8, min(longest, w-6-resultW-2-max(6, min(24, w/4))))
	tagsW := max(6, w-6-nameW-resultW-2)
	rows := []string{st.Table.Header.Render(ansi.Truncate(fmt.Sprintf("      %-*s %-*s %s", nameW, "scenario", tagsW, "tags", "result"), w, ""))}
	off := max(0, m.cursor-h+2)
	end := min(len(m.rows), off+h-1)
	sel := st.Selected
	for i := off; i < end; i++ {
		r := m.rows[i]
		cursor := "  "
		if i == m.cursor {
			cursor = "› "
		}
		box := "[ ] "
		if r.picked {
			box = "[x] "
		}
		name := termsafe.Line(r.s.Name)
		if r.user {
			name = "★ " + name
		}
		tags := termsafe.Line(strings.Join(r.s.Tags, " "))
		line := cursor + box + pad(ansi.Truncate(name, nameW, "…"), nameW) + " " + pad(ansi.Truncate(tags, tagsW, "…"), tagsW) + " "
		badge := m.stateStyle(r.state).Render(m.badge(r.state))
		if i == m.cursor {
			line = sel.Render(line)
		}
		rows = append(rows, line+badge)
	}
	if len(m.rows) == 0 {
		rows = append(rows, st.App.Placeholder.Render("  no scenarios"))
	}
	for len(rows) < h {
		rows = append(rows, "")
	}
	return strings.Join(rows, "\n")
}

func pad(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// bar draws the run's progress with palette roles, so it adapts to the background
// and reads without colour.
func (m *Model) bar(done, total int) string {
	p := m.ctx.Styles.Palette
	w := m.barWidth
	fill := 0
	if total > 0 {
		fill = done * w / total
	}
	return lipgloss.NewStyle().Foreground(p.Running).Render(strings.Repeat("█", fill)) +
		lipgloss.NewStyle().Foreground(p.Border).Render(strings.Repeat("░", w-fill))
}

func (m *Model) progressLine() string {
	st := m.ctx.Styles
	if len(m.runRows) == 0 {
		hint := m.keys.Pick.Help().Key + " selects, " + m.keys.Run.Help().Key + " runs (the scenario under the cursor when none is selected)"
		if m.summary != "" {
			hint = m.summary
		}
		return st.Status.Faint.Render(ansi.Truncate(hint, max(1, m.width), "…"))
	}
	total := len(m.runRows)
	line := m.bar(m.done, total) + fmt.Sprintf(" %d/%d ", m.done, total)
	s := m.summary
	if m.running {
		s = m.spinner.View() + " " + s
	}
	return ansi.Truncate(line+st.Status.Faint.Render(s), max(1, m.width), "…")
}

// stepsView lists the steps of the scenario under the cursor, newest last.
func (m *Model) stepsView(h int) string {
	st := m.ctx.Styles
	r := m.current()
	if r == nil || (len(r.steps) == 0 && r.result == nil) {
		if r != nil && r.s.Description != "" {
			return st.Status.Faint.Render(common.Wrap(strings.Join(strings.Fields(r.s.Description), " "), max(1, m.width)))
		}
		return ""
	}
	var lines []string
	title := "Steps of " + r.s.Name
	if r.result != nil && r.result.Reason != "" {
		title += " — " + r.result.Reason
	}
	lines = append(lines, st.Form.Section.Render(ansi.Truncate(termsafe.Line(title), max(1, m.width), "…")))
	for _, s := range r.steps {
		mark, style := "✓", m.stateStyle(passed)
		switch s.Status {
		case runner.StatusFailed:
			mark, style = "✗", m.stateStyle(failed)
		case runner.StatusError:
			mark, style = "!", m.stateStyle(errored)
		case runner.StatusSkipped:
			mark, style = "-", m.stateStyle(skipped)
		}
		line := style.Render(mark) + " " + termsafe.Line(s.Name) + st.Status.Faint.Render(" "+exchangeview.Duration(s.Duration))
		lines = append(lines, ansi.Truncate(line, max(1, m.width), "…"))
		if msg := s.Message(); msg != "" {
			// Why a step failed is read whole, indented under its name.
			for _, l := range strings.Split(common.Wrap(msg, max(1, m.width-4)), "\n") {
				lines = append(lines, "    "+style.Render(l))
			}
		}
	}
	if r.result != nil && r.result.NotRun > 0 {
		lines = append(lines, st.Status.Faint.Render(fmt.Sprintf("  %d step(s) not run", r.result.NotRun)))
	}
	if r.result != nil && (r.state == failed || r.state == errored) {
		lines = append(lines, st.Status.Faint.Render("o opens the failure: expected vs actual and the exchange"))
	}
	if len(lines) > h {
		lines = append(lines[:1], lines[len(lines)-h+1:]...)
	}
	return strings.Join(lines, "\n")
}

// openDetail lays out the result of the scenario under the cursor.
func (m *Model) openDetail() {
	r := m.current()
	m.detailStep = nil
	if r == nil || r.result == nil {
		m.detail = false
		return
	}
	var d textdoc.Doc
	seg := func(t string, role textdoc.Role) textdoc.Segment { return textdoc.Segment{Text: t, Role: role} }
	d.Add(seg(r.s.Name, textdoc.Title), seg("  "+r.state.String(), roleOf(r.state)))
	d.Add(seg(r.s.Pos.String(), textdoc.Faint))
	if r.result.Reason != "" {
		d.Add(seg(r.result.Reason, textdoc.Warn))
	}
	step := r.result.FailedStep()
	if step == nil && len(r.result.Steps) > 0 {
		step = r.result.Steps[len(r.result.Steps)-1]
	}
	m.detailStep = step
	if step != nil {
		d.Blank()
		d.Add(seg("Step "+fmt.Sprint(step.Index+1)+": "+step.Name, textdoc.Section), seg("  "+step.Pos.String(), textdoc.Faint))
		if step.Err != "" {
			d.Add(seg("error: ", textdoc.Err), seg(step.Err, textdoc.Plain))
		}
		for _, f := range step.Failures {
			d.Add(seg("✗ "+f.Check, textdoc.Err), seg("  "+f.Pos.String(), textdoc.Faint))
			if f.Expected != "" || f.Actual != "" {
				d.Add(seg("    expected ", textdoc.Faint), seg(f.Expected, textdoc.OK))
				d.Add(seg("    actual   ", textdoc.Faint), seg(f.Actual, textdoc.Err))
			}
		}
		for _, w := range step.Warnings {
			d.Add(seg("! ", textdoc.Warn), seg(w, textdoc.Plain))
		}
		d.Blank()
		ex := exchangeview.Build(step.Redacted(), step.Violations)
		d.Lines = append(d.Lines, ex.Lines...)
	}
	out, _ := d.Render(m.docStyle, max(1, m.detailVP.Width), nil, -1)
	m.detailVP.SetContent(out)
}

func roleOf(s state) textdoc.Role {
	switch s {
	case passed:
		return textdoc.OK
	case failed, errored:
		return textdoc.Err
	}
	return textdoc.Warn
}

func (m *Model) detailView() string {
	st := m.ctx.Styles
	more := ""
	if m.detailVP.TotalLineCount() > m.detailVP.Height {
		more = fmt.Sprintf(" · %d%% (%s)", int(m.detailVP.ScrollPercent()*100), m.keys.PageDown.Help().Key)
	}
	hint := m.keys.Back.Help().Key + ": back to the list"
	if m.keys.Inspect.Enabled() {
		hint += " · " + m.keys.Inspect.Help().Key + ": open the exchange in the Inspector"
	}
	return m.detailVP.View() + "\n" + st.Status.Faint.Render(ansi.Truncate(hint+more, max(1, m.width), "…"))
}
