package fuzz

import (
	"encoding/json"
	"strings"
	"testing"

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
