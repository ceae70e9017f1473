package mockserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/pbxauth/pbxauth/apiclient"
)

// The control API can read every reset link and one-time code, move the clock and
// break operations: whoever reaches it owns every account of the mock. So it is
// guarded (pbxauth's own choice, after the OWASP CSRF and DNS-rebinding advice):
//
//   - on a non-loopback listener the mock refuses to start without a control token
//     (or the control API turned off), and then every /_mock/ call needs
//     Authorization: Bearer <token>;
//   - a Host header must name the listener or a loopback name: a page whose DNS name
//     was rebound to 127.0.0.1 sends its own name (DNS rebinding); requests through
//     the in-process Transport never cross a network and name InProcessURL;
//   - a request from another web origin (Origin header) is refused;
//   - a state-changing call needs Content-Type: application/json, which a page can only
//     send cross-site after a CORS preflight the mock never grants (a text/plain or form
//     POST needs no preflight).
//
// The simulated identity provider under /_mock/idp/ is not a control: browsers reach it
// from the PBX's own login flow, and it answers only requests the PBX started.

// CodeForbidden answers control requests refused by the guard.
const CodeForbidden = "FORBIDDEN"

// ErrControlExposed is Start's error for a listener other hosts can reach while the
// control API is on without a token.
var ErrControlExposed = errors.New("mockserver: the control API would be open to the network")

// controlGuard is what the guard checks, fixed at Start.
type controlGuard struct {
	off   bool
	token [sha256.Size]byte // sha256 of the token: equal-length compare, no length leak
	hasTk bool
	// hosts are the Host names (no port, lower case) that name this listener besides
	// loopback ones; nil before Start or without a listener of its own.
	hosts map[string]bool
}

func newControlGuard(token string, off bool) controlGuard {
	g := controlGuard{off: off}
	if token != "" {
		g.token, g.hasTk = sha256.Sum256([]byte(token)), true
	}
	return g
}

// listenHosts names a bound listener: its IP, or, bound to all interfaces, every
// interface address and the machine's name, plus the name it was asked to bind to.
func listenHosts(requested string, bound *net.TCPAddr) map[string]bool {
	hosts := map[string]bool{}
	if h, _, err := net.SplitHostPort(requested); err == nil && h != "" {
		hosts[strings.ToLower(h)] = true
	}
	if !bound.IP.IsUnspecified() {
		hosts[bound.IP.String()] = true
		return hosts
	}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				hosts[n.IP.String()] = true
			}
		}
	}
	if name, err := os.Hostname(); err == nil && name != "" {
		hosts[strings.ToLower(name)] = true
	}
	return hosts
}

// allowedHost reports whether a Host header names this mock.
func (g *controlGuard) allowedHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if host == "localhost" {
		return true
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() {
			return true
		}
		host = ip.String()
	}
	return g.hosts[host]
}

// sameOrigin reports whether an Origin header is the mock's own (scheme aside: the
// mock serves one scheme per listener).
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false // includes "null": sandboxed frames, file: pages
	}
	return strings.EqualFold(u.Host, host)
}

// stateChanging methods need the JSON content type.
func stateChanging(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

func forbidden(msg string) response {
	return errorResponse(http.StatusForbidden, CodeForbidden, msg, nil)
}

// check answers a control request the guard refuses; ok means serve it.
func (g *controlGuard) check(r *http.Request) (resp response, ok bool) {
	if g.off {
		return errorResponse(http.StatusNotFound, CodeNotFound, "the control API is off (pbxauth mock --control off)", nil), false
	}
	// Through Transport the request comes from this process: no rebound DNS name
	// can be behind it, and its host is InProcessURL's.
	if !inProcess(r) && !g.allowedHost(r.Host) {
		return forbidden("the Host header does not name this mock (use its address or localhost)"), false
	}
	if o := r.Header.Get("Origin"); o != "" && !sameOrigin(o, r.Host) {
		return forbidden("the control API does not answer other web origins"), false
	}
	if g.hasTk && !g.tokenOK(r) {
		resp := errorResponse(http.StatusUnauthorized, apiclient.CodeUnauthorized,
			"the control API needs the mock's control token (Authorization: Bearer ...)", nil)
		resp.header = http.Header{"Www-Authenticate": {`Bearer realm="pbxauth mock control"`}}
		return resp, false
	}
	return response{}, true
}

// needsJSON answers a state-changing control call without the JSON content type.
func needsJSON(r *http.Request) (response, bool) {
	if !stateChanging(r.Method) || mediaTypeIs(r.Header.Get("Content-Type"), jsonType) {
		return response{}, false
	}
	return errorResponse(http.StatusUnsupportedMediaType, CodeUnsupportedMediaType,
		"control calls that change state need Content-Type: application/json (e.g. curl --json '{}')",
		map[string]any{"expected": jsonType}), true
}

func (g *controlGuard) tokenOK(r *http.Request) bool {
	scheme, tok, found := strings.Cut(r.Header.Get("Authorization"), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	return subtle.ConstantTimeCompare(sum[:], g.token[:]) == 1
}
