package tui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pbxauth/pbxauth/mailbox"
)

// mailFreshness is how old a received mail may be and still fill a field: PortSIP's
// templates say codes and reset links expire after 10 minutes.
const mailFreshness = 10 * time.Minute

// MailOutbox reads the mail a real PBX delivered to pbxauth's SMTP receiver
// (--mail), so the Sign in and Forgot screens fill codes and reset tokens from it
// as they do from the mock's outbox.
type MailOutbox struct {
	Box *mailbox.Box
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// NewMailOutbox reads box.
func NewMailOutbox(box *mailbox.Box) *MailOutbox { return &MailOutbox{Box: box} }

// latest is the newest recent mail of kind for username; when there is none yet it
// waits for one until ctx ends (the PBX may still be sending it).
func (o *MailOutbox) latest(ctx context.Context, kind, username string) (*mailbox.Mail, error) {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	q := mailbox.Query{To: username, Kind: kind}
	var after uint64
	for _, m := range o.Box.Mails() {
		if now().Sub(m.Received) > mailFreshness {
			after = m.Seq
		}
	}
	m, err := o.Box.Wait(ctx, after, q)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		who := username
		if who == "" {
			who = "anyone"
		}
		return nil, fmt.Errorf("no %s mail for %s has reached the SMTP receiver yet", kind, who)
	}
	return m, err
}

// LatestOTP implements Outbox.
func (o *MailOutbox) LatestOTP(ctx context.Context, username string) (string, error) {
	m, err := o.latest(ctx, mailbox.KindOTP, username)
	if err != nil {
		return "", err
	}
	return m.Code, nil
}

// LatestResetToken implements Outbox.
func (o *MailOutbox) LatestResetToken(ctx context.Context, username string) (string, error) {
	m, err := o.latest(ctx, mailbox.KindReset, username)
	if err != nil {
		return "", err
	}
	if m.Token == "" {
		return "", fmt.Errorf("the newest reset mail for %s holds no token the link names", username)
	}
	return m.Token, nil
}
