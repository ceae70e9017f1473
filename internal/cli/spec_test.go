package cli

import (
	"testing"

	"github.com/oasdiff/kin-openapi/openapi3"

	"github.com/pbxauth/pbxauth/apiclient/spec"
)

func TestSpec_printsTheEmbeddedDocument(t *testing.T) {
	r := runCLI(t, "spec")
	if r.code != ExitOK || r.err != "" {
		t.Fatalf("exit %d stderr %q", r.code, r.err)
	}
	if r.stdout != string(spec.Document) {
		t.Error("pbxauth spec does not print the embedded document byte for byte")
	}
	doc, err := openapi3.NewLoader().LoadFromData([]byte(r.stdout))
	if err != nil {
		t.Fatalf("the printed document does not load: %v", err)
	}
	if n := len(doc.Paths.Map()); n != 15 {
		t.Errorf("%d paths, want the 15 paths of the 16 operations", n)
	}
	if r := runCLI(t, "spec", "extra"); r.code != ExitUsage {
		t.Errorf("spec with an argument: exit %d, want %d", r.code, ExitUsage)
	}
}
