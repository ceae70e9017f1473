package history

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Building the YAML document node by node keeps the field order of the format and
// lets yaml.v3 quote values.

// value writes a non-secret JSON value as YAML, strings escaped.
func value(v any) *yaml.Node {
	switch t := v.(type) {
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t)}
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(t.String(), ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: t.String()}
	case string:
		return str(escape(t))
	case []any:
		n := seq()
		for _, e := range t {
			n.Content = append(n.Content, value(e))
		}
		return n
	case map[string]any:
		n := mapping()
		for _, k := range slices.Sorted(maps.Keys(t)) {
			put(n, k, value(t[k]))
		}
		return n
	}
	return str(escape(fmt.Sprint(v)))
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Content: items}
}

// str is a string scalar; the tag makes yaml quote values like "true" or "123".
func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func num(n int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(n)}
}

func put(m *yaml.Node, k string, v *yaml.Node) {
	m.Content = append(m.Content, str(k), v)
}
