package scenarios

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
)

// checkBody applies body assertions to a decoded JSON document.
func (x *exec) checkBody(as []Assertion, doc any, docErr error, hasBody bool, sc *scope, res *StepResult) {
	if len(as) == 0 {
		return
	}
	if docErr != nil || !hasBody {
		actual := "no body"
		if hasBody {
			actual = "a body that is not JSON"
		}
		res.Failures = append(res.Failures, Failure{Check: "body", Expected: "a JSON body", Actual: actual, Pos: as[0].Pos})
		return
	}
	for _, a := range as {
		got, present := lookupPath(doc, a.Path)
		x.judge(a, "body "+displayPath(a.Path), got, present, secretPath(a.Path), sc, res)
	}
}

func displayPath(p string) string {
	if p == "" || p == "/" {
		return "(whole body)"
	}
	return p
}

// checkHeaders applies header assertions; several values of a header are joined.
func (x *exec) checkHeaders(as []Assertion, h http.Header, sc *scope, res *StepResult) {
	for _, a := range as {
		vals := h.Values(a.Path)
		x.judge(a, "header "+http.CanonicalHeaderKey(a.Path), strings.Join(vals, ", "), len(vals) > 0, secretName(a.Path), sc, res)
	}
}

// judge checks one assertion and records a failure with expected and actual.
func (x *exec) judge(a Assertion, what string, got any, present, secret bool, sc *scope, res *StepResult) {
	// Values are redacted as structures before they become text: a whole body or a
	// parent object holds tokens under secret names that no capture has seen yet.
	show := func(v any) string {
		if secret {
			return apiclient.Redacted
		}
		return x.secrets.scrub(render(x.secrets.redactValue(v)))
	}
	actual := "(absent)"
	if present {
		actual = show(got)
	}
	fail := func(expected, actual string) {
		res.Failures = append(res.Failures, Failure{Check: what + " " + a.Op,
			Expected: x.secrets.scrub(expected), Actual: x.secrets.scrub(actual), Pos: a.Pos})
	}
	switch a.Op {
	case OpExists:
		if !present {
			fail("present", actual)
		}
	case OpAbsent:
		// PortSIP sends blank fields as null rather than leaving them out.
		if present && got != nil {
			fail("absent", actual)
		}
	case OpEquals, OpNotEquals:
		want, err := sc.expandValue(a.Value)
		if err != nil {
			fail(err.Error(), actual)
			return
		}
		same := present && sameValue(want, got)
		if a.Op == OpEquals && !same {
			fail(show(want), actual)
		}
		if a.Op == OpNotEquals && (same || !present) {
			fail("a value other than "+show(want), actual)
		}
	case OpMatches:
		re := a.Re
		if re == nil {
			pat, err := sc.expandText(a.Pattern)
			if err == nil {
				re, err = regexp.Compile(pat)
			}
			if err != nil {
				fail("a valid regexp", err.Error())
				return
			}
		}
		s, isString := got.(string)
		if !present || !isString {
			fail("a string matching "+re.String(), actual)
			return
		}
		if !re.MatchString(s) {
			fail("a string matching "+re.String(), actual)
		}
	case OpType:
		want := a.Value.(string)
		if !present || !hasType(got, want) {
			if present {
				actual = jsonType(got) + " " + actual
			}
			fail(want, actual)
		}
	}
}

// outbox reads the newest matching mail of the mock; body assertions and captures
// apply to the mail's fields (code, token, link, ...).
func (x *exec) outbox(ctx context.Context, st *Step, sc *scope, res *StepResult) error {
	if x.ctl == nil {
		return fmt.Errorf("%s: outbox steps need the mock PBX", st.Pos)
	}
	q := *st.Outbox
	for _, f := range []*string{&q.To, &q.Kind, &q.Domain, &q.Token} {
		v, err := sc.expandText(*f)
		if err != nil {
			return fmt.Errorf("%s: outbox: %v", st.Pos, err)
		}
		*f = v
	}
	var mail map[string]any
	// The mock mails synchronously; the short retry covers a PBX-like mock that
	// queues its mail.
	for attempt := 0; attempt < 3; attempt++ {
		m, ex, err := x.ctl.latestMail(ctx, q)
		res.Exchange = ex
		if err != nil {
			return err
		}
		if m != nil {
			mail = m
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	if mail == nil {
		res.Failures = append(res.Failures, Failure{Check: "outbox", Expected: "a mail " + describeQuery(q), Actual: "none", Pos: st.Pos})
		return nil
	}
	for _, k := range []string{"code", "token", "link"} {
		x.secrets.add(mail[k])
	}
	var doc any = mail
	x.checkBody(st.Expect.Body, doc, nil, true, sc, res)
	x.capture(st, doc, nil, nil, res)
	return nil
}

func describeQuery(q OutboxQuery) string {
	var parts []string
	if q.Kind != "" {
		parts = append(parts, "of kind "+q.Kind)
	}
	if q.To != "" {
		parts = append(parts, "to "+q.To)
	}
	if q.Domain != "" {
		parts = append(parts, "in "+q.Domain)
	}
	if q.Token != "" {
		parts = append(parts, "for the given session token")
	}
	return strings.Join(parts, " ")
}

func (x *exec) clock(ctx context.Context, st *Step, sc *scope, res *StepResult) error {
	if x.ctl == nil {
		return fmt.Errorf("%s: clock steps need the mock PBX", st.Pos)
	}
	d, err := sc.expandText(st.Clock)
	if err != nil {
		return fmt.Errorf("%s: clock: %v", st.Pos, err)
	}
	if dur, err := time.ParseDuration(d); err != nil || dur <= 0 {
		return fmt.Errorf("%s: clock: %q is not a positive duration", st.Pos, d)
	}
	ex, err := x.ctl.advance(ctx, d)
	res.Exchange = ex
	return err
}
