package mockserver_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mockserver"
)

// messages are the messages of an error body.
func messages(t *testing.T, body []byte) []string {
	t.Helper()
	var out []string
	for _, e := range decodeErrors(t, body).Errors {
		out = append(out, e.Message)
	}
	return out
}

func TestControl_clockRefusesOverflow(t *testing.T) {
	h := newHarness(t)
	status, body := h.control(http.MethodPost, "/_mock/clock", `{"advance":"2562047h"}`)
	require.Equal(t, http.StatusOK, status, "%s", body)
	before := h.srv.Now()

	status, body = h.control(http.MethodPost, "/_mock/clock", `{"advance":"50m"}`)
	require.Equal(t, http.StatusBadRequest, status, "%s", body)
	assert.Equal(t, []fieldRule{{"advance", "range"}}, violations(t, body))
	assert.Contains(t, messages(t, body)[0], "at most 47m16.854775807s")
	// The clock stayed where it was instead of wrapping into the past.
	assert.False(t, h.srv.Now().Before(before), "clock went back to %s", h.srv.Now())
	assert.Greater(t, h.srv.Now().Year(), 2200)

	// The remaining room is still usable, and the clock then stops at the top.
	status, body = h.control(http.MethodPost, "/_mock/clock", `{"advance":"47m"}`)
	require.Equal(t, http.StatusOK, status, "%s", body)

	h.srv.Reset()
	status, _ = h.control(http.MethodPost, "/_mock/clock", `{"advance":"31m"}`)
	assert.Equal(t, http.StatusOK, status)
}

func TestServer_AdvanceClockSaturates(t *testing.T) {
	srv, err := mockserver.New(mockserver.Options{})
	require.NoError(t, err)
	srv.AdvanceClock(mockserver.MaxClockOffset - time.Minute)
	top := srv.Now()
	srv.AdvanceClock(time.Hour)
	assert.False(t, srv.Now().Before(top), "AdvanceClock wrapped around: %s", srv.Now())
	srv.AdvanceClock(-time.Hour)
	assert.False(t, srv.Now().Before(top))
}

func TestControl_clockRefusesNonPositiveAndBareNumbers(t *testing.T) {
	h := newHarness(t)
	for _, bad := range []struct{ body, field, rule, inMsg string }{
		{`{"advance":"0s"}`, "advance", "range", "more than 0"},
		{`{"advance":"0"}`, "advance", "range", "more than 0"},
		{`{"advance":"-5m"}`, "advance", "range", "more than 0"},
		{`{"advance":5}`, "advance", "type", "a bare number has no unit"},
		{`{"advance":1e400}`, "advance", "type", "with a unit"},
		{`{"advance":"5"}`, "advance", "format", `"31m"`},
		{`{"advance":null}`, "advance", "required", `{"advance":"31m"}`},
		{`{"advance":["1m"]}`, "advance", "type", "with a unit"},
		{`["advance"]`, "body", "type", "a JSON object"},
		{`null`, "body", "type", "a JSON object"},
	} {
		status, body := h.control(http.MethodPost, "/_mock/clock", bad.body)
		assert.Equal(t, http.StatusBadRequest, status, bad.body)
		assert.Equal(t, []fieldRule{{bad.field, bad.rule}}, violations(t, body), bad.body)
		assert.Contains(t, messages(t, body)[0], bad.inMsg, bad.body)
	}
	assert.Equal(t, time.Duration(0), time.Duration(offset(t, h)))
}

func offset(t *testing.T, h *harness) time.Duration {
	t.Helper()
	_, body := h.control(http.MethodGet, "/_mock/clock", "")
	var c struct{ Offset string }
	require.NoError(t, json.Unmarshal(body, &c))
	d, err := time.ParseDuration(c.Offset)
	require.NoError(t, err)
	return d
}

