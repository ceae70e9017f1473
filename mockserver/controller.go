package mockserver

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
)

// Controller is everything the control API under /_mock/ does, typed. Server.Control
// implements it in-process; ControlClient implements it over HTTP for a standalone
// `pbxauth mock`. Both answer refusals with the *apiclient.APIError the control API
// sends (VALIDATE_FAILED and the like), so callers handle one error shape.
type Controller interface {
	// Outbox lists the mail sent that f matches, oldest first. GET /_mock/outbox
	Outbox(ctx context.Context, f MailFilter) ([]Mail, error)
	// LastMail is the newest mail f matches; ErrNoMail when none does.
	// GET /_mock/outbox/last
	LastMail(ctx context.Context, f MailFilter) (Mail, error)
	// ClearOutbox empties the outbox. DELETE /_mock/outbox
	ClearOutbox(ctx context.Context) error
	// Requests lists the newest limit exchanges under /api (all kept when limit is
	// 0), oldest first, secrets redacted. GET /_mock/requests
	Requests(ctx context.Context, limit int) ([]JournalEntry, error)
	// Reset puts the mock back to its data (Server.Reset). POST /_mock/reset
	Reset(ctx context.Context, o ResetOptions) error
	// Clock reads the mock clock. GET /_mock/clock
	Clock(ctx context.Context) (ClockState, error)
	// AdvanceClock moves the mock clock forward by d > 0. POST /_mock/clock
	AdvanceClock(ctx context.Context, d time.Duration) (ClockState, error)
	// Faults reads the fault set, keyed by operationId. GET /_mock/faults
	Faults(ctx context.Context) (map[string]Fault, error)
	// SetFaults replaces the fault set; a set with any invalid entry is refused
	// whole. POST /_mock/faults
	SetFaults(ctx context.Context, f map[string]Fault) (map[string]Fault, error)
	// ClearFaults removes every fault. DELETE /_mock/faults
	ClearFaults(ctx context.Context) error
	// Stats reports the stores' sizes. GET /_mock/stats
	Stats(ctx context.Context) (Stats, error)
}

// MailFilter picks mails of the outbox; empty fields match any mail. To and Domain
// compare without case, as mail addresses and domains do; Username exactly, as the
// mock signs in.
type MailFilter struct {
	Kind     string // MailOTP or MailReset
	To       string
	Username string
	Domain   string
}

func (f MailFilter) matches(m *Mail) bool {
	return (f.Kind == "" || m.Kind == f.Kind) &&
		(f.To == "" || strings.EqualFold(m.To, f.To)) &&
		(f.Username == "" || m.Username == f.Username) &&
		(f.Domain == "" || strings.EqualFold(m.Domain, f.Domain))
}

// ResetOptions say what a reset keeps.
type ResetOptions struct {
	// KeepFaults keeps the fault set: a runner resets between scenarios but keeps
	// the faults the tester set for the whole run.
	KeepFaults bool
}

// ClockState is the mock clock as the control API reports it.
type ClockState struct {
	Now    time.Time     // the mock's time
	Offset time.Duration // how far it runs ahead of Options.Now
}

// ErrNoMail is LastMail's error when no mail matches.
var ErrNoMail = errors.New("mockserver: no mail matches")

// msgNoMail is the message of GET /_mock/outbox/last's 404 when no mail matches;
// ControlClient reads it back as ErrNoMail.
const msgNoMail = "no mail matches"

// Control is the server's Controller, in-process: no HTTP, no guard (the caller
// holds the server already).
func (s *Server) Control() *InProcess { return &InProcess{s} }

// InProcess is the Controller of a server in this process, plus what only a caller
// in the same process gets: the journal as it happens and the clock without a call.
type InProcess struct{ s *Server }

var _ Controller = (*InProcess)(nil)

// Subscribe streams each new journal entry (Server.Subscribe).
func (l *InProcess) Subscribe() (<-chan JournalEntry, func()) { return l.s.Subscribe() }

// Now is the mock clock (Server.Now).
func (l *InProcess) Now() time.Time { return l.s.Now() }

// asError turns a refusal the control API would answer into the error ControlClient
// returns for it.
func asError(resp response) error {
	return apiclient.NewAPIError(resp.status, resp.body)
}

