package scenarios

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/mockserver"
	sc "github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
)

const metadataOK = `name: metadata answers
tags: [readonly]
steps:
  - call: retrieveMetadata
    expect: {status: 200}
`

// A fault set on the Mock screen reaches a run on the live mock, and only that:
// fresh mocks know nothing of it.
func TestLiveRunner_runsOnTheMockAsItIs(t *testing.T) {
	srv, err := mockserver.New(mockserver.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	srv.SetFaults(map[string]mockserver.Fault{"retrieveMetadata": {Status: 503}})
	list, err := sc.NewLoader().Parse("live.yaml", []byte(metadataOK))
	require.NoError(t, err)
	target := common.Target{Profile: "mock", BaseURL: mockserver.InProcessURL, Mock: true, Transport: srv.Transport()} // as the app wires it

	live, err := LiveRunner(target, false)
	require.NoError(t, err)
	res := live.Run(context.Background(), list, func(runner.Event) {})
	require.Len(t, res.Scenarios, 1)
	assert.Equal(t, runner.StatusFailed, res.Scenarios[0].Status, "the live mock's 503 fault is hit")
	assert.NotEmpty(t, srv.Faults(), "and the run did not reset it away")

	fresh, err := DefaultRunner(target, false)
	require.NoError(t, err)
	res = fresh.Run(context.Background(), list, func(runner.Event) {})
	assert.Equal(t, runner.StatusPassed, res.Scenarios[0].Status, "a fresh mock has no fault")
}

// m on the mock switches the run between fresh mocks and the live one, and the
// header says which.
func TestModel_live_togglesTheRunner(t *testing.T) {
	var usedLive bool
	ctx := tuitest.Context(nil)
	m := New(ctx, Options{Dir: t.TempDir(),
		NewRunner:     func(common.Target, bool) (Runner, error) { return scripted{}, nil },
		NewLiveRunner: func(common.Target, bool) (Runner, error) { usedLive = true; return scripted{}, nil }})
	m.SetSize(100, 30)
	m.Update(tuitest.Run(t, m.Init()))
	assert.Contains(t, m.View(), "fresh in-process mocks")
	m.Update(tuitest.Key("m"))
	assert.Contains(t, m.View(), "the live mock")
	require.NotNil(t, m.Update(tuitest.Key("enter")))
	assert.True(t, usedLive)
}
