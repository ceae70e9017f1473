package inspector

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/termsafe"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/exchangeview"
)

// View implements common.Screen.
func (m *Model) View() string {
	st := m.ctx.Styles
	if len(m.items) == 0 && m.all > 0 {
		// Everything filtered out: the filter line says why the list is empty.
		return m.statusLine()
	}
	if len(m.items) == 0 {
		msg := "No exchanges yet: every call the other screens make shows up here,\nwith its headers, body and spec check."
		if m.err != "" {
			msg += "\n\n" + st.Form.Error.Render(common.Wrap(m.err, max(1, m.width)))
		}
		return st.App.Placeholder.Render(msg)
	}
	var b strings.Builder
	b.WriteString(m.listView())
	b.WriteString("\n" + m.divider() + "\n")
	status := m.statusLine()
	// A long error wraps; the detail gives up the lines it needs, so the screen
	// keeps its height.
	vp := m.vp
	vp.Height = max(1, m.vp.Height-(lipgloss.Height(status)-1))
	b.WriteString(vp.View())
	b.WriteString("\n" + status)
	return b.String()
}

// path is the request's path after the API base, with its (redacted) query.
func path(raw string) string {
	u, err := url.Parse(apiclient.RedactURL(raw))
	if err != nil {
		return raw
	}
	p := u.Path
	if i := strings.Index(p, "/api/"); i >= 0 {
		p = p[i+len("/api"):]
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

func (m *Model) listView() string {
	st := m.ctx.Styles
	w := max(1, m.width)
	pathW := max(8, w-4-5-8-6-9-2)
	header := fmt.Sprintf("  %4s %-7s %-*s %6s %8s", "#", "method", pathW, "path", "status", "time")
	rows := []string{st.Table.Header.Render(ansi.Truncate(header, w, ""))}
	off := max(0, m.sel-m.listH+1)
	end := min(len(m.items), off+m.listH)
	selStyle := st.Selected
	faint := st.Status.Faint
	for i := off; i < end; i++ {
		it := m.items[i]
		ex := it.entry.Exchange
		cursor := " "
		if i == m.sel {
			cursor = "›"
		}
		mark := " "
		switch {
		case m.marked[it.key()]:
			mark = "*"
		case it.earlier:
			mark = "·" // from an earlier session: readable without colour too
		case it.entry.Scenario != "":
			mark = "s" // made by a scenario run, opened from the Scenarios screen
		}
		status := strconv.Itoa(ex.Status)
		if ex.Err != "" {
			status = "ERR"
		}
		p := ansi.Truncate(termsafe.Line(path(ex.URL)), pathW, "…")
		line := fmt.Sprintf("%s%s%4d %-7s %-*s %6s %8s", cursor, mark, it.num, termsafe.Line(ex.Method), pathW, p, status, exchangeview.Duration(ex.Duration))
		switch {
		case i == m.sel:
			line = selStyle.Render(padRight(line, w))
		case it.earlier:
			line = faint.Render(line)
		case ex.Err != "" || ex.Status >= 400:
			line = st.Status.Err.Render(line)
		}
		rows = append(rows, line)
	}
	for len(rows) < m.listH+1 {
		rows = append(rows, "")
	}
	return strings.Join(rows, "\n")
}

func padRight(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

func (m *Model) divider() string {
	st := m.ctx.Styles
	it, ok := m.selected()
	if !ok {
		return ""
	}
	label := fmt.Sprintf(" #%d", it.num)
	if op := it.entry.Exchange.Operation; op != "" {
		label += " · " + op
	}
	if it.entry.Scenario != "" {
		label += " · scenario “" + it.entry.Scenario + "”"
	} else {
		label += " · " + it.entry.Target
	}
	label += " · " + it.entry.At.Local().Format("15:04:05")
	if it.earlier {
		label += " · earlier session, redacted"
	}
	if n := len(m.violations[it.key()]); n > 0 {
		label += fmt.Sprintf(" · %d spec violation(s)", n)
	}
	label = termsafe.Line(label) + " " // history files are read back: their names are data
	line := "──" + label + strings.Repeat("─", max(0, m.width-ansi.StringWidth(label)-2))
	return st.Status.Faint.Render(ansi.Truncate(line, max(1, m.width), ""))
}

func (m *Model) statusLine() string {
	st := m.ctx.Styles
	switch {
	case m.filtering:
		return m.filterIn.View()
	case m.searching:
		return m.search.View()
	case m.err != "":
		return st.Status.Err.Render(common.Wrap(m.err, max(1, m.width)))
	case m.info != "":
		return st.Status.OK.Render(common.Wrap(m.info, max(1, m.width)))
	case m.filter != "" && len(m.items) == 0:
		return st.Status.Err.Render(fmt.Sprintf("/%s: none of %d exchange(s) match (%s clears)", m.filter, m.all, m.keys.ClearFilter.Help().Key))
	case m.query != "" && len(m.matches) == 0:
		return st.Status.Err.Render(fmt.Sprintf("find %s: no match in this exchange", m.query))
	case m.query != "":
		return st.Status.Faint.Render(fmt.Sprintf("find %s: match %d of %d (%s)", m.query, m.cur+1, len(m.matches), m.keys.Next.Help().Key))
	case len(m.marked) > 0:
		return st.Status.Faint.Render(fmt.Sprintf("%d marked for export (%s)", len(m.marked), m.keys.Export.Help().Key))
	}
	more := ""
	if pct := m.vp.ScrollPercent(); m.vp.TotalLineCount() > m.vp.Height {
		more = fmt.Sprintf(" · %d%% (%s)", int(pct*100), m.keys.ScrollDown.Help().Key)
	}
	count := fmt.Sprintf("%d exchange(s)", len(m.items))
	if m.filter != "" {
		count = fmt.Sprintf("/%s: %d of %d exchange(s) (%s clears)", m.filter, len(m.items), m.all, m.keys.ClearFilter.Help().Key)
	}
	return st.Status.Faint.Render(count + more)
}
