// Package mailbox receives the PBX's mail over SMTP for a test run and finds the
// one-time code or the reset link in each message, whatever its layout.
package mailbox

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// Kinds of mail, named like the mock outbox's.
const (
	KindOTP   = "otp"   // carries a one-time code
	KindReset = "reset" // carries a password reset link
)

// Mail is one received message as a test reads it. Code, Link and Token are
// secrets: whoever shows a Mail redacts them.
type Mail struct {
	Seq      uint64    // order of arrival in its Box, from 1
	Received time.Time // when the receiver had the whole message
	Date     time.Time // the message's Date header; zero when absent or unreadable
	From     string
	To       []string // envelope recipients (RCPT TO), else the To header's addresses
	ToNames  []string // display names of the To header
	Subject  string
	Text     string // the readable text: the plain part, else the HTML part's text
	Kind     string // KindOTP, KindReset or "" when neither was recognised
	Code     string // the one-time code (KindOTP)
	Link     string // the reset link (KindReset)
	Token    string // the reset session token carried by Link
	// Secrets are every value of the mail that may be a code or a session link, so
	// a report can hide them even when the mail's layout fooled the extraction.
	Secrets []string
	// Problem says what part of the message could not be read, if any.
	Problem string
}

// Doc is the mail as scenario assertions see it: the fields of the mock outbox that
// a real mail has (to, subject, body, code, link, token, kind, sent_at) plus from.
// A real PBX's mail does not say its username or tenant, so those are absent.
func (m *Mail) Doc() map[string]any {
	doc := map[string]any{
		"subject": m.Subject,
		"body":    m.Text,
		"from":    m.From,
		"sent_at": m.Received.UTC().Format(time.RFC3339),
	}
	if !m.Date.IsZero() {
		doc["sent_at"] = m.Date.UTC().Format(time.RFC3339)
	}
	if len(m.To) > 0 {
		doc["to"] = m.To[0]
	}
	for k, v := range map[string]string{"kind": m.Kind, "code": m.Code, "link": m.Link, "token": m.Token} {
		if v != "" {
			doc[k] = v
		}
	}
	return doc
}

// Query picks mail; empty fields match anything.
type Query struct {
	To     string // a username or an address
	Kind   string
	Domain string
	Token  string
}

// Matches tells whether m is a mail q asks for. A real PBX addresses mail to the
// user's own address, which need not contain the username, so To also matches a
// whole-word mention in the recipient's name, the subject or the text (PortSIP's
// templates name the extension and the display name). Domain is not a filter here:
// mail need not name the tenant (see Prefer).
func (m *Mail) Matches(q Query) bool {
	if q.Kind != "" && m.Kind != q.Kind {
		return false
	}
	if q.Token != "" && m.Token != q.Token {
		return false
	}
	return q.To == "" || m.addressedTo(q.To)
}

// Prefer tells whether m names q's domain (recipient domain or a mention), which
// breaks ties between mails that match q otherwise.
func (m *Mail) Prefer(q Query) bool {
	if q.Domain == "" {
		return false
	}
	for _, a := range m.To {
		if _, dom, ok := strings.Cut(a, "@"); ok && strings.EqualFold(dom, q.Domain) {
			return true
		}
	}
	return mentions(m.Subject+"\n"+m.Text, q.Domain)
}

func (m *Mail) addressedTo(who string) bool {
	who = strings.TrimSpace(who)
	if a, err := mail.ParseAddress(who); err == nil && strings.Contains(who, "@") {
		who = a.Address
	}
	for _, a := range m.To {
		local, _, _ := strings.Cut(a, "@")
		if strings.EqualFold(a, who) || strings.EqualFold(local, who) {
			return true
		}
	}
	if strings.Contains(who, "@") {
		return false
	}
	for _, n := range m.ToNames {
		if mentions(n, who) {
			return true
		}
	}
	return mentions(m.Subject+"\n"+m.Text, who)
}

// mentions tells whether word appears in text as a whole word, ignoring case.
func mentions(text, word string) bool {
	if word == "" {
		return false
	}
	re, err := regexp.Compile(`(?i)(^|[^\pL\pN_])` + regexp.QuoteMeta(word) + `($|[^\pL\pN_])`)
	return err == nil && re.MatchString(text)
}

// sanitizeLine keeps a header value printable and on one line: headers are
// untrusted and end up in reports and on terminals.
func sanitizeLine(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r) || r == '\u202e' || r == '\u202d':
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len(s) > 998 { // RFC 5322's line limit: longer is not a header we need whole
		s = strings.ToValidUTF8(s[:998], "")
	}
	return s
}
