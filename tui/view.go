package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/pbxauth/pbxauth/internal/termsafe"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/targetbar"
)

// View implements tea.Model.
func (m *Model) View() string {
	if !m.ready {
		return m.ctx.Styles.App.Placeholder.Render("starting pbxauth…")
	}
	w, h := m.ctx.Width, m.ctx.Height
	if w <= 0 || h <= 0 {
		return ""
	}
	top := m.chromeTop()
	bottom := m.chromeBottom()
	bodyH := h - lipgloss.Height(top) - lipgloss.Height(bottom)
	var body string
	if m.confirm != nil {
		body = m.confirm.View(w)
	} else {
		body = m.screens[m.active].View()
	}
	body = m.scrollBody(body, w, max(0, bodyH))
	// Pad the body so the help bar stays at the bottom.
	if n := lipgloss.Height(body); bodyH > 0 && n < bodyH {
		body += strings.Repeat("\n", bodyH-n)
	}
	parts := []string{top}
	if bodyH > 0 {
		parts = append(parts, body)
	}
	parts = append(parts, bottom)
	// Views sanitise the data they show; this net catches any they missed, keeping
	// the frame's own colours (SGR) and disarming every other sequence.
	return termsafe.Styled(common.Clamp(strings.Join(parts, "\n"), w, h))
}

// scrollBody fits a body taller than its area: the lines from the scroll offset,
// and a last line saying how much is above and below and how to get there.
// Screens with their own viewports fit their area and never get here.
func (m *Model) scrollBody(body string, w, h int) string {
	lines := strings.Split(body, "\n")
	for len(lines) > 0 && strings.TrimSpace(ansi.Strip(lines[len(lines)-1])) == "" {
		lines = lines[:len(lines)-1] // trailing blank lines are no content to scroll to
	}
	if len(lines) <= h || h < 2 {
		return common.Clamp(body, w, h)
	}
	visible := h - 1
	g := m.ctx.Keys
	off := max(0, min(m.scroll, len(lines)-visible))
	above, below := off, len(lines)-off-visible
	marker := "── "
	switch {
	case above > 0 && below > 0:
		marker += fmt.Sprintf("↑ %d more above, ↓ %d more below (%s/%s) ", above, below, g.PageUp.Help().Key, g.PageDown.Help().Key)
	case below > 0:
		marker += fmt.Sprintf("↓ %d more line(s) below (%s) ", below, g.PageDown.Help().Key)
	default:
		marker += fmt.Sprintf("↑ %d more line(s) above (%s) ", above, g.PageUp.Help().Key)
	}
	marker += strings.Repeat("─", max(0, w-ansi.StringWidth(marker)))
	out := append(append([]string(nil), lines[off:off+visible]...), m.ctx.Styles.Status.Faint.Render(ansi.Truncate(marker, w, "…")))
	return common.Clamp(strings.Join(out, "\n"), w, h)
}

// overflows reports how many lines the active screen's body has beyond its
// area, so pgup/pgdn scroll it (0: it fits, and the screen gets those keys).
func (m *Model) overflows() int {
	if !m.ready || m.confirm != nil {
		return 0
	}
	bodyH := m.ctx.Height - lipgloss.Height(m.chromeTop()) - lipgloss.Height(m.chromeBottom())
	lines := strings.Split(m.screens[m.active].View(), "\n")
	for len(lines) > 0 && strings.TrimSpace(ansi.Strip(lines[len(lines)-1])) == "" {
		lines = lines[:len(lines)-1]
	}
	if bodyH < 2 || len(lines) <= bodyH {
		return 0
	}
	return len(lines) - (bodyH - 1)
}

func (m *Model) chromeTop() string {
	w := m.ctx.Width
	bar := targetbar.View(m.ctx, m.ctx.Time, w)
	return bar + "\n" + common.Clamp(m.tabs(), w, 1)
}

func (m *Model) tabs() string {
	n := m.shown()
	labels := make([]string, n)
	for i, s := range m.screens[:n] {
		labels[i] = strconv.Itoa(i+1) + " " + s.Title()
	}
	labels[m.active] = m.ctx.Styles.MarkActive(labels[m.active])
	// Widths are summed, not rendered, so a frame draws the bar once.
	widths := make([]int, len(labels))
	total := 1 + 3*(len(labels)-1) // leading space and " │ " separators
	for i, l := range labels {
		widths[i] = lipgloss.Width(l)
		total += widths[i]
	}
	if total <= m.ctx.Width {
		return m.renderTabs(labels, 0, len(labels)-1, " │ ")
	}
	// Too narrow for every tab: show a window of whole tabs around the active
	// one, growing it to both sides while it fits; "…" marks hidden tabs.
	fits := func(lo, hi int) bool {
		w := 1 + hi - lo // leading space and one-column separators
		for i := lo; i <= hi; i++ {
			w += widths[i]
		}
		if lo > 0 {
			w += 2
		}
		if hi < len(labels)-1 {
			w += 2
		}
		return w <= m.ctx.Width
	}
	lo, hi := m.active, m.active
	for grew := true; grew; {
		grew = false
		if hi+1 < len(labels) && fits(lo, hi+1) {
			hi, grew = hi+1, true
		}
		if lo > 0 && fits(lo-1, hi) {
			lo, grew = lo-1, true
		}
	}
	return m.renderTabs(labels, lo, hi, "│") // one column, still a clear boundary
}

