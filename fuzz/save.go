package fuzz

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/pbxauth/pbxauth/apiclient/spec"
)

// The scenario format of `pbxauth run` (scenarios/FORMAT.md), as far as fuzz cases
// need it. Field order is the order a person reads a scenario in.
type yScenario struct {
	Name        string     `yaml:"name"`
	Description string     `yaml:"description"`
	Tags        []string   `yaml:"tags,flow"`
	Source      string     `yaml:"source"`
	Level       Level      `yaml:"level"`
	Vars        *yaml.Node `yaml:"vars,omitempty"`
	Steps       []yStep    `yaml:"steps"`
}

type yStep struct {
	Name    string            `yaml:"name,omitempty"`
	Call    string            `yaml:"call,omitempty"`
	Request *yRequest         `yaml:"request,omitempty"`
	Outbox  map[string]string `yaml:"outbox,omitempty"`
	Params  map[string]string `yaml:"params,omitempty"`
	Token   string            `yaml:"token,omitempty"`
	Body    any               `yaml:"body,omitempty"`
	Expect  *yExpect          `yaml:"expect,omitempty"`
	Capture map[string]any    `yaml:"capture,omitempty"`
}

type yRequest struct {
	Method      string `yaml:"method"`
	Path        string `yaml:"path"`
	ContentType string `yaml:"content_type,omitempty"`
}

type yExpect struct {
	// Status holds statuses and classes ("4XX": the documents say no more).
	Status  []any          `yaml:"status,flow,omitempty"`
	Body    map[string]any `yaml:"body,omitempty"`
	Headers map[string]any `yaml:"headers,omitempty"`
}

// scenarioOptions say how variables are written.
type scenarioOptions struct {
	seed uint64
	vars map[string]string
	// mock: the run's variables are the mock's public demo accounts, so passwords may
	// be written; against any other target they are declared null (give them with --var).
	mock bool
	// failure is the one the scenario reproduces.
	failure Failure
}

// Scenario renders a found failure as a scenario file `pbxauth run` replays: the same
// requests, with the expectation that failed. Secrets of a real target are never
// written: they become variables without a value.
func (fd *Found) scenario(o scenarioOptions) ([]byte, error) {
	c := fd.Case
	fl := fd.Failure
	o.failure = fl
	tags := []string{"readonly"}
	if c.Mutating {
		tags[0] = "mutating"
	}
	sc := yScenario{
		Name: fmt.Sprintf("fuzz %s: %s on %s", fl.Level, fl.Check, fl.Op),
		Description: fmt.Sprintf("Found by pbxauth fuzz --seed %d (%s case: %s) and shrunk to %d step(s).\nfailure: %s\n",
			o.seed, c.Kind, c.Name, len(c.Steps), fl.Message),
		Tags:   tags,
		Source: fl.Source,
		Level:  fl.Level,
	}
	flipped := ""
	if pw := o.vars[varPassword]; pw != "" {
		flipped, _ = flipCase(pw)
	}
	used := map[string]bool{}
	captured := map[string]bool{}
	mockOnly := false
	for i, st := range c.Steps {
		ys, err := yamlStep(c, i, st, flipped, o)
		if err != nil {
			return nil, err
		}
		if st.Mail != "" {
			mockOnly = true
		}
		for name := range st.Capture {
			captured[name] = true
		}
		for name := range st.CaptureLocation {
			captured[name] = true
		}
		for _, m := range varRef().FindAllStringSubmatch(stepText(st), -1) {
			if !captured[m[1]] {
				used[m[1]] = true
			}
		}
		if strings.Contains(stepText(st), flipped) && flipped != "" {
			used["password_case_flipped"] = true
		}
		sc.Steps = append(sc.Steps, ys)
	}
	if mockOnly {
		sc.Tags = append(sc.Tags, "mock-only")
	}
	sc.Tags = append(sc.Tags, "fuzz", fl.Check, fl.Op)
	sc.Vars = varsNode(used, o, flipped)
	return yaml.Marshal(sc)
}

func varsNode(used map[string]bool, o scenarioOptions, flipped string) *yaml.Node {
	if len(used) == 0 {
		return nil
	}
	n := &yaml.Node{Kind: yaml.MappingNode}
	names := slices.Sorted(maps.Keys(used))
	for _, name := range names {
		val := o.vars[name]
		if name == "password_case_flipped" {
			val = flipped
		}
		v := &yaml.Node{Kind: yaml.ScalarNode, Value: escapeDollar(val), Style: yaml.DoubleQuotedStyle}
		if strings.Contains(name, "password") && !o.mock {
			v = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
			v.LineComment = "give it with --var " + name + "=..."
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: name}, v)
	}
	return n
}

