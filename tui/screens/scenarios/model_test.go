package scenarios

import (
	"context"
	"errors"
	"net/http"
	"os"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	sc "github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// scripted is a runner that replays a fixed failure: the first scenario passes in
// one step, every other one fails on its second step with a wrong status.
type scripted struct{}

func failingStep() *runner.StepResult {
	return &runner.StepResult{
		Index: 1, Name: "the code is mailed", Kind: sc.KindCall, Operation: "sendOTP", Status: runner.StatusFailed,
		Pos:      sc.Pos{File: "builtin:x.yaml", Line: 12},
		Failures: []runner.Failure{{Check: "status", Expected: "200", Actual: "500", Pos: sc.Pos{File: "builtin:x.yaml", Line: 15}}},
		Duration: 4 * time.Millisecond,
		Exchange: &apiclient.Exchange{
			Operation: "sendOTP", Method: "POST", URL: "http://127.0.0.1:4000/api/auth/send_otp",
			RequestHeader: http.Header{"Content-Type": {"application/json"}},
			RequestBody:   []byte(`{"token":"challenge-secret"}`), Status: 500,
			ResponseHeader: http.Header{"Content-Type": {"application/json"}},
			ResponseBody:   []byte(`{"errors":[{"code":"INTERNAL","message":"injected fault"}]}`),
			Duration:       4 * time.Millisecond,
		},
	}
}

func (s scripted) Run(ctx context.Context, list []*sc.Scenario, on func(runner.Event)) *runner.RunResult {
	res := &runner.RunResult{Target: "scripted", Duration: 42 * time.Millisecond}
	on(runner.Event{Kind: runner.RunStarted, Total: len(list)})
	for i, s := range list {
		on(runner.Event{Kind: runner.ScenarioStarted, Index: i, Scenario: s})
		ok := &runner.StepResult{Index: 0, Name: "sign in", Status: runner.StatusPassed, Duration: 3 * time.Millisecond}
		on(runner.Event{Kind: runner.StepFinished, Index: i, Scenario: s, Step: ok})
		r := &runner.ScenarioResult{Scenario: s, Status: runner.StatusPassed, Steps: []*runner.StepResult{ok}, Duration: 3 * time.Millisecond}
		if i > 0 {
			bad := failingStep()
			on(runner.Event{Kind: runner.StepFinished, Index: i, Scenario: s, Step: bad})
			r.Status, r.Steps, r.NotRun = runner.StatusFailed, append(r.Steps, bad), 2
			res.Failed++
		} else {
			res.Passed++
		}
		res.Scenarios = append(res.Scenarios, r)
		on(runner.Event{Kind: runner.ScenarioFinished, Index: i, Scenario: s, Result: r})
	}
	on(runner.Event{Kind: runner.RunFinished, Run: res})
	return res
}

func setup(t *testing.T, factory RunnerFactory) *Model {
	t.Helper()
	ctx := tuitest.Context(nil)
	m := New(ctx, Options{Dir: t.TempDir(), NewRunner: factory})
	m.SetSize(80, 20)
	m.Update(tuitest.Run(t, m.Init()))
	require.NotEmpty(t, m.rows, "the built-in suite is listed")
	return m
}

// drive starts a run with enter and feeds its events until it ends.
func drive(t *testing.T, m *Model, key string) {
	t.Helper()
	cmd := m.Update(tuitest.Key(key))
	require.NotNil(t, cmd)
	require.True(t, m.Running())
	batch := cmd().(tea.BatchMsg)
	assert.Nil(t, batch[0](), "startRun only starts the goroutine")
	pump(t, m, "the run", m.Running, func() tea.Cmd { return m.waitCmd })
}

// pump feeds m the messages its wait Cmd reads while busy, for at most 20 s.
func pump(t *testing.T, m *Model, what string, busy func() bool, wait func() tea.Cmd) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for busy() {
		ch := make(chan tea.Msg, 1)
		w := wait()
		go func() { ch <- tuitest.Run(t, w) }()
		select {
		case msg := <-ch:
			m.Update(msg)
		case <-deadline:
			t.Fatalf("%s did not end within 20s", what)
		}
	}
}

func find(m *Model, name string) int {
	for i, r := range m.rows {
		if r.s.Name == name {
			return i
		}
	}
	return -1
}

func TestModel_list_showsBuiltinsWithTags(t *testing.T) {
	m := setup(t, nil)
	v := m.View()
	assert.Contains(t, v, "built-in")
	assert.Contains(t, v, "readonly")
	assert.Contains(t, v, "[ ]")
}

