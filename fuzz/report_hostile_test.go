package fuzz

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/internal/hostiletest"
)

// The --json report holds what the PBX answered as strings: JSON escapes its C0
// controls, but C1 controls and bidi overrides would go to the file raw and act
// when it is cat'ed in a CI log. They come out as \u escapes, the JSON the same.
func TestWriteJSON_hostileAnswerIsInert(t *testing.T) {
	evil := hostiletest.Evil
	ex := &apiclient.Exchange{Method: "GET", URL: "http://pbx/api/info", Status: 500, ResponseBody: []byte(evil)}
	res := &Result{Target: "http://pbx", Found: []*Found{{
		Failure: Failure{Check: "no5xx", Op: "retrieveMetadata", Level: LevelContract, Message: "m" + evil},
		Steps:   []StepResult{{Exchange: ex}},
	}}}
	var b strings.Builder
	if err := WriteJSON(&b, res); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if i, bad := hostiletest.RawControl(out, false); bad {
		t.Errorf("the report holds a raw control at %d: %q", i, out[max(0, i-30):min(len(out), i+30)])
	}
	var doc struct {
		Failures []struct {
			Exchanges []struct{ Response string }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not valid JSON: %v", err)
	}
	if got, want := doc.Failures[0].Exchanges[0].Response, strings.ToValidUTF8(evil, "\ufffd"); got != want {
		t.Errorf("the answer reads back as %q, want %q", got, want)
	}
}

// A --save folder may come with the repository it sits in: a symlink there
// named like a finding's file must be replaced, not written through (onto
// ~/.bashrc, say), and the file is written whole or not at all.
func TestSave_replacesASymlinkRatherThanWritingThroughIt(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	victim := filepath.Join(outside, "bashrc")
	require.NoError(t, os.WriteFile(victim, []byte("precious\n"), 0o600))
	name := filepath.Join(dir, "no5xx-retrieveMetadata-contract.yaml")
	require.NoError(t, os.Symlink(victim, name))
	res := &Result{Found: []*Found{{
		Failure:  Failure{Check: "no5xx", Op: "retrieveMetadata", Level: LevelContract},
		Scenario: []byte("name: found\n"),
	}}}
	require.NoError(t, Save(dir, res))
	got, err := os.ReadFile(victim)
	require.NoError(t, err)
	assert.Equal(t, "precious\n", string(got), "the file the link pointed at is untouched")
	info, err := os.Lstat(name)
	require.NoError(t, err)
	assert.True(t, info.Mode().IsRegular(), "the link was replaced by the finding")
	saved, err := os.ReadFile(res.Found[0].Saved)
	require.NoError(t, err)
	assert.Equal(t, "name: found\n", string(saved))
	left, err := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	require.NoError(t, err)
	assert.Empty(t, left, "no temporary file left behind")
}
