package form

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"

	"github.com/pbxauth/pbxauth/tui/styles"
)

func newForm() Model {
	st := styles.DefaultStyles()
	return New(&st, RulesFor("signInWithCredentials"),
		Field{Key: "username", Label: "Username"},
		Field{Key: "password", Label: "Password", Kind: Secret},
		Field{Key: "domain", Label: "Domain", Optional: true},
		Field{Key: "web", Label: "Web", Kind: Toggle},
	)
}

func typeText(m *Model, s string) {
	for _, r := range s {
		m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func TestModel_Values_leaveOutEmptyOptionalFields(t *testing.T) {
	m := newForm()
	m.Focus(0)
	typeText(&m, "alice")
	assert.Equal(t, map[string]string{"username": "alice", "password": "", "web": "false"}, m.Values())
	m.SetValue("domain", "example.com")
	assert.Equal(t, "example.com", m.Values()["domain"])
}

func TestModel_View_errorsOnlyOnceTouched(t *testing.T) {
	m := newForm()
	assert.NotContains(t, m.View(), "is required", "a fresh form is not all red")
	m.Touch()
	assert.Contains(t, m.View(), "is required")
	m.SetValue("username", "admin")
	m.SetValue("domain", "example.com")
	assert.Contains(t, m.View(), "reserved for the system administrator", "rules see the domain")
	m.Untouch()
	assert.NotContains(t, m.View(), "reserved")
}

func TestModel_Secrets_maskedUntilRevealed(t *testing.T) {
	m := newForm()
	m.Focus(1)
	typeText(&m, "hunter2")
	assert.NotContains(t, m.View(), "hunter2")
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlR})
	assert.True(t, m.Revealed())
	assert.Contains(t, m.View(), "hunter2")
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlR})
	assert.NotContains(t, m.View(), "hunter2")
}

func TestModel_Focus_navigationAndCapture(t *testing.T) {
	m := newForm()
	assert.False(t, m.Capturing())
	m.Update(tea.KeyMsg{Type: tea.KeyTab})
	assert.Equal(t, 0, m.FocusIndex())
	assert.True(t, m.Capturing())
	m.Update(tea.KeyMsg{Type: tea.KeyShiftTab})
	assert.Equal(t, 3, m.FocusIndex(), "shift+tab wraps to the last field")
	assert.False(t, m.Capturing(), "a toggle takes no text: q and digits stay global")
	m.Update(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
	assert.True(t, m.Bool("web"))
	m.Blur()
	assert.Equal(t, -1, m.FocusIndex())
	typeText(&m, "x")
	assert.Equal(t, "", m.Value("username"), "a blurred form takes no input")
}

func TestModel_View_fitsNarrowWidths(t *testing.T) {
	m := newForm()
	m.Touch()
	for _, w := range []int{1, 10, 40, 80} {
		m.SetWidth(w)
		assert.NotPanics(t, func() { _ = m.View() })
	}
}

func TestModel_View_placeholderNeverLooksLikeAValue(t *testing.T) {
	prev := lipgloss.ColorProfile()
	lipgloss.SetColorProfile(termenv.Ascii) // what NO_COLOR gives: no faint text
	t.Cleanup(func() { lipgloss.SetColorProfile(prev) })
	st := styles.DefaultStyles()
	m := New(&st, nil, Field{Key: "username", Label: "Username", Placeholder: "account name"})
	assert.Contains(t, m.View(), "(account name)", "an empty field reads as a description")
	assert.Equal(t, "", m.Value("username"), "the placeholder is no value")
	m.SetValue("username", "bob")
	assert.NotContains(t, m.View(), "account name")
	assert.NotContains(t, m.View(), "(bob)", "values are shown as they are")
}

func TestModel_View_aFieldNotReachedYetIsNotFlagged(t *testing.T) {
	m := newForm()
	m.Focus(0)
	typeText(&m, "al")
	v := m.View()
	assert.NotContains(t, v, "! Password", "typing the username does not flag the password yet")
	assert.NotContains(t, v, "is required")
	m.Update(tea.KeyMsg{Type: tea.KeyTab}) // to the password
	m.Update(tea.KeyMsg{Type: tea.KeyTab}) // and on, leaving it empty
	assert.NotContains(t, m.View(), "! Password", "passing through a field is not an error yet")
	m.Update(tea.KeyMsg{Type: tea.KeyShiftTab})
	typeText(&m, "x")
	m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	assert.Contains(t, m.View(), "!Password", "an edited field shows its error")
	m.Untouch()
	m.Touch()
	assert.Contains(t, m.View(), "is required", "a send shows every field's errors")
}
