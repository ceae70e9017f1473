// Package apiclient is a typed client for the authentication section of the PortSIP
// PBX REST API: one method per operation, typed errors, observable exchanges.
package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/internal/boundedjson"
)

// MaxBody caps what is read of an answer, so a misbehaving server can't exhaust
// memory. A longer answer is an error (*TooLargeError), never a silently cut one.
const MaxBody = 1 << 20

// DefaultBaseURL is the PBX address when none is given: the PortSIP default port on
// this machine.
const DefaultBaseURL = "https://localhost:8887/api"

// Version is pbxauth's version, sent in the default User-Agent.
var Version = "dev"

// Client talks to one PBX. It is safe for concurrent use; the session cookie jar is
// shared by all calls of one Client.
type Client struct {
	baseURL *url.URL
	// prefix is baseURL as a string without query or fragment: a plain path
	// appended to it is the request URL (resolve's fast path).
	prefix    string
	uaValue   []string // User-Agent's header value, shared by every request
	timeout   time.Duration
	http      *http.Client
	transport http.RoundTripper
	insecure  bool
	userAgent string
	token     Secret
	jar       *sessionJar
	observers []func(*Exchange)
}

// New builds a Client. Without WithBaseURL it targets DefaultBaseURL.
func New(opts ...Option) (*Client, error) {
	c := &Client{timeout: DefaultTimeout, userAgent: "pbxauth/" + Version, jar: &sessionJar{}}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.baseURL == nil {
		c.baseURL, _ = NormalizeBaseURL(DefaultBaseURL)
	}
	c.uaValue = []string{c.userAgent}
	if c.baseURL.RawQuery == "" && c.baseURL.Fragment == "" {
		c.prefix = c.baseURL.String()
	}
	c.buildHTTPClient()
	return c, nil
}

// BaseURL is the normalised API base, ending in /api.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// BearerToken is the access token set with WithBearerToken, used by bearer calls
// that pass none.
func (c *Client) BearerToken() Secret { return c.token }

// Insecure reports whether TLS verification is off.
func (c *Client) Insecure() bool { return c.insecure }

// Request is one call to send: an operation or, for negative tests, any method and
// path. Path is relative to the /api base and may hold a query string.
type Request struct {
	Operation   string
	Method      string
	Path        string
	Query       url.Values
	Header      http.Header
	Body        []byte
	ContentType string
	// Bearer, when set, is sent as "Authorization: Bearer ...".
	Bearer Secret
}

// Response is the answer to a Request, with the exchange that produced it.
type Response struct {
	Status   int
	Header   http.Header
	Body     []byte
	Exchange *Exchange
}

type observerKey struct{}

// WithExchangeObserver returns a context whose calls report their exchanges to fn,
// in addition to the client's observers. The TUI uses it to tie exchanges to a form.
func WithExchangeObserver(ctx context.Context, fn func(*Exchange)) context.Context {
	return context.WithValue(ctx, observerKey{}, fn)
}

// Do sends a request and returns the answer whatever its status; only transport
// failures are errors. Typed methods build on it.
func (c *Client) Do(ctx context.Context, r Request) (*Response, error) {
	resp, _, err := c.Send(ctx, r)
	return resp, err
}

