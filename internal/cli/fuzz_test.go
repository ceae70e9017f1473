package cli

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/mockserver"
)

func TestFuzz_mockPassesWithReportsAndPrintsTheSeed(t *testing.T) {
	dir := t.TempDir()
	js, junit := filepath.Join(dir, "f.json"), filepath.Join(dir, "f.xml")
	code, out, errOut := pbxauth(t, "fuzz", "--mock", "--seed", "5", "--max-examples", "120", "--json", js, "--junit", junit)
	require.Equal(t, ExitOK, code, out+errOut)
	assert.True(t, strings.HasPrefix(out, "pbxauth fuzz: seed 5 "), out)
	assert.Contains(t, out, "120 examples")
	var rep struct {
		Seed     uint64 `json:"seed"`
		Examples int    `json:"examples"`
		Failed   int    `json:"failed"`
		Ops      []struct {
			Operation string `json:"operation"`
			Examples  int    `json:"examples"`
		} `json:"operations"`
	}
	data, err := os.ReadFile(js)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &rep))
	assert.Equal(t, uint64(5), rep.Seed)
	assert.Equal(t, 120, rep.Examples)
	assert.Len(t, rep.Ops, len(spec.Operations()), "every operation of the document")
	x, err := os.ReadFile(junit)
	require.NoError(t, err)
	var suites struct {
		Suites []struct {
			Name string `xml:"name,attr"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(x, &suites))
	assert.Len(t, suites.Suites, len(spec.Operations()))
}

func TestFuzz_defectIsSavedAndReplayedByRun(t *testing.T) {
	mock, err := mockserver.New(mockserver.Options{})
	require.NoError(t, err)
	// A PBX that answers 500 to any byte outside ASCII; its control API is hidden.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_mock") {
			http.NotFound(w, r)
			return
		}
		for _, c := range []byte(r.URL.RawQuery) {
			if c == '%' {
				http.Error(w, "<img src=http://127.0.0.1:1/x>boom", http.StatusInternalServerError)
				return
			}
		}
		mock.Handler().ServeHTTP(w, r)
	}))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "found")
	page := filepath.Join(t.TempDir(), "fuzz.html")
	code, out, errOut := pbxauth(t, "fuzz", "--url", srv.URL, "--operations", "retrieveMetadata", "--seed", "3",
		"--max-examples", "60", "--save", dir, "--html", page)
	require.Equal(t, ExitFailure, code, out+errOut)
	assert.Contains(t, out, "FAIL [contract] no_server_error on retrieveMetadata")
	html, err := os.ReadFile(page)
	require.NoError(t, err)
	assert.Contains(t, string(html), "FAIL [contract] no_server_error on <code>retrieveMetadata</code>")
	assert.Contains(t, string(html), "Content-Security-Policy", "the page loads nothing, like run's")
	assert.Contains(t, string(html), "&lt;img src=http://127.0.0.1:1/x&gt;boom", "the answer is shown, escaped")
	assert.NotContains(t, string(html), "<img", "server markup never becomes page markup")
	assert.Contains(t, out, "replay: pbxauth run "+dir)
	code, out, errOut = pbxauth(t, "run", dir, "--url", srv.URL)
	assert.Equal(t, ExitFailure, code, out+errOut)
	code, out, errOut = pbxauth(t, "run", dir, "--mock")
	assert.Equal(t, ExitOK, code, out+errOut)
}

func TestFuzz_usage(t *testing.T) {
	for _, args := range [][]string{
		{"fuzz", "--mock", "--budget", "1s", "--max-examples", "3"},
		{"fuzz", "--mock", "--mode", "sideways", "--max-examples", "3"},
		{"fuzz", "--mock", "--operations", "nope", "--max-examples", "3"},
		{"fuzz", "--url", "", "--max-examples", "3"},
		{"fuzz", "--mock", "--max-examples", "3", "--json", "same.out", "--html", "same.out"},
	} {
		code, out, errOut := pbxauth(t, args...)
		assert.Equal(t, ExitUsage, code, "%v: %s%s", args, out, errOut)
	}
}

// --url with --mock says the URL is a standalone pbxauth mock, as for run: the
// mock-level checks run (without it the same URL is fuzzed as a real PBX).
func TestFuzz_standaloneMockIsSaidSo(t *testing.T) {
	mock, err := mockserver.Start(mockserver.Options{})
	require.NoError(t, err)
	defer mock.Close()
	code, out, errOut := pbxauth(t, "fuzz", "--url", mock.URL(), "--mock", "--seed", "2", "--max-examples", "40", "--json", filepath.Join(t.TempDir(), "f.json"))
	require.Equal(t, ExitOK, code, out+errOut)
	assert.Contains(t, out, "(pbxauth's mock)")
}