func TestModel_run_onTheInProcessMock_passes(t *testing.T) {
	m := setup(t, nil)
	i := find(m, "two-factor sign-in with the mailed code")
	require.GreaterOrEqual(t, i, 0)
	m.cursor = i
	m.Update(tuitest.Key("space"))
	j := find(m, "system metadata is public and describes the PBX")
	require.GreaterOrEqual(t, j, 0)
	m.cursor = j
	m.Update(tuitest.Key("space"))
	drive(t, m, "enter")
	assert.Equal(t, passed, m.rows[i].state)
	assert.Equal(t, passed, m.rows[j].state)
	assert.Equal(t, 2, m.done)
	v := m.View()
	assert.Contains(t, v, "2 passed · 0 failed")
	assert.Contains(t, v, "2/2")
	assert.Contains(t, v, "✓ pass")
}

func TestModel_run_failure_opensExpectedVsActual(t *testing.T) {
	m := setup(t, func(common.Target, bool) (Runner, error) { return scripted{}, nil })
	m.Update(tuitest.Key("space"))
	m.Update(tuitest.Key("down"))
	m.Update(tuitest.Key("space"))
	drive(t, m, "enter")
	assert.Equal(t, passed, m.rows[0].state)
	assert.Equal(t, failed, m.rows[1].state)
	v := m.View()
	assert.Contains(t, v, "1 passed · 1 failed")
	assert.Contains(t, v, "✗ the code is mailed")
	assert.Contains(t, v, "status: expected 200, got 500")

	m.Update(tuitest.Key("o"))
	require.True(t, m.detail)
	v = m.View()
	assert.Contains(t, v, "expected 200")
	assert.Contains(t, v, "actual   500")
	assert.Contains(t, v, "POST http://127.0.0.1:4000/api/auth/send_otp")
	for range 3 {
		m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	}
	v = m.View()
	assert.Contains(t, v, "injected fault", "the response is further down")
	assert.NotContains(t, v, "challenge-secret", "the exchange is redacted")

	// i hands the failed step's exchange (real values: the inspector redacts and
	// reveals on request) to the root, tagged with the scenario.
	assert.Contains(t, m.View(), "i: open the exchange in the Inspector")
	cmd := m.Update(tuitest.Key("i"))
	require.NotNil(t, cmd)
	in, ok := cmd().(common.InspectMsg)
	require.True(t, ok)
	assert.Equal(t, m.rows[1].s.Name, in.Scenario)
	assert.Equal(t, "/api/auth/send_otp", in.Exchange.URL[len(in.Exchange.URL)-len("/api/auth/send_otp"):])
	m.Update(tuitest.Key("esc"))
	assert.False(t, m.detail)
	assert.Nil(t, m.Update(tuitest.Key("i")), "i does nothing on the list")
}

// blocking is a runner that waits for cancellation, as a run against a slow PBX.
type blocking struct{}

func (blocking) Run(ctx context.Context, list []*sc.Scenario, on func(runner.Event)) *runner.RunResult {
	on(runner.Event{Kind: runner.ScenarioStarted, Index: 0, Scenario: list[0]})
	<-ctx.Done()
	r := &runner.ScenarioResult{Scenario: list[0], Status: runner.StatusError, Reason: "cancelled"}
	on(runner.Event{Kind: runner.ScenarioFinished, Index: 0, Scenario: list[0], Result: r})
	res := &runner.RunResult{Scenarios: []*runner.ScenarioResult{r}, Errored: 1}
	on(runner.Event{Kind: runner.RunFinished, Run: res})
	return res
}

func TestModel_run_escCancels(t *testing.T) {
	m := setup(t, func(common.Target, bool) (Runner, error) { return blocking{}, nil })
	cmd := m.Update(tuitest.Key("enter"))
	batch := cmd().(tea.BatchMsg)
	batch[0]()
	m.Update(tuitest.Run(t, m.waitCmd)) // ScenarioStarted
	assert.Equal(t, running, m.rows[0].state)
	assert.True(t, m.Busy())
	m.Update(tuitest.Key("esc"))
	for m.Running() {
		m.Update(tuitest.Run(t, m.waitCmd))
	}
	assert.Equal(t, errored, m.rows[0].state)
	assert.Contains(t, m.View(), "run cancelled")
}

func TestModel_run_runnerError_isShown(t *testing.T) {
	m := setup(t, func(common.Target, bool) (Runner, error) { return nil, errors.New("bad target") })
	assert.Nil(t, m.Update(tuitest.Key("enter")))
	assert.False(t, m.Running())
	assert.Contains(t, m.View(), "cannot run: bad target")
}

func TestModel_mutations_productionAsks(t *testing.T) {
	var allowed bool
	m := setup(t, func(_ common.Target, allow bool) (Runner, error) { allowed = allow; return scripted{}, nil })
	m.ctx.Target = common.Target{Profile: "prod", BaseURL: "https://pbx.example.com", Production: true}
	m.updateKeys()
	msg, ok := tuitest.Run(t, m.Update(tuitest.Key("m"))).(common.ConfirmMsg)
	require.True(t, ok)
	assert.Contains(t, msg.Prompt, "PRODUCTION")
	assert.False(t, m.allowMutations)
	m.Update(msg.Yes)
	assert.Contains(t, m.View(), "mutations ALLOWED")
	drive(t, m, "enter")
	assert.True(t, allowed)
	m.Update(common.TargetChangedMsg{})
	assert.False(t, m.allowMutations, "a new target starts read-only again")
}

