package styles

import (
	"io"
	"os"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles are every style the TUI draws with, grouped by area.
type Styles struct {
	Palette Palette
	// Plain styles have no colour (NO_COLOR): what colour would show is carried by
	// text attributes (reverse, bold) and characters instead.
	Plain bool
	// Selected is the row under the cursor in lists.
	Selected lipgloss.Style

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
	// HelpKeys style the help bar's keys and descriptions (bubbles' own defaults
	// carry fixed colours).
	HelpKeys struct {
		Key, Desc, Separator lipgloss.Style
	}
}

// DefaultStyles builds the styles from the default palette.
func DefaultStyles() Styles { return New(DefaultPalette()) }

// New builds the styles from a palette. Markers that matter (TLS off, production)
// carry text and bold/reverse too, so they stay loud without colour (NO_COLOR).
func New(p Palette) Styles {
	var s Styles
	s.Palette = p
	s.Selected = lipgloss.NewStyle().Background(p.Selected).Bold(true)
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
	s.HelpKeys.Key = lipgloss.NewStyle().Foreground(p.Text)
	s.HelpKeys.Desc = lipgloss.NewStyle().Foreground(p.Faint)
	s.HelpKeys.Separator = lipgloss.NewStyle().Foreground(p.Border)
	return s
}

// NoColorStyles are the styles for NO_COLOR: no colour at all, but bold, reverse
// and underline stay (NO_COLOR is about colour), so the focused field's cursor,
// the selected row and the active tab still show.
func NoColorStyles() Styles {
	s := New(Palette{})
	s.Plain = true
	s.Selected = lipgloss.NewStyle().Reverse(true)
	return s
}

// MarkActive brackets label when nothing but characters can show it is active:
// plain styles, or a terminal (or test) without any text attributes.
func (s *Styles) MarkActive(label string) string {
	if s.Plain || lipgloss.ColorProfile() == termenv.Ascii {
		return "[" + label + "]"
	}
	return label
}

// KeepAttributes lets a NO_COLOR run keep bold, reverse and underline: termenv
// reads NO_COLOR as its Ascii profile, which drops those too, and with them the
// text cursor and the selected row. NoColorStyles emit no colour under ANSI, so
// this is only for them; a terminal without attributes (not a TTY, TERM=dumb)
// stays Ascii.
func KeepAttributes(out io.Writer) {
	if termenv.NewOutput(out).ColorProfile() != termenv.Ascii {
		lipgloss.SetColorProfile(termenv.ANSI)
	}
}

// NoColorRequested reports whether the NO_COLOR environment variable asks for no
// colour (https://no-color.org: set and not empty).
func NoColorRequested() bool { return os.Getenv("NO_COLOR") != "" }

// DetectBackground asks the terminal for its background colour now, before the
// program takes over the input: once Bubble Tea reads stdin, the terminal's answer
// would go to it and lipgloss would assume a dark background. The answer is cached
// for every AdaptiveColor.
func DetectBackground() bool { return lipgloss.HasDarkBackground() }
