package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mailbox"
	"github.com/pbxauth/pbxauth/scenarios"
)

// MailSource is where outbox steps read mail: the mock's outbox (in-process or a
// standalone `pbxauth mock`, both over its control API) or an SMTP receiver the
// PBX delivers to (--mail). Scenarios read both with the same outbox steps.
type MailSource interface {
	// Mark is the position of the newest mail now: mail that arrives later is
	// after it. A source whose mail is there as soon as the call that sent it
	// answers (the mock) returns 0.
	Mark() uint64
	// Find returns the newest mail after mark that q matches, waiting up to wait
	// for one; nil when none came.
	Find(ctx context.Context, q scenarios.OutboxQuery, after uint64, wait time.Duration) (*FoundMail, error)
	// Where names the source in messages.
	Where() string
}

// FoundMail is one mail as an outbox step sees it.
type FoundMail struct {
	// Doc holds the fields assertions and captures read (code, token, link, to,
	// subject, body, ...).
	Doc map[string]any
	// Exchange records the read for reports (redacted like any other).
	Exchange *apiclient.Exchange
	// Secrets are values of the mail that reports must hide.
	Secrets []string
}

// mockOutbox reads the mock's outbox over its control API.
type mockOutbox struct{ ctl *mockControl }

func (mockOutbox) Mark() uint64 { return 0 }

func (m mockOutbox) Where() string { return "the mock's outbox" }

// Find reads the outbox. The mock mails synchronously; the short retry covers a
// PBX-like mock that queues its mail.
func (m mockOutbox) Find(ctx context.Context, q scenarios.OutboxQuery, _ uint64, _ time.Duration) (*FoundMail, error) {
	var ex *apiclient.Exchange
	for attempt := 0; attempt < 3; attempt++ {
		mail, e, err := m.ctl.latestMail(ctx, q)
		ex = e
		if err != nil {
			return &FoundMail{Exchange: ex}, err
		}
		if mail != nil {
			var secrets []string
			for _, k := range []string{"code", "token", "link"} {
				if s, ok := mail[k].(string); ok {
					secrets = append(secrets, s)
				}
			}
			return &FoundMail{Doc: mail, Exchange: ex, Secrets: secrets}, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return &FoundMail{Exchange: ex}, nil
}

// SMTPMail reads the mail a real PBX delivered to pbxauth's SMTP receiver.
type SMTPMail struct {
	Box  *mailbox.Box
	Addr string // host:port the receiver listens on, for messages
}

// Mark implements MailSource.
func (s *SMTPMail) Mark() uint64 { return s.Box.Seq() }

// Where implements MailSource.
func (s *SMTPMail) Where() string { return "smtp://" + s.Addr }

// Find implements MailSource.
func (s *SMTPMail) Find(ctx context.Context, q scenarios.OutboxQuery, after uint64, wait time.Duration) (*FoundMail, error) {
	started := time.Now()
	mq := mailbox.Query{To: q.To, Kind: q.Kind, Domain: q.Domain, Token: q.Token}
	m := s.Box.Find(after, mq)
	if m == nil && wait > 0 {
		wctx, cancel := context.WithTimeout(ctx, wait)
		defer cancel()
		var err error
		m, err = s.Box.Wait(wctx, after, mq)
		if err != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	if m == nil {
		return nil, nil
	}
	doc := m.Doc()
	body, _ := json.Marshal(doc)
	ex := &apiclient.Exchange{
		Operation: "mail", Method: "SMTP", URL: s.Where(), Started: started, Duration: time.Since(started),
		Status: 250, ResponseHeader: http.Header{"Content-Type": {"application/json"}}, ResponseBody: body,
	}
	secrets := append([]string{m.Code, m.Link, m.Token}, m.Secrets...)
	return &FoundMail{Doc: doc, Exchange: ex, Secrets: secrets}, nil
}

// mailOps are the operations after which a PBX sends mail. A read after one of them
// waits for mail newer than the call, so it does not take an older mail that is
// still the newest for a moment.
var mailOps = map[string]bool{"/auth/send_otp": true, "/auth/forget_password": true}

func sendsMail(path string) bool {
	for p := range mailOps {
		if strings.HasSuffix(strings.TrimRight(path, "/"), p) {
			return true
		}
	}
	return false
}

// readMail finds the mail an outbox step asks for. After a call that sends mail it
// first waits for mail newer than that call; when none comes (a call that sends
// nothing, say for an unknown user), the newest since the scenario started is the
// answer, as the mock's outbox would give it.
func (x *exec) readMail(ctx context.Context, q scenarios.OutboxQuery) (*FoundMail, string, error) {
	limit := time.Second
	if dl, ok := ctx.Deadline(); ok {
		// Leave room to report a miss as a failure rather than a timed-out step.
		limit = time.Until(dl) - 250*time.Millisecond
	}
	limit = max(limit, 0)
	started := time.Now()
	var found *FoundMail
	var err error
	pending := x.mailPending
	x.mailPending = false
	if pending {
		found, err = x.mail.Find(ctx, q, x.mailFresh, limit*3/4)
		if err != nil || (found != nil && found.Doc != nil) {
			return found, "", err
		}
		limit = 0
	}
	found, err = x.mail.Find(ctx, q, x.mailSince, limit)
	if err != nil || (found != nil && found.Doc != nil) {
		return found, "", err
	}
	why := "none"
	if _, smtp := x.mail.(*SMTPMail); smtp {
		why = fmt.Sprintf("none arrived at %s within %s", x.mail.Where(), time.Since(started).Round(100*time.Millisecond))
	}
	return found, why, nil
}

// mockOnlyReason says why a mock-only scenario cannot run on a real PBX, or ""
// when it can: it needs the mock only for mail, and --mail receives the PBX's.
func (r *Runner) mockOnlyReason(s *scenarios.Scenario) string {
	clock, mail := stepKinds(s.Steps)
	switch {
	case clock:
		return "needs the mock PBX (it moves the clock); the target is a real PBX"
	case !mail:
		return "needs the mock PBX; the target is a real PBX"
	case r.opts.Mail == nil:
		return "reads the PBX's mail: run with --mail smtp://HOST:PORT and point the PBX's SMTP server setting there"
	}
	return ""
}

// stepKinds tells whether steps (and the flows they include) move the clock or
// read mail.
func stepKinds(steps []*scenarios.Step) (clock, mail bool) {
	for _, st := range steps {
		switch st.Kind {
		case scenarios.KindClock:
			clock = true
		case scenarios.KindOutbox:
			mail = true
		case scenarios.KindInclude:
			if st.Include.Flow != nil {
				c, m := stepKinds(st.Include.Flow.Steps)
				clock, mail = clock || c, mail || m
			}
		}
	}
	return clock, mail
}

// takeMailTurn makes a scenario that reads a real PBX's mail run alone; others run
// side by side. It returns the release.
func (r *Runner) takeMailTurn(s *scenarios.Scenario, kind targetKind) func() {
	if kind != targetPBX || r.opts.Mail == nil {
		return func() {}
	}
	if _, mail := stepKinds(s.Steps); mail {
		r.mailTurn.Lock()
		return r.mailTurn.Unlock
	}
	r.mailTurn.RLock()
	return r.mailTurn.RUnlock
}
