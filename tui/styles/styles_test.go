package styles

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
)

func TestNoColorRequested(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	assert.False(t, NoColorRequested(), "an empty NO_COLOR changes nothing")
	t.Setenv("NO_COLOR", "1")
	assert.True(t, NoColorRequested())
}

func TestNoColorStyles_noColourButAttributes(t *testing.T) {
	before := lipgloss.ColorProfile()
	t.Cleanup(func() { lipgloss.SetColorProfile(before) })
	lipgloss.SetColorProfile(termenv.TrueColor)
	st := NoColorStyles()
	for name, s := range map[string]lipgloss.Style{
		"error": st.Status.Err, "title": st.Form.Title, "TLS off": st.TargetBar.TLSOff, "selected": st.Selected,
	} {
		out := s.Render("x")
		assert.NotContains(t, out, "38;", "%s: no foreground colour", name)
		assert.NotContains(t, out, "48;", "%s: no background colour", name)
	}
	assert.Contains(t, st.Selected.Render("row"), "\x1b[7m", "the selected row is reversed instead")
	assert.Equal(t, "[1 Sign in]", st.MarkActive("1 Sign in"), "the active tab is marked with characters")
	def := DefaultStyles()
	assert.Equal(t, "1 Sign in", def.MarkActive("1 Sign in"), "with colour the style shows it")
}

func TestDefaultPalette_everyRoleAdaptsToBothBackgrounds(t *testing.T) {
	p := DefaultPalette()
	for name, c := range map[string]lipgloss.AdaptiveColor{
		"Primary": p.Primary, "Text": p.Text, "Faint": p.Faint, "Border": p.Border, "Success": p.Success,
		"Warning": p.Warning, "Error": p.Error, "Selected": p.Selected, "Pass": p.Pass, "Fail": p.Fail,
		"Skip": p.Skip, "Running": p.Running, "Method": p.Method, "Key": p.Key, "String": p.String, "Number": p.Number,
	} {
		assert.NotEmpty(t, c.Light, name)
		assert.NotEmpty(t, c.Dark, name)
		assert.NotEqual(t, c.Light, c.Dark, "%s: one colour can't suit both backgrounds", name)
	}
}
