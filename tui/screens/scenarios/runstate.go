package scenarios

import (
	"context"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	sc "github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
	"github.com/pbxauth/pbxauth/tui/common"
)

// A run as the rows see it: which start, what state each is in as the
// runner's events arrive, and the summary. The list, its keys and the panes
// stay in model.go; the runners and their Cmds in run.go.

// state is a scenario's place in the current run.
type state int

const (
	idle state = iota
	queued
	running
	passed
	failed
	errored
	skipped
)

func (s state) String() string {
	return [...]string{"", "queued", "running", "pass", "fail", "error", "skip"}[s]
}

func stateOf(s runner.Status) state {
	switch s {
	case runner.StatusPassed:
		return passed
	case runner.StatusFailed:
		return failed
	case runner.StatusError:
		return errored
	}
	return skipped
}

// start runs the picked scenarios, or the one under the cursor when none is picked.
func (m *Model) start() tea.Cmd {
	if m.running || m.ld.running {
		return nil
	}
	rows := m.selection()
	if len(rows) == 0 {
		return nil
	}
	factory := m.opts.NewRunner
	if m.live && m.ctx.Target.Mock {
		factory = m.opts.NewLiveRunner
	}
	rn, err := factory(m.ctx.Target, m.allowMutations)
	if err != nil {
		m.summary = "cannot run: " + err.Error()
		return nil
	}
	list := make([]*sc.Scenario, len(rows))
	for i, r := range rows {
		list[i] = r.s
		r.state, r.steps, r.result = queued, nil, nil
	}
	m.run++
	m.runRows, m.done, m.running, m.cancelled = rows, 0, true, false
	m.summary = fmt.Sprintf("running %d scenario(s) on %s", len(rows), m.targetLabel())
	ctx, cancel := context.WithCancel(m.ctx.Base)
	m.cancel = cancel
	ch := make(chan runner.Event, eventBuffer)
	m.waitCmd = waitEvent(m.run, ch)
	cmds := []tea.Cmd{startRun(ctx, rn, list, ch), m.waitCmd}
	if !m.spinning {
		m.spinning = true
		cmds = append(cmds, common.To(ID, m.spinner.Tick))
	}
	return tea.Batch(cmds...)
}

// selection is the picked scenarios, or the one under the cursor when none is.
func (m *Model) selection() []*row {
	var rows []*row
	for _, r := range m.rows {
		if r.picked {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		if r := m.current(); r != nil {
			rows = []*row{r}
		}
	}
	return rows
}

func (m *Model) targetLabel() string {
	if m.ctx.Target.Mock && m.live {
		return "the live mock (faults, clock and data as set; no reset)"
	}
	if m.ctx.Target.Mock {
		return "fresh in-process mocks"
	}
	return m.ctx.Target.BaseURL
}

func (m *Model) onEvent(e runner.Event) {
	var r *row
	if e.Index >= 0 && e.Index < len(m.runRows) {
		r = m.runRows[e.Index]
	}
	switch e.Kind {
	case runner.ScenarioStarted:
		if r != nil {
			r.state = running
		}
	case runner.StepFinished:
		if r != nil && e.Step != nil {
			r.steps = append(r.steps, e.Step)
		}
	case runner.ScenarioFinished:
		if r != nil && e.Result != nil {
			r.state, r.result = stateOf(e.Result.Status), e.Result
			if len(e.Result.Steps) > 0 {
				r.steps = e.Result.Steps
			}
		}
		m.done++
	case runner.RunFinished:
		if res := e.Run; res != nil {
			m.summary = fmt.Sprintf("%d passed · %d failed · %d errors · %d skipped in %s",
				res.Passed, res.Failed, res.Errored, res.Skipped, res.Duration.Round(1e6))
		}
	}
}

// clearResults forgets the last run's results (the target changed).
func (m *Model) clearResults() {
	for _, r := range m.rows {
		r.state, r.steps, r.result = idle, nil, nil
	}
	m.runRows, m.done, m.summary, m.staleRun = nil, 0, "", false
	m.detail, m.detailStep = false, nil
}
