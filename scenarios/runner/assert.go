package runner

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/internal/boundedjson"
	"github.com/pbxauth/pbxauth/scenarios"
)

// checkBody applies body assertions to a decoded JSON document.
func (x *exec) checkBody(as []scenarios.Assertion, doc any, docErr error, hasBody bool, sc *scope, res *StepResult) {
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
func (x *exec) checkHeaders(as []scenarios.Assertion, h http.Header, sc *scope, res *StepResult) {
	for _, a := range as {
		vals := h.Values(a.Path)
		x.judge(a, "header "+http.CanonicalHeaderKey(a.Path), strings.Join(vals, ", "), len(vals) > 0, secretName(a.Path), sc, res)
	}
}

// judge checks one assertion and records a failure with expected and actual.
func (x *exec) judge(a scenarios.Assertion, what string, got any, present, secret bool, sc *scope, res *StepResult) {
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
	case scenarios.OpExists:
		if !present {
			fail("present", actual)
		}
	case scenarios.OpAbsent:
		// PortSIP sends blank fields as null rather than leaving them out.
		if present && got != nil {
			fail("absent", actual)
		}
	case scenarios.OpEquals, scenarios.OpNotEquals:
		want, err := sc.expandValue(a.Value)
		if err != nil {
			fail(err.Error(), actual)
			return
		}
		same := present && sameValue(want, got)
		if a.Op == scenarios.OpEquals && !same {
			fail(show(want), actual)
		}
		if a.Op == scenarios.OpNotEquals && (same || !present) {
			fail("a value other than "+show(want), actual)
		}
	case scenarios.OpMatches:
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
	case scenarios.OpBetween:
		want := fmt.Sprintf("a number from %v to %v", a.Min, a.Max)
		n, isNumber := toFloat(got)
		if !present || !isNumber || n < a.Min || n > a.Max {
			fail(want, actual)
		}
	case scenarios.OpType:
		want := a.Value.(string)
		if !present || !hasType(got, want) {
			if present {
				actual = jsonType(got) + " " + actual
			}
			fail(want, actual)
		}
	}
}

// outbox reads the newest matching mail of the mail source (the mock's outbox or
// the SMTP receiver); body assertions and captures apply to the mail's fields
// (code, token, link, ...).
func (x *exec) outbox(ctx context.Context, st *scenarios.Step, sc *scope, res *StepResult) error {
	if x.mail == nil {
		return fmt.Errorf("%s: outbox steps need the mock PBX, or --mail for a real PBX's mail", st.Pos)
	}
	q := *st.Outbox
	for _, f := range []*string{&q.To, &q.Kind, &q.Domain, &q.Token} {
		v, err := sc.expandText(*f)
		if err != nil {
			return fmt.Errorf("%s: outbox: %v", st.Pos, err)
		}
		*f = v
	}
	found, miss, err := x.readMail(ctx, q)
	if found != nil {
		res.Exchange = found.Exchange
		for _, s := range found.Secrets {
			x.secrets.add(s)
		}
	}
	if err != nil {
		return err
	}
	if found == nil || found.Doc == nil {
		res.Failures = append(res.Failures, Failure{Check: "outbox", Expected: "a mail " + describeQuery(q), Actual: miss, Pos: st.Pos})
		return nil
	}
	var doc any = found.Doc
	x.checkBody(st.Expect.Body, doc, nil, true, sc, res)
	x.capture(st, doc, nil, nil, res)
	return nil
}

func describeQuery(q scenarios.OutboxQuery) string {
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

func (x *exec) clock(ctx context.Context, st *scenarios.Step, sc *scope, res *StepResult) error {
	if x.ctl == nil {
		return fmt.Errorf("%s: clock steps need the mock PBX", st.Pos)
	}
	d, err := sc.expandText(st.Clock)
	if err != nil {
		return fmt.Errorf("%s: clock: %v", st.Pos, err)
	}
	dur, err := time.ParseDuration(d)
	if err != nil || dur <= 0 {
		return fmt.Errorf("%s: clock: %q is not a positive duration", st.Pos, d)
	}
	ex, err := x.ctl.advance(ctx, dur)
	res.Exchange = ex
	return err
}

// checkSpec validates the exchange against the OpenAPI document. Only the answer
// can fail the step; what the scenario sent is its author's choice.
func (x *exec) checkSpec(st *scenarios.Step, res *StepResult) {
	if x.r.opts.Spec == SpecOff || res.Exchange == nil {
		return
	}
	// A followed link outside the API (an identity provider's page) is not the
	// PBX's API, so the document has nothing to say about it.
	if st.Kind == scenarios.KindRequest && !strings.HasPrefix(st.Path, "/") {
		if u, err := url.Parse(res.Exchange.URL); err == nil && !strings.Contains(u.Path, "/api/") {
			return
		}
	}
	vs := res.Exchange.Validate()
	res.Violations = vs
	// PortSIP's document declares its 4XX answers (and the bearer 401s) without
	// content: a client error with an empty body breaks nothing it says.
	emptyError := res.Exchange.Status/100 == 4 && len(bytes.TrimSpace(res.Exchange.ResponseBody)) == 0
	for _, v := range vs {
		if emptyError && v.Side != spec.SideRequest {
			continue
		}
		msg := x.secrets.scrub(v.String())
		if v.Side == spec.SideRequest || x.r.opts.Spec == SpecWarn {
			res.Warnings = append(res.Warnings, "spec: "+msg)
			continue
		}
		res.Failures = append(res.Failures, Failure{Check: "spec", Expected: "a response the OpenAPI document allows", Actual: msg, Pos: st.Pos})
	}
}

func (x *exec) checkStatus(st *scenarios.Step, resp *apiclient.Response, res *StepResult) {
	want := st.Expect.Status
	if len(want) == 0 && st.Kind == scenarios.KindCall {
		op, _ := scenarios.LookupOp(st.Call)
		want = op.Success
	}
	if len(want) == 0 {
		return
	}
	if scenarios.StatusMatches(resp.Status, want) {
		return
	}
	ws := make([]string, len(want))
	for i, w := range want {
		ws[i] = scenarios.StatusName(w)
	}
	res.Failures = append(res.Failures, Failure{
		Check: "status", Expected: strings.Join(ws, " or "),
		Actual: x.secrets.scrub(statusText(resp.Status, resp.Body)), Pos: st.Pos,
	})
}

// statusText is "401 UNAUTHORIZED: wrong password" for PortSIP errors, "500" else.
func statusText(status int, body []byte) string {
	s := fmt.Sprint(status)
	var e struct {
		Errors []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if boundedjson.Unmarshal(body, &e) == nil && len(e.Errors) > 0 {
		s += " " + e.Errors[0].Code
		if e.Errors[0].Message != "" {
			s += ": " + e.Errors[0].Message
		}
	}
	// The PBX's words, cut as render cuts values: the exchange holds them whole.
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}
