package mockserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxDataFile bounds a data file; a PBX's demo data is a few kilobytes.
const maxDataFile = 4 << 20

// LoadData reads a data set from a YAML file (see testdata/demo.yaml for the format).
// Unknown keys, wrong types and broken rules are errors that name the file and line.
func LoadData(path string) (*Data, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mock data: %w", err)
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, maxDataFile+1))
	if err != nil {
		return nil, fmt.Errorf("mock data: read %s: %w", path, err)
	}
	if len(src) > maxDataFile {
		return nil, fmt.Errorf("mock data: %s is larger than %d bytes", path, maxDataFile)
	}
	return ParseData(path, src)
}

// ParseData is LoadData on bytes; name is used in error messages.
func ParseData(name string, src []byte) (*Data, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, errors.New(withName(name, yamlMessage(err)))
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s: empty data file", name)
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	var d Data
	if err := dec.Decode(&d); err != nil {
		return nil, errors.New(withName(name, yamlMessage(err)))
	}
	if errs := d.check(nodeLines{root.Content[0]}); len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			if e.line > 0 {
				msgs[i] = fmt.Sprintf("%s:%d: %s: %s", name, e.line, e.where, e.msg)
			} else {
				msgs[i] = fmt.Sprintf("%s: %s: %s", name, e.where, e.msg)
			}
		}
		return nil, errors.New(strings.Join(msgs, "\n"))
	}
	return &d, nil
}

// yamlMessage turns "yaml: line 3: ..." into "3: ..." so the error reads file:line.
func yamlMessage(err error) string {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msg = strings.Join(te.Errors, "; ")
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	return strings.ReplaceAll(strings.TrimPrefix(msg, "line "), "\n  line ", "; line ")
}

// withName joins a file name and a message, as name:line: when the message starts
// with a line number.
func withName(name, msg string) string {
	if msg != "" && msg[0] >= '0' && msg[0] <= '9' {
		return name + ":" + msg
	}
	return name + ": " + msg
}

// nodeLines finds the lines of tenants, accounts and roles in the parsed document.
type nodeLines struct{ doc *yaml.Node }

func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func item(n *yaml.Node, i int) *yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
		return nil
	}
	return n.Content[i]
}

func lineOf(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}

func (l nodeLines) tenantLine(ti int) int {
	return lineOf(item(child(l.doc, "tenants"), ti))
}

func (l nodeLines) accountLine(ti, ai int) int {
	if ti < 0 {
		return lineOf(item(child(child(l.doc, "system"), "accounts"), ai))
	}
	return lineOf(item(child(item(child(l.doc, "tenants"), ti), "users"), ai))
}

func (l nodeLines) roleLine(ri int) int { return lineOf(item(child(l.doc, "roles"), ri)) }
