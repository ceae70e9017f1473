package scenarios

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

var expectFields = []string{"status", "body", "body_optional", "headers"}

var matcherFields = []string{OpEquals, OpNotEquals, OpExists, OpAbsent, OpMatches, OpType, OpBetween}

// JSON types a "type" assertion can name.
var jsonTypes = []string{"string", "number", "integer", "boolean", "object", "array", "null"}

var captureFields = []string{FromBody, FromHeader, "regex"}

func (p *parser) expect(n *yaml.Node, kind StepKind) Expect {
	var e Expect
	p.eachField(n, "expect", expectFields, func(key string, k, v *yaml.Node) {
		switch key {
		case "status":
			if kind == KindOutbox {
				p.errorf(k, "an outbox step has no status; assert on the mail under body")
				return
			}
			e.Status = p.statuses(v)
		case "body":
			e.Body = p.assertions(v, "body")
		case "body_optional":
			if kind == KindOutbox {
				p.errorf(k, "an outbox step always has a mail to read")
				return
			}
			e.BodyOptional = p.boolean(v, "body_optional")
		case "headers":
			if kind == KindOutbox {
				p.errorf(k, "an outbox step has no headers")
				return
			}
			e.Header = p.assertions(v, "headers")
		}
	})
	return e
}

func (p *parser) statuses(n *yaml.Node) []int {
	nodes := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		nodes = n.Content
	}
	var out []int
	for _, s := range nodes {
		if c, ok := statusClass(s); ok {
			out = append(out, c)
			continue
		}
		code, err := strconv.Atoi(s.Value)
		if s.Kind != yaml.ScalarNode || err != nil || code < 100 || code > 599 {
			p.errorf(s, "status must be an HTTP status (100-599), a class (4XX), or a list of them, found %s", kindName(s))
			continue
		}
		out = append(out, code)
	}
	return out
}

// statusClass reads "4XX" (any case) as the class 4.
func statusClass(n *yaml.Node) (int, bool) {
	v := strings.ToUpper(n.Value)
	if n.Kind != yaml.ScalarNode || len(v) != 3 || v[1:] != "XX" || v[0] < '1' || v[0] > '5' {
		return 0, false
	}
	return int(v[0] - '0'), true
}

// StatusMatches reports whether an answer's status is one of want (codes or classes).
func StatusMatches(status int, want []int) bool {
	for _, w := range want {
		if status == w || (w <= 5 && status/100 == w) {
			return true
		}
	}
	return false
}

// StatusName writes a wanted status as the document does: 401, or 4XX for a class.
func StatusName(w int) string {
	if w <= 5 {
		return fmt.Sprintf("%dXX", w)
	}
	return strconv.Itoa(w)
}

// assertions reads "path: matcher" pairs. A scalar or list is shorthand for equals;
// a mapping must be a matcher, so comparing to an object takes {equals: {...}}.
func (p *parser) assertions(n *yaml.Node, what string) []Assertion {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "expect %s must be a mapping of paths to matchers, found %s", what, kindName(n))
		return nil
	}
	var out []Assertion
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if what == "body" {
			if err := checkPath(k.Value); err != nil {
				p.errorf(k, "%v", err)
				continue
			}
		}
		base := Assertion{Path: k.Value, Pos: p.pos(k)}
		if v.Kind != yaml.MappingNode {
			base.Op, base.Value = OpEquals, p.value(v)
			out = append(out, base)
			continue
		}
		if len(v.Content) == 0 {
			p.errorf(v, "empty matcher for %q: give one of %s", k.Value, strings.Join(matcherFields, ", "))
		}
		p.eachField(v, "matcher of "+k.Value, matcherFields, func(op string, mk, mv *yaml.Node) {
			a := base
			a.Op, a.Pos = op, p.pos(mk)
			switch op {
			case OpEquals, OpNotEquals:
				a.Value = p.value(mv)
			case OpExists, OpAbsent:
				if mv.Tag != "!!bool" || mv.Value != "true" {
					p.errorf(mv, "%s takes true", op)
					return
				}
			case OpMatches:
				a.Pattern = p.str(mv, "matches")
				if !strings.Contains(a.Pattern, "${") {
					re, err := regexp.Compile(a.Pattern)
					if err != nil {
						p.errorf(mv, "bad regexp %q: %v", a.Pattern, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
						return
					}
					a.Re = re
				}
			case OpType:
				t := p.str(mv, "type")
				if !contains(jsonTypes, t) {
					p.errorf(mv, "unknown type %q (types: %s)", t, strings.Join(jsonTypes, ", "))
					return
				}
				a.Value = t
			case OpBetween:
				lo, hi, ok := p.numberRange(mv)
				if !ok {
					return
				}
				a.Min, a.Max = lo, hi
			}
			out = append(out, a)
		})
	}
	return out
}

