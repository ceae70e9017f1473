package scenarios

import (
	"fmt"
	"strings"
)

// A scenario's variables can refer to each other: v1: "${v0}${v0}", v2: "${v1}${v1}"
// doubles at every line, and forty lines ask for a terabyte. Expansion is therefore
// capped, and `run --check` refuses what is sure to pass the cap or refers to itself.
const (
	// MaxExpandBytes bounds one expanded string.
	MaxExpandBytes = 1 << 20
	// MaxValueBytes bounds the strings of one expanded value (a body, the variables
	// of a scope).
	MaxValueBytes = 16 << 20
	// MaxValueDepth bounds the nesting of a value being expanded.
	MaxValueDepth = 64
)

// ErrExpandTooBig is why a string whose expansion passes MaxExpandBytes is refused.
var ErrExpandTooBig = fmt.Errorf("expands to more than %d KiB (variables that double each other?)", MaxExpandBytes>>10)

// checkVarRefs refuses, at load time (and so at run --check), a variable that refers
// to itself or to one defined after it (vars are read in order, so that could only be
// a cycle or a mistake), and one whose expansion is sure to pass MaxExpandBytes.
func (p *parser) checkVarRefs(vs []Var, what string) {
	index := map[string]int{}
	for i, v := range vs {
		index[v.Name] = i
	}
	size := make([]int, len(vs)) // a lower bound of each variable's expanded length
	for i, v := range vs {
		var refs []string
		walkStrings(v.Value, func(s string) {
			rs, _ := varRefs(s)
			refs = append(refs, rs...)
			size[i] = satAdd(size[i], literalLen(s))
		})
		for _, r := range refs {
			j, ok := index[r]
			switch {
			case !ok:
				continue // --var, the environment or an includer's value: unknown here
			case j == i:
				p.errorAt(v.Pos, "%s %s refers to itself", what, v.Name)
			case j > i:
				p.errorAt(v.Pos, "%s %s refers to %s, which comes after it (they are read in order; a cycle is refused)", what, v.Name, r)
			default:
				size[i] = satAdd(size[i], size[j])
			}
		}
		if size[i] > MaxExpandBytes {
			p.errorAt(v.Pos, "%s %s %v", what, v.Name, ErrExpandTooBig)
			size[i] = 0 // report the first only, not every one built on it
		}
	}
}

// literalLen is the length of s without its ${...} references.
func literalLen(s string) int {
	n := len(s)
	for rest := s; ; {
		i := strings.Index(rest, "${")
		if i < 0 {
			return n
		}
		end := strings.IndexByte(rest[i:], '}')
		if end < 0 {
			return n
		}
		n -= end + 1
		rest = rest[i+end+1:]
	}
}

func satAdd(a, b int) int {
	if a > MaxValueBytes || b > MaxValueBytes {
		return MaxValueBytes + 1
	}
	return a + b
}

func walkStrings(v any, fn func(string)) {
	switch t := v.(type) {
	case string:
		fn(t)
	case map[string]any:
		for _, val := range t {
			walkStrings(val, fn)
		}
	case []any:
		for _, val := range t {
			walkStrings(val, fn)
		}
	}
}
