package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
)

// The mock's own JSON shapes of the PBX answers. PortSIP sends a blank field as null
// rather than leaving it out, so every optional field here is a pointer (or a nil
// slice) without omitempty: absent never happens, blank is null. The client's types
// stay lenient (omitempty, zero values) because they read any PBX.

// metadataJSON is the answer of GET /info.
type metadataJSON struct {
	WebDomain          *string `json:"web_domain"`
	PrivateIPv4        *string `json:"private_ipv4"`
	PublicIPv4         *string `json:"public_ipv4"`
	EnableIPv6         *bool   `json:"enable_ipv6"`
	PrivateIPv6        *string `json:"private_ipv6"`
	PublicIPv6         *string `json:"public_ipv6"`
	PrimaryDNSServer   *string `json:"primary_dns_server"`
	SecondaryDNSServer *string `json:"secondary_dns_server"`
	EnableDataflow     *bool   `json:"enable_dataflow"`

	Name                       *string `json:"name"`
	Domain                     *string `json:"domain"`
	Website                    *string `json:"website"`
	AvatarURL                  *string `json:"avatar_url"`
	EnableMS365Integration     *bool   `json:"enable_ms365_integration"`
	MS365AuthorizationEndpoint *string `json:"ms365_authorization_endpoint"`
}

// userAuthInfoJSON is the answer of GET /auth/user.
type userAuthInfoJSON struct {
	Role               *string  `json:"role"`
	PasswordVerified   bool     `json:"password_verified"`
	PasswordForceReset bool     `json:"password_force_reset"`
	Domain             *string  `json:"domain"`
	RoleID             *string  `json:"role_id"`
	RoleName           *string  `json:"role_name"`
	Capabilities       []string `json:"capabilities"`
}

// loginStatusJSON is the answer of GET /login.
type loginStatusJSON struct {
	AccessToken string  `json:"access_token"`
	ExpiresAt   string  `json:"expires_at"`
	ExpiresIn   int     `json:"expires_in"`
	Role        *string `json:"role"`
}

// blank is nil (JSON null) for an empty string.
func blank(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// clockJSON is the answer of GET and POST /_mock/clock.
type clockJSON struct {
	Now    string `json:"now"`    // RFC 3339 with nanoseconds, UTC
	Offset string `json:"offset"` // Go's duration text, such as "31m0s"
}

func clockWire(c ClockState) clockJSON {
	return clockJSON{Now: c.Now.UTC().Format(time.RFC3339Nano), Offset: c.Offset.String()}
}

func (c clockJSON) state() (ClockState, error) {
	now, err := time.Parse(time.RFC3339Nano, c.Now)
	if err != nil {
		return ClockState{}, fmt.Errorf("clock: now: %w", err)
	}
	off, err := time.ParseDuration(c.Offset)
	if err != nil {
		return ClockState{}, fmt.Errorf("clock: offset: %w", err)
	}
	return ClockState{Now: now, Offset: off}, nil
}

// journalJSON is one entry of GET /_mock/requests. It is the mock's own shape, not
// apiclient.Exchange's JSON, so a tag changed on the client's side cannot change
// what the mock answers (nor hide the change from a test on both sides).
type journalJSON struct {
	Time         time.Time       `json:"time"`
	Operation    string          `json:"operation,omitempty"`
	Method       string          `json:"method"`
	Path         string          `json:"path"`
	Status       int             `json:"status"`
	Duration     time.Duration   `json:"duration_ns"`
	Exchange     *exchangeJSON   `json:"exchange,omitempty"`
	Truncated    bool            `json:"truncated,omitempty"`
	RequestBody  json.RawMessage `json:"request_body,omitempty"`
	ResponseBody json.RawMessage `json:"response_body,omitempty"`
}

// exchangeJSON is a journal entry's exchange, its bodies beside it in journalJSON.
type exchangeJSON struct {
	Operation      string        `json:"operation,omitempty"`
	Method         string        `json:"method"`
	URL            string        `json:"url"`
	RequestHeader  http.Header   `json:"request_header,omitempty"`
	Status         int           `json:"status,omitempty"`
	ResponseHeader http.Header   `json:"response_header,omitempty"`
	Started        time.Time     `json:"started"`
	Duration       time.Duration `json:"duration_ns"`
	Err            string        `json:"error,omitempty"`
	Truncated      bool          `json:"truncated,omitempty"`
}

// MarshalJSON writes the entry as journalJSON, with the exchange's bodies, so that
// GET /_mock/requests shows what was sent and answered.
func (e JournalEntry) MarshalJSON() ([]byte, error) {
	out := journalJSON{Time: e.Time, Operation: e.Operation, Method: e.Method, Path: e.Path,
		Status: e.Status, Duration: e.Duration, Truncated: e.Truncated}
	if x := e.Exchange; x != nil {
		out.Exchange = &exchangeJSON{Operation: x.Operation, Method: x.Method, URL: x.URL,
			RequestHeader: x.RequestHeader, Status: x.Status, ResponseHeader: x.ResponseHeader,
			Started: x.Started, Duration: x.Duration, Err: x.Err, Truncated: x.Truncated}
		out.RequestBody = bodyJSON(x.RequestBody)
		out.ResponseBody = bodyJSON(x.ResponseBody)
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON writes (ControlClient.Requests).
func (e *JournalEntry) UnmarshalJSON(b []byte) error {
	var in journalJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*e = JournalEntry{Time: in.Time, Operation: in.Operation, Method: in.Method, Path: in.Path,
		Status: in.Status, Duration: in.Duration, Truncated: in.Truncated}
	if x := in.Exchange; x != nil {
		e.Exchange = &apiclient.Exchange{Operation: x.Operation, Method: x.Method, URL: x.URL,
			RequestHeader: x.RequestHeader, Status: x.Status, ResponseHeader: x.ResponseHeader,
			Started: x.Started, Duration: x.Duration, Err: x.Err, Truncated: x.Truncated,
			RequestBody: bodyBytes(in.RequestBody), ResponseBody: bodyBytes(in.ResponseBody)}
	}
	return nil
}

// bodyJSON keeps a JSON body as JSON and makes anything else a JSON string.
func bodyJSON(b []byte) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	if json.Valid(b) {
		return b
	}
	s, _ := json.Marshal(string(b))
	return s
}

// bodyBytes undoes bodyJSON: a JSON string was a body that was not JSON.
func bodyBytes(raw json.RawMessage) []byte {
	var s string
	if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return []byte(s)
	}
	return raw
}
