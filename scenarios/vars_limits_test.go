package scenarios_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/internal/scentest"
)

func TestVars_checkRefusesRecursionAndSureBombs(t *testing.T) {
	for name, c := range map[string]struct{ src, want string }{
		"self":    {"name: s\nvars: {a: \"x${a}\"}\nsteps:\n  - call: retrieveMetadata\n", "variable a refers to itself"},
		"cycle":   {"name: s\nvars: {a: \"${b}\", b: \"${a}\"}\nsteps:\n  - call: retrieveMetadata\n", "variable a refers to b, which comes after it"},
		"nested":  {"name: s\nvars: {a: {k: [\"${a}\"]}}\nsteps:\n  - call: retrieveMetadata\n", "variable a refers to itself"},
		"flow":    {"flow: f\nparams: {p: \"${q}\", q: \"${p}\"}\nsteps:\n  - call: retrieveMetadata\n", "parameter p refers to q"},
		"doubles": {scentest.DoublingBomb(40, "xxxxxxxx"), "variable v18 expands to more than 1024 KiB"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := scenarios.NewLoader().Parse("s.yaml", []byte(c.src))
			if name == "flow" { // a flow alone is no scenario: parse it as one
				_, err = scenarios.NewLoader().Parse("f.yaml", []byte(c.src))
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Less(t, strings.Count(err.Error(), "\n"), 3, "one error, not one per variable after it:\n%s", err)
		})
	}
	// Earlier variables are fine, and so are unknown ones (--var, the environment).
	_, err := scenarios.NewLoader().Parse("s.yaml", []byte("name: s\nvars: {a: x, b: \"${a}${a}${given}\"}\nsteps:\n  - call: retrieveMetadata\n"))
	require.NoError(t, err)
}
