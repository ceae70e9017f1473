package runner

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/pbxauth/pbxauth/scenarios"
)

// targetKind is what the runner runs against. It is known from how the run was set
// up (Options.NewMock, Options.SharedMock), never guessed by probing the target: a
// real PBX that happened to answer a mock path must not be treated as the mock.
type targetKind int

const (
	targetPBX targetKind = iota
	targetSharedMock
	targetOwnMock
)

func (r *Runner) kind() targetKind {
	switch {
	case r.opts.NewMock != nil:
		return targetOwnMock
	case r.opts.SharedMock:
		return targetSharedMock
	}
	return targetPBX
}

// startTarget resolves where requests go from how the run was set up, never by
// probing: a mock of its own, started here (stop ends it), a standalone mock with
// its control client, or the PBX. A run comes here for each scenario, a load once.
func (r *Runner) startTarget(kind targetKind, hc *http.Client) (base string, ctl *mockControl, stop func(), err error) {
	stop = func() {}
	switch kind {
	case targetPBX:
		return r.opts.BaseURL, nil, stop, nil
	case targetOwnMock:
		if base, stop, err = r.opts.NewMock(); err != nil {
			return "", nil, nil, err
		}
	default:
		base = r.opts.BaseURL
	}
	return base, newMockControl(base, hc, r.opts.MockToken), stop, nil
}

// IsMock reports whether the run's target is pbxauth's mock.
func (r *Runner) IsMock() bool { return r.kind() != targetPBX }

// defaults are the values null variables take when --var gives none: the mock's
// demo data against the mock, nothing elsewhere.
func (r *Runner) defaults() map[string]string {
	if !r.IsMock() {
		return nil
	}
	if r.opts.MockVars != nil {
		return r.opts.MockVars
	}
	return DemoVars()
}

// unsetVars lists the scenario's variables that have no value: declared null, not
// given with --var and without a default on this target.
func (r *Runner) unsetVars(s *scenarios.Scenario) []string {
	def := r.defaults()
	var out []string
	for _, v := range s.Vars {
		if v.Value != nil {
			continue
		}
		if _, ok := r.opts.Vars[v.Name]; ok {
			continue
		}
		if _, ok := def[v.Name]; ok {
			continue
		}
		if !slices.Contains(out, v.Name) {
			out = append(out, v.Name)
		}
	}
	return out
}

// MissingVars lists, per scenario, the variables that have no value on this target
// (declared null, not given with --var, no mock default) and the ${env.NAME}
// variables that are not set. The runner skips such scenarios, naming the
// variables; --require-vars makes the CLI refuse to start instead.
func (r *Runner) MissingVars(list []*scenarios.Scenario) []string {
	var out []string
	for _, s := range list {
		if names := r.unsetVars(s); len(names) > 0 {
			out = append(out, fmt.Sprintf("%s: scenario %q needs %s", s.Pos, s.Name, varFlags(names)))
		}
	}
	return append(out, scenarios.UnsetEnv(list, r.opts.Getenv)...)
}

func varFlags(names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = "--var " + n + "=..."
	}
	return strings.Join(parts, " ")
}

func (r *Runner) skipReason(s *scenarios.Scenario, kind targetKind) string {
	if kind == targetPBX {
		if s.EffectiveLevel() == scenarios.LevelMock {
			why := "level mock: pbxauth's mock's own choice"
			if s.Source != "" {
				why += " (" + s.Source + ")"
			}
			return why + "; the target is not pbxauth's mock"
		}
		if s.MockOnly() {
			return r.mockOnlyReason(s)
		}
	}
	if names := r.unsetVars(s); len(names) > 0 {
		return "needs variables " + strings.Join(names, ", ") + ": give them with " + varFlags(names)
	}
	if kind == targetPBX && s.Mutating() && !r.opts.AllowMutations {
		return "changes state on the PBX; run with --allow-mutations to include it"
	}
	return ""
}
