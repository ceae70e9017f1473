package render

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// buf is a writer the test reads between flushes.
type buf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *buf) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *buf) take() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.b.String()
	w.b.Reset()
	return s
}

// fakeTimers replaces time.AfterFunc: the test counts what is scheduled and
// fires it.
type fakeTimers struct{ pending []func() }

func (ft *fakeTimers) after(_ time.Duration, f func()) func() bool {
	ft.pending = append(ft.pending, f)
	return func() bool { return true }
}

func (ft *fakeTimers) fire() {
	p := ft.pending
	ft.pending = nil
	for _, f := range p {
		f()
	}
}

func newTest(t *testing.T) (*Renderer, *buf, *fakeTimers) {
	t.Helper()
	out := &buf{}
	ft := &fakeTimers{}
	r := New(out, 30)
	r.after = ft.after
	r.Resize(20, 5)
	return r, out, ft
}

func TestRenderer_Write_sameFrameSchedulesNothing(t *testing.T) {
	r, out, ft := newTest(t)
	r.Write("a\nb")
	if len(ft.pending) != 1 {
		t.Fatalf("a new frame should schedule one flush, got %d", len(ft.pending))
	}
	r.Write("a\nbb") // a second change before the flush coalesces
	if len(ft.pending) != 1 {
		t.Fatalf("changes before the flush should share it, got %d flushes", len(ft.pending))
	}
	ft.fire()
	if got := out.take(); !strings.Contains(got, "bb") {
		t.Fatalf("the flush should draw the latest frame, wrote %q", got)
	}
	for range 3 {
		r.Write("a\nbb")
	}
	if len(ft.pending) != 0 {
		t.Fatalf("an unchanged frame must schedule nothing (an idle TUI wakes no one), got %d", len(ft.pending))
	}
	if got := out.take(); got != "" {
		t.Fatalf("an unchanged frame must write nothing, wrote %q", got)
	}
}

func TestRenderer_flush_addressesEveryLineAndErasesTheRest(t *testing.T) {
	r, out, ft := newTest(t)
	r.Write("keep\nold\ngone")
	ft.fire()
	out.take()
	r.Write("keep\nnew")
	ft.fire()
	got := out.take()
	if !strings.Contains(got, "\x1b[1;1Hkeep\x1b[K") {
		t.Errorf("an unchanged line is written again at its place, so a screen moved under us heals: %q", got)
	}
	if !strings.Contains(got, "\x1b[2;1Hnew\x1b[K") {
		t.Errorf("the changed line 2 should be rewritten and erased to its end: %q", got)
	}
	if !strings.Contains(got, "\x1b[3;1H\x1b[K") {
		t.Errorf("line 3, no longer in the frame, should be erased: %q", got)
	}
	if strings.Contains(got, "\x1b[2J") {
		t.Errorf("only a resize clears the screen (no flicker on every frame): %q", got)
	}
}

func TestRenderer_Resize_repaintsAndCutsToTheScreen(t *testing.T) {
	r, out, ft := newTest(t)
	r.Write("same")
	ft.fire()
	out.take()
	r.Resize(3, 5)
	ft.fire()
	got := out.take()
	if !strings.Contains(got, "\x1b[2J") || !strings.Contains(got, "\x1b[1;1Hsam") || strings.Contains(got, "same") {
		t.Errorf("after a resize the whole screen is redrawn, lines cut to the new width: %q", got)
	}
	if strings.Contains(got, "sam\x1b[K") {
		t.Errorf("a line as wide as the screen must not be erased from its last cell: %q", got)
	}
}

func TestRenderer_Stop_givesTheScreenBack(t *testing.T) {
	r, out, ft := newTest(t)
	r.Start()
	if got := out.take(); !strings.Contains(got, "\x1b[?1049h") || !strings.Contains(got, "\x1b[?25l") || !strings.Contains(got, "\x1b[?2004h") {
		t.Fatalf("Start should enter the alternate screen, hide the cursor and turn on bracketed paste: %q", got)
	}
	r.Write("x")
	r.Stop()
	ft.fire() // a flush scheduled before Stop draws nothing after it
	got := out.take()
	if !strings.HasSuffix(got, "\x1b[?2004l\x1b[?25h\x1b[?1049l") {
		t.Fatalf("Stop should turn off bracketed paste, show the cursor and leave the alternate screen: %q", got)
	}
	r.Write("y")
	if len(ft.pending) != 0 || out.take() != "" {
		t.Fatal("a frame after Stop must not be drawn")
	}
}

// counter is a program whose frame is the count of its updates.
type counter int

func (c counter) Init() tea.Cmd                       { return nil }
func (c counter) Update(tea.Msg) (tea.Model, tea.Cmd) { return c + 1, nil }
func (c counter) View() string                        { return strconv.Itoa(int(c)) }

func TestModel_handsEveryFrameAndSizeToTheRenderer(t *testing.T) {
	r, out, ft := newTest(t)
	var m tea.Model = model{Model: counter(0), r: r}
	m, _ = m.Update(tea.WindowSizeMsg{Width: 7, Height: 3})
	_ = m.View()
	ft.fire()
	if got := out.take(); !strings.Contains(got, "\x1b[2J") || !strings.Contains(got, "\x1b[1;1H1") {
		t.Fatalf("a resize should repaint the whole screen with the frame after it: %q", got)
	}
	if r.width != 7 || r.height != 3 {
		t.Fatalf("the renderer should know the new size, has %dx%d", r.width, r.height)
	}
	m, _ = m.Update(tea.KeyMsg{})
	_ = m.View()
	ft.fire()
	if got := out.take(); !strings.Contains(got, "2") {
		t.Fatalf("the frame after an update should be drawn: %q", got)
	}
}
