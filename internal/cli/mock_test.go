package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer safe to read while the command writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listenRE = regexp.MustCompile(`listening on [^\n]*?(https?://[^\s)]+)`)

// startMock runs `pbxauth mock args...` in-process until the returned cancel.
func startMock(t *testing.T, args ...string) (base string, out, errOut *syncBuffer, cancel func() error) {
	t.Helper()
	out, errOut = &syncBuffer{}, &syncBuffer{}
	args = append([]string{"mock"}, args...)
	root := NewRoot(&streams{in: strings.NewReader(""), out: out, err: errOut}, args)
	root.SetArgs(args)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := listenRE.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case err := <-done:
			stop()
			t.Fatalf("mock exited early: %v\n%s%s", err, out, errOut)
		default:
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("mock did not start:\n%s%s", out, errOut)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return base, out, errOut, func() error {
		stop()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("mock did not shut down")
			return nil
		}
	}
}

func TestMockCmd_servesLogsAndShutsDown(t *testing.T) {
	base, out, errOut, stop := startMock(t, "--addr", "127.0.0.1:0", "--token-ttl", "5m")
	banner := out.String()
	for _, want := range []string{"/_mock/", "admin", "Admin#2026", "carol", "secure.example.com", "2FA", "contoso.com", "Microsoft 365", "5m0s"} {
		assert.Contains(t, banner, want)
	}
	resp, err := http.Post(base+"/api/auth/sign_in", "application/json",
		strings.NewReader(`{"username":"bob","password":"Bob#2026","domain":"example.com"}`))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"expires_in":300`)

	require.NoError(t, stop())
	logs := errOut.String()
	assert.Regexp(t, `msg=request method=POST path=/api/auth/sign_in op=signInWithCredentials status=200`, logs)
	assert.NotContains(t, logs, "Bob#2026", "passwords never reach the log")
	assert.Contains(t, logs, "shutting down")
	_, err = http.Get(base + "/api/info")
	require.Error(t, err, "the listener is closed")
}

func TestMockCmd_tls(t *testing.T) {
	base, out, _, stop := startMock(t, "--addr", "127.0.0.1:0", "--tls")
	defer func() { require.NoError(t, stop()) }()
	assert.True(t, strings.HasPrefix(base, "https://"), base)
	assert.Contains(t, out.String(), "SHA-256")
	_, err := http.Get(base + "/api/info")
	require.Error(t, err, "self-signed: an ordinary client refuses it")
}

func TestMockCmd_dataFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.yaml")
	require.NoError(t, os.WriteFile(p, []byte("tenants:\n  - domain: night.example\n    users:\n      - {username: nina, password: \"Nina#2026\", role: Admin}\n"), 0o600))
	base, out, _, stop := startMock(t, "--addr", "127.0.0.1:0", "--data", p)
	defer func() { require.NoError(t, stop()) }()
	assert.Contains(t, out.String(), "nina")
	assert.NotContains(t, out.String(), "Nina#2026", "a data file's passwords are not printed")
	resp, err := http.Post(base+"/api/auth/sign_in", "application/json",
		strings.NewReader(`{"username":"nina","password":"Nina#2026","domain":"night.example"}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestMockCmd_errors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("tenants:\n  - domain: a.example\n    users:\n      - {username: .x, password: y, role: Admin}\n"), 0o600))
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad duration", []string{"--token-ttl", "soon"}, ExitUsage, "invalid argument"},
		{"zero token TTL", []string{"--token-ttl", "0s"}, ExitUsage, "--token-ttl must be positive"},
		{"unknown flag", []string{"--port", "1"}, ExitUsage, "unknown flag"},
		{"extra argument", []string{"now"}, ExitUsage, "unknown command"},
		{"missing data file", []string{"--data", "/nonexistent/m.yaml"}, ExitUsage, "/nonexistent/m.yaml"},
		{"invalid data file", []string{"--data", bad}, ExitUsage, bad + ":4:"},
		{"address in use", []string{"--addr", busy.Addr().String()}, ExitFailure, "already in use"},
		{"unusable address", []string{"--addr", "not-an-address"}, ExitFailure, "listen on not-an-address"},
		{"all interfaces without a control token", []string{"--addr", "0.0.0.0:0"}, ExitUsage, "--control-token"},
		{"no host without a control token", []string{"--addr", ":0"}, ExitUsage, "not a loopback address"},
		{"bad --control", []string{"--control", "maybe"}, ExitUsage, "--control must be on or off"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Execute(append([]string{"mock"}, c.args...), strings.NewReader(""), &out, &errOut)
			assert.Equal(t, c.code, code, "stderr: %s", errOut.String())
			assert.Contains(t, errOut.String(), c.want)
		})
	}
}

