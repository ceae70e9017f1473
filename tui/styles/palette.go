// Package styles holds the TUI's colour palette (named roles) and the lipgloss
// styles built from it, so no view spells a colour itself.
package styles

import "github.com/charmbracelet/lipgloss"

// Palette names colours by their role. Each is adaptive, so light and dark
// terminals both read well; lipgloss detects the background once.
type Palette struct {
	Primary  lipgloss.AdaptiveColor
	Text     lipgloss.AdaptiveColor
	Faint    lipgloss.AdaptiveColor
	Border   lipgloss.AdaptiveColor
	Success  lipgloss.AdaptiveColor
	Warning  lipgloss.AdaptiveColor
	Error    lipgloss.AdaptiveColor
	Selected lipgloss.AdaptiveColor
	// Scenario run states, for the scenarios screen.
	Pass    lipgloss.AdaptiveColor
	Fail    lipgloss.AdaptiveColor
	Skip    lipgloss.AdaptiveColor
	Running lipgloss.AdaptiveColor
	// HTTP methods and JSON roles, for the inspector.
	Method lipgloss.AdaptiveColor
	Key    lipgloss.AdaptiveColor
	String lipgloss.AdaptiveColor
	Number lipgloss.AdaptiveColor
}

// DefaultPalette is pbxauth's palette.
func DefaultPalette() Palette {
	return Palette{
		Primary:  lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#9D8CFF"},
		Text:     lipgloss.AdaptiveColor{Light: "#1A1A1A", Dark: "#E6E6E6"},
		Faint:    lipgloss.AdaptiveColor{Light: "#636363", Dark: "#8A8A8A"},
		Border:   lipgloss.AdaptiveColor{Light: "#C8C8C8", Dark: "#4A4A4A"},
		Success:  lipgloss.AdaptiveColor{Light: "#1E7B34", Dark: "#5FD68A"},
		Warning:  lipgloss.AdaptiveColor{Light: "#9A6700", Dark: "#F2C14E"},
		Error:    lipgloss.AdaptiveColor{Light: "#B3261E", Dark: "#FF6B6B"},
		Selected: lipgloss.AdaptiveColor{Light: "#E4DEFF", Dark: "#3B3363"},
		Pass:     lipgloss.AdaptiveColor{Light: "#1E7B34", Dark: "#5FD68A"},
		Fail:     lipgloss.AdaptiveColor{Light: "#B3261E", Dark: "#FF6B6B"},
		Skip:     lipgloss.AdaptiveColor{Light: "#636363", Dark: "#8A8A8A"},
		Running:  lipgloss.AdaptiveColor{Light: "#005CC5", Dark: "#79B8FF"},
		Method:   lipgloss.AdaptiveColor{Light: "#005CC5", Dark: "#79B8FF"},
		Key:      lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#B392F0"},
		String:   lipgloss.AdaptiveColor{Light: "#1E7B34", Dark: "#9ECE6A"},
		Number:   lipgloss.AdaptiveColor{Light: "#9A6700", Dark: "#F2C14E"},
	}
}
