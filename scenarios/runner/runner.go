// Package runner runs conformance scenarios against a PBX, a standalone mock or
// mocks of its own, and tells what happens as events (RunStarted, StepFinished,
// ...). Each StepResult carries its failures (expected and actual, secrets
// hidden), spec warnings and the HTTP exchange; Redacted gives the exchange safe
// to show or store. It knows nothing of the terminal: the TUI and the CLI drive it
// alike.
package runner

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/scenarios"
)

// SpecMode says what a response that breaks the OpenAPI document does to a step.
type SpecMode string

// Spec modes. Request-side violations never fail a step: scenarios send bad requests
// on purpose, and it is the PBX, not the scenario, that is under test.
const (
	SpecFail SpecMode = "fail" // a response violation fails the step (default)
	SpecWarn SpecMode = "warn" // a response violation is a warning
	SpecOff  SpecMode = "off"  // responses are not checked
)

// DefaultStepTimeout bounds a step when neither the step nor Options says otherwise.
const DefaultStepTimeout = 10 * time.Second

// MockFactory hands out a fresh mock PBX for one scenario.
type MockFactory func() (Mock, error)

// Mock is a mock PBX as a MockFactory hands it out: where it is, how to reach it,
// how to give it back. It is the mock, so the runner never probes it.
type Mock struct {
	// BaseURL is its API base URL (with /api).
	BaseURL string
	// Transport reaches it (mockserver.Server.Transport: in-process, no port);
	// nil means over the network with the run's client.
	Transport http.RoundTripper
	// Stop gives it back (nil: nothing to do).
	Stop func()
}

// Options configure a Runner.
type Options struct {
	// BaseURL is the PBX (or a standalone `pbxauth mock`) under test.
	BaseURL string
	// SharedMock says BaseURL is a standalone `pbxauth mock` (the user said so with
	// --mock): mock-level and mock-only scenarios run, null variables take the demo
	// data, state is reset before each scenario, and scenarios run one at a time
	// since they share its state. The runner never guesses it by probing.
	SharedMock bool
	// MockVars are the values null variables take against the mock (DemoVars when
	// nil); against any other target they take none.
	MockVars map[string]string
	// Strict makes failed recommended-level scenarios (findings) fail the run.
	Strict bool
	// NewMock, when set, gives each scenario its own mock (MockPool.Get,
	// InProcessMock); BaseURL is ignored.
	NewMock MockFactory
	// Insecure turns off TLS verification (self-signed PBX certificates).
	Insecure bool
	// Parallel is how many scenarios run at once (at least 1).
	Parallel int
	// FailFast stops starting scenarios after the first failure or error.
	FailFast bool
	// AllowMutations lets mutating scenarios run against a real PBX.
	AllowMutations bool
	// Spec is what a response violating the OpenAPI document does (default SpecFail).
	Spec SpecMode
	// Validate is how many answers are checked against the document (default
	// ValidateAll); a load has its own setting.
	Validate ValidateMode
	// Timeout bounds each step that sets none (default DefaultStepTimeout).
	Timeout time.Duration
	// Vars are --var values; they override the scenarios' own vars.
	Vars map[string]string
	// Transport, when set, carries every request (tests, in-process transports).
	Transport http.RoundTripper
	// Getenv reads ${env.NAME} variables; os.LookupEnv when nil.
	Getenv func(string) (string, bool)
	// Mail, against a real PBX, is where outbox steps read the PBX's mail (an SMTP
	// receiver, --mail): scenarios that need the mock only for its outbox then run.
	// Against the mock its own outbox is used.
	Mail MailSource
	// DropResults leaves RunResult.Scenarios nil: each result lives only until
	// its ScenarioFinished event (a ReportStream writes it), so a run of
	// thousands of scenarios keeps constant memory. The counts are kept.
	DropResults bool
	// AllowHosts are hosts (name, or name:port) that absolute-URL request steps may
	// reach besides the target's.
	AllowHosts []string
	// MockToken is the control token of a `pbxauth mock` that requires one
	// (--control-token); it is sent to the target's /_mock/ only.
	MockToken string
}

// Runner runs scenarios. It is safe to call Run from several goroutines.
type Runner struct {
	opts Options
	// mailTurn lets a scenario that reads real mail run alone: another scenario's
	// mail to the same account must not be taken for its own.
	mailTurn sync.RWMutex
}

