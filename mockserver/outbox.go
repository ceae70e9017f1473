package mockserver

import (
	"strconv"
	"sync"
	"time"
)

// Mail is a message the mock PBX "sent": a one-time code or a password reset link.
// The real PBX hands these to its mail server; the mock keeps them in an outbox so
// people and scenarios can read the code or link.
type Mail struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"` // MailOTP or MailReset
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"` // the plain-text part
	HTML    string `json:"html"` // the HTML part
	// Tenant, DisplayName, Extension and WebDomain are what the mail greets and
	// names, as PortSIP's templates do.
	Tenant      string    `json:"tenant"`
	DisplayName string    `json:"display_name"`
	Extension   string    `json:"extension"`
	WebDomain   string    `json:"web_domain"`
	Code        string    `json:"code,omitempty"`  // the one-time code
	Link        string    `json:"link,omitempty"`  // the reset link (callback_url + token)
	Token       string    `json:"token,omitempty"` // the reset token, so scenarios can capture it
	Username    string    `json:"username"`
	Domain      string    `json:"domain,omitempty"`
	SentAt      time.Time `json:"sent_at"`
}

// Mail kinds.
const (
	MailOTP   = "otp"
	MailReset = "reset"
)

// outbox keeps the newest outboxSize mails. Its slice grows to twice that before the
// newest half moves down, so adding a mail costs the same, amortized, however full
// the outbox is (forgetPassword's timing must not depend on it).
type outbox struct {
	mu    sync.Mutex
	mails []Mail
	seq   int
}

func (o *outbox) add(m Mail) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seq++
	m.ID = "m" + strconv.Itoa(o.seq)
	if len(o.mails) >= 2*outboxSize {
		n := copy(o.mails, o.mails[len(o.mails)-outboxSize+1:])
		clear(o.mails[n:]) // let the old mails' strings go
		o.mails = o.mails[:n]
	}
	o.mails = append(o.mails, m)
}

// kept is the newest outboxSize mails.
func (o *outbox) kept() []Mail {
	return o.mails[max(0, len(o.mails)-outboxSize):]
}

func (o *outbox) list() []Mail {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]Mail{}, o.kept()...)
}

func (o *outbox) clear() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.mails = nil
}

func (o *outbox) size() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.kept())
}
