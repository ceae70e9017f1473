package styles

import (
	"os"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles are every style the TUI draws with, grouped by area.
type Styles struct {
	Palette Palette

	App struct {
		Placeholder lipgloss.Style
	}
	Tabs struct {
		Active, Inactive, Separator lipgloss.Style
	}
	TargetBar struct {
		Bar, URL, Mock, TLSOK, TLSOff, Production, User, Countdown, Expired, Faint lipgloss.Style
	}
	Form struct {
		Title, Label, FocusedLabel, Invalid, Hint, Error, Success, Button, Section lipgloss.Style
	}
	Table struct {
		Key, Value, Header lipgloss.Style
	}
	Dialog lipgloss.Style
	Status struct {
		OK, Err, Busy, Faint lipgloss.Style
	}
	Help lipgloss.Style
}

// DefaultStyles builds the styles from the default palette.
func DefaultStyles() Styles { return New(DefaultPalette()) }

// New builds the styles from a palette. Markers that matter (TLS off, production)
// carry text and bold/reverse too, so they stay loud without colour (NO_COLOR).
func New(p Palette) Styles {
	var s Styles
	s.Palette = p
	s.App.Placeholder = lipgloss.NewStyle().Foreground(p.Faint)

	s.Tabs.Active = lipgloss.NewStyle().Bold(true).Foreground(p.Primary).Underline(true)
	s.Tabs.Inactive = lipgloss.NewStyle().Foreground(p.Faint)
	s.Tabs.Separator = lipgloss.NewStyle().Foreground(p.Border)

	s.TargetBar.Bar = lipgloss.NewStyle().Padding(0, 1)
	s.TargetBar.URL = lipgloss.NewStyle().Bold(true).Foreground(p.Text)
	s.TargetBar.Mock = lipgloss.NewStyle().Foreground(p.Running)
	s.TargetBar.TLSOK = lipgloss.NewStyle().Foreground(p.Success)
	s.TargetBar.TLSOff = lipgloss.NewStyle().Bold(true).Reverse(true).Foreground(p.Error)
	s.TargetBar.Production = lipgloss.NewStyle().Bold(true).Reverse(true).Foreground(p.Warning)
	s.TargetBar.User = lipgloss.NewStyle().Foreground(p.Primary)
	s.TargetBar.Countdown = lipgloss.NewStyle().Foreground(p.Success)
	s.TargetBar.Expired = lipgloss.NewStyle().Foreground(p.Error)
	s.TargetBar.Faint = lipgloss.NewStyle().Foreground(p.Faint)

	s.Form.Title = lipgloss.NewStyle().Bold(true).Foreground(p.Primary)
	s.Form.Label = lipgloss.NewStyle().Foreground(p.Faint)
	s.Form.FocusedLabel = lipgloss.NewStyle().Bold(true).Foreground(p.Primary)
	s.Form.Invalid = lipgloss.NewStyle().Foreground(p.Error)
	s.Form.Hint = lipgloss.NewStyle().Foreground(p.Faint).Italic(true)
	s.Form.Error = lipgloss.NewStyle().Foreground(p.Error)
	s.Form.Success = lipgloss.NewStyle().Foreground(p.Success)
	s.Form.Button = lipgloss.NewStyle().Foreground(p.Primary)
	s.Form.Section = lipgloss.NewStyle().Bold(true).Foreground(p.Text)

	s.Table.Key = lipgloss.NewStyle().Foreground(p.Key)
	s.Table.Value = lipgloss.NewStyle().Foreground(p.Text)
	s.Table.Header = lipgloss.NewStyle().Bold(true).Foreground(p.Primary)

	s.Dialog = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(p.Warning).Padding(0, 1)

	s.Status.OK = lipgloss.NewStyle().Foreground(p.Success)
	s.Status.Err = lipgloss.NewStyle().Foreground(p.Error)
	s.Status.Busy = lipgloss.NewStyle().Foreground(p.Running)
	s.Status.Faint = lipgloss.NewStyle().Foreground(p.Faint)

	s.Help = lipgloss.NewStyle().Padding(0, 1)
	return s
}

// Plain reports whether colour and text attributes are off (NO_COLOR, a dumb
// terminal). Then a style can't show what is active or selected, so views mark
// it with characters too.
func Plain() bool { return lipgloss.ColorProfile() == termenv.Ascii }

// MarkActive brackets label when Plain, where the active style shows nothing.
func MarkActive(label string) string {
	if Plain() {
		return "[" + label + "]"
	}
	return label
}

// DetectBackground asks the terminal for its background colour now, before the
// program takes over the input: once Bubble Tea reads stdin, the terminal's answer
// would go to it and lipgloss would assume a dark background. The answer is cached
// for every AdaptiveColor.
func DetectBackground() bool { return lipgloss.HasDarkBackground() }

// HonourNoColor turns colour off for the whole process when NO_COLOR is set
// (https://no-color.org). Call it once at startup, before the first View.
func HonourNoColor() {
	if os.Getenv("NO_COLOR") != "" {
		lipgloss.SetColorProfile(termenv.Ascii)
	}
}
