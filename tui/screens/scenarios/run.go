package scenarios

import (
	"context"
	"os"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pbxauth/pbxauth/mockserver"
	sc "github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
	"github.com/pbxauth/pbxauth/tui/common"
)

// Runner runs scenarios and reports events, like *scenarios.Runner. Tests give a
// scripted one so goldens don't depend on timing.
type Runner interface {
	Run(ctx context.Context, list []*sc.Scenario, onEvent func(runner.Event)) *runner.RunResult
}

// RunnerFactory makes the runner for a target. allowMutations lets mutating
// scenarios run against a real PBX.
type RunnerFactory func(t common.Target, allowMutations bool) (Runner, error)

// DefaultRunner runs against the target: on the built-in mock each scenario gets an
// in-process mock of its own, reset between scenarios, so a run never touches the
// session being explored; otherwise the target's URL.
func DefaultRunner(t common.Target, allowMutations bool) (Runner, error) {
	opts := runner.Options{Parallel: 2, AllowMutations: allowMutations, Insecure: t.Insecure}
	if !t.Mock {
		opts.BaseURL = t.BaseURL
		return runner.New(opts)
	}
	pool := runner.NewMockPool(mockserver.Options{})
	opts.NewMock = pool.Get
	r, err := runner.New(opts)
	if err != nil {
		_ = pool.Close()
		return nil, err
	}
	return pooledRunner{r: r, pool: pool}, nil
}

// LiveRunner runs against the built-in mock as it is now, at t.BaseURL through
// t.Transport (in-process, no listener): its faults, clock, accounts and sessions,
// with no reset before or between scenarios (the person shaped it on the Mock
// screen to run against it). One at a time, since they share its state; what they
// change stays changed.
func LiveRunner(t common.Target, allowMutations bool) (Runner, error) {
	live := func() (runner.Mock, error) { return runner.Mock{BaseURL: t.BaseURL, Transport: t.Transport}, nil }
	return runner.New(runner.Options{Parallel: 1, AllowMutations: allowMutations, Insecure: t.Insecure, NewMock: live})
}

// pooledRunner reuses reset mocks within a run (building a mock per scenario
// costs more than most scenarios) and stops them when the run ends.
type pooledRunner struct {
	r    *runner.Runner
	pool *runner.MockPool
}

func (p pooledRunner) Run(ctx context.Context, list []*sc.Scenario, on func(runner.Event)) *runner.RunResult {
	defer func() { _ = p.pool.Close() }()
	return p.r.Run(ctx, list, on)
}

type (
	loadedMsg struct {
		builtin, user []*sc.Scenario
		err           error
	}
	eventMsg struct {
		run uint64
		ev  runner.Event
	}
	runDoneMsg struct{ run uint64 }
	// mutationsConfirmedMsg comes back from the root's confirm dialog.
	mutationsConfirmedMsg struct{}
)

// load reads the built-in suite (builtin instead, when set) and the user's
// directory (missing is fine).
func load(dir string, builtin []*sc.Scenario) tea.Cmd {
	return func() tea.Msg {
		l := sc.NewLoader()
		b := builtin
		if b == nil {
			var err error
			if b, err = l.Builtin(); err != nil {
				return loadedMsg{err: err}
			}
		}
		msg := loadedMsg{builtin: b}
		if dir == "" {
			return msg
		}
		if _, err := os.Stat(dir); err != nil {
			if !os.IsNotExist(err) {
				msg.err = err
			}
			return msg
		}
		msg.user, msg.err = l.Paths(dir)
		return msg
	}
}

// startRun runs list on its own goroutine; its events arrive through ch, read by
// waitEvent, which re-issues itself until the run ends (bubbletea's realtime
// pattern: the model is only touched in Update).
func startRun(ctx context.Context, r Runner, list []*sc.Scenario, ch chan<- runner.Event) tea.Cmd {
	return func() tea.Msg {
		go func() {
			defer close(ch)
			r.Run(ctx, list, func(e runner.Event) { ch <- e })
		}()
		return nil
	}
}

func waitEvent(run uint64, ch <-chan runner.Event) tea.Cmd {
	return common.To(ID, func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return runDoneMsg{run: run}
		}
		return eventMsg{run: run, ev: ev}
	})
}
