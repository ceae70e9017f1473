package scenarios

import (
	"testing"

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

func goldenModel(t *testing.T) *teatest.TestModel {
	t.Helper()
	lipgloss.SetColorProfile(termenv.Ascii)
	list, err := sc.LoadPaths("testdata/golden.yaml")
	require.NoError(t, err)
	ctx := tuitest.Context(nil)
	// A fixed list instead of the built-in suite: the goldens don't change when the suite grows.
	m := New(ctx, Options{Builtin: list, NewRunner: func(common.Target, bool) (Runner, error) { return scripted{}, nil }})
	return teatest.NewTestModel(t, screentest.New(m), teatest.WithInitialTermSize(80, 24))
}

func TestGolden_list(t *testing.T) {
	tm := goldenModel(t)
	screentest.WaitFor(t, tm, "refreshed token pair")
	tm.Send(tuitest.Key("down"))
	tm.Send(tuitest.Key("space"))
	screentest.WaitFor(t, tm, "[x]")
	golden.RequireEqual(t, screentest.Final(t, tm))
}

func TestGolden_runWithAFailure(t *testing.T) {
	tm := goldenModel(t)
	screentest.WaitFor(t, tm, "refreshed token pair")
	tm.Send(tuitest.Key("a"))
	tm.Send(tuitest.Key("enter"))
	screentest.WaitFor(t, tm, "2 failed")
	tm.Send(tuitest.Key("down"))
	screentest.WaitFor(t, tm, "o opens the failure")
	golden.RequireEqual(t, screentest.Final(t, tm))
}

func TestGolden_failureOpened(t *testing.T) {
	tm := goldenModel(t)
	screentest.WaitFor(t, tm, "refreshed token pair")
	tm.Send(tuitest.Key("a"))
	tm.Send(tuitest.Key("enter"))
	screentest.WaitFor(t, tm, "2 failed")
	tm.Send(tuitest.Key("down"))
	tm.Send(tuitest.Key("o"))
	screentest.WaitFor(t, tm, "esc: back to the list")
	golden.RequireEqual(t, screentest.Final(t, tm))
}
