package profiles

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

func pad(s string, w int) string {
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
}

// View implements common.Screen.
func (m *Model) View() string {
	st := m.ctx.Styles
	var b strings.Builder
	if m.editing {
		title := "New profile"
		if m.editOld != "" {
			title = "Edit profile " + m.editOld
		}
		b.WriteString(st.Form.Title.Render(title) + "\n\n" + m.form.View() + "\n\n")
		b.WriteString(m.out.View(st, m.width, false))
		return b.String()
	}
	b.WriteString(st.Form.Title.Render("Profiles") + "\n")
	if m.store != nil {
		b.WriteString(st.Form.Hint.Render(m.store.Path) + "\n")
		if m.store.LoadErr != nil {
			b.WriteString(st.Form.Error.Width(max(10, m.width-1)).Render("✗ "+m.store.LoadErr.Error()) + "\n")
			b.WriteString(st.Form.Hint.Render("fix the file and restart; pbxauth will not write over it") + "\n")
		}
	}
	b.WriteString("\n")
	es := m.entries()
	// Names and URLs in columns, so the marks line up too.
	nameW, urlW := 0, 0
	for _, e := range es {
		nameW = max(nameW, ansi.StringWidth(e.target.Profile))
		urlW = max(urlW, ansi.StringWidth(e.target.BaseURL))
	}
	for i, e := range es {
		t := e.target
		cur := "  "
		if i == m.cursor {
			cur = "> "
		}
		line := cur + pad(t.Profile, nameW) + "  " + pad(t.BaseURL, urlW)
		var marks []string
		if t.Mock {
			marks = append(marks, "built-in mock")
		}
		if t.AdHoc {
			marks = append(marks, "from --url")
		}
		if t.Insecure {
			marks = append(marks, "TLS NOT VERIFIED")
		}
		if t.Production {
			marks = append(marks, "PRODUCTION")
		}
		if t.Profile == m.ctx.Target.Profile && t.BaseURL == m.ctx.Target.BaseURL {
			marks = append(marks, "in use")
		}
		if len(marks) > 0 {
			line += "  [" + strings.Join(marks, ", ") + "]"
		}
		line = strings.TrimRight(line, " ")
		if i == m.cursor {
			line = st.Form.FocusedLabel.Render(line)
		}
		b.WriteString(line + "\n")
	}
	if out := m.out.View(st, m.width, false); out != "" {
		b.WriteString("\n" + out)
	}
	return b.String()
}