// Send is Do that also returns the exchange, never nil, whether the call failed
// or not: the scenario runner records it without an observer (a context and a
// closure) per request.
func (c *Client) Send(ctx context.Context, r Request) (*Response, *Exchange, error) {
	// A caller's deadline that comes first already bounds the call (the runner's
	// step timeout): a timer and a context of our own per request would only cost.
	if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > c.timeout {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	req, ex, err := c.newRequest(ctx, r)
	defer func() { c.notify(ctx, ex) }()
	if err != nil {
		return nil, ex, err
	}

	// The clock starts once the request is built: its latency is the PBX's and the
	// network's, not ours.
	ex.Started = time.Now()
	resp, err := c.http.Do(req)
	ex.Duration = time.Since(ex.Started)
	if err != nil {
		te := classifyTransport(r.Method+" "+r.Path, RedactURL(ex.URL), err)
		if ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled) {
			te.Timeout = false
		}
		ex.Err = te.Error()
		return nil, ex, te
	}
	defer resp.Body.Close()
	// One byte past the limit tells a cut answer from one exactly at the limit.
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	ex.Duration = time.Since(ex.Started)
	if len(data) > MaxBody {
		data, ex.Truncated = data[:MaxBody], true
	}
	// The answer's header map is the exchange's: nothing writes to it after this,
	// so a copy per exchange would buy nothing.
	ex.Status, ex.ResponseHeader, ex.ResponseBody = resp.StatusCode, resp.Header, data
	if err != nil {
		te := classifyTransport(r.Method+" "+r.Path, RedactURL(ex.URL), err)
		ex.Err = te.Error()
		return nil, ex, te
	}
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: data, Exchange: ex}
	if ex.Truncated {
		// The cut answer comes back too, for the inspector to show as cut.
		return out, ex, &TooLargeError{Op: r.Method + " " + RedactURL(r.Path), Status: resp.StatusCode, Limit: MaxBody}
	}
	return out, ex, nil
}

// Preview returns the exchange Do would start for r, without sending anything: the
// request half only, with the headers and session cookie the client would add. It is
// what `pbxauth call --curl` prints.
func (c *Client) Preview(r Request) (*Exchange, error) {
	req, ex, err := c.newRequest(context.Background(), r)
	if err != nil {
		return nil, err
	}
	// Nothing is sent, so add the cookie the client would send, as Do's exchange has it.
	ex.RequestHeader = req.Header.Clone()
	for _, ck := range c.jar.Cookies(req.URL) {
		ex.RequestHeader.Add("Cookie", ck.String())
	}
	return ex, nil
}

// newRequest builds the wire request and the exchange that records it. The exchange
// is never nil, so a failed build is still observed.
func (c *Client) newRequest(ctx context.Context, r Request) (*http.Request, *Exchange, error) {
	target := c.resolve(r.Path, r.Query)
	ex := &Exchange{Operation: r.Operation, Method: r.Method, URL: target, Started: time.Now()}
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	fail := func(err error) (*http.Request, *Exchange, error) {
		re := &RequestError{Op: r.Method + " " + RedactURL(r.Path), Err: err}
		ex.Err = re.Error()
		return nil, ex, re
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, target, body)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			// url.Error repeats the whole address, query and all.
			return fail(fmt.Errorf("invalid address: %w", ue.Err))
		}
		return fail(err)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	// The fixed values are shared by every request, capped so an Add copies them:
	// nothing writes into a header value in place, and two allocations per
	// request of a load are saved.
	req.Header["Accept"] = acceptJSON[:1:1]
	if c.userAgent != "" {
		req.Header["User-Agent"] = c.uaValue[:1:1]
	}
	if r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	}
	if !r.Bearer.IsZero() {
		req.Header.Set("Authorization", "Bearer "+r.Bearer.Reveal())
	}
	// Checked here rather than left to the transport, whose refusal would read as
	// "cannot reach the PBX" although nothing was tried.
	if err := checkHeader(req.Header); err != nil {
		return fail(err)
	}
	// Shared, not copied: http.Client adds the jar's cookies to this very map as it
	// sends, so the exchange records the real request at no cost per call.
	ex.RequestHeader = req.Header
	ex.RequestBody = r.Body
	return req, ex, nil
}

var acceptJSON = []string{"application/json"}

func (c *Client) notify(ctx context.Context, ex *Exchange) {
	for _, fn := range c.observers {
		fn(ex)
	}
	if fn, ok := ctx.Value(observerKey{}).(func(*Exchange)); ok && fn != nil {
		fn(ex)
	}
}

func (c *Client) resolve(path string, query url.Values) string {
	// Most calls are a plain path under the base, the same few over and over: a
	// string joined to the base instead of a URL built, escaped and printed (three
	// allocations per request of a load).
	if len(query) == 0 && c.prefix != "" && plainPath(path) {
		return c.prefix + path
	}
	return c.resolveURL(path, query)
}

