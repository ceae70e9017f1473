// Package spec embeds pbxauth's OpenAPI document of the PortSIP authentication API
// and checks HTTP exchanges against it.
package spec

import (
	"context"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// Document is the raw OpenAPI document (YAML), as `pbxauth spec` prints it.
//
//go:embed openapi.yaml
var Document []byte

var (
	loadOnce sync.Once
	loaded   *openapi3.T
	loadErr  error
)

// Load parses and validates the embedded document once; later calls share the result,
// so spec checks on the hot path cost no parsing.
func Load() (*openapi3.T, error) {
	loadOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(Document)
		if err != nil {
			loadErr = fmt.Errorf("spec: parse embedded document: %w", err)
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			loadErr = fmt.Errorf("spec: embedded document is invalid: %w", err)
			return
		}
		loaded = doc
	})
	return loaded, loadErr
}

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
	op          *openapi3.Operation
	item        *openapi3.PathItem
}

// Operations lists every operation of the document, sorted by path then method.
func Operations() []Operation {
	doc := MustLoad()
	var ops []Operation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := Operation{ID: op.OperationID, Method: method, Path: path, Summary: op.Summary, op: op, item: item}
			o.Bearer = op.Security == nil && len(doc.Security) > 0
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for ct := range op.RequestBody.Value.Content {
					o.ContentType = ct
				}
			}
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	return ops
}

// OperationByID finds an operation by its operationId.
func OperationByID(id string) (Operation, bool) {
	for _, o := range Operations() {
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
	for _, o := range Operations() {
		p, hit := matchTemplate(o.Path, path)
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

func matchTemplate(template, path string) (map[string]string, bool) {
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	ts := strings.Split(template, "/")
	ps := strings.Split(path, "/")
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
