package mockserver_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/mockserver"
)

func TestControl_browserCrossSitePostIsRefused(t *testing.T) {
	h := newHarness(t)
	// What a hostile page can send without a CORS preflight: a simple POST with a
	// text/plain (or form) body. The browser adds its own Origin.
	for _, path := range []string{"/_mock/faults", "/_mock/reset", "/_mock/clock"} {
		body := `{"logout":{"status":500}}`
		if path == "/_mock/clock" {
			body = `{"advance":"31m"}`
		}
		r, _ := h.send(http.MethodPost, path, body, "Content-Type", "text/plain", "Origin", "https://evil.example")
		assert.Equal(t, http.StatusForbidden, r.StatusCode, path)
		// Without Origin (an old browser, a form in a sandbox): the content type alone.
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
			hdr := []string{}
			if ct != "" {
				hdr = []string{"Content-Type", ct}
			}
			r, b := h.send(http.MethodPost, path, body, hdr...)
			assert.Equal(t, http.StatusUnsupportedMediaType, r.StatusCode, "%s %q", path, ct)
			assert.Contains(t, string(b), "UNSUPPORTED_MEDIA_TYPE")
		}
	}
	r, _ := h.send(http.MethodDelete, "/_mock/outbox", "")
	assert.Equal(t, http.StatusUnsupportedMediaType, r.StatusCode)
	assert.Empty(t, h.srv.Faults(), "no refused call changed the faults")
	assert.Zero(t, time.Until(h.srv.Now()).Round(time.Minute), "no refused call moved the clock")

	// The same calls with the JSON type work, so scripts only add the header.
	r, _ = h.send(http.MethodPost, "/_mock/faults", `{"logout":{"status":500}}`, "Content-Type", "application/json; charset=utf-8")
	assert.Equal(t, http.StatusOK, r.StatusCode)
	assert.Len(t, h.srv.Faults(), 1)
}

func TestControl_foreignHostIsRefused(t *testing.T) {
	h := newHarness(t)
	_, port, err := net.SplitHostPort(h.srv.Addr())
	require.NoError(t, err)
	for _, host := range []string{"evil.example", "evil.example:" + port, "127.0.0.1.evil.example:" + port, "10.9.8.7:" + port, "localhost.evil.example"} {
		r, b := h.send(http.MethodGet, "/_mock/outbox", "", "Host", host)
		assert.Equal(t, http.StatusForbidden, r.StatusCode, host)
		assert.Contains(t, string(b), "FORBIDDEN")
	}
	for _, host := range []string{"localhost:" + port, "LOCALHOST", "127.0.0.1:" + port, "[::1]:" + port, "localhost.:" + port} {
		r, _ := h.send(http.MethodGet, "/_mock/outbox", "", "Host", host)
		assert.Equal(t, http.StatusOK, r.StatusCode, host)
	}
	// The PBX API itself is not a control: any Host reaches it.
	r, _ := h.send(http.MethodGet, "/api/info", "", "Host", "pbx.example.com")
	assert.Equal(t, http.StatusOK, r.StatusCode)
}

func TestControl_foreignOriginIsRefused(t *testing.T) {
	h := newHarness(t)
	self := h.srv.URL()
	for _, origin := range []string{"https://evil.example", "null", "http://localhost:1", "file://", "chrome-extension://abc"} {
		r, _ := h.send(http.MethodGet, "/_mock/outbox", "", "Origin", origin)
		assert.Equal(t, http.StatusForbidden, r.StatusCode, origin)
		r, _ = h.send(http.MethodPost, "/_mock/reset", "", "Origin", origin, "Content-Type", "application/json")
		assert.Equal(t, http.StatusForbidden, r.StatusCode, origin)
		r, _ = h.send(http.MethodOptions, "/_mock/reset", "", "Origin", origin, "Access-Control-Request-Method", "POST")
		assert.Equal(t, http.StatusForbidden, r.StatusCode, "preflight from %s", origin)
		assert.Empty(t, r.Header.Get("Access-Control-Allow-Origin"))
	}
	r, _ := h.send(http.MethodGet, "/_mock/outbox", "", "Origin", self)
	assert.Equal(t, http.StatusOK, r.StatusCode, "the mock's own origin")
}

