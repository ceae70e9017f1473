package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/pbxauth/pbxauth/scenarios"
)

// scope holds the variables of one scenario (or flow) run.
type scope struct {
	vals map[string]any
	// getenv reads the environment; tests replace it.
	getenv func(string) (string, bool)
}

func newScope() *scope { return &scope{vals: map[string]any{}, getenv: os.LookupEnv} }

func (sc *scope) child() *scope { return &scope{vals: map[string]any{}, getenv: sc.getenv} }

func (sc *scope) lookup(name string) (any, error) {
	if env, ok := strings.CutPrefix(name, scenarios.EnvPrefix); ok {
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
			if b.Len()+len(str) > scenarios.MaxExpandBytes {
				return nil, scenarios.ErrExpandTooBig
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
// within scenarios.MaxValueBytes and scenarios.MaxValueDepth.
func (sc *scope) expandValue(v any) (any, error) {
	return sc.expandWithin(v, newBudget(), 0)
}

func (sc *scope) expandWithin(v any, b *budget, depth int) (any, error) {
	if depth > scenarios.MaxValueDepth {
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

// strLen is the length of a string value, 0 for the rest (their size is bounded where
// they come from: the file, or an answer's size limit).
func strLen(v any) int {
	if s, ok := v.(string); ok {
		return len(s)
	}
	return 0
}

var (
	errValueTooBig   = fmt.Errorf("expands to more than %d MiB in all", scenarios.MaxValueBytes>>20)
	errValueTooDeep  = fmt.Errorf("is nested more than %d levels deep", scenarios.MaxValueDepth)
	errBudgetMissing = errors.New("internal: no expansion budget")
)

// budget counts the bytes of strings an expansion has produced.
type budget struct{ left int }

func newBudget() *budget { return &budget{left: scenarios.MaxValueBytes} }

func (b *budget) spend(n int) error {
	if b == nil {
		return errBudgetMissing
	}
	b.left -= n
	if b.left < 0 {
		return errValueTooBig
	}
	return nil
}
