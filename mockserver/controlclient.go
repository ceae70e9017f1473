package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/boundedjson"
)

// ControlClient is the Controller of a mock reached over HTTP: a standalone
// `pbxauth mock`, or a Server through its Transport. It is the one client of the
// control API; everything that drives a mock from outside uses it.
type ControlClient struct {
	root    string // scheme://host[:port], no /api
	http    *http.Client
	token   string
	observe func(*apiclient.Exchange)
}

var _ Controller = (*ControlClient)(nil)

// ControlOption configures a ControlClient.
type ControlOption func(*ControlClient)

// WithControlHTTPClient sends the calls through hc (a TLS mock's Client(), a
// Transport, a timeout of the caller's).
func WithControlHTTPClient(hc *http.Client) ControlOption {
	return func(c *ControlClient) { c.http = hc }
}

// WithControlToken sends the mock's control token (pbxauth mock --control-token).
func WithControlToken(token string) ControlOption {
	return func(c *ControlClient) { c.token = token }
}

// WithControlObserver hands fn every call as an exchange (unredacted; fn redacts
// what it shows), for reports that list the control calls beside the API's.
func WithControlObserver(fn func(*apiclient.Exchange)) ControlOption {
	return func(c *ControlClient) { c.observe = fn }
}

type controlObserverKey struct{}

// WithControlExchange returns a context whose control calls also hand their
// exchange to fn: a runner ties each call to the step that made it, however many
// steps share the client.
func WithControlExchange(ctx context.Context, fn func(*apiclient.Exchange)) context.Context {
	return context.WithValue(ctx, controlObserverKey{}, fn)
}

// maxControlBody bounds a control answer: a full outbox of 1,000 mails with their
// HTML parts is a few MiB.
const maxControlBody = 8 << 20

// ErrControlToken is the error of a call the mock refused for want of its control
// token.
var ErrControlToken = errors.New("the mock's control API needs its token")

// NewControlClient is a client of the control API of the mock at baseURL, with or
// without its /api suffix.
func NewControlClient(baseURL string, opts ...ControlOption) (*ControlClient, error) {
	root := strings.TrimSuffix(strings.TrimRight(baseURL, "/"), "/api")
	u, err := url.Parse(root)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("mockserver: the mock's address must be an http(s) URL, got %q", baseURL)
	}
	c := &ControlClient{root: root, http: &http.Client{Timeout: 30 * time.Second}}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// Root is the mock's address without /api.
func (c *ControlClient) Root() string { return c.root }

// do sends one control call and decodes a 2xx answer into out (when not nil).
func (c *ControlClient) do(ctx context.Context, method, path string, q url.Values, in, out any) error {
	var raw []byte
	if in != nil {
		var err error
		if raw, err = json.Marshal(in); err != nil {
			return err
		}
	}
	target := c.root + path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	ex := &apiclient.Exchange{Operation: "mock " + strings.TrimPrefix(path, "/_mock/"), Method: method, URL: target, RequestBody: raw}
	fn, _ := ctx.Value(controlObserverKey{}).(func(*apiclient.Exchange))
	if c.observe != nil || fn != nil {
		defer func() {
			if c.observe != nil {
				c.observe(ex)
			}
			if fn != nil {
				fn(ex)
			}
		}()
	}
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if method != http.MethodGet {
		// The mock refuses state-changing control calls of any other type, so that
		// a web page cannot send them (a text/plain POST needs no CORS preflight).
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	ex.RequestHeader = req.Header.Clone()
	ex.Started = time.Now()
	resp, err := c.http.Do(req)
	if err == nil {
		defer resp.Body.Close()
		var data []byte
		data, err = io.ReadAll(io.LimitReader(resp.Body, maxControlBody))
		ex.Status, ex.ResponseHeader, ex.ResponseBody = resp.StatusCode, resp.Header, data
	}
	ex.Duration = time.Since(ex.Started)
	if err != nil {
		te := &apiclient.TransportError{Op: method + " " + path, URL: target, Err: err, Timeout: errors.Is(ctx.Err(), context.DeadlineExceeded)}
		ex.Err = te.Error()
		return te
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized && strings.Contains(resp.Header.Get("Www-Authenticate"), `realm="pbxauth mock control"`):
		return fmt.Errorf("%s %s: %w", method, path, ErrControlToken)
	case resp.StatusCode/100 != 2:
		return fmt.Errorf("%s %s: %w", method, path, apiclient.NewAPIError(resp.StatusCode, ex.ResponseBody))
	case out == nil:
		return nil
	}
	if err := boundedjson.Unmarshal(ex.ResponseBody, out); err != nil {
		return fmt.Errorf("%s %s: the answer is not what the control API sends: %w", method, path, err)
	}
	return nil
}

func (f MailFilter) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"kind": f.Kind, "to": f.To, "username": f.Username, "domain": f.Domain} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// Outbox implements Controller.
func (c *ControlClient) Outbox(ctx context.Context, f MailFilter) ([]Mail, error) {
	var mails []Mail
	return mails, c.do(ctx, http.MethodGet, "/_mock/outbox", f.query(), nil, &mails)
}

