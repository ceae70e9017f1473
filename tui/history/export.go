package history

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
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
	// Steps is the number of steps written; Skipped the exchanges left out (no answer).
	Steps, Skipped int
}

// How secrets get into an exported scenario. The history is redacted, and an export
// is a file people share, so no secret value is ever written:
//   - tokens the PBX handed out (challenge, access, refresh) become captures of the
//     step that received them, and later requests use ${capture}. A session entry
//     still holds the real values, so a token is matched to the capture it came
//     from; for entries restored from disk (redacted) the newest capture of that
//     kind is used.
//   - one-time codes and reset tokens come from the mock's outbox (an outbox step
//     before the call; the scenario is tagged mock-only); off the mock they are
//     variables declared null.
//   - passwords are variables declared null (password_<user>), to be given with
//     --var: `pbxauth run` refuses to start without them and says which.

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
		if err := x.add(e.Exchange); err != nil {
			return nil, err
		}
	}
	if len(x.steps) == 0 {
		return nil, fmt.Errorf("nothing to export: no exchange got an answer")
	}
	out.Steps = len(x.steps)
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
		head += " --var " + v + "=..."
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

// name returns base, or base_2, base_3... when base is taken.
func (x *exporter) name(base string) string {
	x.used[base]++
	if n := x.used[base]; n > 1 {
		return base + "_" + strconv.Itoa(n)
	}
	return base
}

func (x *exporter) nullVar(base string) string {
	v := x.name(base)
	x.nullVars = append(x.nullVars, v)
	return v
}

func redacted(s string) bool { return strings.Contains(s, apiclient.Redacted) }

// tokenRef is the variable for a token sent in a request: the capture that received
// the same value, else the newest capture of that kind, else a null variable.
func (x *exporter) tokenRef(kind, value string) string {
	if !redacted(value) {
		if v, ok := x.byValue[value]; ok {
			return v
		}
	}
	if v, ok := x.latest[kind]; ok {
		return v
	}
	return x.nullVar(kind)
}

func (x *exporter) passwordVar(user, value string) string {
	if x.passwords == nil {
		x.passwords = map[string]string{}
	}
	base := "password"
	if u := varSafe(user); u != "" {
		base += "_" + u
	}
	k := user + "\x00" + value
	if redacted(value) {
		k = user + "\x00"
		// A redacted password matches any password of that user.
		for pk, v := range x.passwords {
			if strings.HasPrefix(pk, user+"\x00") {
				return v
			}
		}
	}
	if v, ok := x.passwords[k]; ok {
		return v
	}
	v := x.nullVar(base)
	x.passwords[k] = v
	return v
}

// varSafe keeps the characters a variable name may hold.
func varSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '.', r == '-', r == '@':
			b.WriteRune('_')
		}
	}
	return b.String()
}

func ref(v string) string { return "${" + v + "}" }

// escape keeps a recorded value literal: $ starts a variable in scenario files.
func escape(s string) string { return strings.ReplaceAll(s, "$", "$$") }

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
	for _, k := range sortedKeys(path) {
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

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// bodyNode writes the request fields, secrets replaced by references.
func (x *exporter) bodyNode(op string, body map[string]any) *yaml.Node {
	n := mapping()
	user, _ := body["username"].(string)
	for _, k := range sortedKeys(body) {
		v := body[k]
		s, isStr := v.(string)
		if !apiclient.IsSecretField(k) || !isStr {
			put(n, k, value(v))
			continue
		}
		var vr string
		switch {
		case k == "password":
			vr = x.passwordVar(user, s)
		case k == "code" && op == "verifyOTP" && x.opts.Mock:
			vr = x.latest["code"]
		case k == "token" && op == "resetPassword" && x.opts.Mock:
			vr = x.latest["reset_token"]
		case k == "token" && (op == "sendOTP" || op == "verifyOTP"):
			vr = x.tokenRef("challenge", s)
		case k == "refresh_token":
			vr = x.tokenRef("refresh_token", s)
		case k == "access_token":
			vr = x.tokenRef("access_token", s)
		case k == "token" && op == "resetPassword":
			vr = x.nullVar("reset_token")
		default:
			vr = x.nullVar(varSafe(k))
		}
		put(n, k, str(ref(vr)))
	}
	return n
}

// captures records the tokens a successful answer hands out, so later steps can
// send them.
func (x *exporter) captures(ex *apiclient.Exchange) *yaml.Node {
	if ex.Status < 200 || ex.Status > 299 {
		return nil
	}
	var resp map[string]any
	if json.Unmarshal(ex.ResponseBody, &resp) != nil {
		return nil
	}
	n := mapping()
	capture := func(field, kind string) {
		s, ok := resp[field].(string)
		if !ok || s == "" {
			return
		}
		c := x.name(kind)
		x.latest[kind] = c
		if !redacted(s) {
			x.byValue[s] = c
		}
		put(n, c, str(field))
	}
	if tfa, _ := resp["two_factor_enabled"].(bool); tfa {
		capture("token", "challenge")
	}
	capture("access_token", "access_token")
	capture("refresh_token", "refresh_token")
	if len(n.Content) == 0 {
		return nil
	}
	return n
}

// value writes a non-secret JSON value as YAML, strings escaped.
func value(v any) *yaml.Node {
	switch t := v.(type) {
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t)}
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(t.String(), ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: t.String()}
	case string:
		return str(escape(t))
	case []any:
		n := seq()
		for _, e := range t {
			n.Content = append(n.Content, value(e))
		}
		return n
	case map[string]any:
		n := mapping()
		for _, k := range sortedKeys(t) {
			put(n, k, value(t[k]))
		}
		return n
	}
	return str(escape(fmt.Sprint(v)))
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Content: items}
}

// str is a string scalar; the tag makes yaml quote values like "true" or "123".
func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func num(n int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(n)}
}

func put(m *yaml.Node, k string, v *yaml.Node) {
	m.Content = append(m.Content, str(k), v)
}
