package apiclient

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/pbxauth/pbxauth/internal/boundedjson"
)

// secretKeys are body fields (JSON or form) whose values are redacted.
var secretKeys = map[string]bool{
	"password": true, "new_password": true, "token": true, "access_token": true,
	"refresh_token": true, "code": true, "otp": true, "reset_token": true,
	// The PKCE verifier: with a stolen code it completes the exchange (RFC 7636 1).
	"code_verifier": true,
}

// secretHeaders are headers whose values are redacted.
var secretHeaders = map[string]bool{"Authorization": true, "Cookie": true, "Set-Cookie": true}

// secretQuery are query parameters redacted in URLs (reset links, IdP callbacks).
// The OAuth state is one (RFC 6749 10.12, RFC 9700 4.7.1): it binds a callback to
// the browser that started the flow, and with the code it completes a sign-in.
var secretQuery = map[string]bool{"token": true, "code": true, "access_token": true, "refresh_token": true,
	"id_token": true, "state": true}

// URLSecrets lists the values of an address's secret query and fragment
// parameters (code, state, tokens), for callers that must hide them wherever they
// turn up again (a value captured from a Location header).
func URLSecrets(raw string) []string {
	var out []string
	_, rest, _ := strings.Cut(raw, "?")
	if rest == "" {
		_, rest, _ = strings.Cut(raw, "#")
	}
	for _, pair := range strings.FieldsFunc(rest, func(r rune) bool { return r == '&' || r == ';' || r == '?' || r == '#' }) {
		key, val, ok := strings.Cut(pair, "=")
		if !ok || val == "" || !isSecretQueryKey(key) {
			continue
		}
		out = append(out, val)
		if u, err := url.QueryUnescape(val); err == nil && u != val {
			out = append(out, u)
		}
	}
	return out
}

// IsSecretField reports whether a body field name holds a secret.
func IsSecretField(name string) bool { return secretKeys[strings.ToLower(name)] }

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

// RedactURL hides secret query parameters (token, code, ...) of an address, in the
// query and in the fragment (where implicit OAuth flows put tokens). It works on the
// raw text rather than on url.Parse, so that a malformed address (a bad escape, a
// semicolon separator, a control character) cannot slip its secrets through.
func RedactURL(raw string) string {
	q := strings.IndexByte(raw, '?')
	h := strings.IndexByte(raw, '#')
	switch {
	case q < 0 && h < 0:
		return raw
	case q < 0 || (h >= 0 && h < q):
		return raw[:h+1] + redactPairs(raw[h+1:])
	case h < 0:
		return raw[:q+1] + redactPairs(raw[q+1:])
	default:
		return raw[:q+1] + redactPairs(raw[q+1:h]) + "#" + redactPairs(raw[h+1:])
	}
}

// redactPairs redacts the secret values of an &, ;, ? or # separated key=value list,
// leaving everything else byte for byte.
func redactPairs(s string) string {
	if s == "" {
		return s
	}
	var b strings.Builder
	start := 0
	for i := 0; i <= len(s); i++ {
		// ? and # inside a query or fragment start no new part for url.Parse, but
		// other readers (a log grep, an app parsing its fragment) may split there.
		if i < len(s) && s[i] != '&' && s[i] != ';' && s[i] != '?' && s[i] != '#' {
			continue
		}
		pair := s[start:i]
		key, _, hasValue := strings.Cut(pair, "=")
		if hasValue && isSecretQueryKey(key) {
			// The value runs to the next & or ; for url.Parse, so a ? or # inside
			// it ("token=abc?def") must go too, or its tail would read as the value.
			end := len(s)
			if j := strings.IndexAny(s[i:], "&;"); j >= 0 {
				end = i + j
			}
			b.WriteString(key + "=" + Redacted)
			if end < len(s) {
				b.WriteByte(s[end])
			}
			i, start = end, end+1
			continue
		}
		b.WriteString(pair)
		if i < len(s) {
			b.WriteByte(s[i])
		}
		start = i + 1
	}
	return b.String()
}

func isSecretQueryKey(key string) bool {
	if k, err := url.QueryUnescape(key); err == nil {
		key = k
	}
	key = strings.ToLower(strings.TrimSpace(key))
	// A password sent in a query (by mistake or by a probing test) is as secret
	// as one in a body.
	return secretQuery[key] || secretKeys[key]
}

const formType = "application/x-www-form-urlencoded"

// RedactBody hides secret fields of a JSON or form body. A body that does not parse
// (cut short, or plain text) is scrubbed of anything that looks like a secret field.
func RedactBody(body []byte, contentType string) []byte {
	if len(body) == 0 {
		return body
	}
	// Media types are case-insensitive (RFC 9110 8.3.1).
	if len(contentType) >= len(formType) && strings.EqualFold(contentType[:len(formType)], formType) {
		return []byte(redactForm(string(body)))
	}
	if boundedjson.Check(body) != nil {
		// Walking a document thousands of levels deep costs more than it is worth.
		return scrubText(body)
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return scrubText(body)
	}
	v = redactValue(v)
	out, err := json.Marshal(v)
	if err != nil {
		return scrubText(body)
	}
	return out
}

// redactForm redacts secret fields of a form body without re-encoding the others.
func redactForm(s string) string {
	parts := strings.Split(s, "&")
	for i, p := range parts {
		key, _, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		name := key
		if k, err := url.QueryUnescape(key); err == nil {
			name = k
		}
		if IsSecretField(strings.TrimSpace(name)) {
			parts[i] = key + "=" + Redacted
		}
	}
	return strings.Join(parts, "&")
}

// The scrubbing patterns compile on first use, not in every process's start-up:
// most commands never meet a body that is neither JSON nor a declared form.
var (
	// A "secret": "value" pair in JSON that did not parse, possibly cut off before
	// its closing quote.
	jsonSecretPair = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)("(?:` + alternation(secretKeys) + `)"\s*:\s*)(?:"(?:[^"\\]|\\.)*(?:"|\\?$)|[^\s,}\]"]+)`)
	})
	// A secret=value pair in text that is neither JSON nor a declared form.
	textSecretPair = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b((?:` + alternation(secretKeys, secretQuery) + `)=)[^&;\s"]*`)
	})
)

// alternation is the names of sets as a regexp alternation, so the scrubbing
// patterns name every secret field the structured redaction does, the PKCE
// verifier among them.
func alternation(sets ...map[string]bool) string {
	var names []string
	for _, set := range sets {
		for k := range set {
			if k = regexp.QuoteMeta(k); !slices.Contains(names, k) {
				names = append(names, k)
			}
		}
	}
	slices.Sort(names)
	return strings.Join(names, "|")
}

func scrubText(body []byte) []byte {
	out := jsonSecretPair().ReplaceAll(body, []byte(`$1"`+Redacted+`"`))
	return textSecretPair().ReplaceAll(out, []byte("${1}"+Redacted))
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if k == "errors" {
				if items, ok := val.([]any); ok {
					t[k] = redactErrorItems(items)
					continue
				}
			}
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

// redactErrorItems handles PortSIP's {"errors": [...]}: there "code" is the error
// code (VALIDATE_FAILED), which people need to see, not a one-time code.
func redactErrorItems(items []any) []any {
	for i, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			items[i] = redactValue(it)
			continue
		}
		code, hasCode := m["code"]
		delete(m, "code")
		redactValue(m)
		if hasCode {
			if _, isString := code.(string); isString {
				m["code"] = code
			} else {
				m["code"] = redactValue(code)
			}
		}
	}
	return items
}
