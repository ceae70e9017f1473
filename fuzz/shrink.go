package fuzz

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/pbxauth/pbxauth/apiclient/rules"
)

// shrink looks for a smaller case that still fails the same check on the same
// operation: fewer lifecycle actions, fewer optional fields, shorter strings. Every
// candidate is re-sent, so shrinking is bounded by ShrinkRuns and by the budget; when
// either runs out the smallest case found so far is kept.
func (f *fuzzer) shrink(ctx context.Context, c *Case, fl Failure, first caseResult) *Found {
	fd := &Found{Failure: fl, Occurrences: 1, StepsBefore: len(c.Steps)}
	best, bestRes := c, first
	defer func() {
		fd.Case, fd.StepsAfter = best, len(best.Steps)
		fd.Steps = redactSteps(bestRes.steps, f.sec)
		fd.Scenario, _ = fd.scenario(scenarioOptions{seed: f.opts.Seed, vars: f.gen.vars, mock: f.t.mock})
	}()
	if c.RealAccount && !f.t.mock {
		// Every re-run would send the real account another wrong password.
		return fd
	}
	try := func(cand *Case) bool {
		if fd.ShrinkRuns >= f.opts.ShrinkRuns || ctx.Err() != nil || len(cand.Steps) == 0 {
			return false
		}
		fd.ShrinkRuns++
		cr := f.runCase(ctx, cand)
		if g, ok := sameFailure(cr, fl); ok {
			best, bestRes, fd.Failure = cand, cr, g
			return true
		}
		return false
	}
	// Nothing after the failing step matters: cut it first.
	if best.actions != nil {
		for k := 1; k < len(best.actions); k++ {
			if len(best.builder(best.actions[:k])) > fd.Failure.Step {
				if cand := best.withActions(best.actions[:k]); len(cand.Steps) < len(best.Steps) {
					try(cand)
				}
				break
			}
		}
	} else if n := fd.Failure.Step + 1; n < len(best.Steps) {
		cand := *best
		cand.Steps = best.Steps[:n]
		try(&cand)
	}
	// Lifecycle sequences next: their expectations are recompiled from the actions
	// left, so dropping one keeps every step's expectation true to what came before.
	// Other sequences (2FA, reset, probes) keep their steps: an expectation such as
	// "the same code a second time" means nothing without the first use.
	for changed := best.actions != nil; changed; {
		changed = false
		for i := range best.actions {
			acts := append(append([]action(nil), best.actions[:i]...), best.actions[i+1:]...)
			cand := best.withActions(acts)
			if len(cand.Steps) < len(best.Steps) && try(cand) {
				changed = true
				break
			}
		}
	}
	// Then the bodies of steps whose values nothing depends on.
	for i := range best.Steps {
		for improved := true; improved; {
			improved = false
			for _, cand := range bodyCandidates(best, i) {
				if try(cand) {
					improved = true
					break
				}
			}
		}
	}
	return fd
}

// sameFailure finds, in a candidate's run, the failure of the same check on the same
// operation.
func sameFailure(cr caseResult, fl Failure) (Failure, bool) {
	for _, g := range cr.failures {
		if g.key() == fl.key() {
			return g, true
		}
	}
	return Failure{}, false
}

func (c *Case) withActions(acts []action) *Case {
	n := *c
	n.actions = acts
	n.Steps = c.builder(acts)
	return &n
}

func stepText(s Step) string {
	var b strings.Builder
	b.WriteString(s.Token + s.MailToken + s.MailUser + s.MailDomain + s.Path)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			b.WriteString(x)
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(s.Body)
	for _, p := range s.Params {
		b.WriteString(p)
	}
	return b.String()
}

