package loadtest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/internal/hostiletest"
	"github.com/pbxauth/pbxauth/scenarios/internal/scentest"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// A hostile PBX answers every request with an error code of its own making: a
// new one each time, long, full of terminal controls. The breakdown by code
// must neither grow with the run (a key per answer, kept to the end) nor print
// the controls on the terminal.
func TestRun_hostileErrorCodesStayBoundedAndInert(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code := fmt.Sprintf("%d%s%s", n.Add(1), strings.Repeat("A", 4<<10), `\u001b]0;pwned\u0007\u009b2J\u202e`)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"errors":[{"code":"%s","message":"m"}]}`, code)
	}))
	t.Cleanup(srv.Close)
	r, err := runner.New(runner.Options{BaseURL: srv.URL})
	require.NoError(t, err)
	src := "name: info\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n"
	res, err := Run(context.Background(), r, scentest.Parse(t, "l.yaml", src), Options{Iterations: 300, Concurrency: 2})
	require.NoError(t, err)
	require.Equal(t, int64(300), res.ErrorTotal(), "every answer is counted")
	assert.LessOrEqual(t, len(res.Errors), maxErrorKeys+1, "the breakdown is bounded")
	size := 0
	for _, e := range res.Errors {
		size += len(e.Key)
	}
	assert.Less(t, size, 16<<10, "keys are short")
	var b strings.Builder
	require.NoError(t, WriteSummary(&b, res))
	if i, bad := hostiletest.RawControl(b.String(), false); bad {
		t.Errorf("the summary holds a raw control at %d: %q", i, b.String()[max(0, i-20):min(b.Len(), i+20)])
	}
}
