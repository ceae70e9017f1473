package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// hostileRun runs, against a server that answers with markup meant to load things
// from canary, a scenario that fails and one that passes, with a secret password.
func hostileRun(t *testing.T, canary string) *runner.RunResult {
	t.Helper()
	pbx := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Note", `<img src="`+canary+`/header">`)
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"errors":[{"code":"UNAUTHORIZED","message":"<img src=\"` + canary + `/img\"><script src=\"` + canary + `/js\"></script><link rel=stylesheet href=\"` + canary + `/css\">\u202e"}]}`))
	}))
	t.Cleanup(pbx.Close)
	src := `name: "sign-in <script>alert(1)</script> works"
level: recommended
source: "OWASP <b>ASVS</b>"
tags: [readonly]
vars: {password: "Sup3r-Secret-Pw!"}
steps:
  - call: signInWithCredentials
    body: {username: alice, password: "${password}", domain: example.com}
    expect: {status: 200}
---
name: metadata answers
tags: [readonly]
steps:
  - call: retrieveMetadata
    expect: {status: 400}
`
	list, err := scenarios.NewLoader().Parse("hostile.yaml", []byte(src))
	require.NoError(t, err)
	r, err := runner.New(runner.Options{BaseURL: pbx.URL, Spec: runner.SpecOff})
	require.NoError(t, err)
	return r.Run(context.Background(), list, nil)
}

func writeHTML(t *testing.T, res *runner.RunResult) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, WriteHTML(&buf, res))
	return buf.String()
}

func TestWriteHTML_escapesRedactsAndPinsItsStyle(t *testing.T) {
	out := writeHTML(t, hostileRun(t, "http://127.0.0.1:9"))
	assert.NotContains(t, out, "Sup3r-Secret-Pw!")
	assert.NotContains(t, out, "<script", "every text is escaped; the report has no script")
	assert.NotContains(t, out, "<img")
	assert.NotContains(t, out, "<link")
	assert.NotContains(t, out, "\u202e", "bidi overrides are dropped")
	assert.Contains(t, out, "&lt;script&gt;alert(1)&lt;/script&gt;")
	assert.Contains(t, out, "OWASP &lt;b&gt;ASVS&lt;/b&gt;")
	assert.Contains(t, out, "signInWithCredentials")
	assert.Contains(t, out, "finding")

	// The style sheet is allowed by its hash and nothing else is allowed at all.
	csp := regexp.MustCompile(`http-equiv="Content-Security-Policy" content="([^"]+)"`).FindStringSubmatch(out)
	require.NotNil(t, csp)
	csp[1] = html.UnescapeString(csp[1])
	assert.Contains(t, csp[1], "default-src 'none'")
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(out)
	require.NotNil(t, style)
	sum := sha256.Sum256([]byte(style[1]))
	assert.Contains(t, csp[1], "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
}

func TestWriteHTML_showsTheCoverageMatrixWithItsGaps(t *testing.T) {
	tbl := coverageTable(htmlRun{Coverage: []CoverageItem{
		{Operation: "signInWithCredentials", Item: "4XX", Source: "openapi", Scenarios: []string{"a", "b"}, Passed: 2},
		{Operation: "sendOTP", Item: "200", Source: "openapi"},
	}})
	require.NotNil(t, tbl)
	require.Len(t, tbl.Rows, 2)
	assert.Equal(t, "a, b", tbl.Rows[0][3].Text)
	assert.False(t, tbl.Rows[0][3].Gap)
	assert.True(t, tbl.Rows[1][3].Gap, "nothing checks sendOTP 200: a gap")
	assert.Nil(t, coverageTable(htmlRun{}), "no coverage, no section")

	out := writeHTML(t, hostileRun(t, "http://127.0.0.1:9"))
	assert.Contains(t, out, `id="coverage"`)
	assert.Contains(t, out, `class="gap"`, "the built-in matrix has documented items these two scenarios leave unchecked")
}

// chromium is Debian's headless browser; CI installs it (.ci/run), so only a
// developer's machine without it skips the browser tests.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := osexec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; CI must install it (.ci/run)")
	}
	t.Skip("chromium is not installed: apt-get install -y chromium to run the browser test")
	return ""
}

// renderDOM opens file in headless chromium and returns the DOM after loading.
// A browser that crashes (a signal, seen on a loaded CI machine) is started again,
// up to three times: the crash says nothing about the page.
func renderDOM(t *testing.T, browser, file string) string {
	t.Helper()
	var err error
	var stderr bytes.Buffer
	for range 3 {
		var out bytes.Buffer
		stderr.Reset()
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		cmd := osexec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
			"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
			"--user-data-dir="+t.TempDir(), "--virtual-time-budget=2000", "--dump-dom", "file://"+file)
		cmd.Stdout, cmd.Stderr = &out, &stderr
		err = cmd.Run()
		timedOut := ctx.Err() != nil
		cancel()
		if err == nil {
			return out.String()
		}
		var exit *osexec.ExitError
		crashed := errors.As(err, &exit) && !timedOut && exit.Sys().(syscall.WaitStatus).Signaled()
		if !crashed {
			break
		}
	}
	require.NoError(t, err, "chromium: %s", lastLines(stderr.String(), 10))
	return ""
}

// lastLines is the end of a tool's output, for a failure message.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// canary counts the requests it gets: a page that loads anything from it is caught.
func canary(t *testing.T) (string, *atomic.Int64) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	return srv.URL, &hits
}

func TestWriteHTML_rendersInChromiumWithoutAnyRequest(t *testing.T) {
	browser := chromium(t)
	url, hits := canary(t)
	dir := t.TempDir()

	// The check can fail: the same markup outside the report does reach the canary.
	control := filepath.Join(dir, "control.html")
	require.NoError(t, os.WriteFile(control, []byte(`<!doctype html><img src="`+url+`/control">`), 0o600))
	for i := 0; i < 3 && hits.Load() == 0; i++ {
		renderDOM(t, browser, control) // a loaded machine may dump the DOM before the image loads
	}
	require.Positive(t, hits.Load(), "the browser loads an image from the canary when nothing forbids it")
	hits.Store(0)

	report := filepath.Join(dir, "report.html")
	require.NoError(t, os.WriteFile(report, []byte(writeHTML(t, hostileRun(t, url))), 0o600))
	dom := renderDOM(t, browser, report)
	assert.Contains(t, dom, "pbxauth conformance report")
	assert.Contains(t, dom, "Failures and findings")
	assert.Contains(t, dom, "signInWithCredentials")
	assert.True(t, strings.Contains(dom, "&lt;script&gt;alert(1)"), "the hostile name shows as text")
	assert.NotContains(t, dom, "Sup3r-Secret-Pw!")
	assert.Zero(t, hits.Load(), "the report made a network request")
}
