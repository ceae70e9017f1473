package mockserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/pbxauth/pbxauth/apiclient"
)

// Error codes the mock answers besides PortSIP's documented three. Clients read codes
// they don't know as UNKNOWN, so these stay informative without breaking them.
const (
	CodeNotFound             = "NOT_FOUND"
	CodeMethodNotAllowed     = "METHOD_NOT_ALLOWED"
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	CodePayloadTooLarge      = "PAYLOAD_TOO_LARGE"
	CodeFaultInjected        = "FAULT_INJECTED"
)

// errorItem is one entry of PortSIP's {"errors": [...]} body.
type errorItem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Detail  any    `json:"detail"` // null when there is nothing to add: PortSIP sends blanks as null
}

type errorBody struct {
	Errors []errorItem `json:"errors"`
}

// response is what an operation answers; the dispatcher writes it and journals it
// without copying the body.
type response struct {
	status int
	body   []byte
	// ctype is the body's media type; empty with an empty body.
	ctype  string
	header http.Header
}

const jsonType = "application/json"

func jsonResponse(status int, v any) response {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// URLs (identity provider pages, reset links) read better with a plain & than \u0026.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only the mock's own types reach here; they always encode.
		return errorResponse(http.StatusInternalServerError, apiclient.CodeUnknown, "cannot encode the answer", nil)
	}
	return response{status: status, body: bytes.TrimSuffix(buf.Bytes(), []byte("\n")), ctype: jsonType}
}

func emptyResponse(status int) response { return response{status: status} }

func errorResponse(status int, code, msg string, detail any) response {
	return jsonResponse(status, errorBody{Errors: []errorItem{{Code: code, Message: msg, Detail: detail}}})
}

// unauthorized answers 401 UNAUTHORIZED: a bearer token, session or one-time code
// that does not hold. Its messages never tell which part of a credential was wrong.
func unauthorized(msg string) response {
	return errorResponse(http.StatusUnauthorized, apiclient.CodeUnauthorized, msg, nil)
}

// preEncoded is an error answer encoded on first use and shared after: the hottest
// failures under load, and nothing to do at start-up for commands that never serve.
func preEncoded(status int, code, msg string) func() response {
	return sync.OnceValue(func() response { return errorResponse(status, code, msg, nil) })
}

// noStore marks answers that carry a token, so no cache keeps them (RFC 6749,
// section 5.1). Shared and never modified: writeResponse copies it.
var noStore = http.Header{"Cache-Control": {"no-store"}, "Pragma": {"no-cache"}}

// Pre-encoded answers of the hottest failures. A failed login is 400 UNAUTHORIZED
// and a failed refresh 400 UNKNOWN, as PortSIP's authentication guide shows them
// for its token endpoint; /auth/sign_in and /login answer a failed login the same.
var (
	errBadCredentials = preEncoded(http.StatusBadRequest, apiclient.CodeUnauthorized, "Login failed, authentication error")
	errNoToken        = preEncoded(http.StatusUnauthorized, apiclient.CodeUnauthorized, "a valid access token is required (Authorization: Bearer ...)")
)
