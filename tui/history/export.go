package history

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/internal/boundedjson"
)

// ExportOptions shape a scenario exported from the history.
type ExportOptions struct {
	// Name is the scenario's name (unique among the files a run loads).
	Name string
	// Mock is true when the exchanges went to the built-in mock: one-time codes and
	// reset tokens are then read from its outbox, so the file runs unattended.
	Mock bool
}

// Export is an exported scenario file.
type Export struct {
	YAML []byte
	// Vars must be given with --var name=value: the passwords (and, off the mock,
	// codes and reset tokens) the history never stored.
	Vars []string
	// Steps is the number of steps written; Skipped the exchanges left out (no
	// answer); Exchanges the exchanges written; ClockSteps the mock clock moves.
	Steps, Skipped, Exchanges, ClockSteps int
	// Mock: the file runs on the built-in mock only (--mock).
	Mock bool
}

// ExportScenario turns exchanges (oldest first) into a scenario file in the format of
// scenarios/FORMAT.md that `pbxauth run` can rerun.
func ExportScenario(entries []Entry, opts ExportOptions) (*Export, error) {
	if opts.Name == "" {
		opts.Name = "exported session"
	}
	x := &exporter{opts: opts, byValue: map[string]string{}, latest: map[string]string{}, used: map[string]int{}}
	out := &Export{}
	for _, e := range entries {
		if e.Exchange == nil || e.Exchange.Status == 0 {
			out.Skipped++
			continue
		}
		if e.ClockBefore > 0 && opts.Mock {
			x.addClock(e.ClockBefore)
		}
		if err := x.add(e.Exchange); err != nil {
			return nil, err
		}
	}
	if len(x.steps) == 0 {
		return nil, fmt.Errorf("nothing to export: no exchange got an answer")
	}
	out.Steps = len(x.steps)
	out.ClockSteps = x.clockSteps
	out.Mock = opts.Mock
	out.Exchanges = len(entries) - out.Skipped
	out.Vars = append(out.Vars, x.nullVars...)

	doc := mapping()
	put(doc, "name", str(opts.Name))
	put(doc, "description", str(x.description()))
	tags := seq(str("exported"))
	if x.outbox {
		tags.Content = append(tags.Content, str("mock-only"))
	}
	if x.mutating {
		tags.Content = append(tags.Content, str("mutating"))
	} else {
		tags.Content = append(tags.Content, str("readonly"))
	}
	tags.Style = yaml.FlowStyle
	put(doc, "tags", tags)
	if len(x.nullVars) > 0 {
		vars := mapping()
		for _, v := range x.nullVars {
			put(vars, v, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"})
		}
		put(doc, "vars", vars)
	}
	steps := seq()
	steps.Content = x.steps
	put(doc, "steps", steps)
	var buf bytes.Buffer
	head := "# Exported by pbxauth from its history. Rerun with:\n#   pbxauth run FILE"
	if opts.Mock {
		head += " --mock"
	}
	for _, v := range x.nullVars {
		head += " --var=" + v + "=..."
	}
	buf.WriteString(head + "\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	out.YAML = buf.Bytes()
	return out, nil
}

// exporter carries what earlier steps captured.
type exporter struct {
	opts  ExportOptions
	steps []*yaml.Node
	// byValue maps a token's real value to the capture holding it.
	byValue map[string]string
	// latest maps a kind (challenge, access_token, refresh_token) to its newest capture.
	latest map[string]string
	// used counts names, so every capture and variable is unique.
	used      map[string]int
	nullVars  []string
	passwords map[string]string // "user\x00value" → variable
	outbox    bool
	mutating  bool
	// clockSteps counts the clock steps written (Export.ClockSteps).
	clockSteps int
	// who is the account of the newest sign-in or reset request, for outbox steps.
	signinUser, resetUser string
}

func (x *exporter) description() string {
	d := "Replays " + strconv.Itoa(len(x.steps)) + " request(s) recorded by the pbxauth TUI."
	if len(x.nullVars) > 0 {
		d += " Secrets were not stored: give " + strings.Join(x.nullVars, ", ") + " with --var."
	}
	return d
}

// relPath is the request's path relative to the API base (…/api) and its query.
func relPath(raw string) (string, url.Values, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", nil, err
	}
	p := u.EscapedPath()
	if i := strings.Index(p, "/api/"); i >= 0 {
		p = p[i+len("/api"):]
	} else if strings.HasSuffix(p, "/api") {
		p = "/"
	}
	return p, u.Query(), nil
}

func (x *exporter) add(ex *apiclient.Exchange) error {
	path, query, err := relPath(ex.URL)
	if err != nil {
		return fmt.Errorf("export: %s: %w", apiclient.RedactURL(ex.URL), err)
	}
	if ex.Method != http.MethodGet && ex.Method != http.MethodHead {
		x.mutating = true
	}
	op, params, _, ok := spec.Match(ex.Method, path)
	if ex.Operation != "" {
		if o, found := spec.OperationByID(ex.Operation); found && o.Method == ex.Method {
			op, ok = o, true
		}
	}
	body, form := decodeBody(ex)
	step := mapping()
	if ok {
		x.beforeCall(op.ID, body)
		put(step, "name", str(fmt.Sprintf("%s %s", ex.Method, path)))
		put(step, "call", str(op.ID))
		if p := x.params(op, params, query); p != nil {
			put(step, "params", p)
		}
		if len(body) > 0 {
			put(step, "body", x.bodyNode(op.ID, body))
		}
	} else {
		put(step, "name", str(fmt.Sprintf("%s %s", ex.Method, path)))
		req := mapping()
		put(req, "method", str(ex.Method))
		full := path
		if len(query) > 0 {
			full += "?" + query.Encode()
		}
		put(req, "path", str(escape(full)))
		if ct := ex.RequestHeader.Get("Content-Type"); ct != "" {
			put(req, "content_type", str(ct))
		}
		put(step, "request", req)
		if len(body) > 0 && !form {
			put(step, "body", x.bodyNode("", body))
		} else if len(ex.RequestBody) > 0 {
			if redacted(string(ex.RequestBody)) {
				return fmt.Errorf("export: %s %s: its body held secrets and is not JSON; it can't be exported", ex.Method, path)
			}
			put(step, "body", str(escape(string(ex.RequestBody))))
		}
	}
	if auth := ex.RequestHeader.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		put(step, "token", str(ref(x.tokenRef("access_token", strings.TrimPrefix(auth, "Bearer ")))))
	}
	expect := mapping()
	put(expect, "status", num(ex.Status))
	put(step, "expect", expect)
	if c := x.captures(ex); c != nil {
		put(step, "capture", c)
	}
	x.steps = append(x.steps, step)
	return nil
}

