package scenarios

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient/spec"
)

func TestLoader_Parse_refusesMistakesWithLine(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unknown field", "name: x\nsteps:\n  - call: retrieveMetadata\n    expct: {status: 200}\n",
			`t.yaml:4: unknown field "expct" in step (did you mean "expect"?)`},
		{"unknown operation", "name: x\nsteps:\n  - call: signIn\n",
			`t.yaml:3: unknown operation "signIn"`},
		{"bad regexp", "name: x\nsteps:\n  - call: retrieveMetadata\n    expect:\n      body:\n        name: {matches: \"([a-z\"}\n",
			`t.yaml:6: bad regexp "([a-z"`},
		{"undefined variable", "name: x\nsteps:\n  - call: getUserAuthInfo\n    token: ${tok}\n",
			`t.yaml:4: undefined variable ${tok}`},
		{"variable captured later", "name: x\nsteps:\n  - call: getUserAuthInfo\n    token: ${tok}\n  - call: retrieveMetadata\n    capture: {tok: name}\n",
			`t.yaml:4: undefined variable ${tok}`},
		{"two kinds", "name: x\nsteps:\n  - call: retrieveMetadata\n    clock: 5m\n",
			`t.yaml:3: step has call and clock`},
		{"no kind", "name: x\nsteps:\n  - name: nothing\n",
			`t.yaml:3: step does nothing`},
		{"invalid YAML", "name: x\nsteps:\n  - call: [\n",
			`t.yaml:3: invalid YAML`},
		{"missing name", "steps:\n  - call: retrieveMetadata\n",
			`t.yaml:1: scenario has no name`},
		{"unknown parameter", "name: x\nsteps:\n  - call: retrieveMetadata\n    params: {tenant: a}\n",
			`t.yaml:4: operation retrieveMetadata has no parameter "tenant"`},
		{"missing path parameter", "name: x\nsteps:\n  - call: signInWithSocialAccount\n    body: {domain: a, callback_url: b}\n",
			`needs the path parameter "provider"`},
		{"body on GET", "name: x\nsteps:\n  - call: retrieveMetadata\n    body: {a: 1}\n",
			`t.yaml:4: operation retrieveMetadata takes no body`},
		{"bad status", "name: x\nsteps:\n  - call: retrieveMetadata\n    expect: {status: 99}\n",
			`t.yaml:4: status must be an HTTP status`},
		{"bad type", "name: x\nsteps:\n  - call: retrieveMetadata\n    expect: {body: {name: {type: text}}}\n",
			`unknown type "text"`},
		{"outbox without tag", "name: x\nsteps:\n  - outbox: {to: carol}\n",
			`t.yaml:1: scenario "x" reads the outbox or moves the clock: tag it mock-only`},
		{"bad clock", "name: x\ntags: [mock-only]\nsteps:\n  - clock: soon\n",
			`t.yaml:4: clock must be a positive duration`},
		{"readonly and mutating", "name: x\ntags: [readonly, mutating]\nsteps:\n  - call: retrieveMetadata\n",
			`tagged both readonly and mutating`},
		{"unterminated reference", "name: x\nsteps:\n  - call: retrieveMetadata\n    params: {domain: \"${dom\"}\n",
			`t.yaml:4: unterminated ${`},
		{"empty file", "", `t.yaml:1: empty file`},
		{"between one number", "name: x\nsteps:\n  - call: retrieveMetadata\n    expect: {body: {n: {between: [5]}}}\n",
			`between takes [MIN, MAX], two numbers`},
		{"between a word", "name: x\nsteps:\n  - call: retrieveMetadata\n    expect: {body: {n: {between: [1, ten]}}}\n",
			`between takes numbers, found "ten"`},
		{"between upside down", "name: x\nsteps:\n  - call: retrieveMetadata\n    expect: {body: {n: {between: [10, 1]}}}\n",
			`MIN is above MAX`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewLoader().Parse("t.yaml", []byte(tt.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLoader_Parse_reportsEveryMistake(t *testing.T) {
	_, err := NewLoader().Parse("t.yaml", []byte("name: x\nsteps:\n  - call: nope\n  - call: retrieveMetadata\n    bogus: 1\n"))
	var es Errors
	require.ErrorAs(t, err, &es)
	assert.Len(t, es, 2)
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	}
	return dir
}

func TestLoader_includes(t *testing.T) {
	t.Run("a flow's returns become variables of the includer", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{
			"s.yaml":       "name: s\nsteps:\n  - include: flows/f.yaml\n    with: {who: alice}\n  - call: getUserAuthInfo\n    token: ${tok}\n",
			"flows/f.yaml": "flow: f\nparams: {who: null}\nsteps:\n  - call: retrieveMetadata\n    params: {domain: \"${who}\"}\n    capture: {tok: name}\n",
			"flows/g.yaml": "flow: g\nsteps:\n  - call: retrieveMetadata\n",
		})
		ss, err := LoadPaths(dir)
		require.NoError(t, err)
		require.Len(t, ss, 1, "flows are not scenarios")
		assert.Equal(t, "f", ss[0].Steps[0].Include.Flow.Name)
	})
	t.Run("a cycle is refused with its chain", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{
			"s.yaml": "name: s\nsteps:\n  - include: a.yaml\n",
			"a.yaml": "flow: a\nsteps:\n  - include: b.yaml\n",
			"b.yaml": "flow: b\nsteps:\n  - include: a.yaml\n",
		})
		_, err := LoadPaths(filepath.Join(dir, "s.yaml"))
		require.Error(t, err)
		assert.Regexp(t, regexp.MustCompile(`b\.yaml:3: include cycle: .*a\.yaml → .*b\.yaml → .*a\.yaml`), err.Error())
	})
	t.Run("a missing parameter is refused", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{
			"s.yaml": "name: s\nsteps:\n  - include: a.yaml\n",
			"a.yaml": "flow: a\nparams: {who: null}\nsteps:\n  - call: retrieveMetadata\n",
		})
		_, err := LoadPaths(filepath.Join(dir, "s.yaml"))
		require.Error(t, err)
		assert.Contains(t, err.Error(), `s.yaml:3: flow "a" needs parameter "who" under with`)
	})
	t.Run("a missing flow file is refused", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{"s.yaml": "name: s\nsteps:\n  - include: nope.yaml\n"})
		_, err := LoadPaths(dir)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "s.yaml:3: include nope.yaml")
	})
	t.Run("user files include built-in flows", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{"s.yaml": "name: s\ntags: [mock-only]\nsteps:\n  - include: builtin:flows/signin_2fa.yaml\n    with: {username: carol, password: p, domain: d}\n"})
		ss, err := LoadPaths(dir)
		require.NoError(t, err)
		assert.Equal(t, 4, CountSteps(ss[0].Steps))
	})
	t.Run("duplicate scenario names are refused", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{
			"a.yaml": "name: s\nsteps:\n  - call: retrieveMetadata\n",
			"b.yaml": "name: s\nsteps:\n  - call: retrieveMetadata\n",
		})
		_, err := LoadPaths(dir)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `scenario name "s" already used`)
	})
}

