package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// callResult is one in-process run of `pbxauth call ...`.
type callResult struct {
	code        int
	stdout, err string
}

func runCLI(t *testing.T, args ...string) callResult {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Execute(args, strings.NewReader(""), &out, &errOut)
	return callResult{code, out.String(), errOut.String()}
}

// seen is what the test PBX received.
type seen struct {
	method, path, query, auth, contentType, cookie string
	body                                           map[string]any
	rawBody                                        string
}

// testPBX serves handler under /api and records each request; requests counts them.
func testPBX(t *testing.T, handler http.HandlerFunc) (url string, last *seen, requests *atomic.Int32) {
	t.Helper()
	last, requests = &seen{}, &atomic.Int32{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		raw, _ := io.ReadAll(r.Body)
		*last = seen{method: r.Method, path: r.URL.Path, query: r.URL.RawQuery, auth: r.Header.Get("Authorization"),
			contentType: r.Header.Get("Content-Type"), cookie: r.Header.Get("Cookie"), rawBody: string(raw)}
		_ = json.Unmarshal(raw, &last.body)
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, last, requests
}

func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

const (
	cliPassword = "cli-Pa55-secret"
	cliAccess   = "cli-access-token-123"
	cliRefresh  = "cli-refresh-token-456"
)

func TestCall_success(t *testing.T) {
	url, got, _ := testPBX(t, answer(200, `{"token_type":"Bearer","access_token":"`+cliAccess+`","refresh_token":"`+cliRefresh+`","expires_in":1800}`))
	r := runCLI(t, "call", "signInWithCredentials", "--url", url, "-f", "username=alice", "-f", "password="+cliPassword, "-f", "domain=example.com", "-f", "qr=true")
	if r.code != ExitOK {
		t.Fatalf("exit %d, stderr %s", r.code, r.err)
	}
	if got.method != "POST" || got.path != "/api/auth/sign_in" || got.query != "qr=true" || got.contentType != "application/json" {
		t.Errorf("sent %s %s?%s (%s)", got.method, got.path, got.query, got.contentType)
	}
	if got.body["username"] != "alice" || got.body["password"] != cliPassword || got.body["domain"] != "example.com" || len(got.body) != 3 {
		t.Errorf("body = %v", got.body)
	}
	var pair map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &pair); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	// stdout is the answer for scripts: the real tokens, pretty-printed.
	if pair["access_token"] != cliAccess || !strings.Contains(r.stdout, "\n  \"access_token\"") {
		t.Errorf("stdout = %s", r.stdout)
	}
	if r.err != "" {
		t.Errorf("stderr = %q, want nothing", r.err)
	}
}

func TestCall_apiError(t *testing.T) {
	url, _, _ := testPBX(t, answer(401, `{"errors":[{"code":"UNAUTHORIZED","message":"wrong username or password"}]}`))
	r := runCLI(t, "call", "signInWithCredentials", "--url", url, "-f", "username=alice", "-f", "password=x")
	if r.code != ExitFailure {
		t.Fatalf("exit %d, want %d; stderr %s", r.code, ExitFailure, r.err)
	}
	if !strings.Contains(r.err, "UNAUTHORIZED") || !strings.Contains(r.err, "wrong username or password") {
		t.Errorf("stderr = %q, want the code and message", r.err)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &body); err != nil || body["errors"] == nil {
		t.Errorf("stdout = %q, want the error body JSON", r.stdout)
	}
}

func TestCall_usageErrors(t *testing.T) {
	url, _, requests := testPBX(t, answer(200, `{}`))
	for _, tc := range []struct {
		name  string
		args  []string
		inErr []string
	}{
		{"no operation", []string{"call"}, []string{"no operation given", "signInWithCredentials", "POST", "/auth/sign_in"}},
		{"unknown operation", []string{"call", "signIn", "--url", url}, []string{`unknown operation "signIn"`, "getUserAuthInfo", "GET", "/auth/user", "logout"}},
		{"two operations", []string{"call", "login", "logout"}, []string{"one operation at a time"}},
		{"unknown field", []string{"call", "sendOTP", "--url", url, "-f", "tokn=x"}, []string{`no field "tokn"`, "token"}},
		{"field without a value", []string{"call", "sendOTP", "--url", url, "-f", "token"}, []string{"want name=value"}},
		{"field given twice", []string{"call", "sendOTP", "--url", url, "-f", "token=a", "-f", "token=b"}, []string{"given twice"}},
		{"wrong type", []string{"call", "signInWithCredentials", "--url", url, "-f", "qr=yes"}, []string{"true or false"}},
		{"bad url", []string{"call", "retrieveMetadata", "--url", "ftp://pbx"}, []string{"scheme"}},
		{"bad timeout", []string{"call", "retrieveMetadata", "--url", url, "--timeout", "0s"}, []string{"timeout"}},
		{"unknown flag", []string{"call", "retrieveMetadata", "--nope"}, []string{"unknown flag"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, tc.args...)
			if r.code != ExitUsage {
				t.Fatalf("exit %d, want %d; stderr %s", r.code, ExitUsage, r.err)
			}
			for _, want := range tc.inErr {
				if !strings.Contains(r.err, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.err)
				}
			}
		})
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("usage errors sent %d requests", n)
	}
}

