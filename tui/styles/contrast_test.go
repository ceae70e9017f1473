package styles

import (
	"math"
	"reflect"
	"strconv"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

// luminance is WCAG 2.x relative luminance of a #RRGGBB colour.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	if len(hex) != 7 || hex[0] != '#' {
		t.Fatalf("not #RRGGBB: %q", hex)
	}
	var c [3]float64
	for i := range c {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			t.Fatal(err)
		}
		s := float64(v) / 255
		if s <= 0.03928 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// Every text colour of the palette reads at WCAG AA (4.5:1) on common terminal
// backgrounds of its theme: white and GitHub's off-white for light, black and
// VS Code's #1E1E1E for dark; and text on the selected-row background. Border
// (separators) and Selected (a background) are not text.
func TestPalette_textContrastIsWCAGAA(t *testing.T) {
	backgrounds := map[string][]string{"light": {"#FFFFFF", "#F6F8FA"}, "dark": {"#000000", "#1E1E1E"}}
	p := DefaultPalette()
	v := reflect.ValueOf(p)
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		if name == "Border" || name == "Selected" {
			continue
		}
		c := v.Field(i).Interface().(lipgloss.AdaptiveColor)
		for theme, fg := range map[string]string{"light": c.Light, "dark": c.Dark} {
			for _, bg := range backgrounds[theme] {
				if r := contrast(t, fg, bg); r < 4.5 {
					t.Errorf("%s (%s) on %s %s: %.2f:1, want at least 4.5:1", name, fg, theme, bg, r)
				}
			}
		}
	}
	for theme, pair := range map[string][2]string{"light": {p.Text.Light, p.Selected.Light}, "dark": {p.Text.Dark, p.Selected.Dark}} {
		if r := contrast(t, pair[0], pair[1]); r < 4.5 {
			t.Errorf("text on the %s selected row: %.2f:1", theme, r)
		}
	}
}
