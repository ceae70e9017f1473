// Package fuzz generates requests and request sequences from pbxauth's OpenAPI document
// and PortSIP's field rules, sends them to a PBX (or the mock), checks every answer
// against what the documents promise, shrinks each failure to a minimal case and writes
// it as a scenario file that `pbxauth run` replays.
//
// Generation is pbxauth's own, seeded with math/rand/v2's PCG: one seed gives the same
// cases in the same order, so a run is reproducible. See README's "pbxauth fuzz".
package fuzz

import "fmt"

// Level says how binding a check is, as in the conformance suite.
type Level string

const (
	// LevelContract: PortSIP's documents say so; a failure fails the run.
	LevelContract Level = "contract"
	// LevelRecommended: sound security practice PortSIP does not document; a failure
	// is a finding and fails the run only with Strict.
	LevelRecommended Level = "recommended"
	// LevelMock: pbxauth's mock's own choice; checked only against the mock.
	LevelMock Level = "mock"
)

// Check names. Each failure names the check that caught it.
const (
	CheckNoServerError   = "no_server_error"         // no 5xx, ever
	CheckConforms        = "response_conforms"       // status, content type and body as documented
	CheckInvalidRefused  = "invalid_refused"         // a request breaking a documented rule gets a 4xx
	CheckValidAccepted   = "valid_accepted"          // a valid request with a real account succeeds
	CheckBearerRequired  = "bearer_required"         // protected operations refuse no or a garbage bearer
	CheckEndedStaysEnded = "ended_stays_ended"       // ended tokens, sessions and links stay ended
	CheckNoEnumeration   = "no_user_enumeration"     // unknown user and wrong password answer alike
	CheckExactCreds      = "credentials_exact"       // a wrong (e.g. case-flipped) password is refused
	CheckSequence        = "sequence_works"          // a lifecycle step that must succeed for the rest to mean anything
	CheckNoStore         = "tokens_not_cached"       // an answer carrying a token says Cache-Control: no-store
	CheckCookie          = "session_cookie_httponly" // the web session cookie is out of scripts' reach
)

// CheckSources says where each check's expectation comes from (reports show it).
var CheckSources = map[string]string{
	CheckNoServerError:   "openapi: every operation declares only 2xx/3xx and 4XX answers",
	CheckConforms:        "openapi: declared responses, media types and schemas",
	CheckInvalidRefused:  "openapi: request schemas (type, required, minLength/maxLength, username rules); RFC 6749 4.1.3, RFC 7636 4.6 (a code only with its redirect_uri, client_id and verifier)",
	CheckValidAccepted:   "openapi: the operation's success response",
	CheckBearerRequired:  "openapi: security bearer on getUserAuthInfo and signOut",
	CheckEndedStaysEnded: "openapi: signOut/logout end the session; guide: revoke ends the access token; RFC 9700 4.14 (refresh rotation), RFC 6749 4.1.2 (single-use codes), OWASP ASVS 2.5 (single-use links)",
	CheckNoEnumeration:   "OWASP ASVS 2.2 / WSTG-IDNT-04: no account enumeration",
	CheckExactCreds:      "openapi: sign-in with the account's password; a different password is not it",
	CheckSequence:        "openapi: the operation's success response",
	CheckNoStore:         "RFC 6749 5.1: Cache-Control: no-store on answers that carry tokens",
	CheckCookie:          "OWASP ASVS 3.4.2: session cookies carry HttpOnly",
}

// Kind of a case.
type Kind string

const (
	KindPositive Kind = "positive"
	KindNegative Kind = "negative"
	KindStateful Kind = "stateful"
)

// Expect is what one step's answer must satisfy beyond the checks every answer gets.
type Expect struct {
	// Refused: the answer must be a 4xx. Accepted: a 2xx (or 302 where documented).
	Refused, Accepted bool
	// SameAs, when >0, is 1 + the index of an earlier step whose status and body this
	// answer must equal, usernames blanked out (the no_user_enumeration check,
	// recommended level).
	SameAs int
	Check  string
	Level  Level
	// Why says what the step does, for reports: "username of 65 characters".
	Why string
}

// Step is one request of a case. Values may hold ${name} references to run variables
// (username, password, ...) and to captures of earlier steps.
type Step struct {
	Op string // operationId; "" with Method+Path for a raw request
	// Method and Path are set for raw requests (a wrong content type, a body that is
	// not JSON); Path is relative to the /api base.
	Method, Path string
	Params       map[string]string
	// Body is a map (JSON object or form), any other JSON value, or a string sent as is
	// (RawBody).
	Body        any
	HasBody     bool
	RawBody     bool
	ContentType string
	// Token is sent as a bearer token; NoToken forces none even for bearer operations.
	Token string
	// Capture maps variable names to body paths (dotted) of a 2xx answer;
	// CaptureLocation maps them to query parameters of a redirect's Location (the
	// code an identity provider sends back).
	Capture         map[string]string
	CaptureLocation map[string]string
	// Mail, when set, is not an HTTP request: it reads the newest mail of that kind
	// ("otp" or "reset") for Username from the mail source and captures its code and token.
	Mail     string
	MailUser string
	// MailToken narrows a one-time code mail to the challenge it was sent for (when
	// the mail names it); MailDomain to the account's tenant.
	MailToken  string
	MailDomain string
	Expect     Expect
	// shrinkField is the body field (or query parameter) a negative case is about;
	// shrinkChars lets the shrinker shorten it while it keeps a character that breaks
	// the username charset.
	shrinkField string
	shrinkChars bool
}

// Raw reports whether the step is sent as a raw request rather than as an operation.
func (s Step) Raw() bool { return s.Op == "" }

// Case is one example: a single request, or a sequence for stateful checks.
type Case struct {
	Kind  Kind
	Op    string // the operation the case is about, for per-operation counts
	Name  string
	Steps []Step
	// Mutating cases change state on the PBX beyond sessions they open themselves
	// (mail sent to a real account, a password changed).
	Mutating bool
	// RealAccount: the case sends a wrong password for a real account (bounded per run).
	RealAccount bool
	// actions, for stateful cases, rebuild Steps after shrinking.
	actions []action
	builder func([]action) []Step
}

func (c *Case) String() string { return fmt.Sprintf("%s %s: %s", c.Kind, c.Op, c.Name) }

// Failure is one check that did not hold.
type Failure struct {
	Check   string `json:"check"`
	Level   Level  `json:"level"`
	Source  string `json:"source"`
	Op      string `json:"operation"`
	Step    int    `json:"step"` // 0-based index into the case's steps
	Message string `json:"message"`
}

func (f Failure) key() string { return f.Check + "|" + f.Op + "|" + string(f.Level) }

func (f Failure) String() string {
	return fmt.Sprintf("[%s] %s %s: %s", f.Level, f.Check, f.Op, f.Message)
}