// renderTabs draws tabs lo..hi, with "…" where tabs are left out.
func (m *Model) renderTabs(labels []string, lo, hi int, sep string) string {
	st := m.ctx.Styles.Tabs
	var b strings.Builder
	b.WriteString(" ")
	if lo > 0 {
		b.WriteString(st.Separator.Render("…" + sep))
	}
	for i := lo; i <= hi; i++ {
		if i > lo {
			b.WriteString(st.Separator.Render(sep))
		}
		if i == m.active {
			b.WriteString(st.Active.Render(labels[i]))
		} else {
			b.WriteString(st.Inactive.Render(labels[i]))
		}
	}
	if hi < len(labels)-1 {
		b.WriteString(st.Separator.Render(sep + "…"))
	}
	return b.String()
}

func (m *Model) chromeBottom() string {
	w := m.ctx.Width
	st := m.ctx.Styles.Status
	// The notice wraps (an error is read whole) to at most noticeLines; the
	// status area keeps that height while busy, so the body does not jump.
	notice := m.noticeView(w)
	var status string
	switch {
	case m.anyBusy():
		status = " " + m.spinner.View() + st.Busy.Render(" working… ("+m.ctx.Keys.Cancel.Help().Key+" cancels)")
		status += strings.Repeat("\n", lipgloss.Height(notice)-1)
	default:
		status = notice
	}
	status = common.Clamp(status, w, noticeLines)
	m.help.Width = max(1, w-2)
	active := m.screens[m.active]
	km := helpKeys{screen: active, global: m.ctx.Keys, capturing: active.Capturing(), busy: active.Busy()}
	if m.confirm != nil {
		km = helpKeys{screen: m.confirm.KeyMap, global: m.ctx.Keys, dialog: true}
	}
	km.width, km.sep = m.help.Width, m.help.ShortSeparator
	view := m.help.View(km)
	if m.help.ShowAll {
		view = m.fullHelp(km)
	}
	return status + "\n" + m.ctx.Styles.Help.Render(view)
}

// fullHelp is the ? help: every group of keys as a column of the same width,
// as many columns to a row as the width holds, the rest on rows below, so no key
// is cut behind "…" at any width and the columns line up from row to row.
func (m *Model) fullHelp(km helpKeys) string {
	return helpGrid(km.FullHelp(), m.help.Width, m.ctx.Styles.HelpKeys.Key, m.ctx.Styles.HelpKeys.Desc)
}

// helpGap is the space between two help columns.
const helpGap = 3

func helpGrid(groups [][]key.Binding, width int, keyStyle, descStyle lipgloss.Style) string {
	type col struct {
		keys, descs []string
		keyW        int
	}
	var cols []col
	colW := 1
	for _, g := range groups {
		var c col
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			c.keys = append(c.keys, b.Help().Key)
			c.descs = append(c.descs, b.Help().Desc)
			c.keyW = max(c.keyW, ansi.StringWidth(b.Help().Key))
		}
		if len(c.keys) == 0 {
			continue
		}
		for i := range c.keys {
			colW = max(colW, c.keyW+1+ansi.StringWidth(c.descs[i]))
		}
		cols = append(cols, c)
	}
	colW = min(colW, max(1, width))
	perRow := max(1, (width+helpGap)/(colW+helpGap))
	var rows []string
	for start := 0; start < len(cols); start += perRow {
		row := cols[start:min(len(cols), start+perRow)]
		height := 0
		for _, c := range row {
			height = max(height, len(c.keys))
		}
		lines := make([]string, height)
		for ci, c := range row {
			for li := range height {
				cell := ""
				if li < len(c.keys) {
					k := c.keys[li] + strings.Repeat(" ", c.keyW-ansi.StringWidth(c.keys[li]))
					d := ansi.Truncate(c.descs[li], max(0, colW-c.keyW-1), "…")
					cell = keyStyle.Render(k) + " " + descStyle.Render(d)
				}
				if ci < len(row)-1 {
					cell += strings.Repeat(" ", colW-ansi.StringWidth(cell)+helpGap)
				}
				lines[li] += cell
			}
		}
		for i := range lines {
			lines[i] = strings.TrimRight(lines[i], " ")
		}
		rows = append(rows, strings.Join(lines, "\n"))
	}
	return strings.Join(rows, "\n")
}

// noticeLines bounds the status line's height when a notice wraps.
const noticeLines = 3

// noticeView is the notice wrapped to the width, each line indented one column.
func (m *Model) noticeView(w int) string {
	if m.notice == "" {
		return " "
	}
	style := m.ctx.Styles.Status.Faint
	if m.noticeErr {
		style = m.ctx.Styles.Status.Err
	}
	lines := strings.Split(common.Wrap(m.notice, max(1, w-2)), "\n")
	if len(lines) > noticeLines {
		lines = lines[:noticeLines]
	}
	for i, l := range lines {
		lines[i] = " " + style.Render(l)
	}
	return strings.Join(lines, "\n")
}

// resize gives each screen the body's size: the window less the chrome.
func (m *Model) resize() {
	if !m.ready {
		return
	}
	bodyH := m.ctx.Height - lipgloss.Height(m.chromeTop()) - lipgloss.Height(m.chromeBottom())
	for _, s := range m.screens {
		s.SetSize(m.ctx.Width, max(0, bodyH))
	}
}
