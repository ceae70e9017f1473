package scenarios

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/mockserver"
)

func logFailures(t testing.TB, res *RunResult) {
	t.Helper()
	for _, sr := range res.Scenarios {
		if sr.Status == StatusPassed || sr.Status == StatusSkipped {
			continue
		}
		if fs := sr.FailedStep(); fs != nil {
			t.Logf("%s: %s at %s: %s %v", sr.Scenario.Name, fs.Name, fs.Pos, fs.Message(), fs.Warnings)
			if fs.Exchange != nil {
				t.Log(fs.Redacted().Dump(false))
			}
		} else {
			t.Logf("%s: %s", sr.Scenario.Name, sr.Reason)
		}
	}
}

func TestRunner_builtinSuitePassesAgainstTheMock(t *testing.T) {
	ss, err := LoadBuiltin()
	require.NoError(t, err)
	r, err := NewRunner(Options{NewMock: InProcessMock(mockserver.Options{}), Parallel: 4})
	require.NoError(t, err)
	res := r.Run(context.Background(), ss, nil)
	logFailures(t, res)
	assert.Equal(t, 0, res.ExitCode())
	assert.Equal(t, len(ss), res.Passed)
}
