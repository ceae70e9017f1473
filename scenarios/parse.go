package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is one mistake in a scenario file, with where it is.
type Error struct {
	Pos Pos
	Msg string
	// safe: the message quotes nothing of the file (an include's own problem), so it
	// is kept when the file is an included one.
	safe bool
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Errors is every mistake found in a set of files; Error prints one per line.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// maxErrors stops a hopeless file from flooding the terminal.
const maxErrors = 50

// parser reads one file; it keeps going after a mistake so that --check reports all
// of them at once.
type parser struct {
	file   string
	loader *Loader
	// root is the scenario folder includes must stay inside.
	root string
	errs Errors
	// stack is the chain of files being included, for cycle detection.
	stack []string
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	if len(p.errs) >= maxErrors {
		return
	}
	line := 0
	if n != nil {
		line = n.Line
	}
	p.errs = append(p.errs, &Error{Pos: Pos{p.file, line}, Msg: fmt.Sprintf(format, args...)})
}

// errorAt is errorf at a position.
func (p *parser) errorAt(pos Pos, format string, args ...any) {
	if len(p.errs) >= maxErrors {
		return
	}
	p.errs = append(p.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// safeErrorf is errorf for messages that quote nothing of the file itself (an
// include's path and problem), so they stay readable when the file is included.
func (p *parser) safeErrorf(n *yaml.Node, format string, args ...any) {
	before := len(p.errs)
	p.errorf(n, format, args...)
	if len(p.errs) > before {
		p.errs[before].safe = true
	}
}

func (p *parser) pos(n *yaml.Node) Pos { return Pos{p.file, n.Line} }

// document is a parsed file document: a scenario or a flow.
type document struct {
	scenario *Scenario
	flow     *Flow
}

// parseDocuments reads every YAML document of a file.
func (p *parser) parseDocuments(data []byte) []document {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []document
	for {
		var root yaml.Node
		err := dec.Decode(&root)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.errs = append(p.errs, &Error{Pos: Pos{p.file, yamlErrLine(err)}, Msg: cleanYAMLErr(err)})
			break
		}
		if len(root.Content) == 0 {
			continue
		}
		n := root.Content[0]
		if n.Kind != yaml.MappingNode {
			p.errorf(n, "a scenario file holds mappings (name, steps, ...), found %s", kindName(n))
			continue
		}
		if fieldNode(n, "flow") != nil {
			if f := p.parseFlow(n); f != nil {
				docs = append(docs, document{flow: f})
			}
			continue
		}
		if s := p.parseScenario(n); s != nil {
			docs = append(docs, document{scenario: s})
		}
	}
	if len(docs) == 0 && len(p.errs) == 0 {
		p.errs = append(p.errs, &Error{Pos: Pos{p.file, 1}, Msg: "empty file: expected a scenario (name, steps) or a flow (flow, steps)"})
	}
	return docs
}

var scenarioFields = []string{"name", "description", "tags", "source", "level", "vars", "steps"}

func (p *parser) parseScenario(n *yaml.Node) *Scenario {
	s := &Scenario{Pos: p.pos(n)}
	vars := map[string]bool{}
	var stepsNode *yaml.Node
	p.eachField(n, "scenario", scenarioFields, func(key string, k, v *yaml.Node) {
		switch key {
		case "name":
			s.Name = p.str(v, "name")
		case "description":
			s.Description = p.str(v, "description")
		case "tags":
			s.Tags = p.strList(v, "tags")
		case "source":
			s.Source = p.str(v, "source")
		case "level":
			s.Level = p.str(v, "level")
			if s.Level != "" && !slices.Contains(Levels, s.Level) {
				p.errorf(v, "level must be one of %s, found %q", strings.Join(Levels, ", "), s.Level)
			}
		case "vars":
			s.Vars = p.vars(v, "vars")
			p.checkVarRefs(s.Vars, "variable")
			for _, va := range s.Vars {
				vars[va.Name] = true
			}
		case "steps":
			stepsNode = v
		}
	})
	if s.Name == "" {
		p.errorf(n, "scenario has no name")
	}
	if stepsNode == nil {
		p.errorf(n, "scenario %q has no steps", s.Name)
		return s
	}
	s.Steps = p.steps(stepsNode, vars)
	if n := CountSteps(s.Steps); n > MaxRunSteps {
		// Checked first: the walks below would take as long as the run.
		p.errorf(stepsNode, "scenario %q runs %d steps, its included flows' counted each time: more than %d, refused", s.Name, n, MaxRunSteps)
		return s
	}
	if needsMock(s.Steps) && !s.HasTag(TagMockOnly) {
		p.errorf(n, "scenario %q reads the outbox or moves the clock: tag it %s", s.Name, TagMockOnly)
	}
	if s.HasTag(TagReadonly) && s.HasTag(TagMutating) {
		p.errorf(n, "scenario %q is tagged both %s and %s", s.Name, TagReadonly, TagMutating)
	}
	return s
}

func needsMock(steps []*Step) bool {
	for _, st := range steps {
		switch st.Kind {
		case KindOutbox, KindClock:
			return true
		case KindInclude:
			if st.Include.Flow != nil && needsMock(st.Include.Flow.Steps) {
				return true
			}
		}
	}
	return false
}

var flowFields = []string{"flow", "description", "params", "returns", "steps"}

func (p *parser) parseFlow(n *yaml.Node) *Flow {
	f := &Flow{Pos: p.pos(n)}
	vars := map[string]bool{}
	var stepsNode, returnsNode *yaml.Node
	p.eachField(n, "flow", flowFields, func(key string, k, v *yaml.Node) {
		switch key {
		case "flow":
			f.Name = p.str(v, "flow")
		case "description":
			f.Description = p.str(v, "description")
		case "params":
			f.Params = p.vars(v, "params")
			p.checkVarRefs(f.Params, "parameter")
			for _, va := range f.Params {
				vars[va.Name] = true
			}
		case "returns":
			returnsNode = v
			f.Returns = p.strList(v, "returns")
		case "steps":
			stepsNode = v
		}
	})
	if f.Name == "" {
		p.errorf(n, "flow has no name")
	}
	if stepsNode == nil {
		p.errorf(n, "flow %q has no steps", f.Name)
		return f
	}
	f.Steps = p.steps(stepsNode, vars)
	f.returns, f.size = FlowReturns(f), CountSteps(f.Steps)
	f.measured = true
	if f.size > MaxRunSteps {
		p.errorf(stepsNode, "flow %q runs %d steps, its included flows' counted each time: more than %d, refused", f.Name, f.size, MaxRunSteps)
	}
	for _, r := range f.Returns {
		if !vars[r] {
			p.errorf(returnsNode, "flow %q returns %q, which no step captures", f.Name, r)
		}
	}
	return f
}

// eachField walks a mapping's pairs, refusing unknown and repeated keys.
func (p *parser) eachField(n *yaml.Node, what string, known []string, fn func(key string, k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping, found %s", what, kindName(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if !contains(known, key) {
			p.errorf(k, "unknown field %q in %s%s (known: %s)", key, what, suggest(key, known), strings.Join(known, ", "))
			continue
		}
		if seen[key] {
			p.errorf(k, "field %q repeated in %s", key, what)
			continue
		}
		seen[key] = true
		fn(key, k, v)
	}
}

func fieldNode(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func (p *parser) str(v *yaml.Node, what string) string {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		p.errorf(v, "%s must be a string, found %s", what, kindName(v))
		return ""
	}
	return v.Value
}

func (p *parser) boolean(v *yaml.Node, what string) bool {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
		p.errorf(v, "%s must be true or false, found %s", what, kindName(v))
		return false
	}
	return v.Value == "true"
}

