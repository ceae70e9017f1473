package scenarios

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"sort"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pbxauth/pbxauth/fuzz"
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/tui/common"
)

// fuzzBudget is how long a fuzz run started from the screen lasts.
const fuzzBudget = 60 * time.Second

// FuzzFunc runs a fuzz for the screen (fuzz.Run by default; tests give a scripted one).
type FuzzFunc func(ctx context.Context, opts fuzz.Options, emit func(fuzz.Event)) (*fuzz.Result, error)

// fuzzPane is the screen's fuzz view: a run of `pbxauth fuzz` on the target with
// live counts per operation, the failures as they are found, and one opened to its
// requests and answers.
type fuzzPane struct {
	open    bool
	running bool
	run     uint64
	cancel  context.CancelFunc
	waitCmd tea.Cmd
	seed    uint64
	counts  map[string]int // examples per operation, as last reported
	found   []*fuzz.Found
	notes   []string
	summary string
	cursor  int
	detail  bool
	vp      viewport.Model
}

type (
	// fuzzProgressMsg carries a snapshot of the counts, or one new failure.
	fuzzProgressMsg struct {
		run    uint64
		seed   uint64
		counts map[string]int
		found  *fuzz.Found
		notes  []string
	}
	fuzzDoneMsg struct {
		run uint64
		res *fuzz.Result
		err error
	}
)

// progressEvery spaces count snapshots: a mock answers thousands of cases a second,
// and a redraw per case would be wasted work.
const progressEvery = 100 * time.Millisecond

// startFuzz runs the fuzz on its own goroutine. Counts are gathered there and sent as
// snapshots; failures are sent as they come. The channel closes after the result.
func startFuzz(ctx context.Context, run FuzzFunc, opts fuzz.Options, stop func(), ch chan<- tea.Msg, id uint64) tea.Cmd {
	return func() tea.Msg {
		go func() {
			defer close(ch)
			if stop != nil {
				defer stop()
			}
			counts := map[string]int{}
			last := time.Time{}
			snapshot := func() map[string]int {
				c := make(map[string]int, len(counts))
				for k, v := range counts {
					c[k] = v
				}
				return c
			}
			res, err := run(ctx, opts, func(e fuzz.Event) {
				switch e.Kind {
				case fuzz.EventStarted:
					ch <- fuzzProgressMsg{run: id, counts: snapshot(), notes: append([]string{}, e.Result.Notes...), seed: e.Result.Seed}
				case fuzz.EventExample:
					counts[e.Op]++
					if time.Since(last) >= progressEvery {
						last = time.Now()
						ch <- fuzzProgressMsg{run: id, counts: snapshot()}
					}
				case fuzz.EventFound:
					ch <- fuzzProgressMsg{run: id, counts: snapshot(), found: e.Found}
				}
			})
			ch <- fuzzDoneMsg{run: id, res: res, err: err}
		}()
		return nil
	}
}

// waitNext reads a run's next message from ch (the fuzz's or the load's); the
// pane re-issues it after each one, and nil ends the reading once ch closes.
func waitNext(ch <-chan tea.Msg) tea.Cmd {
	return common.To(ID, func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	})
}

// fuzzOptionsFor are a run's options for the target: the built-in mock gets an
// in-process mock of its own, so the fuzz never touches the session being explored.
// It builds a mock (OpenAPI routes and all), so it runs inside a Cmd; stop ends it.
func fuzzOptionsFor(t common.Target, allowMutations bool) (fuzz.Options, func(), error) {
	var b [8]byte
	_, _ = rand.Read(b[:])
	opts := fuzz.Options{Seed: binary.LittleEndian.Uint64(b[:]) >> 1, Budget: fuzzBudget, Mode: fuzz.ModeAll,
		AllowMutations: allowMutations, Insecure: t.Insecure}
	if !t.Mock {
		opts.BaseURL, opts.Rate = t.BaseURL, 20
		if t.DefaultUsername != "" {
			// The profile's account names only: a password never defaults, so the
			// cases that need one are left out (the run's notes say so).
			opts.Vars = map[string]string{"username": t.DefaultUsername, "domain": t.DefaultDomain}
		}
		return opts, nil, nil
	}
	// A fresh mock of the run's own, in-process without a listener.
	srv, err := mockserver.New(mockserver.Options{})
	if err != nil {
		return opts, nil, err
	}
	opts.BaseURL, opts.Transport, opts.Mock, opts.Control = mockserver.InProcessAPIURL, srv.Transport(), true, srv.Control()
	return opts, func() { _ = srv.Close() }, nil
}

