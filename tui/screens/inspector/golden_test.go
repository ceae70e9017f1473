package inspector

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/pbxauth/pbxauth/apiclient/mocks"
	"github.com/pbxauth/pbxauth/tui/internal/screentest"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// waitTimeout bounds each wait for output or for the program to end. Generous on
// purpose: CI is a 2-core box running every package's tests at once under -race;
// a passing run never waits this long, since the waits poll for the text.
const waitTimeout = 20 * time.Second

func goldenModel(t *testing.T) *teatest.TestModel {
	t.Helper()
	lipgloss.SetColorProfile(termenv.Ascii)
	ctx := tuitest.Context(mocks.NewAPI(t))
	ctx.History.Append("mock", signIn())
	ctx.History.Append("mock", userInfo())
	m := New(ctx, Options{})
	return teatest.NewTestModel(t, screentest.New(m), teatest.WithInitialTermSize(80, 24))
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

func TestGolden_newestWithSpecViolation(t *testing.T) {
	tm := goldenModel(t)
	waitFor(t, tm, "Spec violations")
	golden.RequireEqual(t, final(t, tm))
}

func TestGolden_searchInTheOlderExchange(t *testing.T) {
	tm := goldenModel(t)
	waitFor(t, tm, "Spec violations")
	tm.Send(tuitest.Key("down"))
	waitFor(t, tm, "Request body")
	tm.Send(tuitest.Key("/"))
	tm.Type("refresh")
	tm.Send(tuitest.Key("enter"))
	waitFor(t, tm, "match 1 of 1")
	golden.RequireEqual(t, final(t, tm))
}
