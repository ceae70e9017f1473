package mockserver

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
)

var jsonCT = []string{jsonType}

// ServeHTTP routes /api/... to the operations and /_mock/... to the control API.
// Every answer that is not a success carries PortSIP's error body.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, "/api/") || path == "/api":
		s.serveAPI(w, r, start)
	case strings.HasPrefix(path, "/_mock/") || path == "/_mock":
		if !strings.HasPrefix(path, idpPrefix) {
			if resp, ok := s.guard.check(r); !ok {
				writeResponse(w, r, resp)
				s.logRequest(r, "", resp.status, time.Since(start))
				return
			}
		}
		status := s.safely(w, r, s.serveControl)
		s.logRequest(r, "", status, time.Since(start))
	default:
		resp := errorResponse(http.StatusNotFound, CodeNotFound,
			"no such page: the PBX API lives under /api, the mock's controls under /_mock/", nil)
		writeResponse(w, r, resp)
		s.logRequest(r, "", resp.status, time.Since(start))
	}
}

// serveAPI answers one API request and journals it.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, start time.Time) {
	rt, body, resp, drop := s.answer(r)
	if !drop {
		writeResponse(w, r, resp)
	}
	d := time.Since(start)
	op := ""
	if rt != nil {
		op = rt.id
	}
	// One allocation holds the entry and its exchange: the journal is on every request.
	rec := &journalRecord{host: r.Host, uri: r.RequestURI, tls: r.TLS != nil}
	if rec.uri == "" { // requests built in-process rather than read from the wire
		rec.uri = r.URL.RequestURI()
	}
	ex := &rec.ex
	*ex = apiclient.Exchange{
		Operation: op, Method: r.Method,
		RequestHeader: r.Header, RequestBody: body, Started: start, Duration: d,
	}
	if drop {
		ex.Err = "connection dropped (fault injected, or the client went away)"
	} else {
		// WriteHeader has run: net/http works on its own copy of the header from here.
		ex.Status, ex.ResponseHeader, ex.ResponseBody = resp.status, w.Header(), resp.body
		if r.Method == http.MethodHead {
			ex.ResponseBody = nil // not sent
		}
	}
	cut := capExchange(ex)
	path := r.URL.Path
	if len(rec.uri) > journalHeaderBytes || len(path) > journalHeaderBytes || len(rec.host) > journalHeaderBytes {
		rec.uri, path, rec.host, cut = capString(rec.uri), capString(path), capString(rec.host), true
	}
	at := start
	if s.now != nil {
		at = s.now() // Options.Now pins the journal's times too; durations stay measured
	}
	rec.entry = JournalEntry{Time: at, Operation: op, Method: r.Method, Path: path, Status: ex.Status, Duration: d, Exchange: ex, Truncated: cut}
	s.journal.add(rec)
	s.logRequest(r, op, ex.Status, d)
	if drop {
		// net/http closes the connection without an answer and without logging.
		panic(http.ErrAbortHandler)
	}
}

// answer routes, applies faults, reads and validates the body and runs the operation.
// A panic becomes a 500 with PortSIP's error body (a bug; fuzzing looks for them).
func (s *Server) answer(r *http.Request) (rt *route, body []byte, resp response, drop bool) {
	defer func() {
		if p := recover(); p != nil {
			if s.logger != nil {
				s.logger.Error("panic serving request", "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
			}
			resp, drop = errorResponse(http.StatusInternalServerError, apiclient.CodeUnknown, "internal error in the mock PBX", nil), false
		}
	}()
	rel := r.URL.Path[len("/api"):]
	if rel == "" {
		rel = "/"
	}
	rt, params, allowed := s.routes.find(r.Method, rel)
	if rt == nil {
		if len(allowed) > 0 {
			return nil, nil, methodNotAllowed(r.Method, allowed...), false
		}
		return nil, nil, errorResponse(http.StatusNotFound, CodeNotFound, "no operation at "+rel, nil), false
	}
	if faults := *s.faults.Load(); len(faults) > 0 {
		if f, ok := faults[rt.id]; ok {
			if f.Latency > 0 && !s.sleep(r, time.Duration(f.Latency)) {
				return rt, nil, resp, true
			}
			if f.fails() {
				if f.Drop {
					return rt, nil, resp, true
				}
				return rt, nil, withChallenge(rt, r, f.failure()), false
			}
		}
	}
	rq := &request{r: r, params: params}
	if r.URL.RawQuery != "" { // most requests have none: no parsing, no map
		q, v := parseQuery(r)
		if v != nil {
			return rt, nil, invalid(*v), false
		}
		rq.query = q
	}
	if rt.ctype != "" {
		if r.ContentLength > MaxBodyBytes {
			return rt, nil, tooLarge(), false
		}
		if !mediaTypeIs(r.Header.Get("Content-Type"), rt.ctype) {
			return rt, nil, errorResponse(http.StatusUnsupportedMediaType, CodeUnsupportedMediaType,
				"Content-Type must be "+rt.ctype, map[string]any{"expected": rt.ctype}), false
		}
		var err error
		body, err = readBody(r)
		if len(body) > MaxBodyBytes {
			return rt, body[:MaxBodyBytes], tooLarge(), false
		}
		if err != nil {
			return rt, body, invalid(violation{field: "body", rule: "read"}), false
		}
		fields, vs := decodeBody(rt, body)
		if len(vs) > 0 {
			return rt, body, validationFailed(vs), false
		}
		rq.fields = fields
	}
	return rt, body, withChallenge(rt, r, rt.handler(s, s.st.Load(), rq)), false
}

// The WWW-Authenticate challenges of RFC 6750, section 3: without a token the bare
// scheme, with a token that failed, error="invalid_token".
var (
	challengeNoToken  = []string{"Bearer"}
	challengeBadToken = []string{`Bearer error="invalid_token", error_description="the access token is unknown, expired or revoked"`}
)

// withChallenge adds WWW-Authenticate to the 401s of bearer-protected operations.
func withChallenge(rt *route, r *http.Request, resp response) response {
	if !rt.bearer || resp.status != http.StatusUnauthorized {
		return resp
	}
	h := make(http.Header, len(resp.header)+1)
	for k, v := range resp.header {
		h[k] = v
	}
	h["Www-Authenticate"] = challengeNoToken
	if bearerToken(r) != "" {
		h["Www-Authenticate"] = challengeBadToken
	}
	resp.header = h
	return resp
}

// readBody reads at most MaxBodyBytes+1 bytes, in one allocation when the client
// announced the length.
func readBody(r *http.Request) ([]byte, error) {
	if n := r.ContentLength; n >= 0 && n <= MaxBodyBytes {
		buf := make([]byte, n)
		if _, err := io.ReadFull(r.Body, buf); err != nil {
			return buf, err
		}
		// A body longer than announced is cut by net/http; nothing more to read.
		return buf, nil
	}
	return io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
}

func tooLarge() response {
	return errorResponse(http.StatusRequestEntityTooLarge, CodePayloadTooLarge,
		"request body is larger than 64 KiB", map[string]any{"limit_bytes": MaxBodyBytes})
}

// sleep waits d unless the client leaves or the server closes; false means stop.
func (s *Server) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.ctx.Done():
		return false
	}
}

