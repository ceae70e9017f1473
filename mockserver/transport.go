package mockserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// InProcessURL is the base address (without /api) of a server reached through its
// Transport. The .invalid name never resolves (RFC 6761), so a request that misses
// the transport fails instead of reaching some other server.
const InProcessURL = "http://pbxauth-mock.invalid"

const inProcessHost = "pbxauth-mock.invalid"

// ErrConnectionDropped is what a request through Transport fails with when the mock
// closes the connection without an answer (a Drop fault), as a network would.
var ErrConnectionDropped = errors.New("mockserver: connection closed without an answer")

// ErrServerClosed is what a request through Transport fails with after Close, as
// a stopped listener's connections would.
var ErrServerClosed = errors.New("mockserver: the server is closed")

// inProcessKey marks requests that came through Transport: they come from this
// process, which holds the server anyway, so no web page or other host can be
// behind them.
type inProcessKey struct{}

func inProcess(r *http.Request) bool { return r.Context().Value(inProcessKey{}) != nil }

// Transport serves requests to InProcessURL by calling the server's handler
// directly: no listener, no port, no connection (fake-gcs-server's no-listener
// mode). Requests to any other host fail, so a scenario's absolute URL to another
// host cannot land on the mock.
func (s *Server) Transport() http.RoundTripper { return transport{s} }

// HTTPClient is a client whose requests to InProcessURL reach the server through
// Transport. Its timeout is the listener's client's.
func (s *Server) HTTPClient() *http.Client {
	return &http.Client{Transport: s.Transport(), Timeout: 30 * time.Second}
}

// InProcessAPIURL is InProcessURL plus /api: the base URL of API clients using
// Transport.
const InProcessAPIURL = InProcessURL + "/api"

type transport struct{ s *Server }

// RoundTrip runs the handler in the caller's goroutine, as a client's connection
// would wait for the answer; the request's context bounds injected latency.
func (t transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close() // a RoundTripper closes the body, even on errors
	}
	if req.URL.Scheme != "http" || !strings.EqualFold(req.URL.Host, inProcessHost) {
		return nil, fmt.Errorf("mockserver: the in-process transport serves %s only, not %s://%s", InProcessURL, req.URL.Scheme, req.URL.Host)
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	if t.s.ctx.Err() != nil {
		return nil, ErrServerClosed
	}
	in := req.Clone(context.WithValue(req.Context(), inProcessKey{}, true))
	in.Host = inProcessHost
	in.RemoteAddr = "in-process"
	in.RequestURI = req.URL.RequestURI()
	in.Proto, in.ProtoMajor, in.ProtoMinor = "HTTP/1.1", 1, 1
	switch {
	case req.Body == nil || req.Body == http.NoBody:
		in.Body, in.ContentLength = http.NoBody, 0
	case req.ContentLength == 0:
		in.ContentLength = -1 // a client's 0 with a body means "unknown"; a server's -1 does
	}
	w := &recorder{header: http.Header{}}
	if dropped := serveCaught(t.s, w, in); dropped {
		if err := req.Context().Err(); err != nil {
			return nil, err // the caller gave up first (injected latency past its deadline)
		}
		return nil, ErrConnectionDropped
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	resp := &http.Response{
		Status:     strconv.Itoa(w.status) + " " + http.StatusText(w.status),
		StatusCode: w.status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: w.header.Clone(), Body: io.NopCloser(bytes.NewReader(w.body.Bytes())),
		ContentLength: int64(w.body.Len()), Request: req,
	}
	if req.Method == http.MethodHead {
		resp.Body, resp.ContentLength = http.NoBody, -1
		if n, err := strconv.ParseInt(w.header.Get("Content-Length"), 10, 64); err == nil {
			resp.ContentLength = n
		}
	}
	return resp, nil
}

// serveCaught runs the handler; a handler that aborts (http.ErrAbortHandler, how
// the mock drops a connection) reports dropped. Other panics the handler turns into
// 500s itself; one that escapes is a bug and goes on up.
func serveCaught(h http.Handler, w http.ResponseWriter, r *http.Request) (dropped bool) {
	defer func() {
		if p := recover(); p != nil {
			if p != http.ErrAbortHandler { //nolint:errorlint // net/http panics with this value itself
				panic(p)
			}
			dropped = true
		}
	}()
	h.ServeHTTP(w, r)
	return false
}

// recorder is the ResponseWriter of Transport: the answer kept in memory.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		// What the handler sets after this is not sent, as on the wire.
		w.header = w.header.Clone()
	}
}

func (w *recorder) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}
