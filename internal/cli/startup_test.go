package cli

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

// Packages whose initialisation is heavy, in every process that links them,
// used or not: santhosh-tekuri/jsonschema compiles every JSON Schema
// meta-schema (most of --help's package initialisation once); x/text's
// htmlindex and language build tables of charset labels and locales (about
// 2.5 ms of every start-up; mailbox has its own lazy label table). The binary
// must not link them; tests of other packages may.
func TestStartup_binaryLinksNoHeavyInitPackages(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list the binary's packages")
	}
	out, err := exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}}", "github.com/pbxauth/pbxauth").Output()
	require.NoError(t, err)
	pkgs := strings.Fields(string(out))
	require.Contains(t, pkgs, "github.com/pbxauth/pbxauth/internal/cli", "the list is of the binary's packages")
	for _, p := range pkgs {
		assert.NotContains(t, p, "santhosh-tekuri/jsonschema", "the binary links it")
		assert.NotContains(t, []string{"golang.org/x/text/encoding/htmlindex", "golang.org/x/text/language"}, p, "the binary links it")
	}
}

// initLine is one package's line of GODEBUG=inittrace=1.
var initLine = regexp.MustCompile(`(?m)^init (\S+) @\S+ ms, \S+ ms clock, (\d+) bytes, (\d+) allocs$`)

// pbxauth's own packages do their set-up on first use (sync.OnceValue), not in
// every process's start-up: a regexp or template compiled at package level
// costs --help and every command that never uses it. The bound leaves room for
// small literal tables; a compiled regexp or parsed template exceeds it. This
// package's own line is left out: its tests' package variables count there.
// x/net/html is held to the same bound: mailbox reads tags and text from its
// tokenizer's raw bytes so that its 113 KB entity map is never built (a call of
// Token, Text or TagAttr anywhere in the binary brings it back).
func TestStartup_ownPackagesInitialiseLazily(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	lines := initLine.FindAllStringSubmatch(string(out), -1)
	require.NotEmpty(t, lines, "no inittrace output:\n%s", out)
	const maxBytes = 8 << 10
	seen := 0
	for _, m := range lines {
		pkg := m[1]
		if (!strings.HasPrefix(pkg, "github.com/pbxauth/pbxauth/") && pkg != "golang.org/x/net/html") ||
			pkg == "github.com/pbxauth/pbxauth/internal/cli" {
			continue
		}
		seen++
		bytes, _ := strconv.Atoi(m[2])
		assert.LessOrEqual(t, bytes, maxBytes, "%s allocates %s bytes (%s allocs) in its init", pkg, m[2], m[3])
	}
	assert.NotZero(t, seen, "no pbxauth package's init was traced")
}
