package scenarios

// The JSON Schema validator is for the tests only: the runner's own parser checks
// scenario files, and a JSON Schema library in the binary cost every command
// 9.5 ms and 21k allocations of package init.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

const schemaURL = "https://github.com/pbxauth/pbxauth/scenarios/schema.json"

var (
	schemaOnce sync.Once
	compiled   *jsonschema.Schema
	schemaErr  error
)

func compiledSchema() (*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
		if err != nil {
			schemaErr = fmt.Errorf("scenarios: embedded schema: %w", err)
			return
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if err := c.AddResource(schemaURL, doc); err != nil {
			schemaErr = fmt.Errorf("scenarios: embedded schema: %w", err)
			return
		}
		compiled, schemaErr = c.Compile(schemaURL)
	})
	return compiled, schemaErr
}

// ValidateSchema checks every YAML document of data against the JSON Schema. The
// runner's own parser is stricter and says where; this is what editors see.
func ValidateSchema(data []byte) error {
	sch, err := compiledSchema()
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var errs []string
	for i := 1; ; i++ {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if err := sch.Validate(toJSONValue(v)); err != nil {
			errs = append(errs, fmt.Sprintf("document %d: %v", i, err))
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

// toJSONValue turns YAML-decoded values into the types the validator expects.
func toJSONValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			out[k] = toJSONValue(val)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i := range t {
			out[i] = toJSONValue(t[i])
		}
		return out
	case int:
		return float64(t)
	case int64:
		return float64(t)
	case uint64:
		return float64(t)
	case float32:
		return float64(t)
	}
	return stringifyTime(v)
}

// stringifyTime keeps YAML timestamps as the text JSON would carry.
func stringifyTime(v any) any {
	if s, ok := v.(fmt.Stringer); ok {
		return s.String()
	}
	return v
}
