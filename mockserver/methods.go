package mockserver

import (
	"net/http"
	"slices"
	"strings"
)

// Methods beyond the document's. HEAD is served wherever GET is (RFC 9110 requires
// it of general-purpose servers, and PBXs sit behind ordinary web servers that do),
// and Allow lists it beside GET. OPTIONS answers 204 No Content with Allow on every
// known path, as a plain web server does; the mock sends no CORS headers, since a
// PBX's own web portal calls its API from the same origin. Allow does not list
// OPTIONS itself, as Go's ServeMux and most servers leave it out.

// allowList completes the methods a path takes with HEAD where GET is, sorted.
func allowList(methods []string) []string {
	out := make([]string, 0, len(methods)+1)
	for _, m := range methods {
		if m != http.MethodHead && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	if slices.Contains(out, http.MethodGet) {
		out = append(out, http.MethodHead)
	}
	slices.Sort(out)
	return out
}

// methodNotAllowed answers a method the path does not take: 405 with Allow, or, for
// OPTIONS, 204 with Allow.
func methodNotAllowed(method string, allowed ...string) response {
	allowed = allowList(allowed)
	allow := http.Header{"Allow": {strings.Join(allowed, ", ")}}
	if method == http.MethodOptions {
		return response{status: http.StatusNoContent, header: allow}
	}
	resp := errorResponse(http.StatusMethodNotAllowed, CodeMethodNotAllowed,
		"method "+method+" is not allowed here; use "+strings.Join(allowed, " or "), map[string]any{"allowed": allowed})
	resp.header = allow
	return resp
}
