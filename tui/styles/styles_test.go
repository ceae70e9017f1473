package styles

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
)

func TestHonourNoColor(t *testing.T) {
	before := lipgloss.ColorProfile()
	t.Cleanup(func() { lipgloss.SetColorProfile(before) })

	lipgloss.SetColorProfile(termenv.TrueColor)
	t.Setenv("NO_COLOR", "")
	HonourNoColor()
	assert.Equal(t, termenv.TrueColor, lipgloss.ColorProfile(), "an empty NO_COLOR changes nothing")

	t.Setenv("NO_COLOR", "1")
	HonourNoColor()
	assert.Equal(t, termenv.Ascii, lipgloss.ColorProfile())
	st := DefaultStyles()
	assert.Equal(t, "TLS OFF", st.TargetBar.TLSOff.Render("TLS OFF"), "no escape codes without colour")
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
