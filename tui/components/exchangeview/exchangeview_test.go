package exchangeview

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
)

func text(ex *apiclient.Exchange, vs []spec.Violation) string {
	d := Build(ex, vs)
	var lines []string
	for _, l := range d.Lines {
		lines = append(lines, l.Text())
	}
	return strings.Join(lines, "\n")
}

func TestBuild_noAnswer(t *testing.T) {
	s := text(&apiclient.Exchange{Method: "GET", URL: "http://x/api/info", Err: "connection refused", Duration: 2 * time.Second}, nil)
	assert.Contains(t, s, "no answer: connection refused")
	assert.NotContains(t, s, "Response headers")
}

func TestBuild_sectionsAndViolations(t *testing.T) {
	ex := &apiclient.Exchange{
		Method: "POST", URL: "http://x/api/auth/sign_in", Status: 401, Operation: "signInWithCredentials",
		RequestHeader: http.Header{"Content-Type": {"application/json"}}, RequestBody: []byte(`{"username":"a"}`),
		ResponseBody: []byte(`{"errors":[]}`), Duration: 1500 * time.Microsecond,
	}
	s := text(ex, []spec.Violation{{Side: spec.SideResponse, Field: "/errors", Message: "too short"}})
	for _, want := range []string{"POST http://x/api/auth/sign_in", "status 401 Unauthorized  ·  1ms  ·  signInWithCredentials",
		"Spec violations (1)", "response /errors: too short", "Request body", `"username": "a"`, "Response headers", "(none)"} {
		assert.Contains(t, s, want)
	}
	assert.Contains(t, text(nil, nil), "no exchange")
}

func TestDuration(t *testing.T) {
	assert.Equal(t, "0s", Duration(0))
	assert.Equal(t, "850µs", Duration(850*time.Microsecond))
	assert.Equal(t, "12ms", Duration(12*time.Millisecond))
	assert.Equal(t, "1.2s", Duration(1234*time.Millisecond))
}

func TestBuild_marksACutAnswer(t *testing.T) {
	d := Build(&apiclient.Exchange{Method: "GET", URL: "http://pbx/api/info", Status: 200, ResponseBody: []byte(`{"a":"`), Truncated: true}, nil)
	var text []string
	for _, l := range d.Lines {
		text = append(text, l.Text())
	}
	assert.Contains(t, strings.Join(text, "\n"), "Response body\n(cut: the answer was larger than 1 MiB; only its start was read)\n{\"a\":\"")
}
