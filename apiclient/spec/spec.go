// Package spec embeds pbxauth's OpenAPI document of the PortSIP authentication API
// and checks HTTP exchanges against it.
package spec

import (
	"context"
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/oasdiff/kin-openapi/openapi3"
)

//go:generate go run ./gen

// Document is the raw OpenAPI document (YAML), as `pbxauth spec` prints it.
//
//go:embed openapi.yaml
var Document []byte

// loadedFlag records that Load ran, for the test that keeps start-up lean.
var loadedFlag atomic.Bool

// Loaded reports whether this process has parsed the document.
func Loaded() bool { return loadedFlag.Load() }

// Load parses and validates the embedded document once; later calls share the result,
// so spec checks on the hot path cost no parsing.
func Load() (*openapi3.T, error) { return load() }

var load = sync.OnceValues(func() (*openapi3.T, error) {
	loadedFlag.Store(true)
	doc, err := openapi3.NewLoader().LoadFromData(Document)
	if err != nil {
		return nil, fmt.Errorf("spec: parse embedded document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("spec: embedded document is invalid: %w", err)
	}
	return doc, nil
})

// MustLoad is Load for callers that embed the document at build time and cannot
// continue without it.
func MustLoad() *openapi3.T {
	doc, err := Load()
	if err != nil {
		panic(err)
	}
	return doc
}

// Operation describes one operation of the document.
type Operation struct {
	ID      string
	Method  string
	Path    string // relative to the /api prefix, e.g. /auth/sign_in/{provider}
	Summary string
	// Bearer is true when the operation takes an Authorization header.
	Bearer bool
	// ContentType is the request body's media type, empty when it takes none.
	ContentType string
	// Params are the path and query parameters, in document order.
	Params []Param
	// Body lists the request body's top-level fields, sorted by name.
	Body []Field
	// Success lists the documented 2xx and 3xx statuses, sorted.
	Success []int
	segs    []string // Path split on "/", for Match
}

// Param is a path or query parameter of an operation.
type Param struct {
	Name     string
	In       string // "path" or "query"
	Required bool
	Type     string // the schema type: string, boolean, integer, number
}

// Field is a top-level property of a request body.
type Field struct {
	Name     string
	Type     string // the schema type; empty when the document leaves it open
	Required bool
}

// Operations lists every operation of the document, sorted by path then method.
// It reads a table generated from the document (operations_table.go), so a
// command that only needs the list (call, its help, completion, run --list)
// never parses the document: that took most of pbxauth's start-up.
func Operations() []Operation {
	return append([]Operation(nil), allOperations()...)
}

// allOperations is the shared list; callers inside the package must not modify it.
var allOperations = sync.OnceValue(func() []Operation {
	ops := append([]Operation(nil), generatedOperations...)
	for i := range ops {
		ops[i].segs = strings.Split(ops[i].Path, "/")
	}
	return ops
})

// DocumentOperations builds the operation list from the parsed document: what
// the generated table must equal (go generate ./apiclient/spec writes it).
func DocumentOperations() ([]Operation, error) {
	doc, err := Load()
	if err != nil {
		return nil, err
	}
	return buildOperations(doc), nil
}

func buildOperations(doc *openapi3.T) []Operation {
	var out []Operation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := Operation{ID: op.OperationID, Method: method, Path: path, Summary: op.Summary}
			o.Bearer = op.Security == nil && len(doc.Security) > 0
			for code := range op.Responses.Map() {
				if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 400 {
					o.Success = append(o.Success, n)
				}
			}
			sort.Ints(o.Success)
			for _, ref := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
				if p := ref.Value; p != nil {
					o.Params = append(o.Params, Param{Name: p.Name, In: p.In, Required: p.Required, Type: schemaType(p.Schema)})
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for ct, media := range op.RequestBody.Value.Content {
					o.ContentType = ct
					o.Body = bodyFields(media.Schema)
				}
			}
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

func schemaType(ref *openapi3.SchemaRef) string {
	if ref == nil || ref.Value == nil || ref.Value.Type == nil || len(*ref.Value.Type) == 0 {
		return ""
	}
	return (*ref.Value.Type)[0]
}

func bodyFields(ref *openapi3.SchemaRef) []Field {
	if ref == nil || ref.Value == nil {
		return nil
	}
	required := map[string]bool{}
	for _, r := range ref.Value.Required {
		required[r] = true
	}
	var fields []Field
	for name, prop := range ref.Value.Properties {
		fields = append(fields, Field{Name: name, Type: schemaType(prop), Required: required[name]})
	}
	sort.Slice(fields, func(i, j int) bool { return fields[i].Name < fields[j].Name })
	return fields
}

// RequiredFields lists the names of the required body fields, sorted.
func (o Operation) RequiredFields() []string {
	var names []string
	for _, f := range o.Body {
		if f.Required {
			names = append(names, f.Name)
		}
	}
	return names
}

// Field finds a body field by name.
func (o Operation) Field(name string) (Field, bool) {
	for _, f := range o.Body {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Param finds a path or query parameter by name.
func (o Operation) Param(name string) (Param, bool) {
	for _, p := range o.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// OperationByID finds an operation by its operationId.
func OperationByID(id string) (Operation, bool) {
	for _, o := range allOperations() {
		if o.ID == id {
			return o, true
		}
	}
	return Operation{}, false
}

// OperationIDs lists the operationIds in document order.
func OperationIDs() []string {
	var ids []string
	for _, o := range Operations() {
		ids = append(ids, o.ID)
	}
	return ids
}

// Match finds the operation for a method and a path relative to /api, returning the
// path parameters. ok is false when no path matches; allowed then lists nothing.
// When the path matches but the method does not, op is zero and allowed lists the
// methods the path takes (for a 405's Allow header).
func Match(method, path string) (op Operation, params map[string]string, allowed []string, ok bool) {
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	ps := strings.Split(path, "/")
	for _, o := range allOperations() {
		p, hit := matchTemplate(o.segs, ps)
		if !hit {
			continue
		}
		if strings.EqualFold(o.Method, method) {
			return o, p, nil, true
		}
		allowed = append(allowed, o.Method)
	}
	sort.Strings(allowed)
	return Operation{}, nil, allowed, false
}

func matchTemplate(ts, ps []string) (map[string]string, bool) {
	if len(ts) != len(ps) {
		return nil, false
	}
	var params map[string]string
	for i, t := range ts {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			if ps[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[t[1:len(t)-1]] = ps[i]
			continue
		}
		if t != ps[i] {
			return nil, false
		}
	}
	return params, true
}
