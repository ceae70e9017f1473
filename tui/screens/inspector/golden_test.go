package inspector

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/pbxauth/pbxauth/apiclient/mocks"
	"github.com/pbxauth/pbxauth/tui/internal/screentest"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

func goldenModel(t *testing.T) *teatest.TestModel {
	t.Helper()
	lipgloss.SetColorProfile(termenv.Ascii)
	ctx := tuitest.Context(mocks.NewAPI(t))
	ctx.History.Append("mock", signIn())
	ctx.History.Append("mock", userInfo())
	m := New(ctx, Options{})
	return teatest.NewTestModel(t, screentest.New(m), teatest.WithInitialTermSize(80, 24))
}

func TestGolden_newestWithSpecViolation(t *testing.T) {
	tm := goldenModel(t)
	screentest.WaitFor(t, tm, "Spec violations")
	golden.RequireEqual(t, screentest.Final(t, tm))
}

func TestGolden_searchInTheOlderExchange(t *testing.T) {
	tm := goldenModel(t)
	screentest.WaitFor(t, tm, "Spec violations")
	tm.Send(tuitest.Key("down"))
	screentest.WaitFor(t, tm, "Request body")
	tm.Send(tuitest.Key("f"))
	tm.Type("refresh")
	tm.Send(tuitest.Key("enter"))
	screentest.WaitFor(t, tm, "match 1 of 1")
	golden.RequireEqual(t, screentest.Final(t, tm))
}