// New checks opts and returns a Runner.
func New(opts Options) (*Runner, error) {
	if opts.NewMock == nil && opts.BaseURL == "" {
		return nil, fmt.Errorf("scenarios: no target: give a base URL or a mock factory")
	}
	if opts.NewMock == nil {
		u, err := apiclient.NormalizeBaseURL(opts.BaseURL)
		if err != nil {
			return nil, err
		}
		opts.BaseURL = u.String()
	}
	switch opts.Spec {
	case "":
		opts.Spec = SpecFail
	case SpecFail, SpecWarn, SpecOff:
	default:
		return nil, fmt.Errorf("scenarios: spec mode must be fail, warn or off, got %q", opts.Spec)
	}
	var err error
	if opts.Validate, err = opts.Validate.Resolve(ValidateAll); err != nil {
		return nil, err
	}
	if opts.Parallel < 1 {
		opts.Parallel = 1
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultStepTimeout
	}
	return &Runner{opts: opts}, nil
}

func (r *Runner) httpClient() *http.Client {
	if r.opts.Transport != nil {
		return &http.Client{Transport: r.opts.Transport}
	}
	return &http.Client{Transport: apiclient.NewTransport(r.opts.Insecure)}
}

// Options are the options as New completed them (defaults filled in).
func (r *Runner) Options() Options { return r.opts }

// Target describes where a run goes, for reports.
func (r *Runner) Target() string {
	if r.opts.NewMock != nil {
		return "in-process mock"
	}
	return r.opts.BaseURL
}

// Run runs the scenarios and returns their results in the order given. onEvent,
// when not nil, sees every event; calls are serialised (never concurrent), so it may
// update state without locks, but it must not block for long. Cancelling ctx stops
// the run: running steps fail with the cancellation, the rest are skipped.
func (r *Runner) Run(ctx context.Context, list []*scenarios.Scenario, onEvent func(Event)) *RunResult {
	res := &RunResult{Started: time.Now(), Target: r.Target(), Strict: r.opts.Strict}
	if !r.opts.DropResults {
		res.Scenarios = make([]*ScenarioResult, len(list))
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	rs := &runState{r: r, ctx: runCtx, list: list, kind: r.kind(), hc: r.httpClient(),
		secrets: staticSecrets(list), check: SampleSpec(r.opts.Validate), onEvent: onEvent, res: res}
	parallel := rs.prepare()
	rs.emit(Event{Kind: RunStarted, Run: &RunResult{Target: res.Target, Started: res.Started, Notes: res.Notes, Strict: res.Strict}})

	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(parallel, max(len(list), 1)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				rs.record(i, rs.play(i))
			}
		}()
	}
	for i := range list {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	res.Duration = time.Since(res.Started)
	res.Interrupted = ctx.Err() != nil
	rs.emit(Event{Kind: RunFinished, Run: res})
	return res
}

// runState is what the workers of one Run share.
type runState struct {
	r       *Runner
	ctx     context.Context
	list    []*scenarios.Scenario
	kind    targetKind
	shared  *mockControl // a standalone mock's control API
	hc      *http.Client
	secrets *redactor
	check   func(*apiclient.Exchange) bool
	onEvent func(Event)

	mu      sync.Mutex // serialises onEvent; guards res and stopped
	res     *RunResult
	stopped bool // fail-fast tripped
}

