package apiclient

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// DefaultTimeout bounds a call when no WithTimeout is given.
const DefaultTimeout = 15 * time.Second

// DefaultPort is the PBX web port used when an https URL names none.
const DefaultPort = "8887"

// Option configures a Client.
type Option func(*Client) error

// WithBaseURL sets the PBX address. It accepts "https://pbx.example.com",
// "pbx.example.com:8887", or the full ".../api"; see NormalizeBaseURL.
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := NormalizeBaseURL(raw)
		if err != nil {
			return err
		}
		c.baseURL = u
		return nil
	}
}

// WithTimeout bounds every call (default 15 s). Zero or less is refused.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("apiclient: timeout must be positive, got %s", d)
		}
		c.timeout = d
		return nil
	}
}

// WithHTTPClient uses hc for requests. Its Jar and CheckRedirect are replaced on a
// copy, because the session calls need a cookie jar and the Microsoft redirect must
// not be followed.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return fmt.Errorf("apiclient: nil http.Client")
		}
		copied := *hc
		c.http = &copied
		return nil
	}
}

// WithTransport sends requests through rt (for in-process mocks and tests).
func WithTransport(rt http.RoundTripper) Option {
	return func(c *Client) error {
		if rt == nil {
			return fmt.Errorf("apiclient: nil transport")
		}
		c.transport = rt
		return nil
	}
}

// WithInsecureSkipVerify turns off TLS certificate checks, for PBXs with self-signed
// certificates. Off by default; callers should tell the user when they turn it on.
func WithInsecureSkipVerify(skip bool) Option {
	return func(c *Client) error {
		c.insecure = skip
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		c.userAgent = ua
		return nil
	}
}

// WithBearerToken sets the access token used by the bearer calls when none is passed.
func WithBearerToken(token Secret) Option {
	return func(c *Client) error {
		c.token = token
		return nil
	}
}

// WithObserver calls fn with every exchange the client completes (including failed
// ones). fn runs on the calling goroutine and must not block.
func WithObserver(fn func(*Exchange)) Option {
	return func(c *Client) error {
		c.observers = append(c.observers, fn)
		return nil
	}
}

// NormalizeBaseURL turns what a person types into the API base URL: a scheme
// (https when missing), a port (8887 for https when missing) and the /api prefix.
func NormalizeBaseURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, fmt.Errorf("apiclient: empty base URL")
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("apiclient: invalid base URL %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("apiclient: base URL %q: scheme must be http or https", raw)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("apiclient: base URL %q has no host", raw)
	}
	if u.User != nil {
		// PortSIP takes no credentials in the address; dropping them silently would
		// hide a mistake (and "mailto:x@y" would pass for a host).
		return nil, fmt.Errorf("apiclient: base URL %q must not hold a user name or password", u.Redacted())
	}
	if u.Port() == "" && u.Scheme == "https" {
		u.Host = net.JoinHostPort(u.Hostname(), DefaultPort)
	}
	u.RawQuery, u.Fragment = "", ""
	path := strings.TrimRight(u.Path, "/")
	if base, op, ok := operationPathIn(path); ok {
		// Appending /api to .../api/info would send every call to
		// /api/info/api/...: a silent 404 for each, where one clear refusal helps.
		u.Path = base
		return nil, fmt.Errorf("apiclient: base URL %q ends in an API operation path (%s): give the PBX address only, such as %s", strings.TrimSpace(raw), op, u.String())
	}
	if !strings.HasSuffix(path, "/api") {
		path += "/api"
	}
	u.Path, u.RawPath = path, ""
	return u, nil
}

// operationRoots are the first segments of the operation paths below /api.
var operationRoots = map[string]bool{"info": true, "auth": true, "login": true, "logout": true}

// operationPathIn finds "/api/<operation path>" in a URL path and returns the path
// up to and including /api, and the operation part.
func operationPathIn(path string) (base, op string, ok bool) {
	segs := strings.Split(path, "/")
	for i := 0; i+1 < len(segs); i++ {
		if segs[i] == "api" && operationRoots[strings.ToLower(segs[i+1])] {
			return strings.Join(segs[:i+1], "/"), "/" + strings.Join(segs[i+1:], "/"), true
		}
	}
	return "", "", false
}

// MaxHeaderBytes caps the header of an answer. PortSIP's are a few hundred
// bytes; net/http's own cap is 10 MB, ten times the body's, which a hostile PBX
// could send with every answer for the inspector and the history to keep.
const MaxHeaderBytes = 64 << 10

// NewTransport is the transport to a PBX over the network: net/http's default,
// with answers' headers capped at MaxHeaderBytes, and TLS verification off when
// insecure is true (callers tell the user).
func NewTransport(insecure bool) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxResponseHeaderBytes = MaxHeaderBytes
	if insecure {
		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // explicit, visible opt-in
	}
	return t
}

// sharedTransport is NewTransport(false) shared by the clients given no
// transport, so they pool connections as they did on http.DefaultTransport.
var sharedTransport = sync.OnceValue(func() *http.Transport { return NewTransport(false) })

func (c *Client) buildHTTPClient() {
	if c.http == nil {
		c.http = &http.Client{}
	}
	switch {
	case c.transport != nil:
		c.http.Transport = c.transport
	case c.insecure:
		base, ok := c.http.Transport.(*http.Transport)
		if !ok || base == nil {
			base = NewTransport(true)
		}
		t := base.Clone()
		if t.TLSClientConfig == nil {
			t.TLSClientConfig = &tls.Config{}
		}
		t.TLSClientConfig.InsecureSkipVerify = true //nolint:gosec // explicit, visible opt-in
		c.http.Transport = t
	case c.http.Transport == nil:
		c.http.Transport = sharedTransport()
	}
	c.http.Jar = c.jar
	// Redirects are answers to report (by_microsoft), never hops to take.
	c.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
}
