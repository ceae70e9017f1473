package spec_test

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/oasdiff/kin-openapi/openapi3"

	"github.com/pbxauth/pbxauth/apiclient/spec"
)

// TestDocument_everythingHasAValidExample: mock servers (Prism) and contract testers
// (Dredd) read the document's examples instead of asking for hand-written hooks, so
// every parameter, request body, response body, header and field carries one, and
// each is valid against its own schema.
func TestDocument_everythingHasAValidExample(t *testing.T) {
	if problems := exampleProblems(spec.MustLoad()); len(problems) > 0 {
		t.Errorf("%d example problems:\n%s", len(problems), strings.Join(problems, "\n"))
	}
}

// TestExampleProblems_findsABrokenExample proves the check above can fail: the same
// document with one example broken in each way the check knows.
func TestExampleProblems_findsABrokenExample(t *testing.T) {
	for name, tc := range map[string]struct{ old, new, want string }{
		"wrong type": {"4NNP4SYX7U768F35RN9F5IHV3WKLJIA9L10EQVZOH6EWRQ31\n                expires_in: 1800\n",
			"4NNP4SYX7U768F35RN9F5IHV3WKLJIA9L10EQVZOH6EWRQ31\n                expires_in: soon\n", "oauthToken 200 application/json example: "},
		"token shape": {"                    access_token: 4NNP4SYX7U768F35RN9F5IHV3WKLJIA9L10EQVZOH6EWRQ31\n",
			"                    access_token: short-token\n", "signInWithCredentials 200 application/json example tokens: access_token"},
		"lifetime": {"          example: 1800\n    Metadata:", "          example: 3600\n    Metadata:", "TokenPair.expires_in example: expires_in"},
		"missing":  {"          example: microsoft\n", "\n", "signInWithSocialAccount parameter provider: no example"},
		"enum":     {"          example: S256\n", "          example: plain\n", "signInWithSocialAccount request application/json.code_challenge_method example: "},
	} {
		t.Run(name, func(t *testing.T) {
			if bytes.Count(spec.Document, []byte(tc.old)) != 1 {
				t.Fatalf("the document no longer holds %q exactly once; pick another line to break", tc.old)
			}
			broken := bytes.Replace(spec.Document, []byte(tc.old), []byte(tc.new), 1)
			doc, err := openapi3.NewLoader().LoadFromData(broken)
			if err != nil {
				t.Fatal(err)
			}
			problems := exampleProblems(doc)
			if !containsPrefix(problems, tc.want) {
				t.Errorf("no problem starting %q; got:\n%s", tc.want, strings.Join(problems, "\n"))
			}
		})
	}
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// portsipToken is the shape of the tokens in PortSIP's guide: 48 characters of A-Z0-9.
var portsipToken = regexp.MustCompile(`^[A-Z0-9]{48}$`)

// exampleChecker gathers the problems of one document's examples.
type exampleChecker struct {
	problems []string
	seen     map[*openapi3.Schema]bool
	// component names the shared schemas, each checked once under its own name so
	// a problem reads the same whichever operation reaches it first.
	component map[*openapi3.Schema]string
}

func exampleProblems(doc *openapi3.T) []string {
	c := &exampleChecker{seen: map[*openapi3.Schema]bool{}, component: map[*openapi3.Schema]string{}}
	for name, s := range doc.Components.Schemas {
		c.component[s.Value] = name
	}
	for name, s := range doc.Components.Schemas {
		c.schema(name, s.Value)
	}
	for _, o := range spec.Operations() {
		op := doc.Paths.Value(o.Path).GetOperation(o.Method)
		for _, p := range op.Parameters {
			c.parameter(o.ID, p.Value)
		}
		if op.RequestBody != nil {
			for ct, media := range op.RequestBody.Value.Content {
				c.media(fmt.Sprintf("%s request %s", o.ID, ct), media, openapi3.VisitAsRequest())
			}
		}
		for status, resp := range op.Responses.Map() {
			where := o.ID + " " + status
			for name, h := range resp.Value.Headers {
				c.value(where+" header "+name, h.Value.Schema, h.Value.Example, h.Value.Examples)
			}
			for ct, media := range resp.Value.Content {
				c.media(where+" "+ct, media, openapi3.VisitAsResponse())
			}
		}
	}
	sort.Strings(c.problems)
	return c.problems
}

func (c *exampleChecker) add(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *exampleChecker) parameter(opID string, p *openapi3.Parameter) {
	c.value(opID+" parameter "+p.Name, p.Schema, p.Example, p.Examples)
}

// value checks a parameter's or header's example(s).
func (c *exampleChecker) value(where string, s *openapi3.SchemaRef, example any, examples openapi3.Examples) {
	if example == nil && len(examples) == 0 {
		c.add("%s: no example", where)
		return
	}
	c.against(where+" example", s.Value, example, examples)
}

func (c *exampleChecker) media(where string, m *openapi3.MediaType, side openapi3.SchemaValidationOption) {
	if m.Example == nil && len(m.Examples) == 0 {
		c.add("%s: no example", where)
	}
	c.against(where+" example", m.Schema.Value, m.Example, m.Examples, side)
	c.schema(where, m.Schema.Value)
}

// against validates the example and each named example against s, and holds them to
// the shape of PortSIP's examples (tokens, lifetime).
func (c *exampleChecker) against(where string, s *openapi3.Schema, example any, examples openapi3.Examples, opts ...openapi3.SchemaValidationOption) {
	all := map[string]any{}
	if example != nil {
		all[""] = example
	}
	for name, ex := range examples {
		all[" "+name] = ex.Value.Value
	}
	for name, v := range all {
		if err := s.VisitJSON(v, append(opts, openapi3.MultiErrors())...); err != nil {
			c.add("%s%s: %v", where, name, oneLine(err))
		}
		c.shape(where+name, "", v)
	}
}

// shape: token fields look like PortSIP's tokens and expires_in is the guide's 1800,
// wherever they appear in an example.
func (c *exampleChecker) shape(where, key string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, sub := range v {
			c.shape(where, k, sub)
		}
	case []any:
		for _, sub := range v {
			c.shape(where, key, sub)
		}
	case string:
		if (key == "access_token" || key == "refresh_token" || key == "token") && !portsipToken.MatchString(v) {
			c.add("%s: %s is not 48 characters of A-Z0-9", where, key)
		}
	case float64:
		if key == "expires_in" && v != 1800 {
			c.add("%s: expires_in %v, not the guide's 1800", where, v)
		}
	}
}

