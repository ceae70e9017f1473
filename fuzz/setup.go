package fuzz

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mockserver"
)

// newFuzzer checks opts and sets a run up: its operations, its target, the
// variables and secrets, and a note for each kind of case it must leave out.
func newFuzzer(ctx context.Context, opts Options, emit func(Event)) (*fuzzer, error) {
	if opts.Budget <= 0 && opts.MaxExamples <= 0 {
		return nil, errors.New("fuzz: give a budget or a number of examples")
	}
	switch opts.Mode {
	case "":
		opts.Mode = ModeAll
	case ModePositive, ModeNegative, ModeAll:
	default:
		return nil, fmt.Errorf("fuzz: mode must be positive, negative or all, got %q", opts.Mode)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.ShrinkRuns <= 0 {
		opts.ShrinkRuns = 60
	}
	if emit == nil {
		emit = func(Event) {}
	}
	selected, err := selectOps(opts.Operations)
	if err != nil {
		return nil, err
	}
	t, err := newTarget(ctx, opts)
	if err != nil {
		return nil, err
	}
	res := &Result{Seed: opts.Seed, Target: apiclient.RedactURL(t.base), Mock: t.mock, Mode: opts.Mode, opIndex: map[string]*OpStats{}}
	vars := map[string]string{}
	if t.mock {
		for k, v := range MockDefaults {
			vars[k] = v
		}
	}
	for k, v := range opts.Vars {
		vars[k] = v
	}
	probes := opts.CredentialProbes
	if probes <= 0 {
		probes = 6 // two per operation that takes a password
		if t.mock {
			probes = 1 << 30
		}
	}
	g := &generator{ops: loadOpsOnce(), selected: selected, vars: vars, mock: t.mock, mail: t.mail != nil,
		allowMutations: opts.AllowMutations || t.mock, mode: opts.Mode, probeCap: probes}
	sec := &secrets{}
	for k, v := range vars {
		if strings.Contains(k, "password") {
			sec.add(v)
			if flipped, ok := flipCase(v); ok {
				sec.add(flipped)
			}
		}
	}
	if !g.has(varUsername, varPassword) {
		res.Notes = append(res.Notes, "no --var username/password: the cases that need a real account (valid sign-in, token lifecycle, credential probes) are left out")
	}
	if t.mail == nil {
		res.Notes = append(res.Notes, "no mail source: the 2FA sequence with the mailed code and forgot/reset are left out")
	} else if !g.allowMutations {
		res.Notes = append(res.Notes, "forgot/reset sequences change a password: left out without --allow-mutations")
	}
	return &fuzzer{opts: opts, t: t, gen: g, sec: sec, res: res, emit: emit}, nil
}

// selectOps finds the operations a run is limited to (all when ids is empty).
func selectOps(ids []string) ([]opSpec, error) {
	ops := loadOpsOnce()
	if len(ids) == 0 {
		return ops, nil
	}
	var selected []opSpec
	for _, id := range ids {
		i := slices.IndexFunc(ops, func(o opSpec) bool { return o.ID == id })
		if i < 0 {
			return nil, fmt.Errorf("fuzz: unknown operation %q (operations: %s)", id, strings.Join(opIDs(ops), ", "))
		}
		selected = append(selected, ops[i])
	}
	return selected, nil
}

// newTarget sets up the HTTP client, the rate cap and, when the target is pbxauth's
// mock, its outbox as the mail source and its reset.
func newTarget(ctx context.Context, opts Options) (*target, error) {
	u, err := apiclient.NormalizeBaseURL(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	hc := &http.Client{Transport: opts.Transport}
	if hc.Transport == nil {
		hc.Transport = apiclient.NewTransport(opts.Insecure)
	}
	t := &target{base: u.String(), hc: hc, limit: newLimiter(opts.Rate), timeout: opts.Timeout, mock: opts.Mock}
	if t.mock {
		ctl := opts.Control
		if ctl == nil {
			if ctl, err = mockserver.NewControlClient(t.base, mockserver.WithControlHTTPClient(hc), mockserver.WithControlToken(opts.MockToken)); err != nil {
				return nil, err
			}
		}
		t.mail = mockMail{ctl}
		t.reset = func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			// Faults are the tester's setup for the whole run, as for `run`.
			return ctl.Reset(ctx, mockserver.ResetOptions{KeepFaults: true})
		}
	} else if opts.Mail != nil {
		t.mail = &realMail{src: opts.Mail}
	}
	return t, nil
}

// MockDefaults are the demo accounts of pbxauth's mock, used only against the mock.
var MockDefaults = map[string]string{
	varUsername: "alice", varPassword: "Alice#2026", varDomain: "example.com",
	varTwofaUsername: "carol", varTwofaPassword: "Carol#2026", varTwofaDomain: "secure.example.com",
	varMS365Domain: "contoso.com", varMS365Username: "dave",
}

func opIDs(ops []opSpec) []string {
	var ids []string
	for _, o := range ops {
		ids = append(ids, o.ID)
	}
	return ids
}
