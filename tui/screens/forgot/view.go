package forgot

import "strings"

// View implements common.Screen.
func (m *Model) View() string {
	st := m.ctx.Styles
	var b strings.Builder
	b.WriteString(st.Form.Title.Render("Forgot password") + "\n\n")
	b.WriteString(st.Form.Section.Render("1 · request a reset link (POST /auth/forget_password)") + "\n")
	b.WriteString(m.forms[requestForm].View() + "\n\n")
	b.WriteString(st.Form.Section.Render("2 · reset with the token (POST /auth/reset_password)") + "\n")
	b.WriteString(m.forms[resetForm].View() + "\n\n")
	switch {
	case m.Busy():
		b.WriteString(st.Status.Busy.Render("waiting…"))
	case m.err != "":
		b.WriteString(st.Form.Error.Width(max(10, m.width-1)).Render("✗ " + m.err))
	case m.info != "":
		b.WriteString(st.Form.Success.Width(max(10, m.width-1)).Render(m.info))
	}
	return b.String()
}
