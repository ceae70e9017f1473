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
	b.WriteString(m.out.View(st, m.width, m.Busy()))
	return b.String()
}