func TestMockCmd_allInterfaces(t *testing.T) {
	t.Setenv(mockTokenEnv, "")
	base, out, _, stop := startMock(t, "--addr", "0.0.0.0:0", "--control-token", "tok-123")
	defer func() { require.NoError(t, stop()) }()
	first, _, _ := strings.Cut(out.String(), "\n")
	assert.Contains(t, out.String(), "needs Authorization: Bearer", "the banner says the controls need the token")
	assert.NotContains(t, out.String(), "tok-123", "the banner does not print the token")
	for auth, want := range map[string]int{"": http.StatusUnauthorized, "Bearer tok-123": http.StatusOK} {
		req, err := http.NewRequest(http.MethodGet, base+"/_mock/stats", nil)
		require.NoError(t, err)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, want, resp.StatusCode, auth)
	}
	assert.Regexp(t, `^pbxauth mock PBX listening on all interfaces, 0\.0\.0\.0:\d+ \(from this machine: http://127\.0\.0\.1:\d+\)$`, first)
	assert.NotContains(t, first, "listening on http://127.0.0.1", "the banner must not claim loopback only")

	// A client that reached the mock under another name gets links under that name.
	req, err := http.NewRequest(http.MethodGet, base+"/api/info?domain=contoso.com", nil)
	require.NoError(t, err)
	req.Host = "pbx.lan" + base[strings.LastIndex(base, ":"):]
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(body), `"ms365_authorization_endpoint":"http://`+req.Host+`/_mock/idp/contoso.com/`)
}

func TestMockCmd_controlTokenFromEnvAndControlOff(t *testing.T) {
	t.Setenv(mockTokenEnv, "env-token")
	base, _, _, stop := startMock(t, "--addr", "0.0.0.0:0")
	resp, err := http.Get(base + "/_mock/stats")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the token from $%s guards the controls", mockTokenEnv)
	require.NoError(t, stop())

	t.Setenv(mockTokenEnv, "")
	base, out, _, stop := startMock(t, "--addr", "0.0.0.0:0", "--control", "off")
	defer func() { require.NoError(t, stop()) }()
	assert.Contains(t, out.String(), "controls: off")
	resp, err = http.Get(base + "/_mock/stats")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestListenDescription(t *testing.T) {
	const url = "http://127.0.0.1:8887"
	for _, c := range []struct{ requested, bound, want string }{
		{"127.0.0.1:8887", "127.0.0.1:8887", url},
		{"192.168.1.5:8887", "192.168.1.5:8887", "http://192.168.1.5:8887"},
		{"0.0.0.0:8887", "[::]:8887", "all interfaces, 0.0.0.0:8887 (from this machine: " + url + ")"},
		{"[::]:0", "[::]:8887", "all interfaces, [::]:8887 (from this machine: " + url + ")"},
		{":8887", "[::]:8887", "all interfaces, [::]:8887 (from this machine: " + url + ")"},
	} {
		bound := c.bound
		if c.want != url && !strings.HasPrefix(c.want, "all") {
			assert.Equal(t, c.want, listenDescription(c.requested, bound, c.want))
			continue
		}
		assert.Equal(t, c.want, listenDescription(c.requested, bound, url), c.requested)
	}
}
