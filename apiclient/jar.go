package apiclient

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sync"
	"time"
)

// A PBX sets one session cookie; a hostile one can set thousands with every
// answer, which cookiejar would keep for the client's life and send back with
// every request. The jar keeps what RFC 6265 6.1 asks a client to support and
// no more: maxCookies live cookies, none over maxCookieBytes.
const (
	maxCookies     = 50
	maxCookieBytes = 4096
)

// sessionJar is the client's cookie jar, which can start over: a load's virtual
// user keeps one client across iterations yet must not carry one iteration's
// session into the next. Until a server sets a cookie it answers without touching
// a cookiejar, so cookie-less APIs pay nothing per request.
type sessionJar struct {
	mu  sync.Mutex
	jar *cookiejar.Jar // nil until the first cookie
	// live names the cookies set and not deleted since, to bound them.
	live map[cookieKey]bool
}

// cookieKey tells cookies apart as cookiejar does: by host, domain, path, name.
type cookieKey struct{ host, domain, path, name string }

func (j *sessionJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	if len(cookies) == 0 {
		return
	}
	j.mu.Lock()
	if j.jar == nil {
		j.jar, _ = cookiejar.New(nil) // cookiejar.New never fails without options
		j.live = map[cookieKey]bool{}
	}
	jar := j.jar
	kept := cookies[:0:0]
	now := time.Now()
	for _, c := range cookies {
		k := cookieKey{u.Hostname(), c.Domain, c.Path, c.Name}
		switch {
		case c.MaxAge < 0 || !c.Expires.IsZero() && c.Expires.Before(now):
			delete(j.live, k) // a deletion: always passed on, and it makes room
		case len(c.Name)+len(c.Value) > maxCookieBytes:
			continue
		case !j.live[k] && len(j.live) >= maxCookies:
			continue
		default:
			j.live[k] = true
		}
		kept = append(kept, c)
	}
	j.mu.Unlock()
	jar.SetCookies(u, kept)
}

func (j *sessionJar) Cookies(u *url.URL) []*http.Cookie {
	j.mu.Lock()
	jar := j.jar
	j.mu.Unlock()
	if jar == nil {
		return nil
	}
	return jar.Cookies(u)
}

func (j *sessionJar) reset() {
	j.mu.Lock()
	j.jar, j.live = nil, nil
	j.mu.Unlock()
}

// ResetSession forgets every cookie the client holds, as a new client would start.
func (c *Client) ResetSession() { c.jar.reset() }
