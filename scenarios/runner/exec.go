package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/scenarios"
)

// exec runs the steps of one scenario: one client (and cookie jar), one scope.
type exec struct {
	r       *Runner
	s       *scenarios.Scenario
	client  *apiclient.Client
	ctl     *mockControl // nil against a real PBX
	secrets *redactor
	onStep  func(*StepResult)
	index   int
	// halt, when set, is asked before each step: a load past its deadline starts no
	// new request.
	halt func() bool
	// halted is set when halt stopped the last run between two steps.
	halted bool
	// check, when set, says which answers are checked against the OpenAPI
	// document (a load checks the first of each shape); all of them otherwise.
	check func(*apiclient.Exchange) bool
	// base and baseSecrets are the starting scope, kept when the exec is reused
	// (a load's virtual user runs the same scenario over and over).
	reuse       bool
	base        *scope
	baseSecrets *redactor

	// mail is where outbox steps read (nil: none). mailSince is its mark when the
	// scenario started; mailFresh its mark before the latest call that sends mail,
	// when mailPending says no outbox step has read since.
	mail        MailSource
	mailSince   uint64
	mailFresh   uint64
	mailPending bool
	// host is the target's host name: absolute-URL requests go there or to an
	// Options.AllowHosts entry only; secure says the target is HTTPS, and then
	// they go there over HTTPS too.
	host   string
	secure bool
}

// clientTimeout is only a backstop: each step's context carries the real deadline.
const clientTimeout = 10 * time.Minute

// newClient is the API client of one scenario run, or of one virtual user of a load.
func newClient(base string, hc *http.Client) (*apiclient.Client, error) {
	return apiclient.New(apiclient.WithBaseURL(base), apiclient.WithHTTPClient(hc),
		apiclient.WithTimeout(clientTimeout), apiclient.WithUserAgent("pbxauth-run/"+apiclient.Version))
}

func (r *Runner) newExec(s *scenarios.Scenario, base string, ctl *mockControl, hc *http.Client, onStep func(*StepResult)) (*exec, error) {
	client, err := newClient(base, hc)
	if err != nil {
		return nil, err
	}
	host, secure := "", false
	if u, err := url.Parse(base); err == nil {
		host, secure = u.Hostname(), u.Scheme == "https"
	}
	x := &exec{r: r, s: s, client: client, ctl: ctl, secrets: &redactor{}, onStep: onStep, mail: r.opts.Mail, host: host, secure: secure}
	if ctl != nil {
		x.mail = mockOutbox{ctl}
	}
	if x.mail != nil {
		x.mailSince = x.mail.Mark()
	}
	return x, nil
}

// scenarioScope builds the variables a scenario starts with: --var values, then the
// scenario's vars (each may use the ones before it and the environment).
func (x *exec) scenarioScope() (*scope, error) {
	sc := newScope()
	if x.r.opts.Getenv != nil {
		sc.getenv = x.r.opts.Getenv
	}
	sc.getenv = x.secretEnv(sc.getenv)
	for k, v := range x.r.opts.Vars {
		sc.vals[k] = v
		if secretName(k) {
			x.secrets.add(v)
		}
	}
	all := newBudget() // the scenario's variables together, not only each one
	for _, v := range x.s.Vars {
		if _, given := x.r.opts.Vars[v.Name]; given {
			continue
		}
		if v.Value == nil {
			// Only the mock has defaults (its demo data); skipReason keeps a
			// scenario without them from getting here anywhere else.
			d, ok := x.r.defaults()[v.Name]
			if !ok {
				return nil, fmt.Errorf("%s: variable %s has no value: give it with --var %s=<value>", v.Pos, v.Name, v.Name)
			}
			sc.vals[v.Name] = d
			if secretName(v.Name) {
				x.secrets.add(d)
			}
			continue
		}
		val, err := sc.expandWithin(v.Value, all, 0)
		if err != nil {
			return nil, fmt.Errorf("%s: variable %s: %v", v.Pos, v.Name, err)
		}
		sc.vals[v.Name] = val
		if secretName(v.Name) {
			x.secrets.add(val)
		}
	}
	return sc, nil
}

