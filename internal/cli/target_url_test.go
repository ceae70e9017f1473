package cli

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingPBX is a target that only counts the requests reaching it.
func countingPBX(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		http.Error(w, "{}", http.StatusNotFound)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &hits
}

// run and fuzz choose their target alike (--url, then PBXAUTH_URL, else the
// in-process mock) but for two cases this test pins: run reads no PBXAUTH_URL
// once --mock is named at all, even as --mock=false, and an empty --url beside
// --profile is not refused (the profile names the target).
func TestTargetURL_runAndFuzzChooseTheirTarget(t *testing.T) {
	ro := scenarioFile(t, "ro.yaml", "name: info\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n")
	fuzzArgs := []string{"fuzz", "--seed", "1", "--max-examples", "1", "--operations", "retrieveMetadata"}
	for _, tc := range []struct {
		name    string
		args    []string
		env     bool // PBXAUTH_URL names the counting PBX
		profile bool // the profile "staging" names the counting PBX
		reached bool
	}{
		{name: "run takes PBXAUTH_URL", args: []string{"run", ro}, env: true, reached: true},
		{name: "fuzz takes PBXAUTH_URL", args: fuzzArgs, env: true, reached: true},
		{name: "run --mock leaves PBXAUTH_URL alone", args: []string{"run", "--mock", ro}, env: true},
		{name: "fuzz --mock leaves PBXAUTH_URL alone", args: append([]string{"fuzz", "--mock"}, fuzzArgs[1:]...), env: true},
		{name: "run --mock=false leaves PBXAUTH_URL alone", args: []string{"run", "--mock=false", ro}, env: true},
		{name: "fuzz --mock=false takes PBXAUTH_URL", args: append([]string{"fuzz", "--mock=false"}, fuzzArgs[1:]...), env: true, reached: true},
		{name: "run --profile with an empty --url takes the profile's", args: []string{"run", "--profile", "staging", "--url", "", ro}, profile: true, reached: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, hits := countingPBX(t)
			t.Setenv("PBXAUTH_URL", "")
			if tc.env {
				t.Setenv("PBXAUTH_URL", url)
			}
			writeProfiles(t, "profiles: []\n")
			if tc.profile {
				writeProfiles(t, "profiles:\n  - name: staging\n    url: "+url+"\n")
			}
			code, out, errOut := pbxauth(t, tc.args...)
			require.NotEqual(t, ExitUsage, code, out+errOut)
			if tc.reached {
				assert.Positive(t, hits.Load(), "the PBX was not reached:\n%s%s", out, errOut)
			} else {
				assert.Zero(t, hits.Load(), "the PBX was reached:\n%s%s", out, errOut)
				assert.Contains(t, out+errOut, "mock", "the in-process mock ran instead")
			}
		})
	}
}

func TestTargetURL_anEmptyURLIsRefusedByBoth(t *testing.T) {
	ro := scenarioFile(t, "ro.yaml", "name: info\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n")
	for _, args := range [][]string{
		{"run", "--url", " ", ro},
		{"fuzz", "--url", " ", "--max-examples", "1"},
	} {
		code, out, errOut := pbxauth(t, args...)
		assert.Equal(t, ExitUsage, code, out+errOut)
		assert.Contains(t, errOut, "--url is empty")
	}
}
