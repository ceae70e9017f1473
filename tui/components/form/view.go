package form

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/pbxauth/pbxauth/apiclient/rules"
)

// View renders one line per field (label, input or toggle, and its violation once
// the form is touched), then nothing else: the screen adds its own status.
func (m Model) View() string {
	st := m.styles.Form
	lw := labelWidth(m.fields)
	byField := map[string]rules.Violation{}
	shown := map[string]bool{}
	for _, f := range m.fields {
		if m.showsErrors(f) {
			shown[f.Key] = true
		}
	}
	if len(shown) > 0 {
		for _, v := range m.Violations() {
			if _, seen := byField[v.Field]; !seen && shown[v.Field] {
				byField[v.Field] = v
			}
		}
	}
	var b strings.Builder
	for i, f := range m.fields {
		focused := i == m.focus
		label := st.Label
		marker := "  "
		if focused {
			label = st.FocusedLabel
			marker = "> "
		}
		v, bad := byField[f.Key]
		if bad {
			label = st.Invalid
			marker = "! "
			if focused {
				marker = ">!"
			}
		}
		b.WriteString(label.Render(marker + padRight(f.Label, lw)))
		b.WriteString("  ")
		switch f.Kind {
		case Toggle:
			box := "[ ] no"
			if f.on {
				box = "[x] yes"
			}
			if focused {
				box = st.FocusedLabel.Render(box)
			}
			b.WriteString(box)
		default:
			b.WriteString(f.input.View())
		}
		if bad {
			b.WriteString("\n" + strings.Repeat(" ", lw+4) + st.Invalid.Render("✗ "+v.Message))
		} else if focused && f.Hint != "" {
			b.WriteString("\n" + strings.Repeat(" ", lw+4) + st.Hint.Render(f.Hint))
		}
		if i < len(m.fields)-1 {
			b.WriteString("\n")
		}
	}
	return lipgloss.NewStyle().MaxWidth(max(1, m.width)).Render(b.String())
}

func padRight(s string, w int) string {
	if len(s) >= w {
		return s
	}
	return s + strings.Repeat(" ", w-len(s))
}