// startFuzzRun opens the pane and starts a run on the current target.
func (m *Model) startFuzzRun() tea.Cmd {
	p := &m.fz
	p.open, p.detail = true, false
	if p.running {
		return nil
	}
	p.run++
	p.running, p.found, p.cursor, p.counts, p.notes = true, nil, 0, map[string]int{}, nil
	p.summary = "starting…"
	ctx, cancel := context.WithCancel(m.ctx.Base)
	p.cancel = cancel
	ch := make(chan tea.Msg, 64)
	p.waitCmd = waitNext(ch)
	run, id, target, allow := m.opts.Fuzz, p.run, m.ctx.Target, m.allowMutations
	if run == nil {
		run = fuzz.Run
	}
	setup := func() tea.Msg {
		opts, stop, err := fuzzOptionsFor(target, allow)
		if err != nil {
			close(ch)
			return fuzzDoneMsg{run: id, err: err}
		}
		return startFuzz(ctx, run, opts, stop, ch, id)()
	}
	return tea.Batch(common.To(ID, setup), p.waitCmd)
}

// onFuzzMsg applies a progress or done message of the current run.
func (m *Model) onFuzzMsg(msg tea.Msg) tea.Cmd {
	p := &m.fz
	switch msg := msg.(type) {
	case fuzzProgressMsg:
		if msg.run != p.run {
			return nil
		}
		p.counts = msg.counts
		if msg.notes != nil {
			p.notes, p.seed = msg.notes, msg.seed
		}
		if msg.found != nil {
			p.found = append(p.found, msg.found)
		}
		p.summary = fmt.Sprintf("running · %d examples · %d failure(s)", total(p.counts), len(p.found))
		return p.waitCmd
	case fuzzDoneMsg:
		if msg.run != p.run {
			return nil
		}
		p.running, p.cancel = false, nil
		switch {
		case msg.err != nil:
			p.summary = "fuzz could not start: " + msg.err.Error()
		case msg.res != nil:
			r := msg.res
			p.seed = r.Seed
			p.summary = fmt.Sprintf("%d examples · %d requests in %s · %d failure(s) · %d finding(s)",
				r.Examples, r.Requests, r.Duration.Round(100*time.Millisecond), r.Failed(), r.Findings())
		}
	}
	return nil
}

func total(c map[string]int) int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

func sortedOps(c map[string]int) []string {
	ops := make([]string, 0, len(c))
	for k := range c {
		ops = append(ops, k)
	}
	sort.Strings(ops)
	return ops
}

// onFuzzKey handles keys while the pane is open.
func (m *Model) onFuzzKey(msg tea.KeyMsg) tea.Cmd {
	p, k := &m.fz, m.keys
	if p.detail {
		switch {
		case key.Matches(msg, k.Back):
			p.detail = false
		case key.Matches(msg, k.Inspect):
			if ex := p.firstExchange(); ex != nil {
				name := "fuzz: " + p.found[p.cursor].Failure.Check
				return func() tea.Msg { return common.InspectMsg{Exchange: ex, Scenario: name} }
			}
		case key.Matches(msg, k.Up):
			p.vp.ScrollUp(1)
		case key.Matches(msg, k.Down):
			p.vp.ScrollDown(1)
		case key.Matches(msg, k.PageUp):
			p.vp.HalfPageUp()
		case key.Matches(msg, k.PageDown):
			p.vp.HalfPageDown()
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Cancel) && p.running:
		p.cancel()
	case key.Matches(msg, k.Open) && p.cursor < len(p.found):
		// Before Back: "o" is both (open here, back in the detail).
		p.detail = true
		m.openFuzzDetail()
	case key.Matches(msg, k.Back):
		p.open = false
	case key.Matches(msg, k.Fuzz):
		return m.startFuzzRun()
	case key.Matches(msg, k.Up):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(msg, k.Down):
		p.cursor = min(max(0, len(p.found)-1), p.cursor+1)
	}
	return nil
}