func TestCall_network(t *testing.T) {
	t.Run("refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		r := runCLI(t, "call", "retrieveMetadata", "--url", "http://"+addr)
		if r.code != ExitNetwork || !strings.Contains(r.err, "cannot reach the PBX") {
			t.Errorf("exit %d stderr %q", r.code, r.err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		t.Cleanup(srv.Close)
		t.Cleanup(func() { close(release) })
		r := runCLI(t, "call", "retrieveMetadata", "--url", srv.URL, "--timeout", "50ms")
		if r.code != ExitNetwork || !strings.Contains(r.err, "timed out") {
			t.Errorf("exit %d stderr %q", r.code, r.err)
		}
	})
}

func TestCall_curl(t *testing.T) {
	url, _, requests := testPBX(t, answer(200, `{}`))
	args := []string{"call", "signInWithCredentials", "--url", url, "-f", "username=alice", "-f", "password=" + cliPassword, "--curl"}
	r := runCLI(t, args...)
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if requests.Load() != 0 {
		t.Error("--curl sent the request")
	}
	if strings.Contains(r.stdout, cliPassword) || !strings.Contains(r.stdout, "[REDACTED]") {
		t.Errorf("--curl output not redacted:\n%s", r.stdout)
	}
	if !strings.HasPrefix(r.stdout, "curl -X POST '"+url+"/api/auth/sign_in'") || !strings.Contains(r.stdout, "Content-Type: application/json") {
		t.Errorf("--curl output:\n%s", r.stdout)
	}
	r = runCLI(t, append(args, "--reveal")...)
	if !strings.Contains(r.stdout, cliPassword) {
		t.Errorf("--curl --reveal hides the password:\n%s", r.stdout)
	}

	t.Setenv("PBXAUTH_TOKEN", cliAccess)
	r = runCLI(t, "call", "getUserAuthInfo", "--url", url, "--curl")
	if strings.Contains(r.stdout, cliAccess) || !strings.Contains(r.stdout, "Authorization: Bearer [REDACTED]") {
		t.Errorf("bearer in --curl:\n%s", r.stdout)
	}
}

func TestCall_verbose(t *testing.T) {
	url, _, _ := testPBX(t, func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "SESSION", Value: "cli-cookie-789"})
		answer(200, `{"token_type":"Bearer","access_token":"`+cliAccess+`","refresh_token":"`+cliRefresh+`","expires_in":1}`)(w, r)
	})
	args := []string{"call", "signInWithCredentials", "--url", url, "-f", "username=alice", "-f", "password=" + cliPassword, "--verbose"}
	r := runCLI(t, args...)
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, secret := range []string{cliPassword, cliAccess, cliRefresh, "cli-cookie-789"} {
		if strings.Contains(r.err, secret) {
			t.Errorf("--verbose leaks %q:\n%s", secret, r.err)
		}
	}
	if !strings.Contains(r.err, "> POST "+url+"/api/auth/sign_in") || !strings.Contains(r.err, "< 200 OK") {
		t.Errorf("--verbose output:\n%s", r.err)
	}
	r = runCLI(t, append(args, "--reveal")...)
	if !strings.Contains(r.err, cliPassword) || !strings.Contains(r.err, cliAccess) {
		t.Errorf("--verbose --reveal hides secrets:\n%s", r.err)
	}
}

