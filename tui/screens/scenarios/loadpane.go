package scenarios

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/pbxauth/pbxauth/mockserver"
	sc "github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/loadtest"
	"github.com/pbxauth/pbxauth/scenarios/runner"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/sparkline"
	"github.com/pbxauth/pbxauth/tui/styles"
)

// A load started from the screen: closed loop on an in-process mock of its own
// (as fast as it answers), and on a PBX open loop at a modest rate, the fuzz
// pane's 20/s, so a look at a live system does not become an attack on it.
const (
	loadDuration = 30 * time.Second
	loadUsers    = 8
	loadRate     = 20
)

// LoadFunc runs a load for the screen: DefaultLoad, or a scripted one in tests.
type LoadFunc func(ctx context.Context, t common.Target, allowMutations bool, list []*sc.Scenario, lo loadtest.Options) (*loadtest.Result, error)

// DefaultLoad loads the target: the built-in mock gets an in-process mock of its
// own, so the load never touches the session being explored.
func DefaultLoad(ctx context.Context, t common.Target, allowMutations bool, list []*sc.Scenario, lo loadtest.Options) (*loadtest.Result, error) {
	opts := runner.Options{AllowMutations: allowMutations, Insecure: t.Insecure, DropResults: true}
	if t.Mock {
		pool := runner.NewMockPool(mockserver.Options{})
		defer func() { _ = pool.Close() }()
		opts.NewMock = pool.Get
	} else {
		opts.BaseURL = t.BaseURL
	}
	r, err := runner.New(opts)
	if err != nil {
		return nil, err
	}
	return loadtest.Run(ctx, r, list, lo)
}

// loadOptionsFor are the settings of a load of the target from the screen.
func loadOptionsFor(t common.Target) loadtest.Options {
	lo := loadtest.Options{Duration: loadDuration, Concurrency: loadUsers}
	if !t.Mock {
		lo.Rate = loadRate
	}
	return lo
}

// loadPane is the screen's load view: the selection run as a load, with its
// throughput and p99 latency per second as live charts, then the summary.
type loadPane struct {
	open    bool
	running bool
	run     uint64
	cancel  context.CancelFunc
	waitCmd tea.Cmd
	lo      loadtest.Options
	names   []string
	// The latest progress: time since the start, totals so far.
	elapsed          time.Duration
	requests, errors int64
	rps, p99         sparkline.Model
	res              *loadtest.Result
	err              string
	cancelled        bool
}

type (
	loadProgressMsg struct {
		run uint64
		p   loadtest.Progress
	}
	loadDoneMsg struct {
		run uint64
		res *loadtest.Result
		err error
	}
	// loadConfirmedMsg comes back from the root's confirm dialog (production).
	loadConfirmedMsg struct{}
)

func newLoadPane(st *styles.Styles) loadPane {
	p := loadPane{rps: sparkline.New(1, 1), p99: sparkline.New(1, 1)}
	p.rps.Style = lipgloss.NewStyle().Foreground(st.Palette.Running)
	p.p99.Style = lipgloss.NewStyle().Foreground(st.Palette.Skip)
	return p
}

// forget cancels the load in flight and clears the pane: its numbers belong to
// the target they were measured on. Later messages of that load are dropped.
func (p *loadPane) forget() {
	if p.cancel != nil {
		p.cancel()
	}
	rps, p99 := p.rps, p.p99
	rps.Reset()
	p99.Reset()
	*p = loadPane{run: p.run + 1, rps: rps, p99: p99}
}

// startLoad runs the load on its own goroutine; the progress of each second
// arrives through ch, read by waitNext, then the result, then ch closes.
func startLoad(ctx context.Context, load LoadFunc, t common.Target, allow bool, list []*sc.Scenario, lo loadtest.Options, ch chan<- tea.Msg, id uint64) tea.Cmd {
	return func() tea.Msg {
		go func() {
			defer close(ch)
			lo.Progress = func(p loadtest.Progress) {
				select {
				case ch <- loadProgressMsg{run: id, p: p}:
				case <-ctx.Done():
				}
			}
			res, err := load(ctx, t, allow, list, lo)
			ch <- loadDoneMsg{run: id, res: res, err: err}
		}()
		return nil
	}
}