// secretEnv is getenv that remembers the value of an environment variable named
// like a secret (CI_DEPLOY_TOKEN) as a secret of the run when a scenario reads
// it, whatever name the scenario gives it or wherever it puts it. It reads
// x.secrets at each call: a reused exec starts each iteration with new ones.
func (x *exec) secretEnv(getenv func(string) (string, bool)) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := getenv(name)
		if ok && secretName(name) {
			x.secrets.add(v)
		}
		return v, ok
	}
}

// startScope is the scope an iteration starts with. A reused exec computes it
// once (variables depend only on --var and the environment) and hands each
// iteration a copy, with the client's session and the secrets started over.
func (x *exec) startScope() (*scope, error) {
	if !x.reuse {
		return x.scenarioScope()
	}
	x.index, x.halted = 0, false
	x.client.ResetSession()
	if x.base == nil {
		x.secrets = &redactor{}
		sc, err := x.scenarioScope()
		if err != nil {
			return nil, err
		}
		x.base, x.baseSecrets = sc, x.secrets
	}
	x.secrets = x.baseSecrets.clone()
	sc := &scope{vals: make(map[string]any, len(x.base.vals)+4), getenv: x.base.getenv}
	maps.Copy(sc.vals, x.base.vals)
	return sc, nil
}

func (x *exec) run(ctx context.Context, sr *ScenarioResult) {
	sc, err := x.startScope()
	if err != nil {
		sr.Status, sr.Reason = StatusFailed, err.Error()
		return
	}
	ok := x.steps(ctx, x.s.Steps, sc, "", sr)
	last := (*StepResult)(nil)
	if n := len(sr.Steps); n > 0 {
		last = sr.Steps[n-1]
	}
	switch {
	case !ok && last != nil && last.Status == StatusSkipped:
		sr.Status, sr.Reason = StatusSkipped, "interrupted at step "+last.Name
	case ok:
		sr.Status = StatusPassed
	case sr.FailedStep() != nil:
		sr.Status = sr.FailedStep().Status
	default:
		sr.Status = StatusFailed
	}
	if !ok {
		sr.NotRun = scenarios.CountSteps(x.s.Steps) - len(sr.Steps)
		if sr.NotRun < 0 {
			sr.NotRun = 0
		}
	}
}

// steps runs steps in order and stops at the first that does not pass.
func (x *exec) steps(ctx context.Context, steps []*scenarios.Step, sc *scope, prefix string, sr *ScenarioResult) bool {
	for _, st := range steps {
		if x.halt != nil && x.halt() {
			x.halted = true
			return false
		}
		if st.Kind == scenarios.KindInclude {
			if !x.include(ctx, st, sc, prefix, sr) {
				return false
			}
			continue
		}
		res := x.step(ctx, st, sc)
		res.Name = prefix + res.Name
		res.Index = x.index
		res.secrets = x.secrets
		x.index++
		sr.Steps = append(sr.Steps, res)
		if x.onStep != nil {
			x.onStep(res)
		}
		if res.Status != StatusPassed {
			return false
		}
	}
	return true
}

// include runs a flow in its own scope (its params and --var values) and copies its
// returned captures into the includer's scope.
func (x *exec) include(ctx context.Context, st *scenarios.Step, sc *scope, prefix string, sr *ScenarioResult) bool {
	f := st.Include.Flow
	fsc := sc.child()
	for k, v := range x.r.opts.Vars {
		fsc.vals[k] = v
	}
	fail := func(msg string) bool {
		res := &StepResult{Index: x.index, Name: prefix + st.Name, Kind: scenarios.KindInclude, Pos: st.Pos, Status: StatusFailed, Err: x.secrets.scrub(msg), secrets: x.secrets}
		x.index++
		sr.Steps = append(sr.Steps, res)
		if x.onStep != nil {
			x.onStep(res)
		}
		return false
	}
	given := map[string]bool{}
	all := newBudget() // the flow's inputs together, not only each one
	for _, w := range st.Include.With {
		v, err := sc.expandWithin(w.Value, all, 0)
		if err != nil {
			return fail(fmt.Sprintf("%s: with %s: %v", w.Pos, w.Name, err))
		}
		fsc.vals[w.Name], given[w.Name] = v, true
		if secretName(w.Name) {
			x.secrets.add(v)
		}
	}
	for _, p := range f.Params {
		if given[p.Name] {
			continue
		}
		if p.Value == nil {
			return fail(fmt.Sprintf("%s: flow %q needs parameter %s", st.Pos, f.Name, p.Name))
		}
		v, err := fsc.expandWithin(p.Value, all, 0)
		if err != nil {
			return fail(fmt.Sprintf("%s: param %s: %v", p.Pos, p.Name, err))
		}
		fsc.vals[p.Name] = v
	}
	if !x.steps(ctx, f.Steps, fsc, prefix+st.Name+" › ", sr) {
		return false
	}
	for _, name := range scenarios.FlowReturns(f) {
		if v, ok := fsc.vals[name]; ok {
			sc.vals[name] = v
		}
	}
	return true
}

