package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Error codes PortSIP documents. Any other code decodes as CodeUnknown, keeping the
// server's text in ErrorItem.RawCode.
const (
	CodeUnknown        = "UNKNOWN"
	CodeValidateFailed = "VALIDATE_FAILED"
	CodeUnauthorized   = "UNAUTHORIZED"
)

var knownCodes = map[string]bool{CodeUnknown: true, CodeValidateFailed: true, CodeUnauthorized: true}

// Sentinels for errors.Is.
var (
	// ErrNetwork wraps failures to reach the PBX (refused, DNS, TLS, reset).
	ErrNetwork = errors.New("network error")
	// ErrTimeout wraps calls that ran out of time.
	ErrTimeout = errors.New("timed out")
)

// ErrorItem is one entry of PortSIP's {"errors": [...]} body.
type ErrorItem struct {
	Code    string          `json:"code"`
	RawCode string          `json:"-"`
	Message string          `json:"message"`
	Detail  json.RawMessage `json:"detail,omitempty"`
}

// APIError is a non-2xx answer from the PBX.
type APIError struct {
	Status int
	Errors []ErrorItem
	// Body is the raw answer (at most 1 MiB), for inspection; Error() never prints it.
	Body []byte
}

// Code is the first error's code, or UNKNOWN.
func (e *APIError) Code() string {
	if len(e.Errors) == 0 {
		return CodeUnknown
	}
	return e.Errors[0].Code
}

// Message is the first error's message, or the HTTP status text.
func (e *APIError) Message() string {
	if len(e.Errors) > 0 && e.Errors[0].Message != "" {
		return e.Errors[0].Message
	}
	if t := http.StatusText(e.Status); t != "" {
		return strings.ToLower(t)
	}
	return "unexpected status"
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("%d %s: %s", e.Status, e.Code(), e.Message())
	// Bodies and details are redacted: a server may echo the fields it refused.
	if len(e.Errors) == 0 && len(e.Body) > 0 {
		s += " (body is not a PortSIP error: " + snippet(RedactBody(e.Body, "")) + ")"
	}
	if len(e.Errors) > 0 && len(e.Errors[0].Detail) > 0 && string(e.Errors[0].Detail) != "null" {
		s += " " + string(RedactBody(e.Errors[0].Detail, "application/json"))
	}
	return s
}

// IsAPIError reports whether err is an *APIError with the given code.
func IsAPIError(err error, code string) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Code() == code
}

// decodeAPIError never fails: any body gives a readable error.
func decodeAPIError(status int, body []byte) *APIError {
	e := &APIError{Status: status, Body: body}
	var parsed struct {
		Errors []ErrorItem `json:"errors"`
	}
	if err := json.Unmarshal(body, &parsed); err == nil {
		for _, it := range parsed.Errors {
			it.RawCode = it.Code
			if !knownCodes[it.Code] {
				it.Code = CodeUnknown
			}
			e.Errors = append(e.Errors, it)
		}
	}
	return e
}

// snippet is a short printable prefix of a body, for error messages about bodies that
// are not JSON (an HTML error page, a proxy's text).
func snippet(b []byte) string {
	const max = 80
	s := strings.Join(strings.Fields(string(b)), " ")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	if len(s) > max {
		s = s[:max] + "…"
	}
	return fmt.Sprintf("%q", s)
}

// TransportError is a call that got no HTTP answer.
type TransportError struct {
	Op  string
	URL string
	Err error
	// Timeout is true when the deadline, not the network, ended the call.
	Timeout bool
}

func (e *TransportError) Error() string {
	kind := "cannot reach the PBX"
	if e.Timeout {
		kind = "timed out"
	}
	// A *url.Error repeats the address unredacted; Op and URL already say it.
	inner := e.Err
	var ue *url.Error
	if errors.As(inner, &ue) {
		inner = ue.Err
	}
	return fmt.Sprintf("%s %s: %s: %v", e.Op, e.URL, kind, inner)
}

func (e *TransportError) Unwrap() []error {
	if e.Timeout {
		return []error{ErrTimeout, e.Err}
	}
	return []error{ErrNetwork, e.Err}
}

func classifyTransport(op, url string, err error) *TransportError {
	te := &TransportError{Op: op, URL: url, Err: err}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		te.Timeout = true
	}
	return te
}

// DecodeError is a 2xx answer whose body is not what the operation promises.
type DecodeError struct {
	Op   string
	Err  error
	Body []byte
}

func (e *DecodeError) Error() string {
	// The body may hold tokens, so only its size is told.
	return fmt.Sprintf("%s: unreadable answer (%d bytes): %v", e.Op, len(e.Body), e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }
