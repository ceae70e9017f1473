package cli

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A token with a newline can't be sent; that is the user's mistake (exit 2),
// found before anything goes out, not an unreachable PBX (exit 3).
func TestCall_tokenWithControlCharactersIsAUsageError(t *testing.T) {
	url, _, requests := testPBX(t, answer(200, `{}`))
	for _, args := range [][]string{
		{"call", "getUserAuthInfo", "--url", url, "--token", "a\nb-secret"},
		{"call", "getUserAuthInfo", "--url", url, "--token", "a\x01b-secret", "--curl"},
	} {
		r := runCLI(t, args...)
		if r.code != ExitUsage {
			t.Errorf("%q: exit %d, want %d; stderr %s", args, r.code, ExitUsage, r.err)
		}
		if !strings.Contains(r.err, "Authorization") || strings.Contains(r.err, "cannot reach") || strings.Contains(r.err, "b-secret") {
			t.Errorf("%q: stderr = %q, want it to name the header, not the network, and not show the token", args, r.err)
		}
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestCall_unknownCodeShowsTheRawCode(t *testing.T) {
	url, _, _ := testPBX(t, answer(503, `{"errors":[{"code":"FAULT_INJECTED","message":"injected by the mock"}]}`))
	r := runCLI(t, "call", "retrieveMetadata", "--url", url)
	if r.code != ExitFailure || !strings.Contains(r.err, "503 UNKNOWN (FAULT_INJECTED): injected by the mock") {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
}

// The help promises pretty-printed JSON; what comes out is indented, in the
// server's key order, with & < > as they are (not \u0026).
func TestCall_outputIsPrettyJSONWithoutHTMLEscapes(t *testing.T) {
	url, _, _ := testPBX(t, answer(200, `{"web_domain":"pbx.test","website":"https://pbx.test/?a=1\u0026b=2","enable_dataflow":false}`))
	r := runCLI(t, "call", "retrieveMetadata", "--url", url)
	want := "{\n  \"web_domain\": \"pbx.test\",\n  \"website\": \"https://pbx.test/?a=1&b=2\",\n  \"enable_dataflow\": false\n}\n"
	if r.code != ExitOK || r.stdout != want {
		t.Errorf("exit %d, stdout\n%s\nwant\n%s", r.code, r.stdout, want)
	}
	redirect, _, _ := testPBX(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "https://login.example/authorize?client_id=x&state=y")
		w.WriteHeader(http.StatusFound)
	})
	r = runCLI(t, "call", "loginWithMicrosoft", "--url", redirect, "-f", "domain=contoso.com")
	if r.code != ExitOK || !strings.Contains(r.stdout, `"https://login.example/authorize?client_id=x&state=[REDACTED]"`) {
		t.Errorf("exit %d, stdout %s (the OAuth state is hidden)", r.code, r.stdout)
	}
	r = runCLI(t, "call", "loginWithMicrosoft", "--url", redirect, "-f", "domain=contoso.com", "--reveal")
	if r.code != ExitOK || !strings.Contains(r.stdout, `"https://login.example/authorize?client_id=x&state=y"`) {
		t.Errorf("exit %d, stdout %s (--reveal shows it)", r.code, r.stdout)
	}
	help := runCLI(t, "call", "--help").stdout
	if !strings.Contains(help, "pretty-printed") || strings.Contains(help, "as the PBX sent it") {
		t.Errorf("help does not say what call prints:\n%s", help)
	}
}

func TestCall_urlTraps(t *testing.T) {
	url, _, requests := testPBX(t, answer(200, `{}`))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"call", "retrieveMetadata", "--url", url + "/api/info"}, "operation path"},
		{[]string{"call", "retrieveMetadata", "--url", ""}, "--url is empty"},
		{[]string{"call", "retrieveMetadata", "--url", "  "}, "--url is empty"},
	} {
		r := runCLI(t, tc.args...)
		if r.code != ExitUsage || !strings.Contains(r.err, tc.want) {
			t.Errorf("%q: exit %d, stderr %q, want %d and %q", tc.args, r.code, r.err, ExitUsage, tc.want)
		}
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests sent", n)
	}

	// https to a plain-HTTP server, and a self-signed certificate: the error says what to do.
	r := runCLI(t, "call", "retrieveMetadata", "--url", strings.Replace(url, "http://", "https://", 1))
	if r.code != ExitNetwork || !strings.Contains(r.err, "the PBX speaks plain HTTP: use --url http://") {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
	tlsSrv := httptest.NewUnstartedServer(answer(200, `{}`))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	r = runCLI(t, "call", "retrieveMetadata", "--url", tlsSrv.URL)
	if r.code != ExitNetwork || !strings.Contains(r.err, "use --insecure to skip verification of self-signed certificates") {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
}
