package runner_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/scenarios/internal/scentest"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// A wrong status is reported with the PBX's error code and message: a message
// of 500 KB made a failure line of 500 KB in the terminal report, the JUnit
// failure and the JSON report (beside the exchange that holds it whole). It is
// cut as other values in failure messages are.
func TestRun_wrongStatusQuotesAShortMessage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"errors":[{"code":"VALIDATE_FAILED","message":"` + strings.Repeat("x", 500<<10) + `"}]}`))
	}))
	t.Cleanup(srv.Close)
	r, err := runner.New(runner.Options{BaseURL: srv.URL})
	require.NoError(t, err)
	res := r.Run(context.Background(), scentest.Parse(t, "s.yaml", "name: s\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n"), nil)
	st := res.Scenarios[0].FailedStep()
	require.NotNil(t, st)
	require.NotEmpty(t, st.Failures)
	actual := st.Failures[0].Actual
	assert.True(t, strings.HasPrefix(actual, "400 VALIDATE_FAILED: xxx"), actual[:min(len(actual), 60)])
	assert.Less(t, len(actual), 400)
}
