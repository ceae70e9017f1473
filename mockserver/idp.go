package mockserver

import (
	"bytes"
	"crypto/subtle"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// The simulated Microsoft 365 identity provider. A tenant with ms365.enabled and no
// authorization_endpoint of its own points here:
//
//	GET  /_mock/idp/{domain}/oauth2/v2.0/authorize?redirect_uri=...&state=...
//	     a page to pick the account; with login_hint=<user or email> it skips the page
//	POST same path (form: username, redirect_uri, state)
//	     → 302 redirect_uri?code=...&state=...
//	GET  /_mock/idp/callback?code=...&state=...
//	     where POST /login/by_microsoft returns: opens a web session like POST /login
//
// Like a real identity provider with registered redirect URIs, it answers only the
// authorization requests the PBX started (known state, same tenant, same
// redirect_uri), and each code is bound to that request: single-use, and good at the
// callback only when the request was the PBX's own web login, from the browser
// holding the state cookie.
const idpPrefix = "/_mock/idp/"

const idpCallback = idpPrefix + "callback"

// authRequest is an authorization request the PBX sent to the identity provider.
type authRequest struct {
	tenant   *tenant
	redirect string
	web      bool // POST /login/by_microsoft: the code may open a web session
	// challenge and clientID bind the code to the PKCE verifier and the client that
	// may trade it at /login/oauth/token; empty when the sign-in named none.
	challenge string
	clientID  string
}

// idpCode is what an authorization code stands for: who signed in, in answer to
// which request.
type idpCode struct {
	acct  *account
	state string
	req   *authRequest
}

const authorizeSuffix = "/oauth2/v2.0/authorize"

func (s *Server) serveIdP(r *http.Request) response {
	rest := strings.TrimPrefix(r.URL.Path, idpPrefix)
	if rest == "callback" {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return methodNotAllowed(r.Method, http.MethodGet)
		}
		return s.idpCallback(r)
	}
	domain, ok := strings.CutSuffix(rest, authorizeSuffix)
	if !ok || domain == "" || strings.Contains(domain, "/") {
		return errorResponse(http.StatusNotFound, CodeNotFound, "no identity provider page at "+r.URL.Path, nil)
	}
	st := s.st.Load()
	t := st.dir.tenant(domain)
	if t == nil || !t.MS365.Enabled {
		return errorResponse(http.StatusNotFound, CodeNotFound, "no Microsoft 365 tenant "+domain+" on this PBX", nil)
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost {
		return methodNotAllowed(r.Method, http.MethodGet, http.MethodPost)
	}
	q, v := parseQuery(r)
	if v != nil {
		return invalid(*v)
	}
	if r.Method == http.MethodPost {
		// Like a real authorize endpoint, POST takes its parameters in the form and in
		// the query alike: the account page posts back to its own address (query and
		// all), and `curl -L` re-posts a 302 from /login/by_microsoft to it.
		var resp response
		var ok bool
		if q, resp, ok = mergeForm(r, q); !ok {
			return resp
		}
	}
	redirect := q.Get("redirect_uri")
	if !absoluteURL(redirect) {
		return invalid(violation{field: "redirect_uri", rule: "url"})
	}
	state := q.Get("state")
	ar, resp, ok := s.authRequest(st, t, state, redirect)
	if !ok {
		return resp
	}
	user := q.Get("username")
	if user == "" {
		user = q.Get("login_hint")
	}
	if user == "" {
		return idpPage(t, q)
	}
	acct := t.find(user)
	back, _ := url.Parse(redirect)
	params := back.Query()
	if acct == nil {
		params.Set("error", "access_denied")
		params.Set("error_description", "no such account in "+t.Domain)
	} else {
		code := newToken()
		now := s.Now()
		st.idpCodes.put(now, code, &idpCode{acct: acct, state: state, req: ar}, now.Add(IdPCodeTTL))
		params.Set("code", code)
	}
	params.Set("state", state)
	back.RawQuery = params.Encode()
	return response{status: http.StatusFound, header: http.Header{"Location": {back.String()}}}
}

// mergeForm adds a POST's form parameters to the query's. A parameter in both must
// say the same thing: otherwise which one the provider would use is a guess, and a
// guess about redirect_uri is how open redirects happen.
func mergeForm(r *http.Request, q url.Values) (url.Values, response, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if len(body) > MaxBodyBytes {
		return nil, tooLarge(), false
	}
	if err != nil {
		return nil, invalid(violation{field: "body", rule: "read"}), false
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, invalid(violation{field: "body", rule: "form"}), false
	}
	if q == nil {
		return form, response{}, true
	}
	for k, vs := range form {
		if have, ok := q[k]; ok && (len(vs) == 0 || len(have) == 0 || have[0] != vs[0]) {
			return nil, invalid(violation{field: k, rule: "conflict"}), false
		}
		if _, ok := q[k]; !ok {
			q[k] = vs
		}
	}
	return q, response{}, true
}

// authRequest finds the PBX's authorization request an authorize call answers. The
// provider refuses the others with a 400 rather than redirecting: sending a code to
// an unregistered redirect_uri is what it must never do.
func (s *Server) authRequest(st *state, t *tenant, state, redirect string) (*authRequest, response, bool) {
	if state == "" {
		return nil, invalid(violation{field: "state", rule: "required", hint: "the state of the PBX's authorization request"}), false
	}
	ar, ok := st.authRequests.get(s.Now(), state)
	switch {
	case !ok:
		return nil, invalid(violation{field: "state", rule: "unknown"}), false
	case ar.tenant != t:
		return nil, invalid(violation{field: "state", rule: "tenant"}), false
	case ar.redirect != redirect:
		return nil, invalid(violation{field: "redirect_uri", rule: "mismatch", hint: "the redirect_uri the authorization request registered"}), false
	}
	return ar, response{}, true
}

// find matches a username or an email address among the tenant's users.
func (t *tenant) find(user string) *account {
	for _, a := range t.accounts {
		if a.username == user || strings.EqualFold(a.email, user) {
			return a
		}
	}
	return nil
}

// idpCallback ends the by_microsoft flow: a code answering the PBX's own web login,
// with its state, in the browser that started it, opens a web session. The code is
// used up whatever the outcome: one presented with the wrong state is suspect.
func (s *Server) idpCallback(r *http.Request) response {
	st := s.st.Load()
	now := s.Now()
	q, v := parseQuery(r)
	if v != nil {
		return invalid(*v)
	}
	ic, ok := st.idpCodes.take(now, q.Get("code"))
	if !ok {
		return unauthorized("the authorization code is unknown, expired or already used")
	}
	state := q.Get("state")
	cookie, _ := r.Cookie(StateCookie)
	switch _, live := st.authRequests.get(now, state); {
	case !ic.req.web || redirectPath(ic.req.redirect) != r.URL.Path:
		return invalid(violation{field: "code", rule: "redirect_uri"})
	case state == "":
		return invalid(violation{field: "state", rule: "required", hint: "the state the sign-in started with"})
	case subtle.ConstantTimeCompare([]byte(state), []byte(ic.state)) != 1:
		return invalid(violation{field: "state", rule: "mismatch", hint: "the state the authorization code was issued for"})
	case !live:
		return staleState()
	case cookie == nil || subtle.ConstantTimeCompare([]byte(cookie.Value), []byte(state)) != 1:
		return invalid(violation{field: "state", rule: "browser"})
	}
	// take, not the get above, decides between two codes of one request.
	if _, ok := st.authRequests.take(now, state); !ok {
		return staleState()
	}
	rq := &request{r: r}
	// No password was checked: the session belongs to the account's current generation.
	resp := s.startSession(st, rq, ic.acct, ic.acct.gen.Load(), false, http.StatusOK)
	clear := &http.Cookie{Name: StateCookie, Value: "", Path: idpPrefix, HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: -1, Secure: r.TLS != nil}
	resp.header.Add("Set-Cookie", clear.String())
	var b bytes.Buffer
	_ = donePage().Execute(&b, map[string]string{"User": ic.acct.username, "Domain": ic.acct.domain})
	resp.body, resp.ctype = b.Bytes(), "text/html; charset=utf-8"
	return resp
}

func staleState() response {
	return invalid(violation{field: "state", rule: "stale"})
}

func redirectPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Path
}

