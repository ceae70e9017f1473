package cli

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/tui/profile"
)

// varEnvPrefix names the environment variables that give scenario variables, so
// passwords need not appear on a command line: PBXAUTH_VAR_PASSWORD=... gives
// ${password}.
const varEnvPrefix = "PBXAUTH_VAR_"

// applyProfile points the run at a TUI profile: its URL, TLS setting and variables
// (accounts and tenants; a profile never holds a password). --var wins over the
// profile.
func applyProfile(f *runFlags, vars map[string]string) error {
	path, err := profile.DefaultPath()
	if err != nil {
		return usageErrorf("--profile: %v", err)
	}
	store, err := profile.Open(path)
	if err != nil {
		return usageErrorf("--profile: %v", err)
	}
	p, ok := store.Get(f.profile)
	if !ok {
		return usageErrorf("no profile %q in %s", f.profile, store.Path)
	}
	if f.url != "" {
		return usageErrorf("--url and --profile name two targets; give one")
	}
	f.url = p.URL
	f.insecure = f.insecure || p.Insecure
	fill := func(k, v string) {
		if _, given := vars[k]; !given && v != "" {
			vars[k] = v
		}
	}
	for k, v := range p.Vars {
		fill(k, v)
	}
	// The TUI's own fields name the tenant account the suite's username/domain mean.
	fill("username", p.Username)
	fill("domain", p.Domain)
	return nil
}

// fillSecretVars gives the selected scenarios' unset variables from the
// environment (PBXAUTH_VAR_NAME), and, for secret ones (passwords) on a terminal,
// from a prompt that does not echo. What stays unset is skipped or, with
// --require-vars, refused by the caller.
func fillSecretVars(s *streams, list []*scenarios.Scenario, vars map[string]string, prompt bool) error {
	var names []string
	for _, sc := range list {
		for _, v := range sc.Vars {
			if _, given := vars[v.Name]; v.Value == nil && !given && !slices.Contains(names, v.Name) {
				names = append(names, v.Name)
			}
		}
	}
	slices.Sort(names)
	in, isFile := s.in.(*os.File)
	tty := prompt && isFile && term.IsTerminal(in.Fd())
	for _, n := range names {
		if v, ok := os.LookupEnv(varEnvPrefix + strings.ToUpper(n)); ok {
			vars[n] = v
			continue
		}
		if !tty || !strings.Contains(strings.ToLower(n), "password") {
			continue
		}
		fmt.Fprintf(s.err, "%s (empty to skip the scenarios that need it): ", n)
		b, err := term.ReadPassword(in.Fd())
		fmt.Fprintln(s.err)
		if err != nil {
			return fmt.Errorf("read %s: %w", n, err)
		}
		if len(b) > 0 {
			vars[n] = string(b)
		}
	}
	return nil
}