// decodeBody reads a JSON object or a form body into fields.
func decodeBody(ex *apiclient.Exchange) (map[string]any, bool) {
	if len(bytes.TrimSpace(ex.RequestBody)) == 0 {
		return nil, false
	}
	ct := ex.RequestHeader.Get("Content-Type")
	if strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		vals, err := url.ParseQuery(string(ex.RequestBody))
		if err != nil {
			return nil, false
		}
		out := map[string]any{}
		for k := range vals {
			out[k] = vals.Get(k)
		}
		return out, true
	}
	var out map[string]any
	if boundedjson.Check(ex.RequestBody) != nil {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(ex.RequestBody))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return nil, false
	}
	return out, false
}

// beforeCall remembers who signs in or resets, and adds the outbox step that reads
// the code or reset token a call needs on the mock.
func (x *exporter) beforeCall(op string, body map[string]any) {
	user, _ := body["username"].(string)
	switch op {
	case "signInWithCredentials":
		x.signinUser = user
	case "forgetPassword":
		x.resetUser = user
	case "verifyOTP":
		if !x.opts.Mock {
			return
		}
		q := mapping()
		put(q, "to", str(escape(x.signinUser)))
		put(q, "kind", str("otp"))
		c := x.name("code")
		x.latest["code"] = c
		x.addOutbox("read the one-time code from the mock's outbox", q, c, "code")
	case "resetPassword":
		if !x.opts.Mock {
			return
		}
		q := mapping()
		put(q, "to", str(escape(x.resetUser)))
		put(q, "kind", str("reset"))
		c := x.name("reset_token")
		x.latest["reset_token"] = c
		x.addOutbox("read the reset token from the mock's outbox", q, c, "token")
	}
}

// addClock moves the mock's clock as the session did between two exchanges.
func (x *exporter) addClock(d time.Duration) {
	x.outbox = true // mock only, like an outbox step
	x.clockSteps++
	step := mapping()
	put(step, "name", str("the mock's clock moved "+d.String()+" here in the session"))
	put(step, "clock", str(d.String()))
	x.steps = append(x.steps, step)
}

func (x *exporter) addOutbox(name string, q *yaml.Node, capture, field string) {
	x.outbox = true
	step := mapping()
	put(step, "name", str(name))
	put(step, "outbox", q)
	c := mapping()
	put(c, capture, str(field))
	put(step, "capture", c)
	x.steps = append(x.steps, step)
}

func (x *exporter) params(op spec.Operation, path map[string]string, query url.Values) *yaml.Node {
	if len(path) == 0 && len(query) == 0 {
		return nil
	}
	n := mapping()
	for _, k := range slices.Sorted(maps.Keys(path)) {
		put(n, k, str(escape(path[k])))
	}
	qk := make([]string, 0, len(query))
	for k := range query {
		qk = append(qk, k)
	}
	sort.Strings(qk)
	for _, k := range qk {
		v := query.Get(k)
		if p, ok := op.Param(k); ok && p.Type == "boolean" && (v == "true" || v == "false") {
			put(n, k, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: v})
			continue
		}
		put(n, k, str(escape(v)))
	}
	return n
}