func idpPage(t *tenant, q url.Values) response {
	users := make([]string, len(t.accounts))
	for i, a := range t.accounts {
		users[i] = a.username
	}
	var b bytes.Buffer
	_ = authorizePage().Execute(&b, map[string]any{
		"Domain": t.Domain, "Name": t.Name, "Users": users,
		"Redirect": q.Get("redirect_uri"), "State": q.Get("state"),
	})
	return response{status: http.StatusOK, body: b.Bytes(), ctype: "text/html; charset=utf-8"}
}

var authorizePage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("authorize").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Sign in - {{.Name}} (simulated Microsoft 365)</title></head>
<body>
<h1>Sign in to {{.Name}}</h1>
<p>This is the pbxauth mock's simulated Microsoft 365 sign-in for <b>{{.Domain}}</b>. Pick an account.</p>
<form method="post">
<input type="hidden" name="redirect_uri" value="{{.Redirect}}">
<input type="hidden" name="state" value="{{.State}}">
<select name="username">{{range .Users}}<option>{{.}}</option>{{end}}</select>
<button type="submit">Sign in</button>
</form>
</body></html>
`))
})

var donePage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("done").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Signed in</title></head>
<body><h1>Signed in</h1><p>{{.User}} of {{.Domain}} signed in through Microsoft 365 (simulated). GET /api/login reports the session.</p></body></html>
`))
})
