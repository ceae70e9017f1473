package cli

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pbxauth runs the CLI in-process and returns its exit code and output.
func pbxauth(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Execute(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func scenarioFile(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	return p
}

func TestRun_schemaPrintsJSONSchema(t *testing.T) {
	code, out, _ := pbxauth(t, "run", "--schema")
	require.Equal(t, ExitOK, code)
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &v))
	assert.Contains(t, v["$schema"], "json-schema.org")
}

func TestRun_builtinSuitePassesOnTheMock(t *testing.T) {
	dir := t.TempDir()
	junit, report := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "report.json")
	code, out, errOut := pbxauth(t, "run", "--suite", "builtin", "--mock", "--junit", junit, "--json", report)
	require.Equal(t, ExitOK, code, out+errOut)
	assert.Contains(t, out, "PASS")
	assert.Regexp(t, `\d+ passed in`, out)

	data, err := os.ReadFile(junit)
	require.NoError(t, err)
	var suites struct {
		Tests int `xml:"tests,attr"`
	}
	require.NoError(t, xml.Unmarshal(data, &suites))
	assert.Positive(t, suites.Tests)

	js, err := os.ReadFile(report)
	require.NoError(t, err)
	for _, secret := range []string{"Alice#2026", "Carol#2026"} {
		assert.NotContains(t, string(js), secret, "the JSON report must not hold secrets")
	}
	assert.Contains(t, string(js), `"exchange"`)
}

func TestRun_exitCodes(t *testing.T) {
	failing := scenarioFile(t, "fail.yaml", `
name: alice has the wrong role
tags: [readonly]
steps:
  - name: sign in
    call: signInWithCredentials
    body: {username: alice, password: "Alice#2026", domain: example.com}
    capture: {tok: access_token}
  - name: who am I
    call: getUserAuthInfo
    token: ${tok}
    expect:
      body:
        role: StandardUser
`)
	malformed := scenarioFile(t, "bad.yaml", "name: x\nsteps:\n  - call: retrieveMetadata\n    expect:\n      stauts: 200\n")
	unknownOp := scenarioFile(t, "op.yaml", "name: x\nsteps:\n  - call: fetchEverything\n")
	needsVar := scenarioFile(t, "var.yaml", "name: x\ntags: [readonly]\nvars: {tenant: null}\nsteps:\n  - call: retrieveMetadata\n    params: {domain: \"${tenant}\"}\n")
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(30 * time.Second):
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(slow.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	readonly := scenarioFile(t, "ro.yaml", "name: info\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n")

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"assertion failure", []string{"run", "--mock", failing}, ExitFailure, `expected: "StandardUser"`},
		{"malformed file", []string{"run", "--mock", malformed}, ExitUsage, `bad.yaml:5: unknown field "stauts" in expect`},
		{"check of a malformed file", []string{"run", "--check", malformed}, ExitUsage, "bad.yaml:5"},
		{"unknown operation", []string{"run", "--check", unknownOp}, ExitUsage, `op.yaml:3: unknown operation "fetchEverything"`},
		{"missing --var skips", []string{"run", "--mock", needsVar}, ExitOK, "SKIP  x: needs variables tenant: give them with --var tenant=..."},
		{"missing --var with --require-vars", []string{"run", "--mock", "--require-vars", needsVar}, ExitUsage, "needs --var tenant=..."},
		{"--var given", []string{"run", "--mock", "--require-vars", "--var", "tenant=example.com", needsVar}, ExitOK, "1 passed"},
		{"unreachable URL", []string{"run", "--url", closed.URL, readonly}, ExitNetwork, "cannot reach"},
		{"timeout", []string{"run", "--url", slow.URL, "--timeout", "300ms", readonly}, ExitNetwork, "timed out after 300ms"},
		{"bad spec mode", []string{"run", "--mock", "--spec", "maybe", readonly}, ExitUsage, "spec mode"},
		{"missing file", []string{"run", "nope.yaml"}, ExitUsage, "nope.yaml"},
		{"unknown suite", []string{"run", "--suite", "all"}, ExitUsage, "unknown suite"},
		{"check passes", []string{"run", "--check", readonly}, ExitOK, "ok: 1 scenario(s)"},
		{"no match", []string{"run", "--mock", "--tags", "nothing-has-this", readonly}, ExitUsage, "no scenario matches"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := pbxauth(t, tt.args...)
			assert.Equal(t, tt.code, code, out+errOut)
			assert.Contains(t, out+errOut, tt.want)
		})
	}
}