// LastMail implements Controller.
func (c *ControlClient) LastMail(ctx context.Context, f MailFilter) (Mail, error) {
	var m Mail
	err := c.do(ctx, http.MethodGet, "/_mock/outbox/last", f.query(), nil, &m)
	var ae *apiclient.APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound && ae.RawCode() == CodeNotFound && ae.Message() == msgNoMail {
		return Mail{}, ErrNoMail
	}
	return m, err
}

// ClearOutbox implements Controller.
func (c *ControlClient) ClearOutbox(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, "/_mock/outbox", nil, nil, nil)
}

// Requests implements Controller.
func (c *ControlClient) Requests(ctx context.Context, limit int) ([]JournalEntry, error) {
	var q url.Values
	if limit != 0 {
		q = url.Values{"limit": {strconv.Itoa(limit)}}
	}
	var entries []JournalEntry
	return entries, c.do(ctx, http.MethodGet, "/_mock/requests", q, nil, &entries)
}

// Reset implements Controller.
func (c *ControlClient) Reset(ctx context.Context, o ResetOptions) error {
	var q url.Values
	if o.KeepFaults {
		q = url.Values{"keep": {"faults"}}
	}
	return c.do(ctx, http.MethodPost, "/_mock/reset", q, nil, nil)
}

func (c *ControlClient) clock(ctx context.Context, method string, in any) (ClockState, error) {
	var w clockJSON
	if err := c.do(ctx, method, "/_mock/clock", nil, in, &w); err != nil {
		return ClockState{}, err
	}
	return w.state()
}

// Clock implements Controller.
func (c *ControlClient) Clock(ctx context.Context) (ClockState, error) {
	return c.clock(ctx, http.MethodGet, nil)
}

// AdvanceClock implements Controller.
func (c *ControlClient) AdvanceClock(ctx context.Context, d time.Duration) (ClockState, error) {
	return c.clock(ctx, http.MethodPost, map[string]string{"advance": d.String()})
}

// Faults implements Controller.
func (c *ControlClient) Faults(ctx context.Context) (map[string]Fault, error) {
	var f map[string]Fault
	return f, c.do(ctx, http.MethodGet, "/_mock/faults", nil, nil, &f)
}

// SetFaults implements Controller.
func (c *ControlClient) SetFaults(ctx context.Context, f map[string]Fault) (map[string]Fault, error) {
	if f == nil {
		f = map[string]Fault{} // null is refused; an empty set clears
	}
	var out map[string]Fault
	return out, c.do(ctx, http.MethodPost, "/_mock/faults", nil, f, &out)
}

// ClearFaults implements Controller.
func (c *ControlClient) ClearFaults(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, "/_mock/faults", nil, nil, nil)
}

// Stats implements Controller.
func (c *ControlClient) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	return st, c.do(ctx, http.MethodGet, "/_mock/stats", nil, nil, &st)
}
