package apiclient

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// Seeds live in testdata/fuzz/<FuzzName>; `go test` replays them, and
// `go test -fuzz=FuzzRedactBody ./apiclient` explores from them.

// FuzzRedactBody: whatever the body, redaction never panics, and no value that
// sat under a secret key of a JSON or form body survives it.
func FuzzRedactBody(f *testing.F) {
	f.Add([]byte(`{"username":"alice","password":"hunter22"}`), false)
	f.Add([]byte(`{"a":[{"Token":"tok-123"}],"code":918273}`), false)
	f.Add([]byte(`domain=x&password=pw123&new_password=np456`), true)
	f.Add([]byte(`{"password":"cut`), false)
	f.Fuzz(func(t *testing.T, body []byte, form bool) {
		ct := "application/json"
		if form {
			ct = "application/x-www-form-urlencoded"
		}
		out := RedactBody(body, ct)
		if form {
			checkFormRedacted(t, body, out)
			return
		}
		checkJSONRedacted(t, body, out)
	})
}

func checkFormRedacted(t *testing.T, in, out []byte) {
	q, _ := url.ParseQuery(string(out)) // pairs Go cannot parse are not fields
	for k, vs := range q {
		if !IsSecretField(k) {
			continue
		}
		for _, v := range vs {
			if v != Redacted && v != "" { // a key without a value hides nothing
				t.Fatalf("form field %q kept %q\n in: %q\nout: %q", k, v, in, out)
			}
		}
	}
}

func checkJSONRedacted(t *testing.T, in, out []byte) {
	var tree any
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.UseNumber()
	if dec.Decode(&tree) != nil {
		return // not JSON: the scrubber's best effort has no exact oracle
	}
	// The secrets, and the input's text with them blanked out: a secret that also
	// appears in that text (as a key, or another field's value) may legitimately
	// appear in the output.
	var secrets []string
	blanked := blankSecrets(tree, &secrets)
	rest, _ := json.Marshal(blanked)
	allowed := string(rest) + Redacted
	for _, s := range secrets {
		if len(s) < 3 || strings.Contains(allowed, s) {
			continue
		}
		if bytes.Contains(out, []byte(s)) {
			t.Fatalf("secret %q survived\n in: %q\nout: %q", s, in, out)
		}
	}
}

// blankSecrets replaces every secret value with "" and collects the values (their
// JSON text for non-strings), as RedactBody must hide them.
func blankSecrets(v any, secrets *[]string) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if items, ok := val.([]any); ok && k == "errors" {
				// An error item's string "code" is PortSIP's error code, shown on purpose.
				for _, it := range items {
					if m, ok := it.(map[string]any); ok {
						if c, ok := m["code"].(string); ok {
							delete(m, "code")
							blankSecrets(m, secrets)
							m["code"] = c
							continue
						}
					}
					blankSecrets(it, secrets)
				}
				continue
			}
			if IsSecretField(k) {
				if s, ok := val.(string); ok {
					*secrets = append(*secrets, s)
				} else {
					b, _ := json.Marshal(val)
					*secrets = append(*secrets, string(b))
				}
				t[k] = ""
				continue
			}
			t[k] = blankSecrets(val, secrets)
		}
	case []any:
		for i := range t {
			t[i] = blankSecrets(t[i], secrets)
		}
	}
	return v
}

// FuzzRedactURL: no panic, and neither Go's URL parser nor a plain split of the
// query and fragment finds a secret parameter with its value left in.
func FuzzRedactURL(f *testing.F) {
	f.Add("https://app.example.com/reset?token=abc123&user=alice")
	f.Add("https://app/cb#access_token=xyz&state=1")
	f.Add("https://app/cb?a=1;code=999&%74oken=t")
	f.Add("https://app/\x7f?token=abc%zz")
	f.Fuzz(func(t *testing.T, raw string) {
		out := RedactURL(raw)
		if u, err := url.Parse(out); err == nil {
			for k, vs := range u.Query() {
				if isSecretQueryKey(k) {
					for _, v := range vs {
						if v != Redacted && v != "" {
							t.Fatalf("query %q kept %q\n in: %q\nout: %q", k, v, raw, out)
						}
					}
				}
			}
		}
		rest := out
		if i := strings.IndexAny(rest, "?#"); i >= 0 {
			rest = rest[i+1:]
		} else {
			rest = ""
		}
		for _, pair := range strings.FieldsFunc(rest, func(r rune) bool { return r == '&' || r == ';' || r == '#' || r == '?' }) {
			k, v, ok := strings.Cut(pair, "=")
			if ok && isSecretQueryKey(k) && v != "" && v != Redacted {
				t.Fatalf("pair %q kept its value\n in: %q\nout: %q", pair, raw, out)
			}
		}
	})
}

// FuzzDecodeAPIError: any status and body give a readable error with a known code.
func FuzzDecodeAPIError(f *testing.F) {
	f.Add(400, []byte(`{"errors":[{"code":"VALIDATE_FAILED","message":"m","detail":{"f":"x"}}]}`))
	f.Add(403, []byte(`{"errors":[{"code":"TENANT_SUSPENDED","message":"m"}]}`))
	f.Add(500, []byte(`<html>oops</html>`))
	f.Add(401, []byte(``))
	f.Add(0, []byte(`{"errors":[{"code":`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := decodeAPIError(status, body)
		msg := e.Error()
		if msg == "" || e.Message() == "" {
			t.Fatal("empty message")
		}
		if !knownCodes[e.Code()] {
			t.Fatalf("code %q is not a known code", e.Code())
		}
		for _, it := range e.Errors {
			if !knownCodes[it.Code] || (it.Code != CodeUnknown && it.Code != it.RawCode) {
				t.Fatalf("item code %q from raw %q", it.Code, it.RawCode)
			}
		}
		_ = e.GoString()
	})
}
