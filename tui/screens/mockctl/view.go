package mockctl

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/exchangeview"
)

// describe is a fault in words.
func describe(f mockserver.Fault) string {
	if f == (mockserver.Fault{}) {
		return "no fault"
	}
	var parts []string
	if f.Latency > 0 {
		parts = append(parts, "+"+time.Duration(f.Latency).String())
	}
	if f.Drop {
		parts = append(parts, "drops the connection")
	} else if f.Status != 0 {
		parts = append(parts, "answers "+strconv.Itoa(f.Status))
	}
	if (f.Drop || f.Status != 0) && f.ErrorRate > 0 {
		parts = append(parts, fmt.Sprintf("%d%% of requests", int(f.ErrorRate*100)))
	} else if f.ErrorRate > 0 {
		parts = append(parts, fmt.Sprintf("%d%% answer 500", int(f.ErrorRate*100)))
	}
	return strings.Join(parts, ", ")
}

// View implements common.Screen.
func (m *Model) View() string {
	st := m.ctx.Styles
	if !m.active() {
		return st.App.Placeholder.Render("The Mock screen drives the built-in mock PBX; the target is " +
			m.ctx.Target.BaseURL + ".\nSwitch to the mock on the Profiles screen.")
	}
	w := max(1, m.width)
	var b strings.Builder
	b.WriteString(ansi.Truncate(m.header(), w, "…") + "\n")
	b.WriteString(m.tabs() + "\n")
	h := m.bodyRows()
	var body []string
	switch m.pane {
	case paneJournal:
		body = m.journalRows(h, w)
	case paneOutbox:
		body = m.outboxRows(h)
	case paneFaults:
		body = m.faultRows(h)
	}
	for i, l := range body {
		body[i] = ansi.Truncate(l, w, "…")
	}
	for len(body) < h {
		body = append(body, "")
	}
	b.WriteString(strings.Join(body, "\n") + "\n")
	switch {
	case m.err != "":
		b.WriteString(st.Status.Err.Render(common.Wrap(m.err, w)))
	case m.info != "":
		b.WriteString(st.Status.OK.Render(common.Wrap(m.info, w)))
	case m.closed:
		b.WriteString(st.Status.Err.Render("the mock stopped: no more requests will show"))
	}
	return b.String()
}

func (m *Model) header() string {
	st := m.ctx.Styles
	s := m.snap
	clock := "clock —"
	if !s.now.IsZero() {
		// The time of the last update, not of the last snapshot (which looks
		// like a stopped clock): on the mock, the root's clock is the mock's.
		now := s.now
		if !m.ctx.Time.IsZero() && m.active() {
			now = m.ctx.Time
		}
		clock = "clock " + now.Local().Format("15:04:05")
		if off := s.now.Sub(s.realNow).Round(time.Second); off >= time.Second {
			clock += " (+" + off.String() + ")"
		}
	}
	n := 0
	for _, f := range s.faults {
		if f != (mockserver.Fault{}) {
			n++
		}
	}
	faults := st.Status.Faint.Render(" · no faults")
	if n > 0 {
		faults = st.Status.Err.Render(fmt.Sprintf(" · %d fault(s) on", n))
	}
	return st.Form.Title.Render("Mock PBX") + st.Status.Faint.Render(" · "+m.ctx.Target.BaseURL+" · "+clock) + faults
}

func (m *Model) tabs() string {
	st := m.ctx.Styles
	var parts []string
	for p := paneJournal; p <= paneFaults; p++ {
		label := p.String()
		switch p {
		case paneJournal:
			label += " (" + strconv.Itoa(len(m.journal)) + ")"
		case paneOutbox:
			label += " (" + strconv.Itoa(len(m.snap.outbox)) + ")"
		}
		if p == m.pane {
			parts = append(parts, st.Tabs.Active.Render(st.MarkActive(label)))
		} else {
			parts = append(parts, st.Tabs.Inactive.Render(label))
		}
	}
	return strings.Join(parts, st.Tabs.Separator.Render(" │ "))
}