// emit hands an event to onEvent, one call at a time.
func (rs *runState) emit(e Event) {
	if rs.onEvent == nil {
		return
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	e.Total = len(rs.list)
	rs.onEvent(e)
}

// prepare reaches a standalone mock's control API and says how many scenarios
// run at once; each way the run differs from what was asked is noted.
func (rs *runState) prepare() (parallel int) {
	r, res := rs.r, rs.res
	parallel = r.opts.Parallel
	if rs.kind == targetSharedMock {
		ep, err := r.startTarget(rs.kind, rs.hc) // a standalone mock: nothing to start
		if err != nil {
			res.Notes = append(res.Notes, "the mock's control API: "+err.Error())
		}
		rs.shared = ep.ctl
		parallel = 1
		// Said out loud: the reset wipes whatever the mock held, and a run
		// asked to go N at a time takes N times longer than expected.
		note := res.Target + " is a standalone mock PBX: it is reset before each scenario"
		if r.opts.Parallel > 1 && len(rs.list) > 1 {
			note += fmt.Sprintf(", and scenarios run one at a time instead of %d at once (they share its state)", r.opts.Parallel)
		}
		res.Notes = append(res.Notes, note)
	}
	if rs.kind == targetPBX && r.opts.AllowMutations && parallel > 1 && slices.ContainsFunc(rs.list, (*scenarios.Scenario).Mutating) {
		// Mutating scenarios change the accounts the others sign in with (a reset
		// sets a new password until it puts the old one back).
		parallel = 1
		res.Notes = append(res.Notes, fmt.Sprintf("mutations are allowed on %s: scenarios run one at a time instead of %d at once (they share its accounts)", res.Target, r.opts.Parallel))
	}
	return parallel
}

// play runs scenario i, or says why it is skipped.
func (rs *runState) play(i int) *ScenarioResult {
	s, r := rs.list[i], rs.r
	rs.mu.Lock()
	halt := rs.stopped
	rs.mu.Unlock()
	switch {
	case halt:
		return &ScenarioResult{Scenario: s, Status: StatusSkipped, Reason: "not run: --fail-fast stopped the run after a failure"}
	case rs.ctx.Err() != nil:
		return &ScenarioResult{Scenario: s, Status: StatusSkipped, Reason: "not run: the run was interrupted"}
	}
	if reason := r.skipReason(s, rs.kind); reason != "" {
		return &ScenarioResult{Scenario: s, Status: StatusSkipped, Reason: reason}
	}
	release := r.takeMailTurn(s, rs.kind)
	rs.emit(Event{Kind: ScenarioStarted, Index: i, Scenario: s})
	sr := r.runOne(rs.ctx, s, rs.kind, rs.shared, rs.hc, rs.secrets, rs.check, func(st *StepResult) {
		rs.emit(Event{Kind: StepFinished, Index: i, Scenario: s, Step: st})
	})
	release()
	// Sound practice PortSIP does not document: worth reporting, not
	// a broken contract.
	sr.Finding = sr.Status == StatusFailed && s.EffectiveLevel() == scenarios.LevelRecommended
	return sr
}

// record counts scenario i's result, keeps it unless results are dropped,
// trips fail-fast, and tells onEvent.
func (rs *runState) record(i int, sr *ScenarioResult) {
	rs.mu.Lock()
	rs.res.count(sr)
	if rs.res.Scenarios != nil {
		rs.res.Scenarios[i] = sr
	}
	if rs.r.opts.FailFast && sr.FailsRun(rs.r.opts.Strict) {
		rs.stopped = true
	}
	rs.mu.Unlock()
	rs.emit(Event{Kind: ScenarioFinished, Index: i, Scenario: rs.list[i], Result: sr})
}

// runOne runs a scenario on its target: a fresh mock, the shared mock after a
// reset, or the PBX.
func (r *Runner) runOne(ctx context.Context, s *scenarios.Scenario, kind targetKind, shared *mockControl, hc *http.Client, secrets *redactor,
	check func(*apiclient.Exchange) bool, onStep func(*StepResult)) *ScenarioResult {
	sr := &ScenarioResult{Scenario: s, Started: time.Now()}
	defer func() { sr.Duration = time.Since(sr.Started) }()
	base, ctl := r.opts.BaseURL, shared
	switch kind {
	case targetOwnMock:
		ep, err := r.startTarget(kind, hc)
		if err != nil && ctx.Err() != nil {
			sr.Status, sr.Reason = StatusSkipped, "interrupted"
			return sr
		}
		if err != nil {
			sr.Status, sr.Reason = StatusError, "could not start the mock PBX: "+err.Error()
			return sr
		}
		defer ep.stop()
		base, ctl, hc = ep.base, ep.ctl, ep.hc
	case targetSharedMock:
		if shared == nil {
			sr.Status, sr.Reason = StatusError, "no control API for the mock PBX at "+r.opts.BaseURL
			return sr
		}
		if err := shared.reset(ctx); err != nil && ctx.Err() != nil {
			sr.Status, sr.Reason = StatusSkipped, "interrupted"
			return sr
		} else if err != nil {
			sr.Status, sr.Reason = StatusError, "could not reset the mock PBX: "+err.Error()
			return sr
		}
	}
	x, err := r.newExec(s, base, ctl, hc, onStep)
	if err == nil {
		x.secrets, x.check = secrets.clone(), check
	}
	if err != nil {
		sr.Status, sr.Reason = StatusFailed, err.Error()
		return sr
	}
	x.run(ctx, sr)
	return sr
}