func yamlStep(c *Case, i int, st Step, flipped string, o scenarioOptions) (yStep, error) {
	ys := yStep{Name: st.Expect.Why, Capture: yamlCapture(st)}
	if st.Mail != "" {
		// The runner matches a mail's token strictly, and a one-time code mail need not
		// name its challenge: the account and its tenant pick the mail.
		ys.Outbox = map[string]string{"to": st.MailUser, "kind": st.Mail}
		if st.MailDomain != "" {
			ys.Outbox["domain"] = st.MailDomain
		}
		if ys.Name == "" {
			ys.Name = "read the " + st.Mail + " mail"
		}
		return ys, nil
	}
	conv := func(v any) any { return literal(v, flipped) }
	body := conv(st.Body)
	_, isMap := st.Body.(map[string]any)
	raw := st.Raw() || (st.HasBody && !isMap)
	if raw {
		op, _ := spec.OperationByID(c.Op)
		method, path := st.Method, st.Path
		if !st.Raw() {
			op, _ = spec.OperationByID(st.Op)
			method, path = op.Method, rawPath(opSpec{Operation: op})
		}
		ys.Request = &yRequest{Method: method, Path: path, ContentType: st.ContentType}
		if st.HasBody {
			if s, ok := st.Body.(string); ok && st.RawBody {
				ys.Body = escapeDollar(s)
			} else {
				b, err := json.Marshal(st.Body)
				if err != nil {
					return ys, err
				}
				ys.Body = escapeDollar(string(b))
			}
			if ys.Request.ContentType == "" {
				ys.Request.ContentType = "application/json"
			}
		}
	} else {
		ys.Call = st.Op
		if len(st.Params) > 0 {
			ys.Params = map[string]string{}
			for k, v := range st.Params {
				ys.Params[k] = literal(v, flipped).(string)
			}
		}
		if st.HasBody {
			ys.Body = body
		}
	}
	if st.Token != "" {
		ys.Token = literal(st.Token, flipped).(string)
	}
	ys.Expect = yamlExpect(c, i, st)
	if fl := o.failure; fl.Check == CheckNoStore && fl.Step == i {
		if ys.Expect == nil {
			ys.Expect = &yExpect{}
		}
		ys.Expect.Headers = map[string]any{"Cache-Control": map[string]any{"matches": "(?i)no-store"}}
	}
	if fl := o.failure; fl.Check == CheckCookie && fl.Step == i {
		if ys.Expect == nil {
			ys.Expect = &yExpect{}
		}
		ys.Expect.Headers = map[string]any{"Set-Cookie": map[string]any{"matches": "(?i)httponly"}}
	}
	if isSameAsTarget(c, i) {
		// The whole answer is kept so the later step can be compared with it.
		ys.Capture = map[string]any{fmt.Sprintf("fz_answer_%d", i+1): ""}
	}
	return ys, nil
}

// yamlCapture writes body captures as paths and Location captures as the runner's
// header capture with a regex for the query parameter.
func yamlCapture(st Step) map[string]any {
	if len(st.Capture)+len(st.CaptureLocation) == 0 {
		return nil
	}
	out := map[string]any{}
	for name, path := range st.Capture {
		out[name] = path
	}
	for name, param := range st.CaptureLocation {
		out[name] = map[string]any{"header": "Location", "regex": "[?&]" + regexp.QuoteMeta(param) + "=([^&]+)"}
	}
	return out
}

// yamlExpect turns a step's expectation into the runner's: a refusal is any 4xx; a
// step with no expectation of its own may answer anything the document declares (the
// runner's spec check then catches a 5xx or a broken answer).
func yamlExpect(c *Case, i int, st Step) *yExpect {
	e := &yExpect{}
	op := st.Op
	if op == "" {
		op = c.Op
	}
	switch {
	case len(st.CaptureLocation) > 0:
		e.Status = []any{http.StatusFound} // the redirect that carries them
	case st.Expect.SameAs > 0:
		e.Status = any4xx()
		e.Body = map[string]any{"": map[string]any{"equals": fmt.Sprintf("${fz_answer_%d}", st.Expect.SameAs)}}
	case st.Expect.Refused:
		e.Status = any4xx()
	case st.Expect.Accepted:
		if !st.Raw() {
			return nil // a call's default: the documented success statuses
		}
		e.Status = successOf(op)
	default:
		e.Status = append(successOf(op), any4xx()...)
	}
	return e
}

func any4xx() []any { return []any{"4XX"} }

// successOf lists the 2xx/3xx statuses the document declares for an operation.
func successOf(opID string) []any {
	doc := spec.MustLoad()
	var codes []int
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.OperationID != opID || op.Responses == nil {
				continue
			}
			for code := range op.Responses.Map() {
				if n, err := strconv.Atoi(code); err == nil && n < 400 {
					codes = append(codes, n)
				}
			}
		}
	}
	sort.Ints(codes)
	out := make([]any, len(codes))
	for i, c := range codes {
		out[i] = c
	}
	return out
}

// literal writes a value for the scenario format: a literal $ doubles (the format's
// escape) except in the ${name} references the case uses, and the case-flipped
// password becomes a variable.
func literal(v any, flipped string) any {
	switch x := v.(type) {
	case string:
		if flipped != "" && x == flipped {
			return "${password_case_flipped}"
		}
		return escapeDollar(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = literal(e, flipped)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = literal(e, flipped)
		}
		return out
	}
	return v
}

func escapeDollar(s string) string {
	locs := varRef().FindAllStringIndex(s, -1)
	var b strings.Builder
	last := 0
	for _, l := range locs {
		b.WriteString(strings.ReplaceAll(s[last:l[0]], "$", "$$"))
		b.WriteString(s[l[0]:l[1]])
		last = l[1]
	}
	b.WriteString(strings.ReplaceAll(s[last:], "$", "$$"))
	return b.String()
}

// Save writes each found failure's scenario into dir (created if need be) and
// records the file names. Names come from check and operation only, never from
// anything the PBX sent.
func Save(dir string, res *Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, fd := range res.Found {
		if fd.Scenario == nil {
			continue
		}
		name := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.yaml", fd.Failure.Check, fd.Failure.Op, fd.Failure.Level))
		if err := replaceFile(name, fd.Scenario); err != nil {
			return err
		}
		fd.Saved = name
	}
	return nil
}

// replaceFile puts data at path through a temporary file renamed over it: a
// failed write leaves what was there, and a symlink at path (in a save folder
// that came with a repository) is replaced, never written through.
func replaceFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	if err = errors.Join(werr, tmp.Chmod(0o644), tmp.Close()); err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	return err
}
