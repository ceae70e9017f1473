package cli

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pbxauth/pbxauth/apiclient/spec"
)

const leanStartEnv = "PBXAUTH_TEST_LEAN_START_ARGS"

// TestLeanStartChild is not a test: TestStartup_commandsThatDoNotParseTheSpec runs
// it in a fresh process with a command line, and it exits 7 when the command
// parsed the OpenAPI document.
func TestLeanStartChild(t *testing.T) {
	args := os.Getenv(leanStartEnv)
	if args == "" {
		t.Skip("the child process of TestStartup_commandsThatDoNotParseTheSpec")
	}
	var out, errOut strings.Builder
	Execute(strings.Fields(args), strings.NewReader(""), &out, &errOut)
	if spec.Loaded() {
		os.Exit(7)
	}
	os.Exit(0)
}

// Commands that only print or list must not parse the OpenAPI document: that
// was most of every command's start-up. Each runs in a process of its own, so
// no other test has parsed it before.
func TestStartup_commandsThatDoNotParseTheSpec(t *testing.T) {
	for _, args := range []string{"--help", "spec", "completion bash", "mock --help", "run --list", "run --help",
		"call --help", "call", "call signInWithCredentials -f username=a -f password=b --curl"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLeanStartChild$")
		cmd.Env = append(os.Environ(), leanStartEnv+"="+args)
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		assert.NotEqual(t, 7, code, "pbxauth %s parsed the OpenAPI document", args)
		assert.Equal(t, 0, code, "pbxauth %s: %v", args, err)
	}
}
