package scenarios

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sc "github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/loadtest"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/screentest"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// scriptedSeconds are the seconds a scripted load reports: a stall in the third.
var scriptedSeconds = []loadtest.Second{
	{Second: 1, Requests: 900, P99ms: 2.5},
	{Second: 2, Requests: 1000, P99ms: 2.0},
	{Second: 3, Requests: 100, Errors: 3, P99ms: 950},
	{Second: 4, Requests: 1000, P99ms: 2.2},
}

// scriptedLoad reports scriptedSeconds, then a result whose error key carries an
// escape sequence that must stay inert. It records the settings it was given.
func scriptedLoad(got *loadtest.Options) LoadFunc {
	return func(_ context.Context, t common.Target, _ bool, list []*sc.Scenario, lo loadtest.Options) (*loadtest.Result, error) {
		*got = lo
		var n, errs int64
		for i, s := range scriptedSeconds {
			n, errs = n+s.Requests, errs+s.Errors
			lo.Progress(loadtest.Progress{Elapsed: time.Duration(i+1) * time.Second, Requests: n, Errors: errs, Last: s})
		}
		return &loadtest.Result{Target: "scripted", State: loadtest.Completed, Requests: n, Iterations: n,
			Settings: loadtest.Settings{Mode: "closed", Concurrency: lo.Concurrency}, Duration: 4 * time.Second,
			Throughput: 750, P50: time.Millisecond, P90: 2 * time.Millisecond, P99: 950 * time.Millisecond,
			P999: 990 * time.Millisecond, Max: time.Second, Statuses: map[int]int64{200: n - errs, 500: errs},
			Errors: []loadtest.ErrorCount{{Key: "HTTP 500 \x1b]52;c;ZXZpbA==\x07", Count: errs}}}, nil
	}
}

// driveLoad starts a load with L and feeds its messages until it ends.
func driveLoad(t *testing.T, m *Model) {
	t.Helper()
	cmd := m.Update(tuitest.Key("L"))
	require.NotNil(t, cmd)
	require.True(t, m.Busy())
	batch := cmd().(tea.BatchMsg)
	assert.Nil(t, tuitest.Run(t, batch[0]), "the start only starts the load's goroutine")
	pump(t, m, "the load", func() bool { return m.ld.running }, func() tea.Cmd { return m.ld.waitCmd })
}

func TestLoadPane_chartsEachSecondThenSummarises(t *testing.T) {
	var lo loadtest.Options
	m := New(tuitest.Context(nil), Options{Dir: t.TempDir(), Load: scriptedLoad(&lo)})
	m.SetSize(80, 24)
	m.Update(tuitest.Run(t, m.Init()))
	driveLoad(t, m)

	assert.Equal(t, loadDuration, lo.Duration)
	assert.Equal(t, loadUsers, lo.Concurrency)
	assert.Zero(t, lo.Rate, "closed loop on the mock")
	assert.Equal(t, 4, m.ld.rps.Len(), "one chart point per second")
	assert.Equal(t, 1000.0, m.ld.rps.Max())
	assert.Equal(t, 950.0, m.ld.p99.Max(), "the stalled second's p99")
	v := m.View()
	assert.Contains(t, v, "Load · completed · closed loop, 8 virtual users · on an in-process mock")
	assert.Contains(t, v, "3000 requests · 3 errors")
	assert.Contains(t, v, "max 950ms")
	assert.Contains(t, v, "█", "the charts have bars")
	assert.Contains(t, v, "p99 950ms")
	assert.NotContains(t, v, "\x1b]52", "the error key's escape sequence is shown inert")
	for _, l := range strings.Split(v, "\n") {
		assert.LessOrEqual(t, len([]rune(l)), 80, "no line wider than the screen: %q", l)
	}
	assert.LessOrEqual(t, len(strings.Split(v, "\n")), 24, "the pane fits the screen's height")

	m.Update(tuitest.Key("esc"))
	assert.False(t, m.ld.open, "esc goes back to the list once the load ended")
	assert.Contains(t, m.View(), "Scenarios ·")
}

