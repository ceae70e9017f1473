package scenarios

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// ecmaCheck refuses what an ECMA-262 engine in unicode mode (ajv compiles
// patterns with the "u" flag; yaml-language-server uses JavaScript's RegExp)
// would refuse or read differently, and that Go's RE2 accepts: inline flag groups
// such as (?i), (?P<name>...), \A \z \Z \Q..\E and other letter escapes, POSIX
// classes. regexp2's ECMAScript mode catches the rest of the syntax.
func ecmaCheck(p string) error {
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\':
			if i+1 >= len(p) {
				return fmt.Errorf("trailing backslash")
			}
			i++
			e := p[i]
			switch {
			case strings.IndexByte(`^$\.*+?()[]{}|/`, e) >= 0, e == '-' && inClass:
			case strings.IndexByte("dDwWsSfnrtv0", e) >= 0, e >= '1' && e <= '9':
			case e == 'b' || e == 'B':
			case e == 'c' || e == 'x' || e == 'u' || e == 'p' || e == 'P' || e == 'k':
			default:
				return fmt.Errorf(`escape \%c is not ECMA-262 (unicode mode)`, e)
			}
		case inClass && c == '[' && i+1 < len(p) && p[i+1] == ':':
			return fmt.Errorf("POSIX class [: ... :] is not ECMA-262")
		case c == '[' && !inClass:
			inClass = true
		case c == ']' && inClass:
			inClass = false
		case c == '(' && !inClass && i+1 < len(p) && p[i+1] == '?':
			rest := p[i+2:]
			ok := strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, "!") ||
				strings.HasPrefix(rest, "<=") || strings.HasPrefix(rest, "<!") ||
				(strings.HasPrefix(rest, "<") && strings.Contains(rest, ">"))
			if !ok {
				return fmt.Errorf("group (?%s is not ECMA-262 (inline flags and (?P< are Go-only)", firstRunes(rest, 2))
			}
		}
	}
	if _, err := regexp2.Compile(p, regexp2.ECMAScript); err != nil {
		return err
	}
	return nil
}

func firstRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}

func TestECMACheck_refusesGoOnlyConstructs(t *testing.T) {
	for _, bad := range []string{`^(?i)(GET)$`, `(?i:a)`, `(?P<x>a)`, `a\z`, `\Aa`, `a\Z`, `\Qa\E`, `[[:alpha:]]`, `(?s).`, `a*+`} {
		assert.Error(t, ecmaCheck(bad), bad)
	}
	for _, good := range []string{`^[A-Za-z_][A-Za-z0-9_]*$`, `^(/|https?://|\$\{)`, `\$\{`, `(?<n>a)\k<n>`, `(?=a)(?!b)(?:c)`, `[^}\-]\d\.`, `^[Gg][Ee][Tt]$`} {
		assert.NoError(t, ecmaCheck(good), good)
	}
}

// collectPatterns walks a JSON Schema document for every regex it holds: pattern
// values and patternProperties keys, with where they are.
func collectPatterns(v any, where string, out map[string]string) {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			switch k {
			case "pattern":
				if s, ok := val.(string); ok {
					out[where+"/pattern"] = s
				}
			case "patternProperties":
				if m, ok := val.(map[string]any); ok {
					for p := range m {
						out[where+"/patternProperties"] = p
					}
				}
			}
			collectPatterns(val, where+"/"+k, out)
		}
	case []any:
		for i, val := range t {
			collectPatterns(val, fmt.Sprintf("%s/%d", where, i), out)
		}
	}
}

// Editors read the schema with ECMA-262 regexps: every pattern must be one.
func TestSchema_everyPatternIsECMA262(t *testing.T) {
	var doc any
	require.NoError(t, json.Unmarshal(Schema, &doc))
	patterns := map[string]string{}
	collectPatterns(doc, "#", patterns)
	require.NotEmpty(t, patterns)
	for where, p := range patterns {
		assert.NoError(t, ecmaCheck(p), "%s: %q", where, p)
	}
}

type ecmaRegexp regexp2.Regexp

func (re *ecmaRegexp) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(re).MatchString(s)
	return err == nil && ok
}

func (re *ecmaRegexp) String() string { return (*regexp2.Regexp)(re).String() }

// An editor's validator (ECMA regexps, formats asserted) must accept the built-in
// files, which use Go regexps such as (?i) in matches: those fields must not claim
// to be ECMA regexps (format: regex).
func TestSchema_builtinFilesValidateWithECMARegexps(t *testing.T) {
	jdoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.UseRegexpEngine(func(p string) (jsonschema.Regexp, error) {
		if err := ecmaCheck(p); err != nil {
			return nil, err
		}
		re, err := regexp2.Compile(p, regexp2.ECMAScript|regexp2.Unicode)
		if err != nil {
			return nil, err
		}
		return (*ecmaRegexp)(re), nil
	})
	require.NoError(t, c.AddResource(schemaURL, jdoc))
	sch, err := c.Compile(schemaURL)
	require.NoError(t, err)
	n := 0
	for _, dir := range []string{"builtin", "builtin/flows"} {
		entries, err := builtinFS.ReadDir(dir)
		require.NoError(t, err)
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			data, err := builtinFS.ReadFile(dir + "/" + e.Name())
			require.NoError(t, err)
			for i, d := range yamlDocs(t, data) {
				assert.NoError(t, sch.Validate(toJSONValue(d)), "%s document %d", e.Name(), i+1)
				n++
			}
		}
	}
	assert.Greater(t, n, 10)
	// Methods in any case, as the parser takes them.
	for _, m := range []string{"GET", "post", "Delete"} {
		src := map[string]any{"name": "x", "steps": []any{map[string]any{"request": map[string]any{"method": m, "path": "/info"}}}}
		assert.NoError(t, sch.Validate(src), m)
	}
	bad := map[string]any{"name": "x", "steps": []any{map[string]any{"request": map[string]any{"method": "FETCH", "path": "/info"}}}}
	assert.Error(t, sch.Validate(bad))
}

func yamlDocs(t *testing.T, data []byte) []any {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []any
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		out = append(out, v)
	}
}