func (p *parser) strList(v *yaml.Node, what string) []string {
	if v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
		return []string{v.Value}
	}
	if v.Kind != yaml.SequenceNode {
		p.errorf(v, "%s must be a list of strings, found %s", what, kindName(v))
		return nil
	}
	var out []string
	for _, it := range v.Content {
		if s := p.str(it, what+" entry"); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// vars reads a mapping of names to values; null marks a value to be given later.
func (p *parser) vars(v *yaml.Node, what string) []Var {
	if v.Kind != yaml.MappingNode {
		p.errorf(v, "%s must be a mapping of names to values, found %s", what, kindName(v))
		return nil
	}
	var out []Var
	seen := map[string]bool{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if !validVarName(k.Value) {
			p.errorf(k, "bad name %q in %s (letters, digits and _)", k.Value, what)
			continue
		}
		if seen[k.Value] {
			p.errorf(k, "%q repeated in %s", k.Value, what)
			continue
		}
		seen[k.Value] = true
		out = append(out, Var{Name: k.Value, Value: p.value(val), Pos: p.pos(k)})
	}
	return out
}

// value decodes any YAML node into plain Go values (map[string]any, []any, scalars).
func (p *parser) value(n *yaml.Node) any {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!timestamp" {
		return n.Value // keep dates as written; JSON has no date type
	}
	var v any
	if err := n.Decode(&v); err != nil {
		p.errorf(n, "unreadable value: %v", err)
		return nil
	}
	return normalize(v)
}

// normalize turns YAML's map[any]any-free output into JSON-ready values.
func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			t[k] = normalize(val)
		}
	case []any:
		for i := range t {
			t[i] = normalize(t[i])
		}
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, val := range t {
			m[fmt.Sprint(k)] = normalize(val)
		}
		return m
	}
	return v
}

// checkRefs reports ${...} references in every string of a node that name no
// variable known at this point of the file.
func (p *parser) checkRefs(n *yaml.Node, known map[string]bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag != "!!str" {
			return
		}
		refs, err := varRefs(n.Value)
		if err != nil {
			p.errorf(n, "%v", err)
			return
		}
		for _, r := range refs {
			if strings.HasPrefix(r, EnvPrefix) || known[r] {
				continue
			}
			p.errorf(n, "undefined variable ${%s}: declare it under vars (null to require --var %s=...) or capture it in an earlier step", r, r)
		}
	default:
		for _, c := range n.Content {
			p.checkRefs(c, known)
		}
	}
}
