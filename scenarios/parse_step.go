package scenarios

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/pbxauth/pbxauth/apiclient/spec"
)

var stepFields = []string{
	"name", "call", "request", "include", "outbox", "clock",
	"params", "body", "headers", "token", "with", "expect", "capture", "timeout",
}

var requestFields = []string{"method", "path", "content_type"}

// steps reads a list of steps. known holds the variables defined so far and grows
// with each step's captures.
func (p *parser) steps(n *yaml.Node, known map[string]bool) []*Step {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "steps must be a list, found %s", kindName(n))
		return nil
	}
	if len(n.Content) == 0 {
		p.errorf(n, "steps is empty")
	}
	var out []*Step
	for _, sn := range n.Content {
		if st := p.step(sn, known); st != nil {
			out = append(out, st)
		}
	}
	return out
}

// step reads one step: its one action, the fields that action allows, then
// the action's own fields; its captures become known to later steps.
func (p *parser) step(n *yaml.Node, known map[string]bool) *Step {
	st := &Step{Pos: p.pos(n)}
	fields := map[string]*yaml.Node{}
	keys := map[string]*yaml.Node{}
	p.eachField(n, "step", stepFields, func(key string, k, v *yaml.Node) {
		fields[key], keys[key] = v, k
	})
	if n.Kind != yaml.MappingNode {
		return nil
	}
	kind, ok := p.stepKind(n, fields)
	if !ok {
		return nil
	}
	st.Kind = kind
	// Variables must be defined before the step that uses them; the step's own
	// captures only count for later steps.
	for key, v := range fields {
		if key != "capture" && key != "name" {
			p.checkRefs(v, known)
		}
	}
	p.dropInapplicable(st.Kind, fields, keys)
	p.sharedFields(st, fields)

	switch st.Kind {
	case KindCall:
		p.callStep(st, fields)
	case KindRequest:
		p.requestStep(st, fields["request"])
	case KindInclude:
		p.includeStep(st, fields["include"], fields["with"], known)
	case KindOutbox:
		p.outboxStep(st, fields["outbox"])
	case KindClock:
		p.clockStep(st, fields["clock"])
	}
	if v := fields["expect"]; v != nil {
		st.Expect = p.expect(v, st.Kind)
	}
	if v := fields["capture"]; v != nil {
		st.Captures = p.captures(v, st.Kind)
		for _, c := range st.Captures {
			known[c.Name] = true
		}
	}
	return st
}

// stepKind finds the step's one action; none or several is a mistake.
func (p *parser) stepKind(n *yaml.Node, fields map[string]*yaml.Node) (StepKind, bool) {
	var kinds []string
	var kind StepKind
	for _, k := range []StepKind{KindCall, KindRequest, KindInclude, KindOutbox, KindClock} {
		if fields[string(k)] != nil {
			kinds = append(kinds, string(k))
			kind = k
		}
	}
	switch len(kinds) {
	case 0:
		p.errorf(n, "step does nothing: give one of call, request, include, outbox, clock")
		return "", false
	case 1:
		return kind, true
	default:
		p.errorf(n, "step has %s: give only one", strings.Join(kinds, " and "))
		return "", false
	}
}

// dropInapplicable reports the fields the kind of step does not take; a clock
// or include step's expect and capture are also dropped, so they are not read.
func (p *parser) dropInapplicable(kind StepKind, fields, keys map[string]*yaml.Node) {
	allowed := map[StepKind][]string{
		KindCall:    {"params", "body", "headers", "token"},
		KindRequest: {"body", "headers", "token"},
		KindInclude: {"with"},
		KindOutbox:  {},
		KindClock:   {},
	}[kind]
	for _, f := range []string{"params", "body", "headers", "token", "with"} {
		if fields[f] != nil && !contains(allowed, f) {
			p.errorf(keys[f], "%q does not apply to a %s step", f, kind)
		}
	}
	if kind == KindClock || kind == KindInclude {
		for _, f := range []string{"expect", "capture"} {
			if fields[f] != nil {
				p.errorf(keys[f], "%q does not apply to a %s step", f, kind)
				delete(fields, f)
			}
		}
	}
}