// checkPath refuses body paths that can never match: empty segments.
func checkPath(path string) error {
	if path == "" || path == "/" {
		return nil // the whole body
	}
	segs := PathSegments(path)
	for _, s := range segs {
		if s == "" {
			return fmt.Errorf("bad path %q: empty segment", path)
		}
	}
	return nil
}

func (p *parser) captures(n *yaml.Node, kind StepKind) []Capture {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "capture must be a mapping of variable names to paths, found %s", kindName(n))
		return nil
	}
	var out []Capture
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !validVarName(k.Value) {
			p.errorf(k, "bad variable name %q (letters, digits and _)", k.Value)
			continue
		}
		c := Capture{Name: k.Value, From: FromBody, Pos: p.pos(k)}
		if v.Kind == yaml.ScalarNode {
			c.Path = v.Value
		} else {
			p.eachField(v, "capture "+k.Value, captureFields, func(key string, _, fv *yaml.Node) {
				switch key {
				case FromBody, FromHeader:
					if c.Path != "" {
						p.errorf(fv, "capture %s: give body or header, not both", k.Value)
					}
					c.From, c.Path = key, p.str(fv, key)
				case "regex":
					re, err := regexp.Compile(p.str(fv, "regex"))
					if err != nil {
						p.errorf(fv, "bad regexp: %v", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
						return
					}
					c.Regex = re
				}
			})
			if v.Kind == yaml.MappingNode && c.Path == "" && fieldNode(v, FromBody) == nil {
				p.errorf(v, "capture %s: say where from (body: PATH or header: NAME)", k.Value)
				continue
			}
		}
		if c.From == FromHeader && kind == KindOutbox {
			p.errorf(v, "capture %s: a mail has no headers", k.Value)
			continue
		}
		if c.From == FromBody {
			if err := checkPath(c.Path); err != nil {
				p.errorf(v, "capture %s: %v", k.Value, err)
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// numberRange reads "between: [MIN, MAX]": two numbers, MIN not above MAX. A range
// lets a scenario accept what a live clock makes inexact, such as a countdown read a
// moment after it was set.
func (p *parser) numberRange(n *yaml.Node) (lo, hi float64, ok bool) {
	if n.Kind != yaml.SequenceNode || len(n.Content) != 2 {
		p.errorf(n, "between takes [MIN, MAX], two numbers")
		return 0, 0, false
	}
	var bounds [2]float64
	for i, b := range n.Content {
		f, err := strconv.ParseFloat(b.Value, 64)
		if b.Kind != yaml.ScalarNode || (b.Tag != "!!int" && b.Tag != "!!float") || err != nil {
			p.errorf(b, "between takes numbers, found %q", b.Value)
			return 0, 0, false
		}
		bounds[i] = f
	}
	if bounds[0] > bounds[1] {
		p.errorf(n, "between [%v, %v]: MIN is above MAX", bounds[0], bounds[1])
		return 0, 0, false
	}
	return bounds[0], bounds[1], true
}