func TestLoadPane_onAPBXItIsOpenLoopAtAModestRate(t *testing.T) {
	var lo loadtest.Options
	ctx := tuitest.Context(nil)
	ctx.Target = common.Target{Profile: "lab", BaseURL: "https://pbx.lab.example.com:8887"}
	m := New(ctx, Options{Dir: t.TempDir(), Load: scriptedLoad(&lo)})
	m.SetSize(80, 24)
	m.Update(tuitest.Run(t, m.Init()))
	driveLoad(t, m)
	assert.Equal(t, float64(loadRate), lo.Rate)
	assert.Contains(t, m.View(), "open loop at 20/s")
}

func TestLoadPane_productionAsksFirst(t *testing.T) {
	var lo loadtest.Options
	ctx := tuitest.Context(nil)
	ctx.Target = common.Target{Profile: "prod", BaseURL: "https://pbx.example.com", Production: true}
	m := New(ctx, Options{Dir: t.TempDir(), Load: scriptedLoad(&lo)})
	m.SetSize(80, 24)
	m.Update(tuitest.Run(t, m.Init()))
	cmd := m.Update(tuitest.Key("L"))
	require.NotNil(t, cmd)
	assert.False(t, m.ld.running, "nothing runs before the answer")
	ask, ok := cmd().(common.ConfirmMsg)
	require.True(t, ok)
	assert.Contains(t, ask.Prompt, "PRODUCTION")
	require.NotNil(t, m.Update(ask.Yes))
	assert.True(t, m.ld.running)
}

func TestLoadPane_escCancelsAndStaleMessagesAreDropped(t *testing.T) {
	block := make(chan struct{})
	load := func(ctx context.Context, _ common.Target, _ bool, _ []*sc.Scenario, lo loadtest.Options) (*loadtest.Result, error) {
		lo.Progress(loadtest.Progress{Elapsed: time.Second, Requests: 10, Last: loadtest.Second{Second: 1, Requests: 10, P99ms: 1}})
		<-ctx.Done()
		close(block)
		return &loadtest.Result{Target: "scripted", State: loadtest.Interrupted, Interrupted: true, Requests: 10}, nil
	}
	m := New(tuitest.Context(nil), Options{Dir: t.TempDir(), Load: load})
	m.SetSize(80, 24)
	m.Update(tuitest.Run(t, m.Init()))
	cmd := m.Update(tuitest.Key("L"))
	batch := cmd().(tea.BatchMsg)
	tuitest.Run(t, batch[0])
	m.Update(tuitest.Run(t, m.ld.waitCmd))
	assert.Equal(t, int64(10), m.ld.requests)
	m.Update(tuitest.Key("esc"))
	assert.True(t, m.ld.open, "esc stops the load; the pane stays for its summary")
	assert.Contains(t, m.View(), "stopping…")
	<-block
	m.Update(tuitest.Run(t, m.ld.waitCmd))
	assert.False(t, m.ld.running)
	assert.Contains(t, m.View(), "Load · interrupted")

	run := m.ld.run
	m.Update(common.TargetChangedMsg{})
	assert.False(t, m.ld.open, "a new target clears the pane")
	m.Update(loadProgressMsg{run: run, p: loadtest.Progress{Requests: 99, Last: loadtest.Second{Requests: 99}}})
	assert.Zero(t, m.ld.rps.Len(), "a progress of the old target's load is dropped")
}

func TestGolden_loadPane(t *testing.T) {
	for _, size := range [][2]int{{60, 20}, {80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("at %dx%d", size[0], size[1]), func(t *testing.T) {
			lipgloss.SetColorProfile(termenv.Ascii)
			list, err := sc.LoadPaths("testdata/golden.yaml")
			require.NoError(t, err)
			var lo loadtest.Options
			m := New(tuitest.Context(nil), Options{Builtin: list, Load: scriptedLoad(&lo)})
			tm := teatest.NewTestModel(t, screentest.New(m), teatest.WithInitialTermSize(size[0], size[1]))
			screentest.WaitFor(t, tm, "refreshed token pair")
			tm.Send(tuitest.Key("L"))
			screentest.WaitFor(t, tm, "Load against scripted")
			golden.RequireEqual(t, screentest.Final(t, tm))
		})
	}
}
