package scenarios

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/require"

	sc "github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/screentest"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// waitTimeout bounds each wait for output or for the program to end. Generous on
// purpose: CI is a 2-core box running every package's tests at once under -race;
// a passing run never waits this long, since the waits poll for the text.
const waitTimeout = 20 * time.Second

// fixed is the screen with a fixed list instead of the built-in suite, so the
// goldens don't change when the suite grows.
type fixed struct {
	*Model
	list []*sc.Scenario
}

func (f fixed) Init() tea.Cmd {
	return common.To(ID, func() tea.Msg { return loadedMsg{builtin: f.list} })
}

func goldenModel(t *testing.T) *teatest.TestModel {
	t.Helper()
	lipgloss.SetColorProfile(termenv.Ascii)
	list, err := sc.LoadPaths("testdata/golden.yaml")
	require.NoError(t, err)
	ctx := tuitest.Context(nil)
	m := New(ctx, Options{NewRunner: func(common.Target, bool) (Runner, error) { return scripted{}, nil }})
	return teatest.NewTestModel(t, screentest.New(fixed{Model: m, list: list}), teatest.WithInitialTermSize(80, 24))
}

func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(waitTimeout), teatest.WithCheckInterval(10*time.Millisecond))
}

func final(t *testing.T, tm *teatest.TestModel) []byte {
	t.Helper()
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	return []byte(tm.FinalModel(t, teatest.WithFinalTimeout(waitTimeout)).View())
}

func TestGolden_list(t *testing.T) {
	tm := goldenModel(t)
	waitFor(t, tm, "refreshed token pair")
	tm.Send(tuitest.Key("down"))
	tm.Send(tuitest.Key("space"))
	waitFor(t, tm, "[x]")
	golden.RequireEqual(t, final(t, tm))
}

func TestGolden_runWithAFailure(t *testing.T) {
	tm := goldenModel(t)
	waitFor(t, tm, "refreshed token pair")
	tm.Send(tuitest.Key("a"))
	tm.Send(tuitest.Key("enter"))
	waitFor(t, tm, "2 failed")
	tm.Send(tuitest.Key("down"))
	waitFor(t, tm, "o opens the failure")
	golden.RequireEqual(t, final(t, tm))
}

func TestGolden_failureOpened(t *testing.T) {
	tm := goldenModel(t)
	waitFor(t, tm, "refreshed token pair")
	tm.Send(tuitest.Key("a"))
	tm.Send(tuitest.Key("enter"))
	waitFor(t, tm, "2 failed")
	tm.Send(tuitest.Key("down"))
	tm.Send(tuitest.Key("o"))
	waitFor(t, tm, "esc: back to the list")
	golden.RequireEqual(t, final(t, tm))
}