// sharedFields reads the fields more than one kind of step may carry.
func (p *parser) sharedFields(st *Step, fields map[string]*yaml.Node) {
	if v := fields["name"]; v != nil {
		st.Name = p.str(v, "name")
	}
	if v := fields["headers"]; v != nil {
		st.Headers = p.stringMap(v, "headers")
	}
	if v := fields["token"]; v != nil {
		st.Token = p.str(v, "token")
	}
	if v := fields["body"]; v != nil {
		st.Body, st.HasBody = p.value(v), true
	}
	if v := fields["timeout"]; v != nil {
		d, err := time.ParseDuration(p.str(v, "timeout"))
		if err != nil || d <= 0 {
			p.errorf(v, "timeout must be a positive duration such as 5s or 500ms")
		}
		st.Timeout = d
	}
}

// clockStep reads how far to move the mock's clock; a ${variable} is checked
// when the step runs.
func (p *parser) clockStep(st *Step, n *yaml.Node) {
	st.Clock = p.str(n, "clock")
	if !strings.Contains(st.Clock, "${") {
		if d, err := time.ParseDuration(st.Clock); err != nil || d <= 0 {
			p.errorf(n, "clock must be a positive duration to advance the mock clock by, such as 31m")
		}
	}
	if st.Name == "" {
		st.Name = "advance the clock " + st.Clock
	}
}

func (p *parser) callStep(st *Step, fields map[string]*yaml.Node) {
	st.Call = p.str(fields["call"], "call")
	op, ok := LookupOp(st.Call)
	if !ok {
		p.errorf(fields["call"], "unknown operation %q%s (operations: %s)", st.Call, suggest(st.Call, spec.OperationIDs()), strings.Join(spec.OperationIDs(), ", "))
		return
	}
	if st.Name == "" {
		st.Name = st.Call
	}
	if v := fields["params"]; v != nil {
		if v.Kind != yaml.MappingNode {
			p.errorf(v, "params must be a mapping of parameter names to values, found %s", kindName(v))
		} else {
			st.Params = map[string]any{}
			for i := 0; i+1 < len(v.Content); i += 2 {
				k := v.Content[i]
				if _, ok := op.ParamIn[k.Value]; !ok {
					p.errorf(k, "operation %s has no parameter %q (it takes: %s); use a request step to send anything else", st.Call, k.Value, paramList(op))
					continue
				}
				st.Params[k.Value] = p.value(v.Content[i+1])
			}
		}
	}
	for name, in := range op.ParamIn {
		if _, ok := st.Params[name]; !ok && in == "path" {
			p.errorf(fields["call"], "operation %s needs the path parameter %q under params", st.Call, name)
		}
	}
	if st.HasBody {
		if op.ContentType == "" {
			p.errorf(fields["body"], "operation %s takes no body", st.Call)
		} else if _, ok := st.Body.(map[string]any); !ok {
			p.errorf(fields["body"], "the body of a call must be a mapping of fields; use a request step to send raw text")
		}
	}
}

func paramList(op OpInfo) string {
	if len(op.ParamIn) == 0 {
		return "none"
	}
	return strings.Join(slices.Sorted(maps.Keys(op.ParamIn)), ", ")
}

func (p *parser) requestStep(st *Step, n *yaml.Node) {
	p.eachField(n, "request", requestFields, func(key string, k, v *yaml.Node) {
		switch key {
		case "method":
			st.Method = strings.ToUpper(p.str(v, "method"))
			switch st.Method {
			case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
				http.MethodHead, http.MethodOptions:
			default:
				p.errorf(v, "unknown HTTP method %q", st.Method)
			}
		case "path":
			st.Path = p.str(v, "path")
			if !ValidRequestPath(st.Path) {
				p.errorf(v, "path must start with / (it is relative to the /api base), or be an absolute http(s) URL or a ${variable} holding one")
			}
		case "content_type":
			st.ContentType = p.str(v, "content_type")
		}
	})
	if n.Kind == yaml.MappingNode && (st.Method == "" || st.Path == "") {
		p.errorf(n, "request needs a method and a path")
	}
	if st.Name == "" {
		st.Name = st.Method + " " + st.Path
	}
}

