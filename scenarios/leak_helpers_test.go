package scenarios

import (
	"bytes"
	"context"
	"regexp"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/mockserver"
)

// runCollectingSecrets runs ss on fresh in-process mocks and adds to secrets every
// token, one-time code and reset token the mocks handed out, as read off the wire.
func runCollectingSecrets(t *testing.T, ss []*Scenario, secrets map[string]bool) *RunResult {
	t.Helper()
	var mu sync.Mutex
	factory := func() (string, func(), error) {
		srv, err := mockserver.Start(mockserver.Options{})
		if err != nil {
			return "", nil, err
		}
		return srv.APIURL(), func() {
			mu.Lock()
			for _, m := range srv.Outbox() {
				for _, s := range []string{m.Code, m.Token} {
					if s != "" {
						secrets[s] = true
					}
				}
			}
			mu.Unlock()
			_ = srv.Close()
		}, nil
	}
	r, err := NewRunner(Options{NewMock: factory, Parallel: 2})
	require.NoError(t, err)
	return r.Run(context.Background(), ss, func(e Event) {
		if e.Step == nil || e.Step.Exchange == nil {
			return
		}
		doc, err := decodeJSON(e.Step.Exchange.ResponseBody)
		if err != nil {
			return
		}
		for _, k := range []string{"access_token", "refresh_token", "token"} {
			if v, ok := lookupPath(doc, k); ok {
				if s, ok := v.(string); ok && len(s) >= minSecretLen {
					mu.Lock()
					secrets[s] = true
					mu.Unlock()
				}
			}
		}
	})
}

// renderReports writes res as the JSON, JUnit and (verbose) text reports.
func renderReports(t *testing.T, res *RunResult) map[string]string {
	t.Helper()
	var js, junit, text bytes.Buffer
	require.NoError(t, WriteJSON(&js, res))
	require.NoError(t, WriteJUnit(&junit, res))
	rep := NewTextReporter(&text, true)
	for _, sr := range res.Scenarios {
		rep.Event(Event{Kind: ScenarioFinished, Result: sr})
	}
	return map[string]string{"json": js.String(), "junit": junit.String(), "text": text.String()}
}

// assertNoSecretIn fails for every secret found in a report. A secret of digits only
// (a one-time code) counts only when no digit touches it, so that a report's
// timestamps and durations don't match a 6-digit code by chance.
func assertNoSecretIn(t *testing.T, reports map[string]string, secrets map[string]bool) {
	t.Helper()
	for s := range secrets {
		re := regexp.MustCompile(regexp.QuoteMeta(s))
		if allDigits(s) {
			re = regexp.MustCompile(`(^|[^0-9])` + regexp.QuoteMeta(s) + `([^0-9]|$)`)
		}
		for name, out := range reports {
			if re.MatchString(out) {
				t.Errorf("%s report leaks %q", name, s)
			}
		}
	}
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
