package mockserver

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/oasdiff/kin-openapi/openapi3"

	"github.com/pbxauth/pbxauth/apiclient/spec"
)

// opHandler answers one operation. Its request has been routed, size-checked and,
// when it has a body, decoded and validated against the document and the field rules.
type opHandler func(s *Server, st *state, rq *request) response

// route is one operation, prepared once at New so the hot path parses nothing.
type route struct {
	id      string
	method  string
	path    string // template relative to /api
	handler opHandler
	// ctype is the body's media type; empty when the operation takes no body.
	ctype  string
	schema *openapi3.Schema
	// bearer marks operations protected by a bearer token: their 401s challenge.
	bearer bool
}

// routes finds operations: fixed paths by a map lookup, templated ones (only
// /auth/sign_in/{provider}) and the 404/405 answers through spec.Match.
type routes struct {
	byKey  map[string]*route   // "METHOD /template"
	byPath map[string][]*route // fixed path → its operations (no allocation to look up)
}

// handlers maps every operationId of the document to its implementation; buildRoutes
// refuses to start when one is missing, so the document and the mock stay in step.
var handlers = map[string]opHandler{
	"retrieveMetadata":        (*Server).retrieveMetadata,
	"signInWithCredentials":   (*Server).signIn,
	"signInWithSocialAccount": (*Server).signInSocial,
	"sendOTP":                 (*Server).sendOTP,
	"verifyOTP":               (*Server).verifyOTP,
	"forgetPassword":          (*Server).forgetPassword,
	"resetPassword":           (*Server).resetPassword,
	"refreshToken":            (*Server).refreshToken,
	"getUserAuthInfo":         (*Server).getUserAuthInfo,
	"signOut":                 (*Server).signOut,
	"getLoginStatus":          (*Server).getLoginStatus,
	"login":                   (*Server).login,
	"loginWithMicrosoft":      (*Server).loginWithMicrosoft,
	"logout":                  (*Server).logout,
	"oauthToken":              (*Server).oauthToken,
	"oauthRevoke":             (*Server).oauthRevoke,
}

func buildRoutes() (routes, error) {
	if _, err := spec.Load(); err != nil {
		return routes{}, fmt.Errorf("mockserver: %w", err)
	}
	rs := routes{byKey: map[string]*route{}, byPath: map[string][]*route{}}
	doc := spec.MustLoad()
	for _, o := range spec.Operations() {
		h, ok := handlers[o.ID]
		if !ok {
			return routes{}, fmt.Errorf("mockserver: operation %s (%s %s) has no implementation", o.ID, o.Method, o.Path)
		}
		r := &route{id: o.ID, method: o.Method, path: o.Path, handler: h, ctype: o.ContentType, bearer: o.Bearer}
		if r.ctype != "" {
			op := doc.Paths.Find(o.Path).GetOperation(o.Method)
			mt := op.RequestBody.Value.Content.Get(r.ctype)
			if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
				return routes{}, fmt.Errorf("mockserver: operation %s has no %s schema", o.ID, r.ctype)
			}
			r.schema = mt.Schema.Value
		}
		rs.byKey[o.Method+" "+o.Path] = r
		if !strings.Contains(o.Path, "{") {
			rs.byPath[o.Path] = append(rs.byPath[o.Path], r)
		}
	}
	if len(rs.byKey) != len(handlers) {
		return routes{}, fmt.Errorf("mockserver: the document has %d operations, the mock implements %d", len(rs.byKey), len(handlers))
	}
	return rs, nil
}

// find routes a request path (relative to /api). When nothing matches, allowed lists
// the methods the path takes: empty means 404, otherwise 405.
func (rs routes) find(method, path string) (r *route, params map[string]string, allowed []string) {
	if method == http.MethodHead {
		method = http.MethodGet // HEAD is GET without the body
	}
	for _, r := range rs.byPath[path] {
		if r.method == method {
			return r, nil, nil
		}
	}
	op, params, allowed, ok := spec.Match(method, path)
	if !ok {
		return nil, nil, allowed
	}
	return rs.byKey[op.Method+" "+op.Path], params, nil
}

// request is what an operation handler gets.
type request struct {
	r      *http.Request
	params map[string]string
	// fields are the body's (or form's) string fields; absent and null ones are missing.
	fields map[string]string
	// query is the parsed query; nil when the request has none.
	query url.Values
}

// bearer returns the token of an "Authorization: Bearer ..." header.
func (rq *request) bearer() string { return bearerToken(rq.r) }

func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}
