package runner_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/scenarios/internal/scentest"
	"github.com/pbxauth/pbxauth/scenarios/report"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// An IdP callback's code and state, captured from a Location under any name, are
// secrets: when a later step shows them (in a path, a failure), reports hide them.
func TestCapture_locationCodeAndStateAreSecrets(t *testing.T) {
	const code, state = "SplxlOBeZQQYbYS6WxSbIA", "af0ifjsldkj-xyz"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/cb") {
			w.Header().Set("Location", "https://app.example/done?code="+code+"&state="+state)
			w.WriteHeader(http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusTeapot)
	}))
	t.Cleanup(srv.Close)
	src := `
name: callback
tags: [readonly]
steps:
  - request: {method: GET, path: /cb}
    expect: {status: 302}
    capture:
      c1: {header: Location, regex: "code=([^&]+)"}
      s1: {header: Location, regex: "state=([^&]+)"}
  - request: {method: GET, path: "/next/${c1}/${s1}"}
    expect: {status: 200}
`
	res := run(t, runner.Options{BaseURL: srv.URL, Spec: runner.SpecOff}, scentest.Parse(t, "c.yaml", src))
	require.Equal(t, runner.StatusFailed, res.Scenarios[0].Status)
	var text strings.Builder
	rep := report.NewTextReporter(&text, true)
	rep.Event(runner.Event{Kind: runner.ScenarioFinished, Result: res.Scenarios[0]})
	var js strings.Builder
	require.NoError(t, report.WriteJSON(&js, res))
	shown, err := json.Marshal(res.Scenarios[0].Steps[1].Redacted()) // what the TUI shows
	require.NoError(t, err)
	require.Contains(t, js.String(), "/next/", "the report holds the second step's exchange")
	for _, out := range []string{text.String(), js.String(), string(shown)} {
		assert.NotContains(t, out, code)
		assert.NotContains(t, out, state)
	}
}
