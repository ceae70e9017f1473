package apiclient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Exchange is one request and its answer as they crossed the wire, for the
// inspector, the history, reports and spec checks. Its fields hold real values;
// use Redact, Curl(false) or Dump(false) before showing or storing one.
type Exchange struct {
	Operation      string        `json:"operation,omitempty"`
	Method         string        `json:"method"`
	URL            string        `json:"url"`
	RequestHeader  http.Header   `json:"request_header,omitempty"`
	RequestBody    []byte        `json:"-"`
	Status         int           `json:"status,omitempty"`
	ResponseHeader http.Header   `json:"response_header,omitempty"`
	ResponseBody   []byte        `json:"-"`
	Started        time.Time     `json:"started"`
	Duration       time.Duration `json:"duration_ns"`
	// Err is the transport failure, when no answer came.
	Err string `json:"error,omitempty"`
}

// secretKeys are body fields (JSON or form) whose values are redacted.
var secretKeys = map[string]bool{
	"password": true, "new_password": true, "token": true, "access_token": true,
	"refresh_token": true, "code": true, "otp": true, "reset_token": true,
}

// secretHeaders are headers whose values are redacted.
var secretHeaders = map[string]bool{"Authorization": true, "Cookie": true, "Set-Cookie": true}

// secretQuery are query parameters redacted in URLs (reset links, IdP callbacks).
var secretQuery = map[string]bool{"token": true, "code": true, "access_token": true, "refresh_token": true}

// IsSecretField reports whether a body field name holds a secret.
func IsSecretField(name string) bool { return secretKeys[strings.ToLower(name)] }

// Redact returns a copy with passwords, tokens, codes, cookies and the Authorization
// header replaced by [REDACTED].
func (e *Exchange) Redact() *Exchange {
	c := *e
	c.URL = RedactURL(e.URL)
	c.RequestHeader = redactHeader(e.RequestHeader)
	c.ResponseHeader = redactHeader(e.ResponseHeader)
	c.RequestBody = RedactBody(e.RequestBody, headerGet(e.RequestHeader, "Content-Type"))
	c.ResponseBody = RedactBody(e.ResponseBody, headerGet(e.ResponseHeader, "Content-Type"))
	return &c
}

func headerGet(h http.Header, k string) string {
	if h == nil {
		return ""
	}
	return h.Get(k)
}

func redactHeader(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := h.Clone()
	for k := range out {
		if secretHeaders[http.CanonicalHeaderKey(k)] {
			for i, v := range out[k] {
				out[k][i] = redactHeaderValue(k, v)
			}
		}
		if http.CanonicalHeaderKey(k) == "Location" {
			for i, v := range out[k] {
				out[k][i] = RedactURL(v)
			}
		}
	}
	return out
}

func redactHeaderValue(key, v string) string {
	switch http.CanonicalHeaderKey(key) {
	case "Authorization":
		if scheme, _, ok := strings.Cut(v, " "); ok {
			return scheme + " " + Redacted
		}
		return Redacted
	case "Cookie", "Set-Cookie":
		// Keep cookie names and attributes, hide the values.
		parts := strings.Split(v, ";")
		for i, p := range parts {
			name, _, ok := strings.Cut(p, "=")
			if !ok {
				continue
			}
			if i == 0 || http.CanonicalHeaderKey(key) == "Cookie" {
				parts[i] = name + "=" + Redacted
			}
		}
		return strings.Join(parts, ";")
	}
	return Redacted
}

// RedactURL hides secret query parameters (token, code, ...) of an address.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return raw
	}
	q := u.Query()
	changed := false
	for k := range q {
		if secretQuery[strings.ToLower(k)] {
			q[k] = []string{Redacted}
			changed = true
		}
	}
	if !changed {
		return raw
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// RedactBody hides secret fields of a JSON or form body. A body that is neither is
// returned as is: it has no named fields to hide.
func RedactBody(body []byte, contentType string) []byte {
	if len(body) == 0 {
		return body
	}
	if strings.HasPrefix(contentType, "application/x-www-form-urlencoded") {
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return body
		}
		for k := range q {
			if IsSecretField(k) {
				q[k] = []string{Redacted}
			}
		}
		return []byte(q.Encode())
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return body
	}
	v = redactValue(v)
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if IsSecretField(k) {
				if s, ok := val.(string); ok && s == "" {
					continue
				}
				t[k] = Redacted
				continue
			}
			if k == "link" || k == "url" || k == "reset_link" {
				if s, ok := val.(string); ok {
					t[k] = RedactURL(s)
					continue
				}
			}
			t[k] = redactValue(val)
		}
	case []any:
		for i := range t {
			t[i] = redactValue(t[i])
		}
	}
	return v
}

// Curl renders the request as a curl command line. Unless reveal is true, secrets
// are replaced by [REDACTED], so the command can be pasted into a ticket.
func (e *Exchange) Curl(reveal bool) string {
	x := e
	if !reveal {
		x = e.Redact()
	}
	var b strings.Builder
	b.WriteString("curl")
	if x.Method != http.MethodGet {
		b.WriteString(" -X " + x.Method)
	}
	b.WriteString(" " + shellQuote(x.URL))
	keys := make([]string, 0, len(x.RequestHeader))
	for k := range x.RequestHeader {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "User-Agent" || k == "Accept-Encoding" || k == "Content-Length" {
			continue
		}
		for _, v := range x.RequestHeader[k] {
			b.WriteString(" \\\n  -H " + shellQuote(k+": "+v))
		}
	}
	if len(x.RequestBody) > 0 {
		b.WriteString(" \\\n  --data-raw " + shellQuote(string(x.RequestBody)))
	}
	return b.String()
}

// shellQuote wraps s in single quotes for POSIX shells.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Dump renders the exchange as text: request line, headers, body, then the answer
// with its status and duration. JSON bodies are indented.
func (e *Exchange) Dump(reveal bool) string {
	x := e
	if !reveal {
		x = e.Redact()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "> %s %s\n", x.Method, x.URL)
	writeHeaders(&b, "> ", x.RequestHeader)
	if len(x.RequestBody) > 0 {
		b.WriteString(PrettyJSON(x.RequestBody) + "\n")
	}
	if x.Err != "" {
		fmt.Fprintf(&b, "! %s (after %s)\n", x.Err, x.Duration.Round(time.Microsecond))
		return b.String()
	}
	fmt.Fprintf(&b, "< %d %s (%s)\n", x.Status, http.StatusText(x.Status), x.Duration.Round(time.Microsecond))
	writeHeaders(&b, "< ", x.ResponseHeader)
	if len(x.ResponseBody) > 0 {
		b.WriteString(PrettyJSON(x.ResponseBody) + "\n")
	}
	return b.String()
}

func writeHeaders(b *strings.Builder, prefix string, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s%s: %s\n", prefix, k, v)
		}
	}
}

// PrettyJSON indents a JSON body; anything else comes back unchanged.
func PrettyJSON(body []byte) string {
	var out bytes.Buffer
	if err := json.Indent(&out, bytes.TrimSpace(body), "", "  "); err != nil {
		return string(body)
	}
	return out.String()
}
