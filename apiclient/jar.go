package apiclient

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sync"
)

// sessionJar is the client's cookie jar, which can start over: a load's virtual
// user keeps one client across iterations yet must not carry one iteration's
// session into the next. Until a server sets a cookie it answers without touching
// a cookiejar, so cookie-less APIs pay nothing per request.
type sessionJar struct {
	mu  sync.Mutex
	jar *cookiejar.Jar // nil until the first cookie
}

func (j *sessionJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	if len(cookies) == 0 {
		return
	}
	j.mu.Lock()
	if j.jar == nil {
		j.jar, _ = cookiejar.New(nil) // cookiejar.New never fails without options
	}
	jar := j.jar
	j.mu.Unlock()
	jar.SetCookies(u, cookies)
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
	j.jar = nil
	j.mu.Unlock()
}

// ResetSession forgets every cookie the client holds, as a new client would start.
func (c *Client) ResetSession() { c.jar.reset() }
