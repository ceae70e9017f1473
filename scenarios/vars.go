package scenarios

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// envPrefix marks a variable read from the process environment: ${env.HOME}.
const envPrefix = "env."

// varRefs lists the variable names a string refers to with ${name}, or an error for
// a malformed reference. "$$" is a literal "$".
func varRefs(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			continue
		}
		switch s[i+1] {
		case '$':
			i++
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return nil, fmt.Errorf("unterminated ${ in %q", s)
			}
			name := s[i+2 : i+2+end]
			if !validVarName(strings.TrimPrefix(name, envPrefix)) {
				return nil, fmt.Errorf("bad variable name %q (letters, digits and _; env.NAME for the environment)", name)
			}
			out = append(out, name)
			i += 2 + end
		}
	}
	return out, nil
}

func validVarName(n string) bool {
	if n == "" {
		return false
	}
	for i, r := range n {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// scope holds the variables of one scenario (or flow) run.
type scope struct {
	vals map[string]any
	// getenv reads the environment; tests replace it.
	getenv func(string) (string, bool)
}

func newScope() *scope { return &scope{vals: map[string]any{}, getenv: os.LookupEnv} }

func (sc *scope) child() *scope { return &scope{vals: map[string]any{}, getenv: sc.getenv} }

func (sc *scope) lookup(name string) (any, error) {
	if env, ok := strings.CutPrefix(name, envPrefix); ok {
		v, ok := sc.getenv(env)
		if !ok {
			return nil, fmt.Errorf("environment variable %s is not set", env)
		}
		return v, nil
	}
	v, ok := sc.vals[name]
	if !ok {
		return nil, fmt.Errorf("variable %s has no value (give it with --var %s=...)", name, name)
	}
	return v, nil
}

// expandString replaces every ${name} in s. A string that is exactly one reference
// keeps the variable's type (a captured number stays a number).
func (sc *scope) expand(s string) (any, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	if strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}") && strings.Count(s, "${") == 1 && !strings.Contains(s, "$$") {
		return sc.lookup(s[2 : len(s)-1])
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return nil, fmt.Errorf("unterminated ${ in %q", s)
			}
			v, err := sc.lookup(s[i+2 : i+2+end])
			if err != nil {
				return nil, err
			}
			str := stringify(v)
			if b.Len()+len(str) > maxExpandBytes {
				return nil, errExpandTooBig
			}
			b.WriteString(str)
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String(), nil
}

// expandText is expand for places that need a string (paths, headers, tokens).
func (sc *scope) expandText(s string) (string, error) {
	v, err := sc.expand(s)
	if err != nil {
		return "", err
	}
	return stringify(v), nil
}

// expandValue expands every string inside a YAML value (mappings, lists, scalars),
// within maxValueBytes and maxValueDepth.
func (sc *scope) expandValue(v any) (any, error) {
	return sc.expandWithin(v, newBudget(), 0)
}

func (sc *scope) expandWithin(v any, b *budget, depth int) (any, error) {
	if depth > maxValueDepth {
		return nil, errValueTooDeep
	}
	switch t := v.(type) {
	case string:
		ev, err := sc.expand(t)
		if err == nil {
			err = b.spend(strLen(ev))
		}
		return ev, err
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			ev, err := sc.expandWithin(val, b, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = ev
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, val := range t {
			ev, err := sc.expandWithin(val, b, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = ev
		}
		return out, nil
	}
	return v, nil
}

// stringify renders a value as text: strings as they are, the rest as JSON.
func stringify(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case nil:
		return ""
	case bool:
		return strconv.FormatBool(t)
	case int:
		return strconv.Itoa(t)
	case json.Number:
		return t.String()
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

type envRef struct {
	name string
	pos  Pos
}

// envRefs lists the ${env.NAME} references of a scenario (its vars, its steps and
// the flows it includes), each once.
func envRefs(s *Scenario) []envRef {
	var out []envRef
	seen := map[string]bool{}
	var walk func(v any, pos Pos)
	walk = func(v any, pos Pos) {
		switch t := v.(type) {
		case string:
			refs, _ := varRefs(t)
			for _, r := range refs {
				if name, ok := strings.CutPrefix(r, envPrefix); ok && !seen[name] {
					seen[name] = true
					out = append(out, envRef{name, pos})
				}
			}
		case map[string]any:
			for _, k := range sortedKeys(t) {
				walk(t[k], pos)
			}
		case map[string]string:
			for _, k := range sortedKeys(t) {
				walk(t[k], pos)
			}
		case []any:
			for _, it := range t {
				walk(it, pos)
			}
		}
	}
	vars := func(vs []Var) {
		for _, v := range vs {
			walk(v.Value, v.Pos)
		}
	}
	flows := map[*Flow]bool{}
	var steps func([]*Step)
	steps = func(ss []*Step) {
		for _, st := range ss {
			for _, v := range []any{st.Body, st.Params, st.Headers, st.Token, st.Path, st.Clock} {
				walk(v, st.Pos)
			}
			if st.Outbox != nil {
				walk([]any{st.Outbox.To, st.Outbox.Kind, st.Outbox.Domain, st.Outbox.Token}, st.Pos)
			}
			for _, as := range [][]Assertion{st.Expect.Body, st.Expect.Header} {
				for _, a := range as {
					walk(a.Value, a.Pos)
					walk(a.Pattern, a.Pos)
				}
			}
			if st.Include != nil {
				vars(st.Include.With)
				if f := st.Include.Flow; f != nil && !flows[f] {
					flows[f] = true
					vars(f.Params)
					steps(f.Steps)
				}
			}
		}
	}
	vars(s.Vars)
	steps(s.Steps)
	return out
}
