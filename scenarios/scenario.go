// Package scenarios is the conformance scenario format (YAML, see FORMAT.md): its
// types, the parser, the loader of files, folders and includes, variables,
// selection by tag and the embedded built-in suite. Running them is the runner
// package's job, reporting the report package's, load testing loadtest's:
//
//	list, err := scenarios.LoadBuiltin()             // or NewLoader().Paths(files...)
//	list = scenarios.Select(list, []string{"2fa"})   // tag filter
//	r, err := runner.New(runner.Options{NewMock: runner.InProcessMock(mockserver.Options{})})
//	res := r.Run(ctx, list, func(e runner.Event) { ... }) // ScenarioStarted, StepFinished, ...
//	os.Exit(res.ExitCode())
package scenarios

import (
	"fmt"
	"regexp"
	"slices"
	"time"
)

// Tags the runner understands. Other tags are free labels for selection.
const (
	// TagReadonly marks a scenario that changes nothing on the PBX.
	TagReadonly = "readonly"
	// TagMutating marks a scenario that changes state (passwords, sessions); against a
	// real PBX it runs only when mutations are allowed. Untagged scenarios count as mutating.
	TagMutating = "mutating"
	// TagMockOnly marks a scenario that needs the mock's control API (outbox, clock).
	TagMockOnly = "mock-only"
)

// Evidence levels: how binding a scenario's expectation is.
const (
	// LevelContract: PortSIP documents it (OpenAPI, guide, release notes, mail templates).
	LevelContract = "contract"
	// LevelRecommended: sound security practice PortSIP does not document; a failure is
	// a finding, and fails the run only in strict mode.
	LevelRecommended = "recommended"
	// LevelMock: pbxauth's mock's own choice where the documents are silent; such a
	// scenario runs only against the mock.
	LevelMock = "mock"
)

// Levels lists the evidence levels, most binding first.
var Levels = []string{LevelContract, LevelRecommended, LevelMock}

// Pos is where something was written: file and 1-based line.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

// Scenario is one named, ordered list of steps.
type Scenario struct {
	Name        string
	Description string
	Tags        []string
	// Source is where the expectation comes from ("openapi: signInWithCredentials 4XX",
	// "guide: oauth token", "NOTES: blank fields", "OWASP ASVS 2.5.6").
	Source string
	// Level is LevelContract, LevelRecommended or LevelMock; empty reads as contract.
	Level string
	// Vars are the scenario's variables in file order; a nil Value must come from --var
	// (or, against the mock, from its demo data: DemoVars).
	Vars  []Var
	Steps []*Step
	Pos   Pos
}

// HasTag reports whether the scenario carries tag.
func (s *Scenario) HasTag(tag string) bool { return slices.Contains(s.Tags, tag) }

// Mutating reports whether the scenario may change state: tagged mutating, or not
// tagged readonly (an unmarked scenario is assumed to mutate, the safe reading).
func (s *Scenario) Mutating() bool { return s.HasTag(TagMutating) || !s.HasTag(TagReadonly) }

// EffectiveLevel is the scenario's level, contract when it states none.
func (s *Scenario) EffectiveLevel() string {
	if s.Level == "" {
		return LevelContract
	}
	return s.Level
}

// MockOnly reports whether the scenario needs the mock's control API.
func (s *Scenario) MockOnly() bool { return s.HasTag(TagMockOnly) }

// UsesClock reports whether any step (including included flows) moves the mock clock.
func (s *Scenario) UsesClock() bool { return usesClock(s.Steps) }

func usesClock(steps []*Step) bool {
	for _, st := range steps {
		if st.Kind == KindClock || (st.Kind == KindInclude && usesClock(st.Include.Flow.Steps)) {
			return true
		}
	}
	return false
}

// Flow is a reusable list of steps with parameters, included by scenarios.
type Flow struct {
	Name        string
	Description string
	// Params are the flow's inputs; a nil Value means the includer must give it.
	Params []Var
	// Returns limits which captures go back to the includer; empty returns them all.
	Returns []string
	Steps   []*Step
	Pos     Pos

	// measured says size and returns were worked out when the flow was parsed:
	// the steps it runs, its included flows' counted each time, and the
	// variables it hands back. Walking its includes instead would take as long as
	// running it: 2^40 steps for a few lines of flows that include another twice.
	measured bool
	size     int
	returns  []string
}