// mediaTypeIs compares a Content-Type header with a media type, ignoring parameters
// such as charset.
func mediaTypeIs(header, want string) bool {
	mt, _, _ := strings.Cut(header, ";")
	return strings.EqualFold(strings.TrimSpace(mt), want)
}

// writeResponse writes an answer; for HEAD only its headers, with the length the
// body would have had (RFC 9110, section 9.3.2).
func writeResponse(w http.ResponseWriter, r *http.Request, resp response) {
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	if resp.ctype != "" {
		if resp.ctype == jsonType {
			h["Content-Type"] = jsonCT
		} else {
			h.Set("Content-Type", resp.ctype)
		}
	}
	if r.Method == http.MethodHead {
		if len(resp.body) > 0 {
			h["Content-Length"] = []string{strconv.Itoa(len(resp.body))}
		}
		w.WriteHeader(resp.status)
		return
	}
	w.WriteHeader(resp.status)
	if len(resp.body) > 0 {
		_, _ = w.Write(resp.body)
	}
}

// safely runs a control handler, turning a panic into a 500 with the error body.
func (s *Server) safely(w http.ResponseWriter, r *http.Request, h func(*http.Request) response) (status int) {
	resp := func() (resp response) {
		defer func() {
			if p := recover(); p != nil {
				if s.logger != nil {
					s.logger.Error("panic serving control request", "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
				}
				resp = errorResponse(http.StatusInternalServerError, apiclient.CodeUnknown, "internal error in the mock PBX", nil)
			}
		}()
		return h(r)
	}()
	writeResponse(w, r, resp)
	return resp.status
}

// baseURL is the scheme and host the client used to reach the mock, without /api, so
// the links the mock hands out (its simulated identity provider) work whatever the
// listener: with --addr 0.0.0.0:8887 a client on another machine gets its own
// address for the mock back. A Host header that is not a plausible host[:port] is
// never echoed into a link; the listener's address stands in for it.
func (s *Server) baseURL(r *http.Request) string {
	scheme := "http://"
	if r.TLS != nil {
		scheme = "https://"
	}
	if plausibleHost(r.Host) {
		return scheme + r.Host
	}
	if u := s.URL(); u != "" {
		return u
	}
	return scheme + "localhost"
}

// plausibleHost reports whether a Host header is a host name, an IPv4 address or a
// bracketed IPv6 address, with an optional port from 1 to 65535.
func plausibleHost(hostport string) bool {
	if hostport == "" || len(hostport) > 262 {
		return false
	}
	host, port := hostport, ""
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		host, port = h, p
		if strings.Contains(host, ":") != strings.HasPrefix(hostport, "[") {
			return false // an IPv6 address must be bracketed, and only it
		}
	} else if strings.HasPrefix(hostport, "[") && strings.HasSuffix(hostport, "]") {
		host = hostport[1 : len(hostport)-1]
		if ip := net.ParseIP(host); ip == nil || ip.To4() != nil {
			return false
		}
		return true
	} else if strings.Contains(hostport, ":") {
		return false // a bad port, or an unbracketed IPv6 address
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '+' || port[0] == '-' {
			return false
		}
	}
	if net.ParseIP(host) != nil {
		return true
	}
	return hostName(host)
}

// hostName checks DNS name syntax: dot-separated labels of letters, digits, - and _,
// 1 to 63 characters each, not starting or ending with -.
func hostName(h string) bool {
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	for label := range strings.SplitSeq(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// logRequest writes the one line per request of standalone mode. It names the path
// only: queries and bodies may hold secrets.
func (s *Server) logRequest(r *http.Request, op string, status int, d time.Duration) {
	if s.logger == nil {
		return
	}
	level := slog.LevelInfo
	if status >= 500 || status == 0 {
		level = slog.LevelWarn
	}
	s.logger.LogAttrs(r.Context(), level, "request",
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("op", op),
		slog.Int("status", status), slog.Duration("duration", d), slog.String("remote", r.RemoteAddr))
}