// Outbox implements Controller.
func (l *InProcess) Outbox(ctx context.Context, f MailFilter) ([]Mail, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return l.s.filteredMails(f), nil
}

// LastMail implements Controller.
func (l *InProcess) LastMail(ctx context.Context, f MailFilter) (Mail, error) {
	if err := ctx.Err(); err != nil {
		return Mail{}, err
	}
	mails := l.s.filteredMails(f)
	if len(mails) == 0 {
		return Mail{}, ErrNoMail
	}
	return mails[len(mails)-1], nil
}

// ClearOutbox implements Controller.
func (l *InProcess) ClearOutbox(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.s.ClearOutbox()
	return nil
}

// Requests implements Controller.
func (l *InProcess) Requests(ctx context.Context, limit int) ([]JournalEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit < 0 {
		return nil, asError(invalid(badLimit))
	}
	return l.s.requests(limit), nil
}

// Reset implements Controller.
func (l *InProcess) Reset(ctx context.Context, o ResetOptions) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.s.reset(o)
	return nil
}

// Clock implements Controller.
func (l *InProcess) Clock(ctx context.Context) (ClockState, error) {
	if err := ctx.Err(); err != nil {
		return ClockState{}, err
	}
	return l.s.clock(), nil
}

// AdvanceClock implements Controller.
func (l *InProcess) AdvanceClock(ctx context.Context, d time.Duration) (ClockState, error) {
	if err := ctx.Err(); err != nil {
		return ClockState{}, err
	}
	if v := l.s.advance(d); v != nil {
		return ClockState{}, asError(invalid(*v))
	}
	return l.s.clock(), nil
}

// Faults implements Controller.
func (l *InProcess) Faults(ctx context.Context) (map[string]Fault, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return l.s.Faults(), nil
}

// SetFaults implements Controller.
func (l *InProcess) SetFaults(ctx context.Context, f map[string]Fault) (map[string]Fault, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if vs := checkFaults(f); len(vs) > 0 {
		return nil, asError(validationFailed(vs))
	}
	l.s.SetFaults(f)
	return l.s.Faults(), nil
}

// ClearFaults implements Controller.
func (l *InProcess) ClearFaults(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.s.SetFaults(nil)
	return nil
}

// Stats implements Controller.
func (l *InProcess) Stats(ctx context.Context) (Stats, error) {
	if err := ctx.Err(); err != nil {
		return Stats{}, err
	}
	return l.s.Stats(), nil
}

// The logic both sides share: the control handlers parse the request, call these
// and encode what they return.

// filteredMails is the outbox f matches, oldest first.
func (s *Server) filteredMails(f MailFilter) []Mail {
	mails := s.Outbox()
	out := mails[:0]
	for i := range mails {
		if f.matches(&mails[i]) {
			out = append(out, mails[i])
		}
	}
	return out
}

var badLimit = violation{field: "limit", rule: "type", hint: "a whole number of at least 0"}

// requests is the newest limit journal entries, or all of them when limit is 0.
func (s *Server) requests(limit int) []JournalEntry {
	entries := s.Requests()
	if limit > 0 && limit < len(entries) {
		entries = entries[len(entries)-limit:]
	}
	return entries
}

func (s *Server) reset(o ResetOptions) {
	faults := s.faults.Load()
	s.Reset()
	if o.KeepFaults {
		s.faults.Store(faults)
	}
}

func (s *Server) clock() ClockState {
	return ClockState{Now: s.Now(), Offset: time.Duration(s.offset.Load())}
}

// advance moves the clock forward by d, or says why it cannot.
func (s *Server) advance(d time.Duration) *violation {
	if d <= 0 {
		return &violation{field: "advance", rule: "range", hint: "more than 0: the mock clock only moves forward"}
	}
	if room, ok := s.tryAdvanceClock(d); !ok {
		return &violation{field: "advance", rule: "range", limit: room.String(),
			hint: "at most " + room.String() + ": the clock is " + time.Duration(s.offset.Load()).String() +
				" ahead, and " + MaxClockOffset.String() + " is as far as it goes (POST /_mock/reset brings it back)"}
	}
	return nil
}

// noMail is GET /_mock/outbox/last's answer when nothing matches.
func noMail() response { return errorResponse(http.StatusNotFound, CodeNotFound, msgNoMail, nil) }