// plainPath is a path that needs no escaping and holds no query: "/auth/sign_in".
func plainPath(p string) bool {
	if !strings.HasPrefix(p, "/") {
		return false
	}
	for i := 0; i < len(p); i++ {
		b := p[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '/' || b == '_' || b == '-' || b == '.') {
			return false
		}
	}
	return true
}

func (c *Client) resolveURL(path string, query url.Values) string {
	// An absolute URL (a link an answer handed out, such as an identity provider's
	// page) is followed as is, outside the /api base.
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		if abs, err := url.Parse(path); err == nil {
			vals := abs.Query()
			for k, vs := range query {
				vals[k] = append(vals[k], vs...)
			}
			if len(query) > 0 {
				abs.RawQuery = vals.Encode()
			}
			return abs.String()
		}
	}
	u := *c.baseURL
	rel, q, _ := strings.Cut(path, "?")
	if rel != "" && !strings.HasPrefix(rel, "/") {
		rel = "/" + rel
	}
	// rel arrives escaped (path parameters are PathEscaped by the caller); keep it
	// so, rather than letting String escape the % signs a second time.
	if unescaped, err := url.PathUnescape(rel); err == nil {
		u.Path = c.baseURL.Path + unescaped
		u.RawPath = c.baseURL.EscapedPath() + rel
	} else {
		u.Path = c.baseURL.Path + rel
	}
	vals, _ := url.ParseQuery(q)
	for k, vs := range query {
		vals[k] = append(vals[k], vs...)
	}
	u.RawQuery = vals.Encode()
	return u.String()
}

// call sends a JSON (or empty) request for an operation and checks for 2xx.
func (c *Client) call(ctx context.Context, op, method, path string, query url.Values, payload any, bearer Secret) (*Response, error) {
	r := Request{Operation: op, Method: method, Path: path, Query: query, Bearer: bearer}
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return nil, fmt.Errorf("apiclient: encode %s body: %w", op, err)
		}
		r.Body, r.ContentType = b, "application/json"
	}
	return c.check(c.Do(ctx, r))
}

func (c *Client) check(resp *Response, err error) (*Response, error) {
	if err != nil {
		return nil, err
	}
	return resp, CheckResponse(resp)
}

// CheckResponse returns an *APIError for an answer that is not a success of its
// operation: any status outside 2xx, except the 302 that loginWithMicrosoft answers.
func CheckResponse(resp *Response) error {
	if resp == nil {
		return errors.New("apiclient: no response")
	}
	if resp.Status >= 200 && resp.Status <= 299 {
		return nil
	}
	if resp.Status == http.StatusFound && resp.Exchange != nil && resp.Exchange.Operation == "loginWithMicrosoft" {
		return nil
	}
	return decodeAPIError(resp.Status, resp.Body)
}

func (c *Client) bearer(token Secret) Secret {
	if token.IsZero() {
		return c.token
	}
	return token
}

func decodeInto(op string, resp *Response, v any) error {
	if err := boundedjson.Unmarshal(resp.Body, v); err != nil {
		return &DecodeError{Op: op, Err: err, Body: resp.Body}
	}
	return nil
}

func jsonUnmarshal(b []byte, v any) error { return boundedjson.Unmarshal(b, v) }

// checkHeader applies the rules net/http's transport enforces on header fields
// (RFC 9110: names are tokens; values hold no control characters but tab), naming
// the field but never showing the value.
func checkHeader(h http.Header) error {
	for k, vs := range h {
		if k == "" || strings.IndexFunc(k, func(r rune) bool { return !isTokenRune(r) }) >= 0 {
			return fmt.Errorf("header name %q is not a valid HTTP token", k)
		}
		for _, v := range vs {
			for i := 0; i < len(v); i++ {
				if b := v[i]; (b < 0x20 && b != '\t') || b == 0x7f {
					what := "a control character"
					if b == '\n' || b == '\r' {
						what = "a line break"
					}
					return fmt.Errorf("header %s holds %s (a value pasted with a newline?)", http.CanonicalHeaderKey(k), what)
				}
			}
		}
	}
	return nil
}

func isTokenRune(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("!#$%&'*+-.^_`|~", r)
}