func TestCall_tokenAndEnvironment(t *testing.T) {
	url, got, _ := testPBX(t, answer(200, `{"role":"Admin"}`))
	t.Setenv("PBXAUTH_URL", url)
	t.Setenv("PBXAUTH_TOKEN", "env-token")
	if r := runCLI(t, "call", "getUserAuthInfo"); r.code != ExitOK || got.auth != "Bearer env-token" || got.path != "/api/auth/user" {
		t.Errorf("env: exit %d auth %q path %q stderr %s", r.code, got.auth, got.path, r.err)
	}
	if r := runCLI(t, "call", "getUserAuthInfo", "--token", "flag-token"); r.code != ExitOK || got.auth != "Bearer flag-token" {
		t.Errorf("--token: exit %d auth %q", r.code, got.auth)
	}
	// Operations without a bearer never send it.
	if r := runCLI(t, "call", "retrieveMetadata", "-f", "domain=example.com"); r.code != ExitOK || got.auth != "" || got.query != "domain=example.com" {
		t.Errorf("retrieveMetadata: exit %d auth %q query %q", r.code, got.auth, got.query)
	}
	t.Setenv("PBXAUTH_TOKEN", "")
	r := runCLI(t, "call", "signOut")
	if !strings.Contains(r.err, "takes a bearer token; none given") {
		t.Errorf("no warning for a bearer call without a token: %q", r.err)
	}
}

func TestCall_formAndRedirect(t *testing.T) {
	url, got, _ := testPBX(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://login.microsoftonline.com/authorize?x=1", http.StatusFound)
	})
	r := runCLI(t, "call", "loginWithMicrosoft", "--url", url, "-f", "domain=example.com")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if got.contentType != "application/x-www-form-urlencoded" || got.rawBody != "domain=example.com" {
		t.Errorf("sent %q %q", got.contentType, got.rawBody)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out["location"] != "https://login.microsoftonline.com/authorize?x=1" {
		t.Errorf("stdout = %q", r.stdout)
	}
}

func TestCall_ruleWarnings(t *testing.T) {
	url, got, _ := testPBX(t, answer(400, `{"errors":[{"code":"VALIDATE_FAILED","message":"field validation failed"}]}`))
	r := runCLI(t, "call", "signInWithCredentials", "--url", url, "-f", "username=.alice", "-f", "password=p", "-f", "domain=example.com")
	if r.code != ExitFailure {
		t.Fatalf("exit %d", r.code)
	}
	if !strings.Contains(r.err, "warning: the PBX will likely refuse this: username: must not start or end with a period") {
		t.Errorf("stderr = %q", r.err)
	}
	if got.body["username"] != ".alice" {
		t.Error("the request was not sent as given")
	}
}

func TestCall_insecure(t *testing.T) {
	srv := httptest.NewUnstartedServer(answer(200, `{"web_domain":"tls"}`))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	r := runCLI(t, "call", "retrieveMetadata", "--url", srv.URL)
	if r.code != ExitNetwork || !strings.Contains(r.err, "certificate") {
		t.Errorf("self-signed without --insecure: exit %d stderr %q", r.code, r.err)
	}
	r = runCLI(t, "call", "retrieveMetadata", "--url", srv.URL, "--insecure")
	if r.code != ExitOK || !strings.Contains(r.stdout, `"web_domain": "tls"`) {
		t.Errorf("--insecure: exit %d stdout %q stderr %q", r.code, r.stdout, r.err)
	}
	if !strings.Contains(r.err, "warning: TLS certificate verification is off") {
		t.Errorf("no warning on stderr: %q", r.err)
	}
}

func TestCall_completion(t *testing.T) {
	r := runCLI(t, "__complete", "call", "")
	for _, want := range []string{"signInWithCredentials\tPOST /auth/sign_in", "getUserAuthInfo\tGET /auth/user", "loginWithMicrosoft"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("completion lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runCLI(t, "__complete", "call", "sendOTP", "-f", "")
	if !strings.Contains(r.stdout, "token=") {
		t.Errorf("field completion:\n%s", r.stdout)
	}
}

func TestCall_help(t *testing.T) {
	r := runCLI(t, "call", "--help")
	for _, want := range []string{"one invocation", "PBXAUTH_URL", "PBXAUTH_TOKEN", "--insecure", "signInWithSocialAccount", "Exit status"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	if r := runCLI(t, "--help"); !strings.Contains(r.stdout, "call") {
		t.Error("pbxauth --help does not list call")
	}
}
