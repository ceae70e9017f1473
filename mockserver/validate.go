package mockserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/oasdiff/kin-openapi/openapi3"

	"github.com/pbxauth/pbxauth/apiclient/rules"
)

// decodeBody parses an operation's body (JSON or form) and checks it twice: against
// the operation's schema in the OpenAPI document (types, required, lengths) and
// against the field rules of apiclient/rules (charset, reserved names, ...). Broken
// rules of one field are reported once, the document's first. It returns the string
// fields of the body; JSON nulls count as absent. That is the mock's own choice:
// PortSIP sends blanks as null in its answers but documents no null in a request.
func decodeBody(rt *route, body []byte) (map[string]string, []violation) {
	var obj map[string]any
	if rt.ctype == formType {
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, []violation{{field: "body", rule: "form"}}
		}
		obj = make(map[string]any, len(q))
		for k, vs := range q {
			obj[k] = vs[0]
		}
	} else {
		if len(body) == 0 {
			return nil, []violation{{field: "body", rule: "required", hint: "a JSON object"}}
		}
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return nil, []violation{{field: "body", rule: "json", hint: jsonProblem(err)}}
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, []violation{{field: "body", rule: "type", hint: "a JSON object"}}
		}
		for k, val := range m {
			if val == nil {
				delete(m, k)
			}
		}
		obj = m
	}

	var vs []violation
	if err := rt.schema.VisitJSON(obj, visitOpts...); err != nil {
		vs = schemaViolations(err, rt.schema, vs)
	}
	fields := make(map[string]string, len(obj))
	for k, val := range obj {
		if s, ok := val.(string); ok {
			fields[k] = s
		}
	}
	seen := make(map[string]bool, len(vs))
	for _, v := range vs {
		seen[v.field] = true
	}
	for _, v := range rules.Check(rt.id, fields) {
		if !seen[v.Field] {
			vs = append(vs, fromRules(v, rt.schema))
			seen[v.Field] = true
		}
	}
	if len(vs) > 0 {
		sort.SliceStable(vs, func(i, j int) bool { return vs[i].field < vs[j].field })
		return nil, dedupe(vs)
	}
	return fields, nil
}

const formType = "application/x-www-form-urlencoded"

// visitOpts are made once: every body is checked with the same options.
var visitOpts = []openapi3.SchemaValidationOption{openapi3.MultiErrors(), openapi3.VisitAsRequest()}

// dedupe keeps the first violation of each field.
func dedupe(vs []violation) []violation {
	out := vs[:0]
	for i, v := range vs {
		if i > 0 && vs[i-1].field == v.field {
			continue
		}
		out = append(out, v)
	}
	return out
}

// schemaViolations flattens kin-openapi's errors into the mock's violations. body is
// the operation's body schema: an empty string in one of its required fields is
// "required", as in apiclient/rules, rather than the document's minLength.
func schemaViolations(err error, body *openapi3.Schema, out []violation) []violation {
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		for _, e := range multi {
			out = schemaViolations(e, body, out)
		}
		return out
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return append(out, violation{field: "body", rule: "schema"})
	}
	var inner openapi3.MultiError
	if errors.As(se.Origin, &inner) {
		return schemaViolations(inner, body, out)
	}
	field := strings.Join(se.JSONPointer(), "/")
	if field == "" {
		field = "body"
	}
	v := violation{field: field, rule: ruleName(se.SchemaField)}
	switch v.rule {
	case "min_length":
		v.limit = int(se.Schema.MinLength)
		if s, ok := se.Value.(string); ok && s == "" && isRequired(body, field) {
			v.rule, v.limit = "required", nil
		}
	case "max_length":
		if se.Schema.MaxLength != nil {
			v.limit = int(*se.Schema.MaxLength)
		}
	case "type":
		v.hint = typeHint(se.Schema.Type)
	case "enum":
		v.rule = "one_of"
		vals := make([]string, len(se.Schema.Enum))
		for i, e := range se.Schema.Enum {
			vals[i] = fmt.Sprint(e)
		}
		v.hint = strings.Join(vals, ", ")
	case "required":
	default:
		v.rule = "schema"
	}
	return append(out, v)
}

func isRequired(s *openapi3.Schema, field string) bool {
	for _, r := range s.Required {
		if r == field {
			return true
		}
	}
	return false
}

// ruleName turns a JSON Schema keyword into the rules package's style ("minLength" →
// "min_length").
func ruleName(keyword string) string {
	switch keyword {
	case "", "nullable":
		return "type"
	}
	var b strings.Builder
	for i, r := range keyword {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// jsonProblem describes a JSON syntax error without quoting the body (it may hold a
// password).
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		if strings.Contains(syn.Error(), "exceeded max depth") {
			return "nested too deeply (at most 10000 levels)"
		}
		return "syntax error at byte " + strconv.FormatInt(syn.Offset, 10)
	}
	if strings.Contains(err.Error(), "unexpected end") {
		return "unexpected end of input"
	}
	return "cannot decode"
}
