package screentest

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// WaitTimeout bounds each wait for output or for the program to end. Generous on
// purpose: CI runs every package's tests at once under -race on two cores, and a
// wait polls, so a fast machine never waits it out.
const WaitTimeout = 20 * time.Second

// WaitFor waits until the program's output holds text.
func WaitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(WaitTimeout), teatest.WithCheckInterval(10*time.Millisecond))
}

// Final quits a Harness program (ctrl+c) and returns its last frame, for goldens.
func Final(t *testing.T, tm *teatest.TestModel) []byte {
	t.Helper()
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	return []byte(tm.FinalModel(t, teatest.WithFinalTimeout(WaitTimeout)).View())
}
