// Package kv renders key/value rows as an aligned two-column table.
package kv

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/pbxauth/pbxauth/tui/styles"
)

// Row is one key and its value; an empty Key makes a section header of Value.
type Row struct{ Key, Value string }

// View renders rows within width columns; long values are cut with an ellipsis.
func View(st *styles.Styles, rows []Row, width int) string {
	kw := 0
	for _, r := range rows {
		if len(r.Key) > kw {
			kw = len(r.Key)
		}
	}
	var b strings.Builder
	for i, r := range rows {
		if i > 0 {
			b.WriteString("\n")
		}
		if r.Key == "" {
			b.WriteString(st.Table.Header.Render(r.Value))
			continue
		}
		v := r.Value
		if room := width - kw - 2; room > 1 && ansi.StringWidth(v) > room {
			v = ansi.Truncate(v, room, "…")
		}
		b.WriteString(st.Table.Key.Render(r.Key+strings.Repeat(" ", kw-len(r.Key))) + "  " + st.Table.Value.Render(v))
	}
	return b.String()
}
