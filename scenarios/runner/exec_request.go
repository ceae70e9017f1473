package runner

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/scenarios"
)

// buildRequest expands a step into the request it sends: first what any step
// may carry (headers, token, body), then a raw request's method and path or a
// call's operation, parameters and encoded body.
func (x *exec) buildRequest(st *scenarios.Step, sc *scope) (apiclient.Request, error) {
	req, body, err := x.expandCommon(st, sc)
	if err != nil {
		return req, err
	}
	if st.Kind == scenarios.KindRequest {
		err = x.buildRawRequest(&req, st, sc, body)
	} else {
		err = buildCall(&req, st, sc, body)
	}
	return req, err
}

// expandCommon expands the headers, bearer token and body of either kind of
// step; the token and the body's secret fields join the redaction list.
func (x *exec) expandCommon(st *scenarios.Step, sc *scope) (req apiclient.Request, body any, err error) {
	// Maps only when the step has headers or query parameters: most have none,
	// and a load builds this request thousands of times a second.
	if len(st.Headers) > 0 {
		req.Header = make(http.Header, len(st.Headers))
	}
	for k, v := range st.Headers {
		ev, err := sc.expandText(v)
		if err != nil {
			return req, nil, fmt.Errorf("%s: header %s: %v", st.Pos, k, err)
		}
		req.Header.Set(k, ev)
	}
	if st.Token != "" {
		tok, err := sc.expandText(st.Token)
		if err != nil {
			return req, nil, fmt.Errorf("%s: token: %v", st.Pos, err)
		}
		x.secrets.add(tok)
		req.Bearer = apiclient.Secret(tok)
	}
	if st.HasBody {
		b, err := sc.expandValue(st.Body)
		if err != nil {
			return req, nil, fmt.Errorf("%s: body: %v", st.Pos, err)
		}
		body = b
		x.secrets.addSecretFields(b)
	}
	return req, body, nil
}

// buildRawRequest fills in a raw request step: its path (refused when it leaves
// the target's host), the operation it matches for the spec check, and its body
// as written (a string) or as JSON.
func (x *exec) buildRawRequest(req *apiclient.Request, st *scenarios.Step, sc *scope, body any) error {
	req.Method, req.ContentType = st.Method, st.ContentType
	p, err := sc.expandText(st.Path)
	if err != nil {
		return fmt.Errorf("%s: path: %v", st.Pos, err)
	}
	if !scenarios.ValidRequestPath(p) || strings.HasPrefix(p, "${") {
		return fmt.Errorf("%s: path %q is neither /relative to the /api base nor an absolute http(s) URL", st.Pos, p)
	}
	if err := x.allowedURL(p); err != nil {
		return fmt.Errorf("%s: %v", st.Pos, err)
	}
	req.Path = p
	if op, _, _, ok := spec.Match(st.Method, strings.SplitN(p, "?", 2)[0]); ok {
		req.Operation = op.ID
	}
	switch b := body.(type) {
	case nil:
	case string:
		req.Body = []byte(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return fmt.Errorf("%s: body: %v", st.Pos, err)
		}
		req.Body = raw
		if req.ContentType == "" {
			req.ContentType = "application/json"
		}
	}
	return nil
}

// buildCall fills in a call step from its operation: parameters into the path
// or the query, the body encoded as the operation takes it.
func buildCall(req *apiclient.Request, st *scenarios.Step, sc *scope, body any) error {
	op, _ := scenarios.LookupOp(st.Call)
	req.Operation, req.Method = op.ID, op.Method
	path, query, err := expandParams(op.Path, op.ParamIn, st, sc)
	if err != nil {
		return err
	}
	req.Path, req.Query = path, query
	if body == nil {
		return nil
	}
	fields, _ := body.(map[string]any)
	if op.ContentType == "application/x-www-form-urlencoded" {
		form := url.Values{}
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			form.Set(k, stringify(fields[k]))
		}
		req.Body = []byte(form.Encode())
	} else {
		raw, err := json.Marshal(fields)
		if err != nil {
			return fmt.Errorf("%s: body: %v", st.Pos, err)
		}
		req.Body = raw
	}
	req.ContentType = op.ContentType
	return nil
}

