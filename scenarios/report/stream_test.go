package report

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/internal/scentest"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// recordingWriter notes the order of the calls it gets.
type recordingWriter struct{ calls []string }

func (w *recordingWriter) Begin(*runner.RunResult) error {
	w.calls = append(w.calls, "begin")
	return nil
}
func (w *recordingWriter) Scenario(sr *runner.ScenarioResult) error {
	w.calls = append(w.calls, sr.Scenario.Name)
	return nil
}
func (w *recordingWriter) End(r *runner.RunResult) error {
	w.calls = append(w.calls, "end")
	return nil
}

func TestReportStream_writesInTheRunsOrderWhateverTheFinishingOrder(t *testing.T) {
	w := &recordingWriter{}
	s := NewReportStream(w)
	res := func(name string) *runner.ScenarioResult {
		return &runner.ScenarioResult{Scenario: &scenarios.Scenario{Name: name}}
	}
	s.Event(runner.Event{Kind: runner.RunStarted, Run: &runner.RunResult{}})
	s.Event(runner.Event{Kind: runner.ScenarioFinished, Index: 2, Result: res("c")})
	s.Event(runner.Event{Kind: runner.ScenarioFinished, Index: 0, Result: res("a")})
	assert.Equal(t, []string{"begin", "a"}, w.calls, "c waits for b")
	s.Event(runner.Event{Kind: runner.ScenarioFinished, Index: 1, Result: res("b")})
	s.Event(runner.Event{Kind: runner.RunFinished, Run: &runner.RunResult{}})
	assert.Equal(t, []string{"begin", "a", "b", "c", "end"}, w.calls)
	assert.Empty(t, s.waiting, "nothing held after it is written")
}

// A run that drops its results still reports them all, streamed, with the counts.
func TestRunner_dropResultsStreamsTheReports(t *testing.T) {
	_, srv := scentest.NewFake(t)
	r, err := runner.New(runner.Options{BaseURL: srv.URL, DropResults: true, Parallel: 3})
	require.NoError(t, err)
	var src []string
	for _, n := range []string{"one", "two", "three", "four", "five"} {
		src = append(src, "name: "+n+"\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n")
	}
	var js, junit strings.Builder
	stream := NewReportStream(NewJSONReport(&js), NewJUnitReport(&junit))
	res := r.Run(context.Background(), scentest.Parse(t, "s.yaml", strings.Join(src, "---\n")), stream.Event)
	require.NoError(t, stream.Err())
	assert.Nil(t, res.Scenarios, "no result kept")
	assert.Equal(t, 5, res.Passed)
	assert.Equal(t, runner.StatusPassed, res.Status())
	var doc struct {
		Scenarios []struct{ Name string } `json:"scenarios"`
		Passed    int                     `json:"passed"`
		ExitCode  *int                    `json:"exit_code"`
	}
	require.NoError(t, json.Unmarshal([]byte(js.String()), &doc), js.String())
	require.Len(t, doc.Scenarios, 5)
	assert.Equal(t, "one", doc.Scenarios[0].Name)
	assert.Equal(t, "five", doc.Scenarios[4].Name)
	assert.Equal(t, 5, doc.Passed)
	require.NotNil(t, doc.ExitCode)
	assert.Equal(t, 0, *doc.ExitCode)
	assert.Contains(t, junit.String(), `tests="5"`)
	assert.Equal(t, 5, strings.Count(junit.String(), "<testcase "))
}
