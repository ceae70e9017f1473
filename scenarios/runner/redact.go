package runner

import (
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/scenarios"
)

// minSecretLen keeps short values ("1", "ok") from being blanked everywhere they
// happen to appear.
const minSecretLen = 4

// redactor remembers the secret values one scenario has seen (passwords it sent,
// tokens and codes it captured) and hides them in any text.
type redactor struct {
	mu     sync.Mutex
	values []string
}

func (r *redactor) add(v any) {
	s, ok := v.(string)
	if !ok || len(s) < minSecretLen || s == apiclient.Redacted {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, have := range r.values {
		if have == s {
			return
		}
	}
	r.values = append(r.values, s)
	// JSON and URLs may carry an escaped form.
	if esc := url.QueryEscape(s); esc != s {
		r.values = append(r.values, esc)
	}
	// Longest first, so a secret containing another is hidden whole.
	sort.Slice(r.values, func(i, j int) bool { return len(r.values[i]) > len(r.values[j]) })
}

func (r *redactor) scrub(s string) string {
	if r == nil || s == "" {
		return s
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range r.values {
		if strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, apiclient.Redacted)
		}
	}
	return s
}

// secretName reports whether a variable or field name suggests a secret value.
func secretName(name string) bool {
	n := strings.ToLower(name)
	if n == "token_type" {
		return false // "Bearer": the kind of token, not one
	}
	if apiclient.IsSecretField(n) {
		return true
	}
	for _, w := range []string{"password", "token", "secret", "otp", "cookie", "authorization"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// secretPath reports whether a body path names a secret: one of its fields is
// secret (a value inside a secret object is secret too) and it is not inside
// PortSIP's error list (whose "code" is VALIDATE_FAILED, not a one-time code).
func secretPath(path string) bool {
	segs := scenarios.PathSegments(path)
	for _, s := range segs {
		if s == "errors" {
			return false
		}
	}
	for _, s := range segs {
		if secretName(s) {
			return true
		}
	}
	return lastSegment(path) == "link"
}

// lastSegment is the field name a path ends with.
func lastSegment(path string) string {
	segs := scenarios.PathSegments(path)
	if len(segs) == 0 {
		return ""
	}
	return segs[len(segs)-1]
}

// addSecretFields remembers the values of secret-named fields in a body.
func (r *redactor) addSecretFields(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if secretName(k) {
				r.add(val)
			}
			r.addSecretFields(val)
		}
	case []any:
		for _, val := range t {
			r.addSecretFields(val)
		}
	}
}

// staticSecrets collects the secret values written in scenario files: values of
// secret-named vars, params, flow arguments and body fields. Every scenario's
// redactor starts with all of them, so a password that one scenario sends under a
// neutral name (a raw list body, say) is still hidden because another names it.
func staticSecrets(list []*scenarios.Scenario) *redactor {
	r := &redactor{}
	seen := map[*scenarios.Flow]bool{}
	var steps func([]*scenarios.Step)
	vars := func(vs []scenarios.Var) {
		for _, v := range vs {
			if secretName(v.Name) {
				r.add(v.Value)
			}
			r.addSecretFields(v.Value)
		}
	}
	steps = func(ss []*scenarios.Step) {
		for _, st := range ss {
			r.addSecretFields(st.Body)
			r.addSecretFields(st.Params)
			if !strings.Contains(st.Token, "${") {
				r.add(st.Token)
			}
			if st.Include != nil {
				vars(st.Include.With)
				if f := st.Include.Flow; f != nil && !seen[f] {
					seen[f] = true
					vars(f.Params)
					steps(f.Steps)
				}
			}
		}
	}
	for _, s := range list {
		vars(s.Vars)
		steps(s.Steps)
	}
	// References are not values.
	kept := r.values[:0]
	for _, v := range r.values {
		if !strings.Contains(v, "${") {
			kept = append(kept, v)
		}
	}
	r.values = kept
	return r
}

// clone copies the redactor, so a scenario can add its own secrets to a shared base.
func (r *redactor) clone() *redactor {
	r.mu.Lock()
	defer r.mu.Unlock()
	return &redactor{values: append([]string(nil), r.values...)}
}

// redactValue returns a copy of a decoded JSON value fit to print: values of
// secret-named fields at any depth read [REDACTED] (booleans and nulls say nothing
// and stay), links lose their secret query parameters, and every known secret value
// is scrubbed from strings. PortSIP's error list keeps its codes (VALIDATE_FAILED
// is not a one-time code). It is what failure messages show of a whole body or a
// parent object, since the tokens inside are not captured yet when it is judged.
func (r *redactor) redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			switch {
			case k == "errors":
				out[k] = r.redactErrors(val)
			case secretName(k):
				out[k] = redactLeaf(val)
			case k == "link" || k == "url" || strings.HasSuffix(k, "_link") || strings.HasSuffix(k, "_url"):
				if s, ok := val.(string); ok {
					out[k] = r.scrub(apiclient.RedactURL(s))
					continue
				}
				out[k] = r.redactValue(val)
			default:
				out[k] = r.redactValue(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i := range t {
			out[i] = r.redactValue(t[i])
		}
		return out
	case string:
		return r.scrub(t)
	}
	return v
}

// redactLeaf hides the value of a secret-named field, keeping what tells nothing:
// booleans (password_verified), null and the empty string.
func redactLeaf(v any) any {
	switch t := v.(type) {
	case nil, bool:
		return v
	case string:
		if t == "" {
			return t
		}
	}
	return apiclient.Redacted
}

func (r *redactor) redactErrors(v any) any {
	items, ok := v.([]any)
	if !ok {
		return r.redactValue(v)
	}
	out := make([]any, len(items))
	for i, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			out[i] = r.redactValue(it)
			continue
		}
		code, hasCode := m["code"]
		rest := make(map[string]any, len(m))
		for k, val := range m {
			if k != "code" {
				rest[k] = val
			}
		}
		red := r.redactValue(rest).(map[string]any)
		if s, isString := code.(string); hasCode && isString {
			red["code"] = r.scrub(s)
		} else if hasCode {
			red["code"] = redactLeaf(code)
		}
		out[i] = red
	}
	return out
}

// addResponseSecrets remembers the values of a response's secret-named fields
// (outside the error list) before the response is judged, so a token shows as
// [REDACTED] wherever it turns up, not only once it has been captured.
func (r *redactor) addResponseSecrets(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			switch {
			case k == "errors":
				continue
			case secretName(k):
				r.add(val)
			}
			r.addResponseSecrets(val)
		}
	case []any:
		for _, val := range t {
			r.addResponseSecrets(val)
		}
	}
}