func TestRun_listShowsTags(t *testing.T) {
	code, out, _ := pbxauth(t, "run", "--list", "--tags", "2fa")
	require.Equal(t, ExitOK, code)
	assert.Contains(t, out, "mock-only")
	assert.NotContains(t, out, "username starting with a period")
}

func TestRun_realPBXSkipsMockOnlyAndMutating(t *testing.T) {
	pbx := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"web_domain":"pbx.test"}`))
	}))
	t.Cleanup(pbx.Close)
	mutating := scenarioFile(t, "m.yaml", "name: m\ntags: [mutating]\nsteps:\n  - call: retrieveMetadata\n")
	code, out, _ := pbxauth(t, "run", "--url", pbx.URL, "../../scenarios/runner/testdata/signin_2fa.yaml", mutating)
	assert.Equal(t, ExitOK, code, out)
	assert.Contains(t, out, "reads the PBX's mail: run with --mail")
	assert.Contains(t, out, "--allow-mutations")
	code, out, _ = pbxauth(t, "run", "--url", pbx.URL, "--allow-mutations", mutating)
	assert.Equal(t, ExitOK, code, out)
	assert.Contains(t, out, "1 passed")
}

func TestRun_loadMode(t *testing.T) {
	ro := scenarioFile(t, "ro.yaml", "name: info\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n")
	code, out, errOut := pbxauth(t, "run", "--load", "--mock", "--duration", "300ms", "--concurrency", "3", ro)
	require.Equal(t, ExitOK, code, out+errOut)
	for _, want := range []string{"3 virtual users", "requests", "p50", "p99", "max", "errors       none"} {
		assert.Contains(t, out, want)
	}
	code, _, errOut = pbxauth(t, "run", "--load", "--mock", "--concurrency", "0", ro)
	assert.Equal(t, ExitUsage, code, errOut)
}

func TestRun_openLoopLoadWritesJSON(t *testing.T) {
	ro := scenarioFile(t, "ro.yaml", "name: info\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n")
	report := filepath.Join(t.TempDir(), "load.json")
	code, out, errOut := pbxauth(t, "run", "--load", "--mock", "--rate", "100", "--duration", "1200ms",
		"--concurrency", "4", "--json", report, ro)
	require.Equal(t, ExitOK, code, out+errOut)
	assert.Contains(t, out, "open loop at 100/s")
	assert.Regexp(t, `(?m)^ +1s +\d+ requests +\d+/s +p99 +\S+ +0 errors$`, errOut, "a line a second: throughput and p99")
	data, err := os.ReadFile(report)
	require.NoError(t, err)
	var got struct {
		Target   string             `json:"target"`
		Requests int64              `json:"requests"`
		RPS      float64            `json:"rps"`
		Errors   map[string]int64   `json:"errors"`
		Latency  map[string]float64 `json:"latency_ms"`
		Settings struct {
			Mode        string  `json:"mode"`
			Rate        float64 `json:"rate"`
			Concurrency int     `json:"concurrency"`
			Validate    string  `json:"validate"`
		} `json:"settings"`
		Schedule struct {
			NotSent *int64 `json:"not_sent"`
		} `json:"schedule"`
	}
	require.NoError(t, json.Unmarshal(data, &got))
	assert.Equal(t, "in-process mock", got.Target)
	assert.InDelta(t, 120, got.Requests, 30, "100/s for 1.2 s")
	assert.Positive(t, got.RPS)
	assert.Empty(t, got.Errors)
	for _, k := range []string{"p50", "p90", "p99", "p999", "max"} {
		assert.Contains(t, got.Latency, k)
	}
	assert.Equal(t, "open", got.Settings.Mode)
	assert.Equal(t, 100.0, got.Settings.Rate)
	assert.Equal(t, 4, got.Settings.Concurrency)
	assert.Equal(t, "once", got.Settings.Validate)
	assert.NotNil(t, got.Schedule.NotSent)
}

// A target that refuses every connection ends the load early, with exit 3 and why.
func TestRun_loadStopsWhenTheTargetIsGone(t *testing.T) {
	ro := scenarioFile(t, "ro.yaml", "name: info\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now: connections are refused
	start := time.Now()
	code, out, errOut := pbxauth(t, "run", "--load", "--url", "http://"+addr, "--rate", "50", "--duration", "1m", ro)
	assert.Equal(t, ExitNetwork, code, out+errOut)
	assert.Less(t, time.Since(start), 30*time.Second, "ended long before the minute")
	assert.Contains(t, out, "target gone: the target refused every connection for 3s")
	assert.Contains(t, errOut, "load ended early")
}