// askLoad starts a load, after a confirmation on a production PBX.
func (m *Model) askLoad() tea.Cmd {
	if m.ld.running || m.running {
		return nil
	}
	if m.ctx.Target.Production {
		prompt := fmt.Sprintf("Load the PRODUCTION PBX %s at %d iterations/s for %s?", m.ctx.Target.BaseURL, loadRate, loadDuration)
		return func() tea.Msg { return common.ConfirmMsg{Prompt: prompt, To: ID, Yes: loadConfirmedMsg{}} }
	}
	return m.startLoadRun()
}

// startLoadRun opens the pane and loads the target with the picked scenarios, or
// the one under the cursor.
func (m *Model) startLoadRun() tea.Cmd {
	p := &m.ld
	if p.running || m.running {
		return nil
	}
	rows := m.selection()
	if len(rows) == 0 {
		return nil
	}
	list := make([]*sc.Scenario, len(rows))
	p.names = make([]string, len(rows))
	for i, r := range rows {
		list[i], p.names[i] = r.s, r.s.Name
	}
	p.run++
	p.open, p.running, p.cancelled, p.res, p.err = true, true, false, nil, ""
	p.elapsed, p.requests, p.errors = 0, 0, 0
	p.rps.Reset()
	p.p99.Reset()
	p.lo = loadOptionsFor(m.ctx.Target)
	ctx, cancel := context.WithCancel(m.ctx.Base)
	p.cancel = cancel
	ch := make(chan tea.Msg, 64)
	p.waitCmd = waitNext(ch)
	load := m.opts.Load
	if load == nil {
		load = DefaultLoad
	}
	start := startLoad(ctx, load, m.ctx.Target, m.allowMutations, list, p.lo, ch, p.run)
	return tea.Batch(common.To(ID, start), p.waitCmd)
}

// onLoadMsg applies a progress or done message of the current load.
func (m *Model) onLoadMsg(msg tea.Msg) tea.Cmd {
	p := &m.ld
	switch msg := msg.(type) {
	case loadConfirmedMsg:
		return m.startLoadRun()
	case loadProgressMsg:
		if msg.run != p.run {
			return nil
		}
		p.elapsed, p.requests, p.errors = msg.p.Elapsed, msg.p.Requests, msg.p.Errors
		p.rps.Push(float64(msg.p.Last.Requests))
		p.p99.Push(msg.p.Last.P99ms)
		return p.waitCmd
	case loadDoneMsg:
		if msg.run != p.run {
			return nil
		}
		p.running, p.cancel = false, nil
		p.res = msg.res
		if msg.err != nil {
			p.err = msg.err.Error()
			if errors.Is(msg.err, loadtest.ErrNothingToLoad) {
				p.err = "nothing to load: every selected scenario is excluded (see below)"
			}
		}
		if r := msg.res; r != nil {
			p.requests, p.errors, p.elapsed = r.Requests, r.ErrorTotal(), r.Duration
		}
	}
	return nil
}

// stopLoad cancels the load in flight, if any (its summary still arrives).
func (p *loadPane) stopLoad() {
	if p.running && p.cancel != nil {
		p.cancel()
		p.cancelled = true
	}
}

// onLoadKey handles keys while the pane is open.
func (m *Model) onLoadKey(msg tea.KeyMsg) tea.Cmd {
	p, k := &m.ld, m.keys
	switch {
	case key.Matches(msg, k.Cancel) && p.running:
		p.stopLoad()
	case key.Matches(msg, k.Back) && !p.running:
		p.open = false
	case key.Matches(msg, k.Load) && !p.running:
		return m.askLoad()
	}
	return nil
}

// loadKeys enables what the load pane answers to.
func (m *Model) loadKeys() {
	k, p := &m.keys, &m.ld
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.Top, &k.Bottom, &k.Pick, &k.PickAll, &k.Run, &k.Mutations,
		&k.Live, &k.Reload, &k.Open, &k.Inspect, &k.PageUp, &k.PageDown, &k.Fuzz} {
		b.SetEnabled(false)
	}
	k.Cancel.SetEnabled(p.running)
	k.Back.SetEnabled(!p.running)
	k.Back.SetHelp("esc", "back")
	k.Load.SetEnabled(!p.running)
	k.Load.SetHelp("L", "load again")
}
