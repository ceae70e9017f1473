package main

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/pbxauth/pbxauth/"

// layerRules are the arrows ARCHITECTURE.md draws, as what each package must
// never reach, directly or through another package. A prefix ending in "/"
// covers a whole subtree.
var layerRules = map[string][]string{
	// The leaves.
	"internal/termsafe":    {""},
	"internal/boundedjson": {""},
	"apiclient/spec":       {"apiclient", "apiclient/rules", "mockserver", "scenarios", "tui", "fuzz", "mailbox"},
	"apiclient/rules":      {"apiclient", "mockserver", "scenarios", "tui", "fuzz", "mailbox"},
	// The client knows nothing of the mock, the runner or the terminal.
	"apiclient": {"mockserver", "scenarios", "scenarios/", "tui", "tui/", "fuzz", "mailbox", "internal/cli"},
	// The format knows nothing of running it; the mock nothing of the tools that use it.
	"scenarios":  {"scenarios/runner", "scenarios/report", "scenarios/loadtest", "mockserver", "mailbox", "tui", "tui/", "fuzz", "internal/cli"},
	"mockserver": {"scenarios", "scenarios/", "mailbox", "tui", "tui/", "fuzz", "internal/cli"},
	"mailbox":    {"scenarios", "scenarios/", "mockserver", "tui", "tui/", "fuzz", "internal/cli"},
	// The runner nothing of reports, load runs or the terminal.
	"scenarios/runner":   {"scenarios/report", "scenarios/loadtest", "tui", "tui/", "fuzz", "internal/cli"},
	"scenarios/report":   {"scenarios/loadtest", "tui", "tui/", "fuzz", "internal/cli"},
	"scenarios/loadtest": {"tui", "tui/", "fuzz", "internal/cli"},
	"fuzz":               {"tui", "tui/", "internal/cli"},
	// Screens and widgets never reach up to the router.
	"tui/common":  {"tui", "tui/screens/", "internal/cli"},
	"tui/history": {"tui", "tui/screens/", "internal/cli"},
}

// TestArchitecture_layers keeps ARCHITECTURE.md's diagram true: it fails when a
// package starts to import one drawn above it.
func TestArchitecture_layers(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Deps " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, ok := strings.CutPrefix(fields[0], module)
		if !ok {
			continue
		}
		for _, d := range fields[1:] {
			if own, ok := strings.CutPrefix(d, module); ok {
				deps[pkg] = append(deps[pkg], own)
			}
		}
	}
	for pkg, forbidden := range layerRules {
		if _, ok := deps[pkg]; !ok && !knownLeaf(out, pkg) {
			t.Errorf("%s: no such package; update layerRules and ARCHITECTURE.md", pkg)
			continue
		}
		for _, d := range deps[pkg] {
			for _, f := range forbidden {
				if reaches(d, f) {
					t.Errorf("%s imports %s (directly or not), which ARCHITECTURE.md draws above it", pkg, d)
				}
			}
		}
	}
}

// reaches tells whether dependency d falls under rule f: "" is any package of the
// module, "x/" the subtree under x, anything else that one package.
func reaches(d, f string) bool {
	switch {
	case f == "":
		return true
	case strings.HasSuffix(f, "/"):
		return strings.HasPrefix(d, f)
	}
	return d == f
}

// knownLeaf tells whether pkg was listed but imports nothing of the module.
func knownLeaf(listing []byte, pkg string) bool {
	for _, line := range strings.Split(string(listing), "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == module+pkg {
			return true
		}
	}
	return false
}
