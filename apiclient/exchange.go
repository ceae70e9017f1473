package apiclient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/internal/boundedjson"
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
	// Truncated says ResponseBody is the first MaxBody bytes of a longer answer.
	Truncated bool `json:"truncated,omitempty"`
}

// Validate checks the exchange against pbxauth's OpenAPI document
// (spec.ValidateExchange): its real values, since redaction can break formats.
func (e *Exchange) Validate() []spec.Violation {
	return spec.ValidateExchange(spec.Exchange{
		Method: e.Method, URL: e.URL, RequestHeader: e.RequestHeader, RequestBody: e.RequestBody,
		Status: e.Status, ResponseHeader: e.ResponseHeader, ResponseBody: e.ResponseBody, Truncated: e.Truncated,
	})
}

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

// PrettyJSON indents a JSON body, keeping its key order, and writes the HTML
// escapes Go servers add (\u0026, \u003c, \u003e) as the characters they stand
// for, so a link reads as a link. Anything that is not JSON comes back unchanged.
func PrettyJSON(body []byte) string {
	if boundedjson.Check(body) != nil {
		// Indenting n levels writes n² spaces: a deep body is shown as it came.
		return string(body)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, bytes.TrimSpace(body), "", "  "); err != nil {
		return string(body)
	}
	return unescapeHTML(out.String())
}

// unescapeHTML rewrites \u0026, \u003c and \u003e inside JSON strings; an
// escaped backslash before them ("\\u0026") is left alone. The input is valid
// JSON, so every backslash starts an escape.
func unescapeHTML(s string) string {
	if !strings.Contains(s, `\u00`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		if s[i+1] == 'u' && i+6 <= len(s) {
			switch strings.ToLower(s[i+2 : i+6]) {
			case "0026":
				b.WriteByte('&')
				i += 5
				continue
			case "003c":
				b.WriteByte('<')
				i += 5
				continue
			case "003e":
				b.WriteByte('>')
				i += 5
				continue
			}
		}
		b.WriteString(s[i : i+2]) // any other escape, kept whole
		i++
	}
	return b.String()
}
