package runner

import (
	"context"
	"fmt"
	"net/http"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/scenarios"
)

// Target is where a load sends its requests, resolved once for the whole load.
type Target struct {
	r    *Runner
	kind targetKind
	base string
	ctl  *mockControl // nil against a real PBX
	hc   *http.Client
	stop func()
}

// OpenTarget resolves the runner's target for a load, starting its mock when it
// has one of its own (Close stops it). conns caps the connections per host: one
// kept-alive connection per virtual user, or connections churn and the load
// measures TCP setup instead of the PBX.
func (r *Runner) OpenTarget(conns int) (*Target, error) {
	hc := r.httpClient()
	if t, ok := hc.Transport.(*http.Transport); ok {
		t.MaxIdleConnsPerHost = conns
		t.MaxConnsPerHost = conns
	}
	kind := r.kind()
	ep, err := r.startTarget(kind, hc)
	if err != nil {
		return nil, fmt.Errorf("scenarios: start the mock PBX: %w", err)
	}
	return &Target{r: r, kind: kind, base: ep.base, ctl: ep.ctl, hc: ep.hc, stop: ep.stop}, nil
}

// Close stops the target's own mock, if it has one.
func (t *Target) Close() { t.stop() }

// SkipReason says why s cannot run on this target, or "".
func (t *Target) SkipReason(s *scenarios.Scenario) string { return t.r.skipReason(s, t.kind) }

// Session runs scenarios over and over on one client (a load's virtual user:
// one connection, the cookie jar started over each iteration). It keeps one exec
// per scenario, with the scenario's starting variables worked out once.
type Session struct {
	t      *Target
	client *apiclient.Client
	execs  map[*scenarios.Scenario]*exec
	onStep func(*StepResult)
	halt   func() bool
	check  func(*apiclient.Exchange) bool
}

// NewSession opens a client on t. onStep sees each step as it ends; halt, asked
// before each step, stops an iteration when it says so; check says which answers
// are checked against the OpenAPI document (all when nil).
func (t *Target) NewSession(onStep func(*StepResult), halt func() bool, check func(*apiclient.Exchange) bool) (*Session, error) {
	client, err := newClient(t.base, t.hc)
	if err != nil {
		return nil, err
	}
	return &Session{t: t, client: client, execs: map[*scenarios.Scenario]*exec{}, onStep: onStep, halt: halt, check: check}, nil
}

// Run runs s once into sr; halted says halt stopped it between two steps.
func (se *Session) Run(ctx context.Context, s *scenarios.Scenario, sr *ScenarioResult) (halted bool) {
	x := se.execs[s]
	if x == nil {
		x = &exec{r: se.t.r, s: s, client: se.client, ctl: se.t.ctl, onStep: se.onStep,
			halt: se.halt, check: se.check, reuse: true}
		se.execs[s] = x
	}
	x.run(ctx, sr)
	return x.halted
}
