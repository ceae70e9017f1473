package scenarios

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
)

// EnvPrefix marks a variable read from the process environment: ${env.HOME}.
const EnvPrefix = "env."

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
			if !validVarName(strings.TrimPrefix(name, EnvPrefix)) {
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
				if name, ok := strings.CutPrefix(r, EnvPrefix); ok && !seen[name] {
					seen[name] = true
					out = append(out, envRef{name, pos})
				}
			}
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(t)) {
				walk(t[k], pos)
			}
		case map[string]string:
			for _, k := range slices.Sorted(maps.Keys(t)) {
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

// MissingVars lists, per scenario, the variables declared without a value (null)
// that vars does not give, and the ${env.NAME} variables that are not set, whatever
// the target: for `run --check`, which has no runner (os.LookupEnv when getenv is nil).
func MissingVars(list []*Scenario, vars map[string]string, getenv func(string) (string, bool)) []string {
	var out []string
	for _, s := range list {
		for _, v := range s.Vars {
			if _, ok := vars[v.Name]; !ok && v.Value == nil {
				out = append(out, fmt.Sprintf("%s: scenario %q needs --var %s=...", v.Pos, s.Name, v.Name))
			}
		}
	}
	return append(out, UnsetEnv(list, getenv)...)
}

// UnsetEnv lists the ${env.NAME} references of the scenarios whose variable is not
// set (os.LookupEnv when getenv is nil). A file naming the environment says where
// its value comes from, so a missing one is a usage error, not a skip.
func UnsetEnv(list []*Scenario, getenv func(string) (string, bool)) []string {
	if getenv == nil {
		getenv = os.LookupEnv
	}
	var out []string
	for _, s := range list {
		for _, ref := range envRefs(s) {
			if _, ok := getenv(ref.name); !ok {
				out = append(out, fmt.Sprintf("%s: scenario %q reads the environment variable %s, which is not set", ref.pos, s.Name, ref.name))
			}
		}
	}
	return out
}
