package runner

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strconv"

	"github.com/pbxauth/pbxauth/internal/boundedjson"
	"github.com/pbxauth/pbxauth/scenarios"
)

// lookupPath finds the value at path in a decoded JSON document.
func lookupPath(doc any, path string) (any, bool) {
	cur := doc
	for _, seg := range scenarios.PathSegments(path) {
		switch t := cur.(type) {
		case map[string]any:
			v, ok := t[seg]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(t) {
				return nil, false
			}
			cur = t[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// decodeJSON parses a body keeping numbers exact.
func decodeJSON(b []byte) (any, error) {
	if err := boundedjson.Check(b); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// jsonType names the JSON type of a decoded value.
func jsonType(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		if _, err := t.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case float64, int, int64:
		return "number"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return reflect.TypeOf(v).String()
}

// hasType reports whether v is of the named JSON type; integers are numbers too.
func hasType(v any, want string) bool {
	got := jsonType(v)
	return got == want || (want == "number" && got == "integer")
}

// sameValue compares an expected YAML value with an actual JSON value; numbers compare
// by value whatever their Go type.
func sameValue(want, got any) bool {
	if wn, ok := toFloat(want); ok {
		gn, ok := toFloat(got)
		return ok && (wn == gn || math.Abs(wn-gn) < 1e-9)
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok || !sameValue(wv, gv) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !sameValue(w[i], g[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(want, got)
}

func toFloat(v any) (float64, bool) {
	switch t := v.(type) {
	case int:
		return float64(t), true
	case int64:
		return float64(t), true
	case uint64:
		return float64(t), true
	case float64:
		return t, true
	case json.Number:
		f, err := t.Float64()
		return f, err == nil
	}
	return 0, false
}

// render shows a value in a failure message: JSON, so strings are quoted.
func render(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return stringify(v)
	}
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
