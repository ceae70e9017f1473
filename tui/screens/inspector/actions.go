package inspector

// What the keys do: move, search, copy, replay, export.

import (
	"fmt"
	neturl "net/url"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/history"
)

func (m *Model) move(d int) {
	if len(m.items) == 0 {
		return
	}
	m.sel = max(0, min(len(m.items)-1, m.sel+d))
	m.follow = m.sel == 0
	m.sync()
}

func (m *Model) onSearchKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.EndSearch):
		m.searching = false
		m.search.Blur()
		m.jumpTo(0)
		return nil
	case key.Matches(msg, m.keys.ClearSearch):
		m.searching = false
		m.search.Blur()
		m.setQuery("")
		return nil
	}
	var cmd tea.Cmd
	m.search, cmd = m.search.Update(msg)
	if m.search.Value() != m.query {
		m.setQuery(m.search.Value())
		m.jumpTo(0)
	}
	return cmd
}

func (m *Model) setQuery(q string) {
	m.query = q
	m.matches = m.doc.Find(q)
	m.cur = 0
	m.render()
}

func (m *Model) jump(d int) {
	if len(m.matches) == 0 {
		return
	}
	m.jumpTo((m.cur + d + len(m.matches)) % len(m.matches))
}

// jumpTo makes match i current and scrolls it into view, a few rows from the top.
func (m *Model) jumpTo(i int) {
	if i < 0 || i >= len(m.matches) {
		return
	}
	m.cur = i
	m.render()
	row := m.starts[m.matches[i].Line]
	if row < m.vp.YOffset || row >= m.vp.YOffset+m.vp.Height {
		m.vp.SetYOffset(max(0, row-2))
	}
}

func (m *Model) copy(reveal bool) tea.Cmd {
	it, ok := m.selected()
	if !ok {
		return nil
	}
	if reveal && it.earlier {
		m.info, m.err = "", "entries from earlier sessions hold no secrets to reveal"
		return nil
	}
	// The text is made here, so the Cmd holds a string, not the model.
	text := it.entry.Exchange.Curl(reveal)
	return common.To(ID, copyCurl(m.opts.Clipboard, text, reveal, unreachableByCurl(it.entry.Exchange.URL)))
}

func (m *Model) askReplay() tea.Cmd {
	it, ok := m.selected()
	if !ok {
		return nil
	}
	ex := it.entry.Exchange
	if it.earlier {
		m.info, m.err = "", errRedacted.Error()
		return nil
	}
	if err := replayable(ex); err != nil {
		m.info, m.err = "", err.Error()
		return nil
	}
	if it.entry.Target != m.ctx.Target.Profile {
		// The client talks to the current target: replaying there would send one
		// PBX's tokens to another.
		m.info, m.err = "", "this exchange was made on "+it.entry.Target+"; switch to that profile to replay it"
		return nil
	}
	if m.ctx.Target.Production && mutates(ex) {
		prompt := "Replay " + ex.Method + " " + apiclient.RedactURL(ex.URL) + " on the PRODUCTION PBX?"
		return func() tea.Msg { return common.ConfirmMsg{Prompt: prompt, To: ID, Yes: replayConfirmedMsg{ex: ex}} }
	}
	return m.replay(ex)
}

func (m *Model) replay(ex *apiclient.Exchange) tea.Cmd {
	ctx, id := m.reqs.Start(m.ctx.Base, m.ctx.RequestTimeout)
	m.info, m.err = "replaying "+ex.Method+" "+apiclient.RedactURL(ex.URL)+"…", ""
	return common.To(ID, replayCmd(ctx, m.ctx.API, id, ex))
}

// exportEntries are the marked entries, or else this session's entries of the
// current profile that the list shows (the filter applies), oldest first; this
// session's carry the mock clock moves between them.
func (m *Model) exportEntries() []history.Entry {
	var earlier, now []history.Entry
	for i := len(m.items) - 1; i >= 0; i-- {
		it := m.items[i]
		if len(m.marked) > 0 {
			if !m.marked[it.key()] {
				continue
			}
		} else if it.earlier || it.entry.Target != m.ctx.Target.Profile || it.entry.Scenario != "" {
			// Unmarked, the export is the person's own calls of this session:
			// earlier sessions' and scenario runs' only when marked.
			continue
		}
		if it.earlier {
			earlier = append(earlier, it.entry)
		} else {
			now = append(now, it.entry)
		}
	}
	return append(earlier, m.ctx.History.WithClock(now)...)
}

func (m *Model) export() tea.Cmd {
	entries := m.exportEntries()
	if len(entries) == 0 {
		m.info, m.err = "", "nothing to export for "+m.ctx.Target.Profile+" in this session (mark rows with "+m.keys.Mark.Help().Key+")"
		return nil
	}
	// The file is named on the wall clock: the mock's may be hours ahead.
	now := m.opts.Now()
	opts := history.ExportOptions{
		Name: "session " + m.ctx.Target.Profile + " " + now.Format("2006-01-02 15:04:05"),
		Mock: m.ctx.Target.Mock,
	}
	m.info, m.err = fmt.Sprintf("exporting %d exchange(s)…", len(entries)), ""
	name := "pbxauth-" + m.ctx.Target.Profile + "-" + now.Format("20060102-150405") + ".yaml"
	return common.To(ID, exportCmd(entries, opts, m.opts.ExportDir, name))
}

// unreachableByCurl tells whether url's host is under .invalid, a name no resolver
// answers (RFC 2606): the address of the TUI's in-process mock.
func unreachableByCurl(url string) bool {
	u, err := neturl.Parse(url)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	return host == "invalid" || strings.HasSuffix(host, ".invalid")
}
