package common

import (
	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
)

// ScreenID names a screen; messages addressed to a screen carry it.
type ScreenID string

// Screen is what the root router needs of a screen. Screens are pointers: Update
// changes the screen in place and returns the commands to run.
type Screen interface {
	help.KeyMap
	ID() ScreenID
	// Title is the tab's label.
	Title() string
	Init() tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	// SetSize gives the screen its area (the window less the chrome).
	SetSize(width, height int)
	// Capturing reports whether a text input has focus: the root then leaves
	// printable keys (q, ?, digits) to the screen.
	Capturing() bool
	// Busy reports whether a request is in flight (the chrome shows a spinner).
	Busy() bool
}
