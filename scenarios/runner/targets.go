package runner

import (
	"fmt"
	"net/http"
	"net/url"
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

// endpoint is a resolved target: where requests go, the client that reaches it
// and, on the mock, its control.
type endpoint struct {
	base string
	hc   *http.Client
	ctl  *mockControl // nil against a real PBX
	stop func()
}

// startTarget resolves where requests go from how the run was set up, never by
// probing: a mock of its own, started here (stop ends it), a standalone mock with
// its control client, or the PBX. A run comes here for each scenario, a load once.
func (r *Runner) startTarget(kind targetKind, hc *http.Client) (endpoint, error) {
	ep := endpoint{base: r.opts.BaseURL, hc: hc, stop: func() {}}
	switch kind {
	case targetPBX:
		return ep, nil
	case targetOwnMock:
		m, err := r.opts.NewMock()
		if err != nil {
			return endpoint{}, err
		}
		ep.base = m.BaseURL
		if m.Stop != nil {
			ep.stop = m.Stop
		}
		if m.Transport != nil {
			if ep.hc, err = viaMock(hc, m); err != nil {
				ep.stop()
				return endpoint{}, err
			}
		}
	}
	ctl, err := newMockControl(ep.base, ep.hc, r.opts.MockToken)
	if err != nil {
		ep.stop()
		return endpoint{}, err
	}
	ep.ctl = ctl
	return ep, nil
}

// viaMock is hc with the requests for m's host sent through m's transport; the
// rest (absolute-URL steps to hosts --allow-host lets through) go hc's own way.
func viaMock(hc *http.Client, m Mock) (*http.Client, error) {
	u, err := url.Parse(m.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("the mock's address %q: %w", m.BaseURL, err)
	}
	c := *hc
	c.Transport = hostRoute{host: u.Host, to: m.Transport, rest: hc.Transport}
	return &c, nil
}

// hostRoute sends the requests for one host through its own transport.
type hostRoute struct {
	host     string
	to, rest http.RoundTripper
}

func (h hostRoute) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.EqualFold(req.URL.Host, h.host) {
		return h.to.RoundTrip(req)
	}
	if h.rest == nil {
		return http.DefaultTransport.RoundTrip(req)
	}
	return h.rest.RoundTrip(req)
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