func TestModel_userDirectory_badFileIsReported(t *testing.T) {
	ctx := tuitest.Context(nil)
	dir := t.TempDir()
	require.NoError(t, writeFile(dir+"/bad.yaml", "name: x\nsteps: [{call: nope}]\n"))
	m := New(ctx, Options{Dir: dir})
	m.SetSize(80, 20)
	m.Update(tuitest.Run(t, m.Init()))
	v := m.View()
	assert.Contains(t, v, "bad.yaml")
	assert.NotEmpty(t, m.rows, "the built-ins stay usable")
}

func TestModel_smallTerminal_doesNotPanic(t *testing.T) {
	m := setup(t, func(common.Target, bool) (Runner, error) { return scripted{}, nil })
	drive(t, m, "enter")
	m.Update(tuitest.Key("o"))
	for _, sz := range [][2]int{{40, 8}, {10, 2}, {0, 0}} {
		m.SetSize(sz[0], sz[1])
		_ = m.View()
		m.detail = !m.detail
		_ = m.View()
	}
}

func writeFile(path, text string) error { return os.WriteFile(path, []byte(text), 0o600) }

func TestModel_bottom_jumpsToTheUsersFiles(t *testing.T) {
	ctx := tuitest.Context(nil)
	dir := t.TempDir()
	require.NoError(t, writeFile(dir+"/mine.yaml", "name: mine\ntags: [readonly]\nsteps: [{call: retrieveMetadata}]\n"))
	m := New(ctx, Options{Dir: dir})
	m.SetSize(80, 20)
	m.Update(tuitest.Run(t, m.Init()))
	m.Update(tuitest.Key("G"))
	require.True(t, m.current().user)
	assert.Equal(t, "mine", m.current().s.Name)
	assert.Contains(t, m.View(), "★ mine")
	m.Update(tuitest.Key("g"))
	assert.Equal(t, 0, m.cursor)
}

func TestModel_reload_readsTheDirectoryAgain(t *testing.T) {
	ctx := tuitest.Context(nil)
	dir := t.TempDir()
	m := New(ctx, Options{Dir: dir})
	m.SetSize(80, 20)
	m.Update(tuitest.Run(t, m.Init()))
	n := len(m.rows)
	require.NoError(t, writeFile(dir+"/new.yaml", "name: new one\ntags: [readonly]\nsteps: [{call: retrieveMetadata}]\n"))
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("ctrl+r"))))
	assert.Len(t, m.rows, n+1)
}

func TestModel_targetChange_clearsResultsOfTheOldTarget(t *testing.T) {
	m := setup(t, func(common.Target, bool) (Runner, error) { return scripted{}, nil })
	m.Update(tuitest.Key("space"))
	m.Update(tuitest.Key("down"))
	m.Update(tuitest.Key("space"))
	drive(t, m, "enter")
	require.Equal(t, failed, m.rows[1].state)
	m.Update(common.TargetChangedMsg{Target: common.Target{Profile: "lab", BaseURL: "https://lab:8887"}})
	assert.Equal(t, idle, m.rows[1].state, "a result of the old target is not shown against the new one")
	assert.NotContains(t, m.View(), "1 failed")

	// A run in flight is cancelled, and its rows clear once it has stopped.
	m = setup(t, func(common.Target, bool) (Runner, error) { return blocking{}, nil })
	cmd := m.Update(tuitest.Key("enter"))
	cmd().(tea.BatchMsg)[0]()
	m.Update(tuitest.Run(t, m.waitCmd))
	m.Update(common.TargetChangedMsg{Target: common.Target{Profile: "lab", BaseURL: "https://lab:8887"}})
	for m.Running() {
		m.Update(tuitest.Run(t, m.waitCmd))
	}
	assert.Equal(t, idle, m.rows[0].state)
}

func TestModel_reload_keepsTheRowsOfScenariosStillThere(t *testing.T) {
	ctx := tuitest.Context(nil)
	first, err := sc.LoadPaths("testdata/golden.yaml")
	require.NoError(t, err)
	m := New(ctx, Options{Builtin: first})
	m.SetSize(80, 24)
	m.Update(tuitest.Run(t, m.Init()))
	require.Len(t, m.rows, 3)
	run := m.rows[1] // a run in flight holds its rows
	run.picked, run.state = true, failed

	again, err := sc.LoadPaths("testdata/golden.yaml") // C-r: the same files read again
	require.NoError(t, err)
	m.Update(loadedMsg{builtin: again})
	require.Len(t, m.rows, 3)
	assert.Same(t, run, m.rows[1], "the run's events still reach the row on the list")
	assert.Same(t, again[1], m.rows[1].s, "showing the scenario as read now")
	assert.True(t, m.rows[1].picked)
	assert.Equal(t, failed, m.rows[1].state)
}