var outboxFields = []string{"to", "kind", "domain", "token"}

func (p *parser) outboxStep(st *Step, n *yaml.Node) {
	st.Outbox = &OutboxQuery{}
	p.eachField(n, "outbox", outboxFields, func(key string, k, v *yaml.Node) {
		s := p.str(v, "outbox "+key)
		switch key {
		case "to":
			st.Outbox.To = s
		case "kind":
			if s != "otp" && s != "reset" {
				p.errorf(v, "outbox kind must be otp or reset")
			}
			st.Outbox.Kind = s
		case "domain":
			st.Outbox.Domain = s
		case "token":
			st.Outbox.Token = s
		}
	})
	if st.Name == "" {
		st.Name = "read the outbox"
		if st.Outbox.To != "" {
			st.Name += " of " + st.Outbox.To
		}
	}
}

func (p *parser) includeStep(st *Step, n, with *yaml.Node, known map[string]bool) {
	inc := &Include{Path: p.str(n, "include")}
	st.Include = inc
	if with != nil {
		inc.With = p.vars(with, "with")
	}
	if inc.Path == "" {
		return
	}
	flow, err := p.loader.flow(p.root, p.file, inc.Path, p.stack)
	if err != nil {
		if es, ok := err.(Errors); ok {
			// Capped as errorf caps: a flow included twice at each of forty levels
			// would otherwise bring its mistakes 2^40 times.
			p.errs = append(p.errs, es[:min(len(es), max(0, maxErrors-len(p.errs)))]...)
			p.safeErrorf(n, "included flow %s has mistakes (above)", inc.Path)
		} else {
			p.safeErrorf(n, "%v", err)
		}
		return
	}
	inc.Flow = flow
	if st.Name == "" {
		st.Name = flow.Name
	}
	given := map[string]bool{}
	for _, w := range inc.With {
		given[w.Name] = true
		if !hasVar(flow.Params, w.Name) {
			p.errorf(with, "flow %q has no parameter %q (params: %s)", flow.Name, w.Name, varNames(flow.Params))
		}
	}
	for _, pr := range flow.Params {
		if pr.Value == nil && !given[pr.Name] {
			p.errorf(n, "flow %q needs parameter %q under with", flow.Name, pr.Name)
		}
	}
	for _, name := range FlowReturns(flow) {
		known[name] = true
	}
}

// FlowReturns lists the variables a flow hands back to its includer.
func FlowReturns(f *Flow) []string {
	if len(f.Returns) > 0 {
		return f.Returns
	}
	if f.measured {
		return f.returns
	}
	var out []string
	add := func(name string) {
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	for _, st := range f.Steps {
		for _, c := range st.Captures {
			add(c.Name)
		}
		if st.Kind == KindInclude && st.Include.Flow != nil {
			for _, name := range FlowReturns(st.Include.Flow) {
				add(name)
			}
		}
	}
	return out
}

func hasVar(vs []Var, name string) bool {
	for _, v := range vs {
		if v.Name == name {
			return true
		}
	}
	return false
}

func varNames(vs []Var) string {
	if len(vs) == 0 {
		return "none"
	}
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = v.Name
	}
	return strings.Join(names, ", ")
}

func (p *parser) stringMap(n *yaml.Node, what string) map[string]string {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping, found %s", what, kindName(n))
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		v := n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			p.errorf(v, "%s %q must be a string, found %s", what, n.Content[i].Value, kindName(v))
			continue
		}
		out[n.Content[i].Value] = v.Value
	}
	return out
}

// ValidRequestPath accepts a path under the /api base, an absolute URL (to follow a
// link an answer handed out) or a variable that will hold either.
func ValidRequestPath(p string) bool {
	return strings.HasPrefix(p, "/") || strings.HasPrefix(p, "http://") ||
		strings.HasPrefix(p, "https://") || strings.HasPrefix(p, "${")
}
