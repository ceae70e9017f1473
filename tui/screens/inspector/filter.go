package inspector

// The list filter (/): which rows of the list show. Find-in-exchange (f) is the
// other text field; both share the status line, never the same key.

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// filterText is what the filter matches in a row: what the list shows of it
// (number, method, path, status) and what the divider shows (operation, target
// or scenario), case-insensitive.
func filterText(it item) string {
	ex := it.entry.Exchange
	status := strconv.Itoa(ex.Status)
	if ex.Err != "" {
		status = "ERR " + ex.Err
	}
	return strings.ToLower(strings.Join([]string{
		strconv.Itoa(it.num), ex.Method, path(ex.URL), status, ex.Operation, it.entry.Target, it.entry.Scenario,
	}, " "))
}

// keep reports whether the filter lets it through: every word of the filter
// must occur (so "post sign_in" narrows, in any order).
func (m *Model) keep(it item) bool {
	if m.filter == "" {
		return true
	}
	text := filterText(it)
	for _, w := range strings.Fields(strings.ToLower(m.filter)) {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

func (m *Model) onFilterKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.EndSearch):
		m.filtering = false
		m.filterIn.Blur()
		return nil
	case key.Matches(msg, m.keys.ClearSearch):
		m.filtering = false
		m.filterIn.Blur()
		m.setFilter("")
		return nil
	}
	var cmd tea.Cmd
	m.filterIn, cmd = m.filterIn.Update(msg)
	if v := m.filterIn.Value(); v != m.filter {
		m.setFilter(v)
	}
	return cmd
}

// setFilter narrows the list at once, as the person types; the selection stays
// on its row if the row still shows, else goes to the newest shown.
func (m *Model) setFilter(f string) {
	m.filter = f
	m.rebuild()
	m.detailOK = false
	m.sync()
}

func (m *Model) startFilter() tea.Cmd {
	m.info, m.err = "", ""
	m.filtering = true
	m.filterIn.SetValue(m.filter)
	m.filterIn.CursorEnd()
	return m.filterIn.Focus()
}