// expandParams places a call's parameters, in name order, into the path
// template or the query, as paramIn says (a list as a repeated parameter).
func expandParams(template string, paramIn map[string]string, st *scenarios.Step, sc *scope) (string, url.Values, error) {
	path := template
	var query url.Values
	for _, name := range slices.Sorted(maps.Keys(st.Params)) {
		v, err := sc.expandValue(st.Params[name])
		if err != nil {
			return "", nil, fmt.Errorf("%s: param %s: %v", st.Pos, name, err)
		}
		if paramIn[name] == "path" {
			path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(stringify(v)))
			continue
		}
		if query == nil {
			query = url.Values{}
		}
		if list, ok := v.([]any); ok {
			for _, it := range list {
				query.Add(name, stringify(it))
			}
			continue
		}
		query.Set(name, stringify(v))
	}
	return path, query, nil
}

// allowedURL refuses an absolute-URL request to a host other than the target's
// unless Options.AllowHosts names it: a scenario from elsewhere could otherwise send
// ${env.X} secrets, tokens or captured codes anywhere, even in a mock run.
func (x *exec) allowedURL(p string) error {
	if strings.HasPrefix(p, "/") {
		return nil
	}
	u, err := url.Parse(p)
	if err != nil || u.Host == "" {
		return fmt.Errorf("path is not a valid absolute URL")
	}
	for _, h := range x.r.opts.AllowHosts {
		if strings.EqualFold(h, u.Host) || strings.EqualFold(h, u.Hostname()) {
			return nil
		}
	}
	if !strings.EqualFold(u.Hostname(), x.host) {
		return fmt.Errorf("request to %s refused: it is not the target's host %s (allow it with --allow-host %s)", u.Host, x.host, u.Hostname())
	}
	if x.secure && !strings.EqualFold(u.Scheme, "https") {
		// The step's token or values would cross the network in clear.
		return fmt.Errorf("request to %s refused: plain HTTP to the host of an HTTPS target (allow it with --allow-host %s)", u.Host, u.Hostname())
	}
	return nil
}

// capture stores the step's captures; a missing value fails the step.
func (x *exec) capture(st *scenarios.Step, doc any, docErr error, h http.Header, res *StepResult) {
	for _, c := range st.Captures {
		var v any
		var ok bool
		where := "body field " + c.Path
		switch {
		case c.From == scenarios.FromHeader:
			where = "header " + c.Path
			if vals := h.Values(c.Path); len(vals) > 0 {
				v, ok = strings.Join(vals, ", "), true
			}
			// A Location (an IdP callback) carries a code and a state: whatever the
			// capture is called, their values are hidden wherever they turn up.
			for _, val := range h.Values(c.Path) {
				for _, s := range apiclient.URLSecrets(val) {
					x.secrets.add(s)
				}
			}
		case docErr == nil && doc != nil:
			v, ok = lookupPath(doc, c.Path)
		}
		secret := secretName(c.Name) || (c.From == scenarios.FromBody && secretPath(c.Path)) || (c.From == scenarios.FromHeader && secretName(c.Path))
		if c.Regex != nil {
			where += " matching " + c.Regex.String()
		}
		if !ok {
			res.Failures = append(res.Failures, Failure{Check: "capture " + c.Name, Expected: x.secrets.scrub(where), Actual: "(absent)", Pos: c.Pos})
			continue
		}
		if c.Regex != nil {
			m := c.Regex.FindStringSubmatch(stringify(v))
			if m == nil {
				// The field is there: saying "absent" would send the author looking
				// for the wrong mistake. A secret's value is not shown.
				actual := "present (value hidden: a secret), but does not match the regex"
				if !secret {
					shown := v
					if str, ok := v.(string); ok {
						shown = apiclient.RedactURL(str) // a Location may carry a code
					}
					actual = "present, but " + x.secrets.scrub(render(x.secrets.redactValue(shown))) + " does not match the regex"
				}
				res.Failures = append(res.Failures, Failure{Check: "capture " + c.Name, Expected: x.secrets.scrub(where), Actual: actual, Pos: c.Pos})
				continue
			}
			if len(m) > 1 {
				v = m[1]
			} else {
				v = m[0]
			}
		}
		if secret {
			x.secrets.add(v)
		}
		res.capture(c.Name, v)
	}
}

// Captured lists the names of the variables the step captured (values are not kept
// in reports: they are often tokens).
func (r *StepResult) Captured() []string {
	names := make([]string, 0, len(r.captured))
	for k := range r.captured {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// captured values wait on the result until the step is judged, then enter the scope.
func (r *StepResult) capture(name string, v any) {
	if r.captured == nil {
		r.captured = map[string]any{}
	}
	r.captured[name] = v
}
