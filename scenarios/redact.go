package scenarios

import (
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/pbxauth/pbxauth/apiclient"
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

// secretPath reports whether a body path names a secret: its last field is secret
// and it is not inside PortSIP's error list (whose "code" is VALIDATE_FAILED, not a
// one-time code).
func secretPath(path string) bool {
	for _, s := range pathSegments(path) {
		if s == "errors" {
			return false
		}
	}
	return secretName(lastSegment(path)) || lastSegment(path) == "link"
}

// lastSegment is the field name a path ends with.
func lastSegment(path string) string {
	segs := pathSegments(path)
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
func staticSecrets(list []*Scenario) *redactor {
	r := &redactor{}
	seen := map[*Flow]bool{}
	var steps func([]*Step)
	vars := func(vs []Var) {
		for _, v := range vs {
			if secretName(v.Name) {
				r.add(v.Value)
			}
			r.addSecretFields(v.Value)
		}
	}
	steps = func(ss []*Step) {
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