// MaxRunSteps bounds the steps one scenario or flow runs, included flows' steps
// counted each time they are included; the built-in suite's longest runs a few
// dozen. Past it, a file is refused at load time.
const MaxRunSteps = 10000

// Var is a named value; Value is a YAML scalar, list or mapping, or nil when required.
type Var struct {
	Name  string
	Value any
	Pos   Pos
}

// StepKind says what a step does.
type StepKind string

// Step kinds; a step has exactly one.
const (
	KindCall    StepKind = "call"    // an operation by operationId
	KindRequest StepKind = "request" // any method and path, for negative tests
	KindInclude StepKind = "include" // a flow's steps
	KindOutbox  StepKind = "outbox"  // read the mock's latest mail (mock only)
	KindClock   StepKind = "clock"   // advance the mock's clock (mock only)
)

// Step is one action and what is expected of it.
type Step struct {
	Name string
	Kind StepKind
	Pos  Pos

	// Call: the operationId; Params fill path and query parameters.
	Call   string
	Params map[string]any
	// Body is a mapping (sent as JSON, or as a form when the operation takes one) or,
	// on raw requests, a string sent as is.
	Body    any
	HasBody bool
	Headers map[string]string
	// Token is sent as "Authorization: Bearer <token>".
	Token string

	// Request: the raw method and path (relative to /api, may hold a query).
	Method      string
	Path        string
	ContentType string

	Include *Include
	Outbox  *OutboxQuery
	// Clock is how far the mock clock moves, e.g. "31m".
	Clock string

	Expect   Expect
	Captures []Capture
	// Timeout bounds the step; zero means the runner's default.
	Timeout time.Duration
}

// Include runs a flow with arguments.
type Include struct {
	Path string
	Flow *Flow
	With []Var
}

// OutboxQuery picks the latest mail of the mock's outbox matching every field given.
type OutboxQuery struct {
	// To matches the mail's username or address.
	To     string
	Kind   string // otp or reset
	Domain string
	// Token matches the mail's session token (tells apart concurrent sign-ins).
	Token string
}

// Expect is what a step's answer must satisfy.
type Expect struct {
	// Status lists the accepted HTTP statuses; empty accepts any 2xx (any answer for
	// raw requests and mock steps). A value from 1 to 5 is a class: 4 accepts any 4xx
	// (written 4XX), for sources that document no more than the class.
	Status []int
	// BodyOptional lets an empty body pass the body assertions: for answers the
	// OpenAPI declares without content (the 401 of getUserAuthInfo and getLoginStatus).
	BodyOptional bool
	Body         []Assertion
	Header       []Assertion
}

// Assertion ops.
const (
	OpEquals    = "equals"
	OpNotEquals = "not_equals"
	OpExists    = "exists"
	OpAbsent    = "absent"
	OpMatches   = "matches"
	OpType      = "type"
	OpBetween   = "between"
)

// Assertion checks one value of the answer, found by Path (a JSON pointer "/a/0/b",
// a dotted path "a.0.b", or a header name).
type Assertion struct {
	Path string
	Op   string
	// Value is the expected value (equals, not_equals) or the type name (type).
	Value any
	// Min and Max bound a number, both inclusive (between).
	Min, Max float64
	// Pattern is the regexp source (matches); Re is compiled unless it holds ${...}.
	Pattern string
	Re      *regexp.Regexp
	Pos     Pos
}

// Capture sources.
const (
	FromBody   = "body"
	FromHeader = "header"
)

// Capture stores a value of the answer into a variable.
type Capture struct {
	Name string
	From string // body or header
	Path string
	// Regex, when set, keeps its first group (or the whole match) of the value.
	Regex *regexp.Regexp
	Pos   Pos
}

// CountSteps is how many steps a run executes: those of included flows in place.
func CountSteps(steps []*Step) int {
	n := 0
	for _, st := range steps {
		if st.Kind == KindInclude && st.Include.Flow != nil {
			n += st.Include.Flow.runSize()
			continue
		}
		n++
	}
	return n
}

func (f *Flow) runSize() int {
	if f.measured {
		return f.size
	}
	return CountSteps(f.Steps)
}
