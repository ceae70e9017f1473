// Package render draws a Bubble Tea v1 program's frames only when they change.
//
// The v1 standard renderer flushes on a ticker that runs at the frame rate for
// the whole life of the program, so an idle TUI still wakes 30-60 times a second
// (about 0.8% of a core on a VM at 30 fps). Here a frame arms a one-shot timer
// instead: nothing changes, nothing runs. v1 has no renderer option, so Run
// starts the program with tea.WithoutRenderer and does the terminal set-up that
// renderer did (raw input, alternate screen, hidden cursor, bracketed paste, the
// window size).
package render

import (
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// Renderer writes frames to a full-screen terminal, at most one per interval,
// each line addressed absolutely. Safe for concurrent use.
type Renderer struct {
	mu       sync.Mutex
	out      io.Writer
	interval time.Duration
	// after schedules f once after d (time.AfterFunc; tests count and fire it).
	after func(d time.Duration, f func()) func() bool

	frame         string   // the latest frame
	drawn         []string // the lines on screen
	width, height int
	full          bool // the next flush repaints the whole screen
	armed         bool // a flush is scheduled
	cancel        func() bool
	last          time.Time // when the last flush ran
	stopped       bool
}

// New returns a renderer writing to out, at most fps frames a second.
func New(out io.Writer, fps int) *Renderer {
	if fps < 1 {
		fps = 30
	}
	return &Renderer{
		out:      out,
		interval: time.Second / time.Duration(fps),
		full:     true,
		after: func(d time.Duration, f func()) func() bool {
			return time.AfterFunc(d, f).Stop
		},
	}
}

// Start takes the screen: alternate screen, cleared, cursor hidden, bracketed
// paste on (a pasted "q" must not quit).
func (r *Renderer) Start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, _ = io.WriteString(r.out, ansi.SetModeAltScreenSaveCursor+ansi.EraseEntireScreen+ansi.CursorHomePosition+
		ansi.HideCursor+ansi.SetModeBracketedPaste)
}

// Write hands the renderer the program's current frame. Writing the frame on
// screen again schedules nothing.
func (r *Renderer) Write(frame string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped || (frame == r.frame && !r.full) {
		return
	}
	r.frame = frame
	r.schedule()
}

// Resize records the window size; the next frame repaints the whole screen
// (the terminal may have reflowed what was there).
func (r *Renderer) Resize(width, height int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.width, r.height = width, height
	r.full = true
	if !r.stopped {
		r.schedule()
	}
}

// schedule arms one flush: at once when the last one is an interval old (a key
// press draws without delay), else when the interval is up (bursts coalesce).
func (r *Renderer) schedule() {
	if r.armed {
		return
	}
	r.armed = true
	r.cancel = r.after(max(0, r.interval-time.Since(r.last)), r.flush)
}

func (r *Renderer) flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.armed = false
	if r.stopped {
		return
	}
	r.draw()
}

// draw writes the frame over the screen, in one write.
func (r *Renderer) draw() {
	r.last = time.Now()
	lines := strings.Split(r.frame, "\n")
	if r.height > 0 && len(lines) > r.height {
		lines = lines[:r.height]
	}
	if r.width > 0 {
		for i, l := range lines {
			lines[i] = ansi.Truncate(l, r.width, "")
		}
	}
	var b strings.Builder
	if r.full {
		b.WriteString(ansi.EraseEntireScreen)
		r.drawn = nil
	}
	// Every line is written, changed or not: anything that moved the screen
	// under us (a stray write to the terminal, a character the terminal draws
	// wider than we measured, which wraps and scrolls) is repaired by the next
	// frame instead of staying until that line changes. A frame is a few KiB,
	// and frames come only when something changed.
	for i, l := range lines {
		b.WriteString(cursorTo(i))
		b.WriteString(l)
		// A line as wide as the screen leaves the cursor on its last cell:
		// erasing from there would cut that cell.
		if r.width == 0 || ansi.StringWidth(l) < r.width {
			b.WriteString(ansi.EraseLineRight)
		}
	}
	for i := len(lines); i < len(r.drawn); i++ {
		b.WriteString(cursorTo(i) + ansi.EraseLineRight)
	}
	r.full = false
	r.drawn = lines
	if b.Len() > 0 {
		_, _ = io.WriteString(r.out, b.String())
	}
}

// cursorTo moves to the start of screen line i (0-based).
func cursorTo(i int) string { return "\x1b[" + strconv.Itoa(i+1) + ";1H" }

// Stop gives the screen back: cursor shown, bracketed paste off, the main
// screen restored. Later frames are ignored.
func (r *Renderer) Stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return
	}
	r.stopped = true
	if r.armed && r.cancel != nil {
		r.cancel()
	}
	r.armed = false
	_, _ = io.WriteString(r.out, ansi.ResetModeBracketedPaste+ansi.ShowCursor+ansi.ResetModeAltScreenSaveCursor)
}
