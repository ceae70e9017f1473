package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
	"github.com/pbxauth/pbxauth/tui/keys"
)

// helpKeys joins the active screen's keys with the global ones. While a field has
// focus the guarded keys (q, ?, digits) are typed, not acted on, so they are left
// out of the help and esc is shown instead.
type helpKeys struct {
	screen interface {
		ShortHelp() []key.Binding
		FullHelp() [][]key.Binding
	}
	global    keys.Global
	capturing bool
	// busy: a request is in flight, so esc cancels it as well as leaving the field.
	busy bool
	// dialog: a yes/no question has every key but ctrl+c, so only its own keys
	// are true (esc answers no; it does not leave a field).
	dialog bool
	// width and sep are the help bar's width and short separator: the screen's
	// keys are dropped from the end until the global ones fit (0: no limit).
	width int
	sep   string
}

// ShortHelp is the screen's keys, then the global ones. The global ones (? help,
// q quit; esc and ctrl+c while typing) always show: when the bar is too narrow
// the screen's last, least important keys go first, since ? still lists them.
func (h helpKeys) ShortHelp() []key.Binding {
	var tail []key.Binding
	switch {
	case h.dialog:
		tail = []key.Binding{h.global.ForceQuit}
	case h.capturing && !hasEsc(h.screen.ShortHelp()):
		tail = []key.Binding{h.esc(), h.global.ForceQuit}
	case h.capturing: // the screen says what its esc does (clear a search)
		tail = []key.Binding{h.global.ForceQuit}
	default:
		tail = []key.Binding{h.global.Help, h.global.Quit}
	}
	screen := h.screen.ShortHelp()
	if h.width > 0 {
		used := shortWidth(tail, h.sep)
		n := 0
		for _, b := range screen {
			if !b.Enabled() {
				n++
				continue
			}
			w := shortWidth([]key.Binding{b}, h.sep) + ansi.StringWidth(h.sep)
			if used+w > h.width {
				break
			}
			used += w
			n++
		}
		screen = screen[:n]
	}
	return append(append([]key.Binding(nil), screen...), tail...)
}

// shortWidth is how wide help.Model's short view draws the enabled bindings.
func shortWidth(bs []key.Binding, sep string) int {
	w, n := 0, 0
	for _, b := range bs {
		if !b.Enabled() {
			continue
		}
		w += ansi.StringWidth(b.Help().Key) + 1 + ansi.StringWidth(b.Help().Desc)
		n++
	}
	if n > 1 {
		w += (n - 1) * ansi.StringWidth(sep)
	}
	return w
}

func (h helpKeys) FullHelp() [][]key.Binding {
	out := append([][]key.Binding(nil), h.screen.FullHelp()...)
	if h.dialog {
		return append(out, []key.Binding{h.global.ForceQuit})
	}
	if h.capturing {
		return append(out, []key.Binding{h.esc(), h.global.Next, h.global.Prev, h.global.ForceQuit})
	}
	return append(out, h.global.FullHelp()...)
}

// esc is the global esc binding, its help saying what one press does now: it
// always leaves the field, and first cancels the request in flight, if any.
func (h helpKeys) esc() key.Binding {
	b := h.global.Cancel
	if !h.busy {
		b.SetHelp(b.Help().Key, "leave field")
	}
	return b
}

// hasEsc reports whether a screen binding already takes esc, so the help does
// not list esc twice with two meanings.
func hasEsc(bs []key.Binding) bool {
	for _, b := range bs {
		if !b.Enabled() {
			continue
		}
		for _, k := range b.Keys() {
			if k == "esc" {
				return true
			}
		}
	}
	return false
}
