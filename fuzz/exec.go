package fuzz

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
)

// target is the PBX under test and how to reach it.
type target struct {
	base    string
	hc      *http.Client
	mock    bool // pbxauth's mock (in-process or standalone): mock-level checks run
	mail    mailSource
	limit   *limiter
	timeout time.Duration
	// reset, when set, puts a mock back to its data after a mutating case.
	reset func(context.Context) error
}

// StepResult is one step of a case as it ran.
type StepResult struct {
	Step     int
	Exchange *apiclient.Exchange // nil for mail steps and unsent steps
	Failures []Failure
}

// caseResult is a case as it ran.
type caseResult struct {
	steps    []StepResult
	failures []Failure
	// errored: the target could not be reached or timed out.
	errored error
	// stopped: a value the rest needed was missing (a capture, a mail).
	stopped string
	sent    int
}

var varRef = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`) })

// expand replaces ${name} in s; ok is false when a name has no value.
func expand(s string, vals map[string]string) (string, bool) {
	ok := true
	out := varRef().ReplaceAllStringFunc(s, func(m string) string {
		v, found := vals[m[2:len(m)-1]]
		if !found {
			ok = false
		}
		return v
	})
	return out, ok
}

func expandAny(v any, vals map[string]string) (any, bool) {
	switch x := v.(type) {
	case string:
		return expand(x, vals)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			ev, ok := expandAny(e, vals)
			if !ok {
				return nil, false
			}
			out[k] = ev
		}
		return out, true
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			ev, ok := expandAny(e, vals)
			if !ok {
				return nil, false
			}
			out[i] = ev
		}
		return out, true
	}
	return v, true
}

// request turns a step into a client request with the values of the run.
func request(st Step, vals map[string]string) (apiclient.Request, bool) {
	var req apiclient.Request
	req.Header = http.Header{}
	if st.Token != "" {
		tok, ok := expand(st.Token, vals)
		if !ok {
			return req, false
		}
		req.Bearer = apiclient.Secret(tok)
	}
	var body any
	if st.HasBody {
		b, ok := expandAny(st.Body, vals)
		if !ok {
			return req, false
		}
		body = b
	}
	form := false
	if st.Raw() {
		req.Method, req.ContentType = st.Method, st.ContentType
		path, ok := expand(st.Path, vals)
		if !ok {
			return req, false
		}
		req.Path = path
		if op, _, _, ok := spec.Match(st.Method, path); ok {
			req.Operation = op.ID
		}
	} else {
		op, ok := spec.OperationByID(st.Op)
		if !ok {
			return req, false
		}
		req.Operation, req.Method, req.ContentType = op.ID, op.Method, op.ContentType
		form = op.ContentType == "application/x-www-form-urlencoded"
		path, query := op.Path, url.Values{}
		for _, k := range slices.Sorted(maps.Keys(st.Params)) {
			v, ok := expand(st.Params[k], vals)
			if !ok {
				return req, false
			}
			if p, _ := op.Param(k); p.In == "path" {
				path = strings.ReplaceAll(path, "{"+k+"}", url.PathEscape(v))
				continue
			}
			query.Set(k, v)
		}
		req.Path, req.Query = path, query
	}
	if !st.HasBody {
		req.ContentType = ""
		return req, true
	}
	switch b := body.(type) {
	case string:
		if st.RawBody {
			req.Body = []byte(b)
			break
		}
		req.Body, _ = json.Marshal(b)
	case map[string]any:
		if form {
			f := url.Values{}
			for _, k := range slices.Sorted(maps.Keys(b)) {
				f.Set(k, fmt.Sprint(b[k]))
			}
			req.Body = []byte(f.Encode())
			break
		}
		req.Body, _ = json.Marshal(b)
	default:
		req.Body, _ = json.Marshal(b)
	}
	if req.ContentType == "" {
		req.ContentType = "application/json"
	}
	return req, true
}

// run sends a case's steps in order on a fresh client (its own cookie jar) and checks
// each answer. vars are the run's variables; captures join them as the case goes.
func (t *target) run(ctx context.Context, c *Case, vars map[string]string, sec *secrets) caseResult {
	var res caseResult
	client, err := apiclient.New(apiclient.WithBaseURL(t.base), apiclient.WithHTTPClient(t.hc),
		apiclient.WithTimeout(t.timeout), apiclient.WithUserAgent("pbxauth-fuzz/"+apiclient.Version))
	if err != nil {
		res.errored = err
		return res
	}
	rm, _ := t.mail.(*realMail)
	vals := make(map[string]string, len(vars)+8)
	for k, v := range vars {
		vals[k] = v
	}
	for i, st := range c.Steps {
		if st.Mail != "" {
			if msg := t.readMail(ctx, st, vals, sec); msg != "" {
				res.stopped = msg
				return res
			}
			res.steps = append(res.steps, StepResult{Step: i})
			continue
		}
		req, ok := request(st, vals)
		if !ok {
			res.stopped = fmt.Sprintf("step %d needs a value an earlier step did not give", i+1)
			return res
		}
		if err := t.limit.wait(ctx); err != nil {
			res.errored = err
			return res
		}
		if rm != nil {
			// A mail step reads what the request right before it sent (SMTP is
			// asynchronous: an earlier mail may still be the newest for a moment).
			rm.markNow()
		}
		var ex *apiclient.Exchange
		rctx := apiclient.WithExchangeObserver(ctx, func(e *apiclient.Exchange) { ex = e })
		resp, err := client.Do(rctx, req)
		res.sent++
		if err != nil {
			res.errored = err
			res.steps = append(res.steps, StepResult{Step: i, Exchange: ex})
			return res
		}
		sr := StepResult{Step: i, Exchange: ex}
		sr.Failures = t.judge(c, i, st, resp, res.steps)
		res.failures = append(res.failures, sr.Failures...)
		res.steps = append(res.steps, sr)
		if resp.Status/100 == 2 && len(st.Capture) > 0 {
			if msg := capture(st, resp.Body, vals, sec); msg != "" {
				res.stopped = fmt.Sprintf("step %d: %s", i+1, msg)
				return res
			}
		} else if len(st.Capture) > 0 {
			res.stopped = fmt.Sprintf("step %d answered %d, so its values are missing", i+1, resp.Status)
			return res
		}
		if len(st.CaptureLocation) > 0 {
			if msg := captureLocation(st, resp, vals, sec); msg != "" {
				res.stopped = fmt.Sprintf("step %d: %s", i+1, msg)
				return res
			}
		}
	}
	return res
}

// capture stores the step's captures; every captured value is a secret (tokens).
func capture(st Step, body []byte, vals map[string]string, sec *secrets) string {
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		return "the answer is not a JSON object"
	}
	for _, name := range slices.Sorted(maps.Keys(st.Capture)) {
		s, ok := doc[st.Capture[name]].(string)
		if !ok || s == "" {
			return "the answer has no " + st.Capture[name]
		}
		vals[name] = s
		sec.add(s)
	}
	return ""
}

// captureLocation stores query parameters of a redirect's Location; they are codes,
// so secrets.
func captureLocation(st Step, resp *apiclient.Response, vals map[string]string, sec *secrets) string {
	if resp.Status/100 != 3 {
		return fmt.Sprintf("answered %d, not a redirect", resp.Status)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		return "the redirect's Location is not a URL"
	}
	q := loc.Query()
	for _, name := range slices.Sorted(maps.Keys(st.CaptureLocation)) {
		v := q.Get(st.CaptureLocation[name])
		if v == "" {
			return "the redirect's Location has no " + st.CaptureLocation[name]
		}
		vals[name] = v
		sec.add(v)
	}
	return ""
}

func (t *target) readMail(ctx context.Context, st Step, vals map[string]string, sec *secrets) string {
	if t.mail == nil {
		return "no mail source"
	}
	user, _ := expand(st.MailUser, vals)
	tok, _ := expand(st.MailToken, vals)
	mail, err := t.mail.latest(ctx, st.Mail, user, tok)
	if err != nil {
		return "mail: " + err.Error()
	}
	for _, name := range slices.Sorted(maps.Keys(st.Capture)) {
		v, _ := mail[st.Capture[name]].(string)
		if v == "" {
			return "the mail has no " + st.Capture[name]
		}
		vals[name] = v
		sec.add(v)
	}
	return ""
}

// errStopped tells the run loop the budget or the caller ended the run.
var errStopped = errors.New("fuzz: stopped")
