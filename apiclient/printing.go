package apiclient

import (
	"fmt"
	"log/slog"
)

// The types below hold wire bodies ([]byte) that may carry passwords and tokens;
// %s would print them as text. Their String, GoString and LogValue methods print
// redacted summaries instead, so no fmt verb or slog handler can leak them.

// String summarises the request with secrets redacted.
func (r Request) String() string {
	s := fmt.Sprintf("%s %s", r.Method, RedactURL(r.Path))
	if len(r.Query) > 0 {
		s += " ?" + RedactURL("?" + r.Query.Encode())[1:]
	}
	if len(r.Body) > 0 {
		s += " " + string(RedactBody(r.Body, r.ContentType))
	}
	if !r.Bearer.IsZero() {
		s += " (bearer " + Redacted + ")"
	}
	return s
}

// GoString keeps %#v redacted.
func (r Request) GoString() string { return "apiclient.Request{" + r.String() + "}" }

// LogValue logs the redacted request.
func (r Request) LogValue() slog.Value { return slog.StringValue(r.String()) }

// String summarises the answer with secrets redacted.
func (r Response) String() string {
	s := fmt.Sprintf("%d", r.Status)
	if len(r.Body) > 0 {
		s += " " + string(RedactBody(r.Body, r.Header.Get("Content-Type")))
	}
	return s
}

// GoString keeps %#v redacted.
func (r Response) GoString() string { return "apiclient.Response{" + r.String() + "}" }

// LogValue logs the redacted answer.
func (r Response) LogValue() slog.Value { return slog.StringValue(r.String()) }

// GoString keeps %#v of an API error to its message (the raw body may hold tokens).
func (e *APIError) GoString() string { return "&apiclient.APIError{" + e.Error() + "}" }

// LogValue logs the error message only.
func (e *APIError) LogValue() slog.Value { return slog.StringValue(e.Error()) }

// GoString keeps %#v of a decode error to its message.
func (e *DecodeError) GoString() string { return "&apiclient.DecodeError{" + e.Error() + "}" }

// LogValue logs the error message only.
func (e *DecodeError) LogValue() slog.Value { return slog.StringValue(e.Error()) }

// GoString keeps %#v of a transport error to its message.
func (e *TransportError) GoString() string {
	return "&apiclient.TransportError{" + e.Error() + "}"
}
