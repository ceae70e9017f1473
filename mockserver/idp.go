package mockserver

import (
	"bytes"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
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
const idpPrefix = "/_mock/idp/"

const authorizeSuffix = "/oauth2/v2.0/authorize"

func (s *Server) serveIdP(r *http.Request) response {
	rest := strings.TrimPrefix(r.URL.Path, idpPrefix)
	if rest == "callback" {
		if r.Method != http.MethodGet {
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
	var q url.Values
	switch r.Method {
	case http.MethodGet:
		q = r.URL.Query()
	case http.MethodPost:
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
		if err != nil || len(body) > MaxBodyBytes {
			return tooLarge()
		}
		if q, err = url.ParseQuery(string(body)); err != nil {
			return invalid("body", "form", "is not a valid URL-encoded form")
		}
	default:
		return methodNotAllowed(r.Method, http.MethodGet, http.MethodPost)
	}
	redirect := q.Get("redirect_uri")
	if !absoluteURL(redirect) {
		return invalid("redirect_uri", "url", "must be an absolute http or https URL")
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
		st.idpCodes.put(now, code, acct, now.Add(ChallengeTTL))
		params.Set("code", code)
	}
	if state := q.Get("state"); state != "" {
		params.Set("state", state)
	}
	back.RawQuery = params.Encode()
	return response{status: http.StatusFound, header: http.Header{"Location": {back.String()}}}
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

// idpCallback ends the by_microsoft flow: a valid code opens a web session.
func (s *Server) idpCallback(r *http.Request) response {
	st := s.st.Load()
	code := r.URL.Query().Get("code")
	acct, ok := st.idpCodes.take(s.Now(), code)
	if !ok {
		return unauthorized("the authorization code is unknown, expired or already used")
	}
	rq := &request{r: r}
	resp := s.startSession(st, rq, acct, false, http.StatusOK)
	var b bytes.Buffer
	_ = donePage.Execute(&b, map[string]string{"User": acct.username, "Domain": acct.domain})
	resp.body, resp.ctype = b.Bytes(), "text/html; charset=utf-8"
	return resp
}

func methodNotAllowed(method string, allowed ...string) response {
	resp := errorResponse(http.StatusMethodNotAllowed, CodeMethodNotAllowed,
		"method "+method+" is not allowed here; use "+strings.Join(allowed, " or "), map[string]any{"allowed": allowed})
	resp.header = http.Header{"Allow": {strings.Join(allowed, ", ")}}
	return resp
}

func idpPage(t *tenant, q url.Values) response {
	users := make([]string, len(t.accounts))
	for i, a := range t.accounts {
		users[i] = a.username
	}
	var b bytes.Buffer
	_ = authorizePage.Execute(&b, map[string]any{
		"Domain": t.Domain, "Name": t.Name, "Users": users,
		"Redirect": q.Get("redirect_uri"), "State": q.Get("state"),
	})
	return response{status: http.StatusOK, body: b.Bytes(), ctype: "text/html; charset=utf-8"}
}

var authorizePage = template.Must(template.New("authorize").Parse(`<!doctype html>
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

var donePage = template.Must(template.New("done").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Signed in</title></head>
<body><h1>Signed in</h1><p>{{.User}} of {{.Domain}} signed in through Microsoft 365 (simulated). GET /api/login reports the session.</p></body></html>
`))
