package scenarios

import (
	"context"
	"net/http"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/fuzz"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

// scriptedFuzz reports a few examples and one failure with its exchange, whose
// answer carries an escape sequence that must stay inert.
func scriptedFuzz(_ context.Context, opts fuzz.Options, emit func(fuzz.Event)) (*fuzz.Result, error) {
	res := &fuzz.Result{Seed: 42, Mock: opts.Mock, Examples: 3, Requests: 4, Duration: time.Second}
	emit(fuzz.Event{Kind: fuzz.EventStarted, Result: res})
	for _, op := range []string{"signInWithCredentials", "signInWithCredentials", "getUserAuthInfo"} {
		emit(fuzz.Event{Kind: fuzz.EventExample, Op: op})
	}
	fd := &fuzz.Found{
		Failure: fuzz.Failure{Check: fuzz.CheckNoServerError, Level: fuzz.LevelContract, Op: "signInWithCredentials",
			Message: "POST /auth/sign_in answered 500", Step: 0},
		StepsBefore: 1, StepsAfter: 1, Occurrences: 1,
		Steps: []fuzz.StepResult{{Step: 0, Exchange: &apiclient.Exchange{Method: "POST", URL: "http://pbx/api/auth/sign_in",
			RequestHeader: http.Header{"Content-Type": {"application/json"}}, RequestBody: []byte(`{"username":"é"}`),
			Status: 500, ResponseBody: []byte("boom \x1b]52;c;ZXZpbA==\x07")}}},
	}
	res.Found = append(res.Found, fd)
	emit(fuzz.Event{Kind: fuzz.EventFound, Op: fd.Failure.Op, Found: fd})
	emit(fuzz.Event{Kind: fuzz.EventDone, Result: res})
	return res, nil
}

func TestFuzzPane_liveProgressFailuresAndDetail(t *testing.T) {
	ctx := tuitest.Context(nil)
	m := New(ctx, Options{Dir: t.TempDir(), Fuzz: scriptedFuzz})
	m.SetSize(100, 30)
	m.Update(tuitest.Run(t, m.Init()))
	cmd := m.Update(tuitest.Key("F"))
	require.NotNil(t, cmd)
	require.True(t, m.Busy())
	assert.Contains(t, m.View(), "Fuzz")
	batch := cmd().(tea.BatchMsg)
	assert.Nil(t, tuitest.Run(t, batch[0]), "the setup only starts the run's goroutine")
	pump(t, m, "the fuzz", func() bool { return m.fz.running }, func() tea.Cmd { return m.fz.waitCmd })
	v := m.View()
	assert.Contains(t, v, "signInWithCredentials")
	assert.Contains(t, v, "FAIL")
	assert.Contains(t, v, "no_server_error on signInWithCredentials")
	assert.Contains(t, v, "seed 42")
	assert.Equal(t, 2, m.fz.counts["signInWithCredentials"])

	m.Update(tuitest.Key("o"))
	require.True(t, m.fz.detail)
	d := m.View()
	assert.Contains(t, d, "POST http://pbx/api/auth/sign_in")
	assert.Contains(t, d, "500")
	assert.NotContains(t, d, "\x1b]52", "the answer's escape sequence is shown inert")
	cmd = m.Update(tuitest.Key("i"))
	require.NotNil(t, cmd)
	msg, ok := cmd().(common.InspectMsg)
	require.True(t, ok)
	assert.Equal(t, 500, msg.Exchange.Status)
	m.Update(tuitest.Key("esc"))
	assert.False(t, m.fz.detail)
	m.Update(tuitest.Key("esc"))
	assert.False(t, m.fz.open, "esc closes the pane when no run is in flight")
}

func TestFuzzPane_onTheMock_runsAndCancels(t *testing.T) {
	ctx := tuitest.Context(nil)
	m := New(ctx, Options{Dir: t.TempDir()})
	m.SetSize(100, 30)
	m.Update(tuitest.Run(t, m.Init()))
	cmd := m.Update(tuitest.Key("F"))
	batch := cmd().(tea.BatchMsg)
	assert.Nil(t, tuitest.Run(t, batch[0]))
	// Let it send a few hundred cases to its own mock, then cancel with esc.
	for total(m.fz.counts) < 50 {
		m.Update(tuitest.Run(t, m.fz.waitCmd))
	}
	m.Update(tuitest.Key("esc"))
	for m.fz.running {
		if msg := tuitest.Run(t, m.fz.waitCmd); msg != nil {
			m.Update(msg)
		}
	}
	assert.Empty(t, m.fz.found, "no false alarm on the mock")
	assert.Contains(t, m.View(), "seed ")
}
