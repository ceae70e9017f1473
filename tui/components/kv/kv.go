// Package kv renders key/value rows as an aligned two-column table.
package kv

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/pbxauth/pbxauth/internal/termsafe"
	"github.com/pbxauth/pbxauth/tui/styles"
)

// Row is one key and its value; an empty Key makes a section header of Value.
type Row struct{ Key, Value string }

// Blank stands for an empty value: PortSIP sends blank fields as null, and a
// row with nothing after its key reads like a rendering fault.
const Blank = "—"

// View renders rows within width columns. A long value wraps onto lines indented
// under the value column, so an error or a capability list is read whole, never
// cut off.
func View(st *styles.Styles, rows []Row, width int) string {
	// Keys and values are data (metadata and user fields from the PBX): made
	// inert before measuring and styling. A value keeps its line breaks.
	safe := make([]Row, len(rows))
	for i, r := range rows {
		safe[i] = Row{Key: termsafe.Line(r.Key), Value: termsafe.Text(r.Value)}
	}
	rows = safe
	kw := 0
	for _, r := range rows {
		if len(r.Key) > kw {
			kw = len(r.Key)
		}
	}
	indent := strings.Repeat(" ", kw+2)
	var b strings.Builder
	for i, r := range rows {
		if i > 0 {
			b.WriteString("\n")
		}
		if r.Key == "" {
			b.WriteString(st.Table.Header.Render(r.Value))
			continue
		}
		b.WriteString(st.Table.Key.Render(r.Key+strings.Repeat(" ", kw-len(r.Key))) + "  ")
		if r.Value == "" {
			b.WriteString(st.Table.Value.Render(Blank))
			continue
		}
		for j, l := range wrap(r.Value, width-kw-2) {
			if j > 0 {
				b.WriteString("\n" + indent)
			}
			b.WriteString(st.Table.Value.Render(l))
		}
	}
	return b.String()
}

// wrap breaks v into lines of at most room columns, at spaces where it can and
// inside long words (URLs, tokens) where it must. A room too small to be useful
// leaves v whole for the frame to clip.
func wrap(v string, room int) []string {
	if room < 8 || ansi.StringWidth(v) <= room {
		return strings.Split(v, "\n")
	}
	return strings.Split(ansi.Wrap(v, room, ""), "\n")
}
