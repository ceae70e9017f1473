package apiclient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/pbxauth/pbxauth/internal/boundedjson"
)

// exchangeJSON is the stored form of an Exchange. Bodies are embedded as JSON when
// they are a JSON object or array, and as a string otherwise.
type exchangeJSON struct {
	Operation      string          `json:"operation,omitempty"`
	Method         string          `json:"method"`
	URL            string          `json:"url"`
	RequestHeader  http.Header     `json:"request_header,omitempty"`
	RequestBody    json.RawMessage `json:"request_body,omitempty"`
	Status         int             `json:"status,omitempty"`
	ResponseHeader http.Header     `json:"response_header,omitempty"`
	ResponseBody   json.RawMessage `json:"response_body,omitempty"`
	Started        time.Time       `json:"started"`
	Duration       time.Duration   `json:"duration_ns"`
	Err            string          `json:"error,omitempty"`
	Truncated      bool            `json:"truncated,omitempty"`
	Redacted       bool            `json:"redacted"`
}

// MarshalJSON always writes the redacted exchange: history files and reports are
// stored, shared and attached to tickets, so there is no way to put a secret in them.
// It has a value receiver so that an Exchange held by value is redacted too.
func (e Exchange) MarshalJSON() ([]byte, error) {
	r := e.Redact()
	return json.Marshal(exchangeJSON{
		Operation: r.Operation, Method: r.Method, URL: r.URL,
		RequestHeader: r.RequestHeader, RequestBody: embedBody(r.RequestBody),
		Status: r.Status, ResponseHeader: r.ResponseHeader, ResponseBody: embedBody(r.ResponseBody),
		Started: r.Started, Duration: r.Duration, Err: r.Err, Truncated: r.Truncated, Redacted: true,
	})
}

// UnmarshalJSON reads what MarshalJSON wrote. The result holds [REDACTED] where
// the original held secrets.
func (e *Exchange) UnmarshalJSON(b []byte) error {
	var j exchangeJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	req, err := unembedBody(j.RequestBody)
	if err != nil {
		return fmt.Errorf("request_body: %w", err)
	}
	resp, err := unembedBody(j.ResponseBody)
	if err != nil {
		return fmt.Errorf("response_body: %w", err)
	}
	*e = Exchange{
		Operation: j.Operation, Method: j.Method, URL: j.URL,
		RequestHeader: j.RequestHeader, RequestBody: req,
		Status: j.Status, ResponseHeader: j.ResponseHeader, ResponseBody: resp,
		Started: j.Started, Duration: j.Duration, Err: j.Err, Truncated: j.Truncated,
	}
	return nil
}

// embedBody keeps objects and arrays as JSON, so reports stay readable and
// queryable; anything else (text, HTML, a bare JSON scalar) becomes a string, which
// keeps the round trip unambiguous.
func embedBody(body []byte) json.RawMessage {
	if len(body) == 0 {
		return nil
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') && boundedjson.Valid(trimmed) {
		var out bytes.Buffer
		if json.Compact(&out, trimmed) == nil {
			return out.Bytes()
		}
	}
	s, _ := json.Marshal(string(body)) // a Go string always marshals
	return s
}

func unembedBody(raw json.RawMessage) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return []byte(s), nil
	}
	return append([]byte(nil), raw...), nil
}

// String is a one-line, redacted summary, so %v and %s of an exchange are safe.
func (e Exchange) String() string {
	s := e.Method + " " + RedactURL(e.URL)
	switch {
	case e.Err != "":
		s += " ! " + e.Err
	case e.Status != 0:
		s += fmt.Sprintf(" -> %d (%s)", e.Status, e.Duration.Round(time.Microsecond))
	}
	return s
}

// GoString keeps %#v redacted too.
func (e Exchange) GoString() string { return "apiclient.Exchange{" + e.String() + "}" }

// LogValue logs the redacted exchange.
func (e Exchange) LogValue() slog.Value {
	r := e.Redact()
	return slog.GroupValue(
		slog.String("operation", r.Operation),
		slog.String("method", r.Method),
		slog.String("url", r.URL),
		slog.Int("status", r.Status),
		slog.Duration("duration", r.Duration),
		slog.String("request_body", string(r.RequestBody)),
		slog.String("response_body", string(r.ResponseBody)),
		slog.String("error", r.Err),
	)
}