// The format's documentation must not drift from the parser: its scenario and flow
// examples must load.
func TestFormatDoc_examplesLoad(t *testing.T) {
	doc, err := os.ReadFile("FORMAT.md")
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	require.NotEmpty(t, blocks)
	full := blocks[0][1]
	_, err = NewLoader().Parse("FORMAT.md", []byte(full))
	require.NoError(t, err)
	for _, b := range blocks {
		if strings.HasPrefix(b[1], "flow:") {
			require.NoError(t, ValidateSchema([]byte(b[1])))
		}
	}
}

func TestSchema_builtinFilesValidate(t *testing.T) {
	var n int
	for _, dir := range []string{"builtin", "builtin/flows"} {
		entries, err := builtinFS.ReadDir(dir)
		require.NoError(t, err)
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			data, err := builtinFS.ReadFile(dir + "/" + e.Name())
			require.NoError(t, err)
			assert.NoError(t, ValidateSchema(data), e.Name())
			n++
		}
	}
	assert.GreaterOrEqual(t, n, 4)
}

func TestSchema_refusesWhatTheParserRefuses(t *testing.T) {
	for _, src := range []string{
		"name: x\nsteps:\n  - call: signIn\n",
		"name: x\nsteps:\n  - call: retrieveMetadata\n    expct: {}\n",
		"name: x\nsteps:\n  - call: retrieveMetadata\n    clock: 5m\n",
		"name: x\nsteps:\n  - call: retrieveMetadata\n    expect: {body: {a: {type: text}}}\n",
		"steps:\n  - call: retrieveMetadata\n",
	} {
		assert.Error(t, ValidateSchema([]byte(src)), src)
	}
}

func TestSchema_operationIDsMatchTheDocument(t *testing.T) {
	var sch struct {
		Defs struct {
			OperationID struct {
				Enum []string `json:"enum"`
			} `json:"operationId"`
		} `json:"$defs"`
	}
	require.NoError(t, json.Unmarshal(Schema, &sch))
	assert.ElementsMatch(t, spec.OperationIDs(), sch.Defs.OperationID.Enum)
}
