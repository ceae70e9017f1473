package apiclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pbxauth/pbxauth/internal/boundedjson"
	"github.com/pbxauth/pbxauth/internal/termsafe"
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
	// BodyErr is why Body did not decode as PortSIP's {"errors": [...]}, when it
	// did not; Error() tells it for a body refused as nested too deep.
	BodyErr error
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

// RawCode is the first error's code as the server sent it ("" without errors).
func (e *APIError) RawCode() string {
	if len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].RawCode
}

// DisplayCode is the code as a person should see it: Code, followed by the
// server's own code in parentheses when it was not one pbxauth knows
// ("UNKNOWN (FAULT_INJECTED)"). Code stays UNKNOWN for callers that switch on it,
// but the server's code is what a person needs to look up.
func (e *APIError) DisplayCode() string {
	code := e.Code()
	if raw := e.RawCode(); code == CodeUnknown && raw != "" && raw != CodeUnknown {
		code += " (" + printableCode(raw) + ")"
	}
	return code
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("%d %s: %s", e.Status, e.DisplayCode(), e.Message())
	// Bodies and details are redacted: a server may echo the fields it refused.
	if len(e.Errors) == 0 && len(e.Body) > 0 {
		if errors.Is(e.BodyErr, boundedjson.ErrTooDeep) {
			s += " (body refused: " + e.BodyErr.Error() + ")"
		} else {
			s += " (body is not a PortSIP error: " + snippet(RedactBody(e.Body, "")) + ")"
		}
		// Go's TLS servers (pbxauth mock --tls among them) answer plain HTTP so.
		if e.Status == http.StatusBadRequest && strings.Contains(string(e.Body), "HTTP request to an HTTPS server") {
			s += " (the PBX speaks HTTPS: use an https:// --url)"
		}
	}
	if len(e.Errors) > 0 && len(e.Errors[0].Detail) > 0 && string(e.Errors[0].Detail) != "null" {
		s += " " + string(RedactBody(e.Errors[0].Detail, "application/json"))
	}
	// The message and detail are the server's words: inert on any terminal.
	return termsafe.Line(s)
}

// IsAPIError reports whether err is an *APIError with the given code.
func IsAPIError(err error, code string) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Code() == code
}

// NewAPIError reads a non-2xx answer as the error a call returns; any body gives a
// readable one. Other clients of PortSIP-shaped APIs (the mock's control client) use
// it so their errors read and match like the PBX's.
func NewAPIError(status int, body []byte) *APIError { return decodeAPIError(status, body) }

// decodeAPIError never fails: any body gives a readable error.
func decodeAPIError(status int, body []byte) *APIError {
	e := &APIError{Status: status, Body: body}
	var parsed struct {
		Errors []ErrorItem `json:"errors"`
	}
	if err := boundedjson.Unmarshal(body, &parsed); err != nil {
		e.BodyErr = err
	} else {
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

// printableCode keeps a server-chosen code to one short printable line.
func printableCode(raw string) string {
	const max = 64
	s := strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, strings.ToValidUTF8(raw, "?"))
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return s
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

func (e *TransportError) Error() string { return termsafe.Line(string(scrubText([]byte(e.message())))) }

// message is the error before it is made terminal-safe and scrubbed of secrets:
// the inner error may quote what a server sent (a malformed header line, with an
// IdP callback's code in it).
func (e *TransportError) message() string {
	kind := e.Kind()
	// A *url.Error repeats the address unredacted; Op and URL already say it.
	inner := e.Err
	var ue *url.Error
	if errors.As(inner, &ue) {
		inner = ue.Err
	}
	s := fmt.Sprintf("%s %s: %s: %v", e.Op, e.URL, kind, inner)
	if h := e.Hint(); h != "" {
		s += " (" + h + ")"
	}
	return s
}

// Kind says what happened, for people: the PBX may have been reached and answered
// something that is not HTTP, or the person cancelled; "cannot reach the PBX"
// would send them looking at the network.
func (e *TransportError) Kind() string {
	var pe textproto.ProtocolError
	switch {
	case e.Timeout:
		return "timed out"
	case errors.Is(e.Err, context.Canceled):
		return "cancelled"
	case errors.As(e.Err, &pe), strings.Contains(e.Err.Error(), "malformed HTTP"):
		// net/http wraps these as strings only (malformed status line or code).
		return "the PBX answered, but not with valid HTTP"
	case strings.Contains(e.Err.Error(), "response headers exceeded"):
		// net/http says so in a string only.
		return "the PBX's answer has headers larger than " + byteSize(MaxHeaderBytes) + ": refused"
	case errors.Is(e.Err, io.ErrUnexpectedEOF):
		return "the PBX's answer was cut short"
	case errors.Is(e.Err, io.EOF):
		return "the PBX closed the connection without answering"
	}
	return "cannot reach the PBX"
}

// Hint says what to do about the two failures where the address is right but the
// way of talking to it is not: an https URL for a PBX that speaks plain HTTP, and
// a certificate the system does not trust (PBXs often use self-signed ones). It is
// "" for other failures.
func (e *TransportError) Hint() string {
	var cve *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	switch {
	case errors.Is(e.Err, http.ErrSchemeMismatch):
		return "the PBX speaks plain HTTP: use --url " + plainHTTPAddress(e.URL)
	case errors.As(e.Err, &cve), errors.As(e.Err, &ua):
		return "the PBX's certificate is not trusted: use --insecure to skip verification of self-signed certificates"
	}
	return ""
}

// plainHTTPAddress is the http:// form of an https request URL's host, the
// address to try instead.
func plainHTTPAddress(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "http://..."
	}
	return "http://" + u.Host
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

// RequestError is a request that could not be built, so nothing was sent: a header
// value with a control character (a pasted token with a newline), a header name
// with spaces, a method that is not a token, an address that does not parse. It is
// the caller's mistake, not the network's: it wraps neither ErrNetwork nor
// ErrTimeout. Its message never holds the offending value, which may be a secret.
type RequestError struct {
	Op  string
	Err error
}

func (e *RequestError) Error() string {
	return fmt.Sprintf("%s: cannot send this request: %v", e.Op, e.Err)
}

func (e *RequestError) Unwrap() error { return e.Err }

// ErrTooLarge is what an answer over MaxBody gives, for errors.Is.
var ErrTooLarge = errors.New("answer too large")

// TooLargeError is an answer longer than the client reads. Only its first Limit
// bytes were read; the rest was left unread, so it is not an answer to judge.
type TooLargeError struct {
	Op     string
	Status int
	Limit  int
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: the answer (status %d) is larger than %s: refused, only its first %s were read",
		e.Op, e.Status, byteSize(e.Limit), byteSize(e.Limit))
}

// Unwrap makes errors.Is(err, ErrTooLarge) hold.
func (e *TooLargeError) Unwrap() error { return ErrTooLarge }

func byteSize(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
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