// bodyRows is how many lines the pane's rows get: the area less the header,
// the pane tabs and the outcome line.
func (m *Model) bodyRows() int { return max(1, m.height-3) }

// journalFixed is the width of the journal's columns other than path and
// operation, with their separators.
const journalFixed = 8 + 1 + 6 + 1 + 1 + 6 + 1 + 8 + 2

func (m *Model) journalRows(h, w int) []string {
	st := m.ctx.Styles
	if len(m.journal) == 0 {
		return []string{st.App.Placeholder.Render("No requests yet: every call to the mock shows up here as it is answered.")}
	}
	shown := m.journal[min(m.scroll, len(m.journal)):]
	shown = shown[:min(len(shown), h-1)]
	// The operation says what was called, so it is kept whole; the path gets
	// what is left, up to its longest, and is cut with "…" when it must be.
	opW, pathW := len("operation"), len("path")
	for _, e := range shown {
		opW, pathW = max(opW, ansi.StringWidth(e.Operation)), max(pathW, ansi.StringWidth(e.Path))
	}
	pathW = max(len("path"), min(pathW, w-journalFixed-opW))
	row := func(tm, method, path, status, took, op string) string {
		return fmt.Sprintf("%-8s %-6s %s %6s %8s  %s", tm, method, path+strings.Repeat(" ", max(0, pathW-ansi.StringWidth(path))), status, took, op)
	}
	// The time is on the mock's clock, like the header's and the outbox's.
	rows := []string{st.Table.Header.Render(row("time", "method", "path", "status", "took", "operation"))}
	for _, e := range shown {
		line := row(e.Time.Local().Format("15:04:05"), e.Method, ansi.Truncate(e.Path, pathW, "…"),
			strconv.Itoa(e.Status), exchangeview.Duration(e.Duration), e.Operation)
		if e.Status >= 400 || e.Status == 0 {
			line = st.Status.Err.Render(line)
		}
		rows = append(rows, line)
	}
	return rows
}

// mask hides a one-time code or token unless revealed: codes are secrets too.
func (m *Model) mask(s string) string {
	if s == "" || m.reveal {
		return s
	}
	return strings.Repeat("•", min(8, len(s)))
}

func (m *Model) outboxRows(h int) []string {
	st := m.ctx.Styles
	mails := m.snap.outbox
	if len(mails) == 0 {
		return []string{st.App.Placeholder.Render("The outbox is empty: one-time codes and reset links the mock mails show up here.")}
	}
	rows := []string{st.Table.Header.Render(fmt.Sprintf("%-8s %-6s %-30s %s", "sent", "kind", "to", "code / token"))}
	for i := len(mails) - 1 - m.scroll; i >= 0 && len(rows) < h; i-- {
		ml := mails[i]
		secret := m.mask(ml.Code)
		if ml.Kind == mockserver.MailReset {
			secret = m.mask(ml.Token)
		}
		rows = append(rows, fmt.Sprintf("%-8s %-6s %-30s %s", ml.SentAt.Local().Format("15:04:05"), ml.Kind, ansi.Truncate(ml.Username+" <"+ml.To+">", 30, "…"), secret))
	}
	return rows
}

func (m *Model) faultRows(h int) []string {
	st := m.ctx.Styles
	rows := []string{st.Table.Header.Render(fmt.Sprintf("  %-26s %s", "operation", "fault"))}
	off := max(0, m.op-(h-2))
	sel := st.Selected
	for i := off; i < len(m.ops) && len(rows) < h; i++ {
		op := m.ops[i]
		f := m.snap.faults[op]
		d := describe(f)
		line := fmt.Sprintf("  %-26s ", op)
		val := st.Status.Faint.Render(d)
		if f != (mockserver.Fault{}) {
			val = st.Status.Err.Render(d)
		}
		if i == m.op {
			line = sel.Render("›" + line[1:])
		}
		rows = append(rows, line+val)
	}
	return rows
}
