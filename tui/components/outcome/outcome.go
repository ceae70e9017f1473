// Package outcome is the line under a form that says how the last action went:
// waiting for the PBX, what it did, or what went wrong (errors through
// common.DescribeError). Every form screen shows it the same way, and it is
// cleared when the person leaves the screen (common.LeftMsg), so no screen
// greets them with news of an action they have moved on from.
package outcome

import (
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/styles"
)

// Line is the outcome of a screen's last action. The zero value says nothing.
type Line struct {
	info, err string
}

// Info says what the last action did.
func (l *Line) Info(text string) { l.info, l.err = text, "" }

// Err says what is wrong, in the screen's words ("fix the marked fields").
func (l *Line) Err(text string) { l.info, l.err = "", text }

// Failed says the action what failed, err described for people:
// "sign in: cannot reach the PBX …". An empty what gives the description alone.
func (l *Line) Failed(what string, err error) {
	if what != "" {
		what += ": "
	}
	l.Err(what + common.DescribeError(err))
}

// Clear says nothing.
func (l *Line) Clear() { l.info, l.err = "", "" }

// Cancelled says the request in flight was stopped.
func (l *Line) Cancelled() { l.Err("cancelled") }

// Empty reports whether the line says nothing.
func (l *Line) Empty() bool { return l.info == "" && l.err == "" }

// Text is what the line says, error or not (tests and screens that fold it
// into their own layout read it).
func (l *Line) Text() string { return l.info + l.err }

// IsErr reports whether the line is an error.
func (l *Line) IsErr() bool { return l.err != "" }

// View draws the line wrapped to width: the wait while busy, else the error
// (marked ✗, which shows without colour too), else the info; "" when there is
// nothing to say.
func (l *Line) View(st *styles.Styles, width int, busy bool) string {
	w := max(10, width-1)
	switch {
	case busy:
		return st.Status.Busy.Render("waiting for the PBX…")
	case l.err != "":
		return st.Form.Error.Width(w).Render("✗ " + l.err)
	case l.info != "":
		return st.Form.Success.Width(w).Render(l.info)
	}
	return ""
}

// Blurrer is a form (or anything with a focused field).
type Blurrer interface{ Blur() }

// LeaveField is esc on a form screen: it cancels the requests in flight (and
// says so) and leaves the field, both at once, so the next key is never typed
// into a field the person thinks they have left.
func LeaveField(l *Line, f Blurrer, reqs ...*common.Requests) {
	cancelled := false
	for _, r := range reqs {
		cancelled = r.Cancel() || cancelled
	}
	if cancelled {
		l.Cancelled()
	}
	if f != nil {
		f.Blur()
	}
}