func TestStart_nonLoopbackNeedsTokenOrControlOff(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0"} {
		srv, err := mockserver.Start(mockserver.Options{Addr: addr})
		if srv != nil {
			_ = srv.Close()
		}
		require.ErrorIs(t, err, mockserver.ErrControlExposed, addr)
	}

	srv, err := mockserver.Start(mockserver.Options{Addr: "0.0.0.0:0", ControlOff: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	st, body := get(t, srv, "/_mock/outbox", "")
	assert.Equal(t, http.StatusNotFound, st)
	assert.Contains(t, body, "control API is off")
	st, _ = get(t, srv, "/api/info", "")
	assert.Equal(t, http.StatusOK, st, "the PBX API works with the controls off")
}

func TestControl_tokenRequiredAndChecked(t *testing.T) {
	const token = "s3cret-control-token"
	srv, err := mockserver.Start(mockserver.Options{Addr: "0.0.0.0:0", ControlToken: token})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	for auth, want := range map[string]int{
		"":                               http.StatusUnauthorized,
		"Bearer wrong":                   http.StatusUnauthorized,
		"Bearer " + token + "x":          http.StatusUnauthorized,
		"Bearer " + token[:len(token)-1]: http.StatusUnauthorized,
		"Basic " + token:                 http.StatusUnauthorized,
		token:                            http.StatusUnauthorized,
		"Bearer " + token:                http.StatusOK,
		"bearer " + token:                http.StatusOK,
	} {
		st, body := get(t, srv, "/_mock/outbox", auth)
		assert.Equal(t, want, st, "Authorization %q", auth)
		assert.NotContains(t, body, token, "the answer never echoes the token")
	}
	// The PBX API does not take the control token (nor need it).
	st, _ := get(t, srv, "/api/info", "")
	assert.Equal(t, http.StatusOK, st)
	// A loopback mock may have a token too; then it is required there as well.
	lo, err := mockserver.Start(mockserver.Options{ControlToken: token})
	require.NoError(t, err)
	t.Cleanup(func() { _ = lo.Close() })
	st, _ = get(t, lo, "/_mock/stats", "")
	assert.Equal(t, http.StatusUnauthorized, st)
}

func get(t *testing.T, srv *mockserver.Server, path, auth string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL()+path, nil)
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestStart_idleConnectionsAreClosed(t *testing.T) {
	srv, err := mockserver.Start(mockserver.Options{IdleTimeout: 100 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	c, err := net.Dial("tcp", srv.Addr())
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "GET /api/info HTTP/1.1\r\nHost: localhost\r\n\r\n")
	require.NoError(t, err)
	rd := bufio.NewReader(c)
	resp, err := http.ReadResponse(rd, nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	// The connection stays open for keep-alive, then the server ends it. The deadline
	// only bounds a broken server; a working one closes after 100ms.
	require.NoError(t, c.SetReadDeadline(time.Now().Add(20*time.Second)))
	_, err = rd.ReadByte()
	require.ErrorIs(t, err, io.EOF, "the server closes the idle connection")
}

func TestStart_connectionCap(t *testing.T) {
	srv, err := mockserver.Start(mockserver.Options{MaxConns: 2})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", srv.Addr())
		require.NoError(t, err)
		defer c.Close()
		held = append(held, c)
	}
	third, err := net.Dial("tcp", srv.Addr()) // the kernel queues it
	require.NoError(t, err)
	defer third.Close()
	_, err = io.WriteString(third, "GET /api/info HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
	require.NoError(t, err)
	require.NoError(t, third.SetReadDeadline(time.Now().Add(300*time.Millisecond)))
	_, err = third.Read(make([]byte, 1))
	var ne net.Error
	require.True(t, errors.As(err, &ne) && ne.Timeout(), "a third connection waits while two are held: %v", err)

	held[0].Close() // a slot frees: the waiting connection is served
	assert.Equal(t, http.StatusOK, readStatus(t, third))
}

// readStatus reads one answer from a raw connection; the deadline only bounds a
// broken server.
func readStatus(t *testing.T, c net.Conn) int {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(20*time.Second)))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func TestStart_headerLimit(t *testing.T) {
	srv, err := mockserver.Start(mockserver.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	c, err := net.Dial("tcp", srv.Addr())
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "GET /api/info HTTP/1.1\r\nHost: localhost\r\nX-Big: "+strings.Repeat("a", 72<<10)+"\r\n\r\n")
	require.NoError(t, err)
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, readStatus(t, c))
}

func TestJournal_capsEachEntry(t *testing.T) {
	srv, err := mockserver.New(mockserver.Options{})
	require.NoError(t, err)
	// In-process: the caps are the journal's, and a TCP round trip per 100 KiB request
	// would only slow the test down.
	serve := func(method, path, body string, hdr http.Header) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Host = "localhost"
		maps.Copy(req.Header, hdr)
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		return rec
	}
	const secret = "Hunter2-journal-secret"
	big := strings.Repeat("x", 60<<10)
	body := `{"username":"alice","domain":"example.com","pad":"` + strings.Repeat("p", 40<<10) + `","password":"` + secret + `"}`
	hdr := http.Header{"Content-Type": {"application/json"}, "X-Big": {big}, "X-Big-2": {big[:3000]}}
	for range 260 { // more than the journal keeps: every slot holds a capped entry
		serve(http.MethodPost, "/api/auth/sign_in?pad="+big[:20000], body, hdr)
	}
	rec := serve(http.MethodGet, "/_mock/requests", "", nil)
	require.Equal(t, http.StatusOK, rec.Code)
	raw := rec.Body.Bytes()
	assert.Less(t, len(raw), 256*48<<10, "the journal answers at most ~48 KiB per entry, got %d bytes", len(raw))
	assert.NotContains(t, string(raw), secret, "a cut body was redacted before it was cut")

	var entries []struct {
		Truncated bool   `json:"truncated"`
		Path      string `json:"path"`
		Exchange  struct {
			URL           string      `json:"url"`
			RequestHeader http.Header `json:"request_header"`
		} `json:"exchange"`
		RequestBody json.RawMessage `json:"request_body"`
	}
	require.NoError(t, json.Unmarshal(raw, &entries))
	require.Len(t, entries, 256)
	last := entries[len(entries)-1]
	assert.True(t, last.Truncated)
	assert.LessOrEqual(t, len(last.RequestBody), 9<<10)
	assert.LessOrEqual(t, len(last.Exchange.URL), 9<<10)
	n := 0
	for k, vs := range last.Exchange.RequestHeader {
		for _, v := range vs {
			n += len(k) + len(v)
		}
	}
	assert.LessOrEqual(t, n, 9<<10, "request header bytes kept")

	// Small exchanges are kept whole and not marked.
	srv.Reset()
	serve(http.MethodGet, "/api/info", "", nil)
	entries = nil
	require.NoError(t, json.Unmarshal(serve(http.MethodGet, "/_mock/requests", "", nil).Body.Bytes(), &entries))
	require.Len(t, entries, 1)
	assert.False(t, entries[0].Truncated)
}