// schema checks the examples of a schema's fields: each scalar field (or array of
// scalars) has one; objects are covered by their own fields.
func (c *exampleChecker) schema(where string, s *openapi3.Schema) {
	if name, ok := c.component[s]; s == nil || c.seen[s] || ok && name != where {
		return
	}
	c.seen[s] = true
	if s.Example != nil {
		c.against(where+" example", s, s.Example, nil)
		if i := strings.LastIndex(where, "."); i >= 0 {
			c.shape(where+" example", where[i+1:], s.Example)
		}
	}
	for name, p := range s.Properties {
		if p.Value.Example == nil && !composite(p.Value) {
			c.add("%s.%s: no example", where, name)
		}
		c.schema(where+"."+name, p.Value)
	}
	if s.Items != nil {
		c.schema(where+"[]", s.Items.Value)
	}
	for _, group := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf, s.AllOf} {
		for _, alt := range group {
			c.schema(where, alt.Value)
		}
	}
}

// composite: an object, or an array of objects, whose own fields carry the examples.
func composite(s *openapi3.Schema) bool {
	if s.Type.Is("object") {
		return true
	}
	return s.Type.Is("array") && s.Items != nil && s.Items.Value.Type.Is("object")
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// TestDocument_noUnusedComponents: the linters only warn about a component nothing
// refers to (a leftover such as the old Role schema), so the tests fail on one.
func TestDocument_noUnusedComponents(t *testing.T) {
	if unused := unusedComponents(spec.Document); len(unused) > 0 {
		t.Errorf("components nothing refers to: %v", unused)
	}
	leftover := append(append([]byte(nil), spec.Document...), "\n    Leftover:\n      type: string\n      example: x\n"...)
	if got := unusedComponents(leftover); len(got) != 1 || got[0] != "schemas/Leftover" {
		t.Errorf("a schema added at the end and used nowhere: found %v", got)
	}
}

func unusedComponents(raw []byte) []string {
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return []string{err.Error()}
	}
	var names []string
	for name := range doc.Components.Schemas {
		names = append(names, "schemas/"+name)
	}
	for name := range doc.Components.Responses {
		names = append(names, "responses/"+name)
	}
	for name := range doc.Components.Parameters {
		names = append(names, "parameters/"+name)
	}
	for name := range doc.Components.Examples {
		names = append(names, "examples/"+name)
	}
	var unused []string
	for _, n := range names {
		if !bytes.Contains(raw, []byte(`"#/components/`+n+`"`)) {
			unused = append(unused, n)
		}
	}
	sort.Strings(unused)
	return unused
}
