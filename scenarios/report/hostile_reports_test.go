package report

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/hostiletest"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// A JUnit report is read by CI pages and by people running cat on it in a CI
// log: what a PBX or a scenario file put in it must stay inert there as in the
// terminal report (C1 controls and bidi overrides are legal XML, so XML
// escaping alone lets them through), and the document must stay well formed.
func TestJUnit_hostileTextIsInert(t *testing.T) {
	run := hostileResult()
	var b strings.Builder
	require.NoError(t, WriteJUnit(&b, run))
	out := b.String()
	if i, bad := hostiletest.RawControl(out, false); bad {
		t.Errorf("the report holds a raw control at %d: %q", i, out[max(0, i-30):min(len(out), i+30)])
	}
	assert.NotContains(t, out, "\ufffd", "shown in notation, not replaced")
	assert.Contains(t, out, `a^[]52;c;cm0gLXJmIH4=^G^[]0;pwned^G^[[2J`)
	var doc struct{}
	require.NoError(t, xml.Unmarshal([]byte(out), &doc), "well-formed XML")
}

// hostileResult is a run whose every string a PBX or a scenario file could set
// holds hostiletest.Evil, its exchange's bodies and headers too.
func hostileResult() *runner.RunResult {
	evil := hostiletest.Evil
	sc := &scenarios.Scenario{Name: "s" + evil, Pos: scenarios.Pos{File: "qa/f" + evil + ".yaml", Line: 3}, Source: "src" + evil}
	ex := &apiclient.Exchange{Method: "GET", URL: "http://pbx/api/info?x=" + evil, Status: 400,
		ResponseHeader: http.Header{"Content-Type": {"application/json"}, "X-Evil": {hostiletest.HeaderEvil}},
		ResponseBody:   []byte(`{"errors":[{"code":"\u001b[2J","message":"m` + "\u009b\u202e" + `\u0007"}]}`)}
	text := &apiclient.Exchange{Method: "GET", URL: "http://pbx/api/info", Status: 502,
		ResponseHeader: http.Header{"Content-Type": {"text/html"}}, ResponseBody: []byte("<p>" + evil)}
	failed := &runner.ScenarioResult{Scenario: sc, Status: runner.StatusFailed, Reason: "r" + evil,
		Steps: []*runner.StepResult{{Name: "n" + evil, Status: runner.StatusFailed, Err: "e" + evil, Warnings: []string{"w" + evil},
			Failures: []runner.Failure{{Check: "c" + evil, Expected: "x" + evil, Actual: "a" + evil}}, Exchange: ex},
			{Name: "t", Status: runner.StatusFailed, Exchange: text}}}
	skipped := &runner.ScenarioResult{Scenario: &scenarios.Scenario{Name: "k" + evil}, Status: runner.StatusSkipped, Reason: "why" + evil}
	return &runner.RunResult{Target: "http://pbx" + evil, Failed: 1, Skipped: 1, Scenarios: []*runner.ScenarioResult{failed, skipped}}
}

// The JSON report is cat'ed and jq'ed in CI logs too. JSON escaping covers C0
// controls only; C1 and bidi controls (in strings and in the bodies embedded
// as JSON) must come out as \u escapes, the document valid and meaning the same.
func TestJSON_hostileTextIsInert(t *testing.T) {
	var b strings.Builder
	require.NoError(t, WriteJSON(&b, hostileResult()))
	out := b.String()
	if i, bad := hostiletest.RawControl(out, false); bad {
		t.Errorf("the report holds a raw control at %d: %q", i, out[max(0, i-30):min(len(out), i+30)])
	}
	var doc struct {
		Scenarios []struct {
			Name  string
			Steps []struct {
				Exchange struct {
					ResponseBody json.RawMessage `json:"response_body"`
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc), "valid JSON")
	assert.Equal(t, "s"+strings.ToValidUTF8(hostiletest.Evil, "\ufffd"), doc.Scenarios[0].Name, "the same text once decoded")
	var body struct{ Errors []struct{ Message string } }
	require.NoError(t, json.Unmarshal(doc.Scenarios[0].Steps[0].Exchange.ResponseBody, &body), "the JSON body embedded as JSON")
	require.Len(t, body.Errors, 1)
	assert.Equal(t, "m\u009b\u202e\u0007", body.Errors[0].Message)
}