// bodyCandidates are smaller versions of step i: optional fields dropped, strings
// shortened. Steps that must succeed, feed later steps or are compared with another
// are left alone, and so is a negative case's own field unless its broken character
// survives the cut.
func bodyCandidates(c *Case, i int) []*Case {
	st := c.Steps[i]
	body, ok := st.Body.(map[string]any)
	// A lifecycle step's body is what its action means (a code sent with another
	// client_id): shrinking it would change the question, so only actions are dropped.
	if st.Expect.Accepted || st.Expect.SameAs > 0 || len(st.Capture) > 0 || isSameAsTarget(c, i) || c.actions != nil {
		return nil
	}
	var out []*Case
	with := func(ns Step) *Case {
		n := *c
		n.Steps = append([]Step(nil), c.Steps...)
		n.Steps[i] = ns
		return &n
	}
	if v, ok := st.Params[st.shrinkField]; ok && st.shrinkChars {
		for _, s := range shorter(v, func(string) bool { return true }) {
			ns := st
			ns.Params = map[string]string{}
			for k, pv := range st.Params {
				ns.Params[k] = pv
			}
			ns.Params[st.shrinkField] = s
			out = append(out, with(ns))
		}
	}
	if !ok || st.RawBody {
		return out
	}
	op, _ := findOp(st.Op)
	for _, k := range slices.Sorted(maps.Keys(body)) {
		if k == st.shrinkField {
			continue
		}
		if fs, known := fieldOf(op, k); !known || !fs.Required {
			nb := cloneMap(body)
			delete(nb, k)
			ns := st
			ns.Body = nb
			out = append(out, with(ns))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(body)) {
		s, isStr := body[k].(string)
		if !isStr || strings.Contains(s, "${") {
			continue
		}
		keep := func(x string) bool {
			switch {
			case k == st.shrinkField && !st.shrinkChars:
				return false
			case k == st.shrinkField && k == "username":
				return usernameBroken(x)
			case k == st.shrinkField:
				return hasOdd(x)
			case k == "username":
				return rules.Username(x, true) == nil
			case k == "domain":
				return false // a shorter domain may be another tenant's
			}
			return x != ""
		}
		for _, x := range shorter(s, keep) {
			nb := cloneMap(body)
			nb[k] = x
			ns := st
			ns.Body = nb
			out = append(out, with(ns))
		}
	}
	return out
}

// isSameAsTarget: another step compares its answer with step i's.
func isSameAsTarget(c *Case, i int) bool {
	for _, s := range c.Steps {
		if s.Expect.SameAs == i+1 {
			return true
		}
	}
	return false
}

// shorter proposes shorter strings, smallest first: the odd characters alone, one
// character, then halves.
func shorter(s string, keep func(string) bool) []string {
	rs := []rune(s)
	if len(rs) <= 1 {
		return nil
	}
	var cands []string
	var odd []rune
	for _, r := range rs {
		if r > 0x7e || r < 0x20 || strings.ContainsRune(`!@#/\"<>%;:+=*?, `, r) {
			odd = append(odd, r)
		}
	}
	if len(odd) > 0 {
		cands = append(cands, string(odd[:1]), "a"+string(odd[:1]), string(odd))
	}
	cands = append(cands, string(rs[:1]), string(rs[:len(rs)/2]), string(rs[len(rs)/2:]))
	var out []string
	seen := map[string]bool{s: true}
	for _, c := range cands {
		if !seen[c] && len([]rune(c)) < len(rs) && keep(c) {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// hasOdd: a character outside printable ASCII.
func hasOdd(s string) bool {
	for _, r := range s {
		if r > 0x7e || r < 0x20 {
			return true
		}
	}
	return false
}

func findOp(id string) (opSpec, bool) {
	for _, o := range loadOpsOnce() {
		if o.ID == id {
			return o, true
		}
	}
	return opSpec{}, false
}

func fieldOf(op opSpec, name string) (fieldSpec, bool) {
	for _, f := range op.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return fieldSpec{}, false
}

// redactSteps keeps the steps' exchanges with every secret hidden, for reports.
func redactSteps(steps []StepResult, sec *secrets) []StepResult {
	out := make([]StepResult, len(steps))
	for i, s := range steps {
		out[i] = s
		if s.Exchange != nil {
			ex := s.Exchange.Redact()
			ex.URL = sec.scrub(ex.URL)
			ex.RequestBody = []byte(sec.scrub(string(ex.RequestBody)))
			ex.ResponseBody = []byte(sec.scrub(string(ex.ResponseBody)))
			out[i].Exchange = ex
		}
	}
	return out
}