// TestControl_errorsSpeakPlainly: control API errors say what was expected, never a
// Go type.
func TestControl_errorsSpeakPlainly(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		path, body string
		want       []fieldRule
	}{
		{"/_mock/clock", `[1,2]`, []fieldRule{{"body", "type"}}},
		{"/_mock/clock", `{"advance":{"x":1}}`, []fieldRule{{"advance", "type"}}},
		{"/_mock/faults", `[]`, []fieldRule{{"body", "type"}}},
		{"/_mock/faults", `{"logout":[]}`, []fieldRule{{"logout", "type"}}},
		{"/_mock/faults", `{"logout":{"status":"500","latency":3,"error_rate":"x","drop":"yes","slow":true}}`,
			[]fieldRule{{"logout.drop", "type"}, {"logout.error_rate", "type"}, {"logout.latency", "type"}, {"logout.slow", "unknown_field"}, {"logout.status", "type"}}},
		{"/_mock/faults", `{"logout":{"status":500.5}}`, []fieldRule{{"logout.status", "type"}}},
	} {
		status, body := h.control(http.MethodPost, tc.path, tc.body)
		require.Equal(t, http.StatusBadRequest, status, tc.body)
		assert.Equal(t, tc.want, violations(t, body), tc.body)
		for _, m := range messages(t, body) {
			for _, leak := range []string{"Go value", "struct", "mockserver.", "int64", "float64", "unmarshal"} {
				assert.NotContains(t, m, leak, tc.body)
			}
		}
	}
}

func TestControl_nullFaultsAreRefused(t *testing.T) {
	h := newHarness(t)
	h.srv.SetFaults(map[string]mockserver.Fault{"logout": {Status: 503}})
	for _, body := range []string{`null`, ` null `, `"{}"`, `0`} {
		status, resp := h.control(http.MethodPost, "/_mock/faults", body)
		assert.Equal(t, http.StatusBadRequest, status, body)
		assert.Equal(t, []fieldRule{{"body", "type"}}, violations(t, resp), body)
		assert.Len(t, h.srv.Faults(), 1, "%s cleared the faults", body)
	}
	// {} and DELETE clear.
	status, _ := h.control(http.MethodPost, "/_mock/faults", `{}`)
	assert.Equal(t, http.StatusOK, status)
	assert.Empty(t, h.srv.Faults())
}

func TestControl_resetKeepIsChecked(t *testing.T) {
	h := newHarness(t)
	h.srv.SetFaults(map[string]mockserver.Fault{"logout": {Status: 503}})
	status, body := h.control(http.MethodPost, "/_mock/reset?keep=bogus", "")
	require.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, []fieldRule{{"keep", "one_of"}}, violations(t, body))
	assert.Contains(t, messages(t, body)[0], "faults")
	assert.Len(t, h.srv.Faults(), 1, "a refused reset reset anyway")
}

func TestControl_deeplyNestedJSON(t *testing.T) {
	h := newHarness(t)
	deep := strings.Repeat("[", 10001) + strings.Repeat("]", 10001)
	for _, path := range []string{"/_mock/clock", "/_mock/faults"} {
		status, body := h.control(http.MethodPost, path, `{"advance":`+deep+`}`)
		require.Equal(t, http.StatusBadRequest, status)
		assert.Contains(t, messages(t, body)[0], "nested too deeply", path)
	}
	resp := h.raw(http.MethodPost, "/auth/sign_in", "application/json", `{"username":`+deep+`}`)
	require.Equal(t, http.StatusBadRequest, resp.Status)
	assert.Contains(t, messages(t, resp.Body)[0], "nested too deeply")
}

func TestDuration_refusesBareNumbers(t *testing.T) {
	var f mockserver.Fault
	err := json.Unmarshal([]byte(`{"latency":5}`), &f)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unit")
	require.NoError(t, json.Unmarshal([]byte(`{"latency":"5s"}`), &f))
	assert.Equal(t, mockserver.Duration(5*time.Second), f.Latency)
}

// TestControl_requestsRedactQueriesWithTheSharedRules: the journal's URLs go through
// apiclient.RedactURL, so the mock hides exactly the query parameters every other
// part of pbxauth hides (which parameters is apiclient's call, not the mock's).
func TestControl_requestsRedactQueriesWithTheSharedRules(t *testing.T) {
	h := newHarness(t)
	const query = "/api/info?domain=example.com&token=tok-secret&code=123456&password=pw-secret&refresh_token=rt-secret"
	r, _ := h.send(http.MethodGet, query, "")
	require.Equal(t, http.StatusOK, r.StatusCode)
	reqs := h.srv.Requests()
	got := reqs[len(reqs)-1].Exchange.URL
	assert.Equal(t, apiclient.RedactURL(h.srv.URL()+query), got)
	for _, secret := range []string{"tok-secret", "123456", "rt-secret"} {
		assert.NotContains(t, got, secret)
	}
	_, body := h.control(http.MethodGet, "/_mock/requests", "")
	assert.NotContains(t, string(body), "tok-secret")
}