// step runs one call, request, outbox or clock step and checks it.
func (x *exec) step(parent context.Context, st *scenarios.Step, sc *scope) *StepResult {
	res := &StepResult{Name: st.Name, Kind: st.Kind, Operation: st.Call, Pos: st.Pos}
	started := time.Now()
	defer func() { res.Duration = time.Since(started) }()
	timeout := st.Timeout
	if timeout <= 0 {
		timeout = x.r.opts.Timeout
	}
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()

	var err error
	switch st.Kind {
	case scenarios.KindCall, scenarios.KindRequest:
		err = x.http(ctx, st, sc, res)
	case scenarios.KindOutbox:
		err = x.outbox(ctx, st, sc, res)
	case scenarios.KindClock:
		err = x.clock(ctx, st, sc, res)
	}
	if err != nil && errors.Is(parent.Err(), context.Canceled) {
		// The run was interrupted: the step says nothing about the PBX.
		res.Err, res.Status = "interrupted", StatusSkipped
		return res
	}
	if err != nil {
		res.Err = x.secrets.scrub(describeErr(err, timeout))
		res.Status = StatusFailed
		var te *apiclient.TransportError
		if errors.As(err, &te) || errors.Is(err, context.DeadlineExceeded) {
			res.Status = StatusError
		}
		return res
	}
	if len(res.Failures) > 0 {
		res.Status = StatusFailed
		return res
	}
	for k, v := range res.captured {
		sc.vals[k] = v
	}
	return res
}

func describeErr(err error, timeout time.Duration) string {
	var te *apiclient.TransportError
	if errors.As(err, &te) && te.Timeout {
		return fmt.Sprintf("timed out after %s: %s %s got no answer", timeout, te.Op, te.URL)
	}
	return err.Error()
}

// http sends a call or raw request step and checks its answer.
func (x *exec) http(ctx context.Context, st *scenarios.Step, sc *scope, res *StepResult) error {
	req, err := x.buildRequest(st, sc)
	if err != nil {
		return err
	}
	var mark uint64
	if x.mail != nil && sendsMail(req.Path) {
		mark = x.mail.Mark()
	}
	resp, ex, err := x.client.Send(ctx, req)
	res.Exchange = ex
	if err != nil {
		return err
	}
	if x.mail != nil && sendsMail(req.Path) && resp.Status/100 == 2 {
		x.mailFresh, x.mailPending = mark, true
	}
	// Status first: it is the headline of a failure; the spec check adds detail.
	x.checkStatus(st, resp, res)
	if x.check == nil || x.check(res.Exchange) {
		x.checkSpec(st, res)
	}
	var doc any
	var docErr error
	if len(resp.Body) > 0 && x.needsDoc(st) {
		doc, docErr = decodeJSON(resp.Body)
		if docErr == nil {
			x.secrets.addResponseSecrets(doc)
		}
	}
	// Declared without content: an empty answer says all it has to say.
	if !st.Expect.BodyOptional || len(bytes.TrimSpace(resp.Body)) > 0 {
		x.checkBody(st.Expect.Body, doc, docErr, len(resp.Body) > 0, sc, res)
	}
	x.checkHeaders(st.Expect.Header, resp.Header, sc, res)
	x.capture(st, doc, docErr, resp.Header, res)
	return nil
}

// needsDoc says whether the step's answer must be decoded. A conformance run
// always decodes it (its secrets are learnt for the report). A load's reused exec
// decodes only what an assertion or a capture reads: its report holds counts and
// error keys, never answer text, and decoding was a tenth of a load's CPU.
func (x *exec) needsDoc(st *scenarios.Step) bool {
	if !x.reuse || len(st.Expect.Body) > 0 {
		return true
	}
	for _, c := range st.Captures {
		if c.From != scenarios.FromHeader {
			return true
		}
	}
	return false
}
