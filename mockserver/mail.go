package mockserver

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"mime/multipart"
	"net/textproto"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"
)

// The outbox mails carry what PortSIP's default templates carry (portsip-mail/ in
// the shared reference): the tenant's name, the person's display name and extension,
// the PBX's web domain, the code alone in its own element, the reset link as a button
// and as text, and the 10-minute lifetimes. The wording and the layout are pbxauth's.

// mailFacts fill both parts of a mail.
type mailFacts struct {
	Tenant, Display, Extension, WebDomain string
	Code, Link                            string
	Minutes                               int
}

func factsFor(d *directory, acct *account) mailFacts {
	tenant := "your PBX" // system accounts belong to no tenant
	if acct.tenant != nil {
		tenant = cmp.Or(acct.tenant.Name, acct.tenant.Domain)
	}
	return mailFacts{Tenant: tenant, Display: acct.display, Extension: acct.extension, WebDomain: cmp.Or(d.webDomain, "the PBX")}
}

// otpMail is the one-time code mail of send_otp.
func otpMail(d *directory, acct *account, code string, now time.Time) Mail {
	f := factsFor(d, acct)
	f.Code, f.Minutes = code, int(OTPTTL/time.Minute)
	m := mailTo(acct, MailOTP, "Your sign-in code for "+f.Tenant, otpText(), otpHTML(), f, now)
	m.Code = code
	return m
}

// resetMail is the reset link mail of forget_password.
func resetMail(d *directory, acct *account, link, tok string, now time.Time) Mail {
	f := factsFor(d, acct)
	f.Link, f.Minutes = link, int(ResetTTL/time.Minute)
	m := mailTo(acct, MailReset, "Choose a new password for "+f.Tenant, resetText(), resetHTML(), f, now)
	m.Link, m.Token = link, tok
	return m
}

// mailTo is a mail of kind to acct, its facts rendered into both parts.
func mailTo(acct *account, kind, subject string, text *texttemplate.Template, html *template.Template, f mailFacts, now time.Time) Mail {
	return Mail{
		Kind: kind, To: acct.email, Username: acct.username, Domain: acct.domain, SentAt: now,
		Subject: subject, Body: render(text, f), HTML: renderHTML(html, f),
		Tenant: f.Tenant, DisplayName: f.Display, Extension: f.Extension, WebDomain: f.WebDomain,
	}
}

func render(t *texttemplate.Template, f mailFacts) string {
	var b strings.Builder
	_ = t.Execute(&b, f) // the templates are fixed and the facts are strings
	return b.String()
}

func renderHTML(t *template.Template, f mailFacts) string {
	var b strings.Builder
	_ = t.Execute(&b, f)
	return b.String()
}

// The mail templates parse on first use: most processes never send a mail.
var otpText = sync.OnceValue(func() *texttemplate.Template {
	return texttemplate.Must(texttemplate.New("otp").Parse(`Hello {{.Display}},

someone is signing in to your {{.Tenant}} account (extension {{.Extension}}) at {{.WebDomain}}.
Enter this code to finish:

{{.Code}}

The code works for {{.Minutes}} minutes. If you are not signing in, ignore this mail
and consider changing your password.
`))
})

var resetText = sync.OnceValue(func() *texttemplate.Template {
	return texttemplate.Must(texttemplate.New("reset").Parse(`Hello {{.Display}},

a new password was asked for your {{.Tenant}} account (extension {{.Extension}}) at {{.WebDomain}}.
Open this link to choose one:

{{.Link}}

The link works for {{.Minutes}} minutes. If you did not ask, ignore this mail: your
password stays as it is.
`))
})

// The HTML parts: html/template escapes every fact, so a display name cannot inject
// markup into the mail.
var otpHTML = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("otp").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Sign-in code - {{.Tenant}}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;background:#f4f5f7;margin:0;padding:24px">
<div style="max-width:560px;margin:auto;background:#fff;border-radius:10px;padding:24px">
<h1 style="font-size:18px">{{.Tenant}}</h1>
<p>Hello {{.Display}},</p>
<p>someone is signing in to your account (extension {{.Extension}}) at {{.WebDomain}}. Enter this code to finish:</p>
<div style="font-size:28px;font-weight:bold;letter-spacing:6px;text-align:center;padding:12px;border:1px solid #ddd;border-radius:8px">{{.Code}}</div>
<p>The code works for {{.Minutes}} minutes. If you are not signing in, ignore this mail and consider changing your password.</p>
</div>
</body></html>
`))
})

var resetHTML = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("reset").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>New password - {{.Tenant}}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;background:#f4f5f7;margin:0;padding:24px">
<div style="max-width:560px;margin:auto;background:#fff;border-radius:10px;padding:24px">
<h1 style="font-size:18px">{{.Tenant}}</h1>
<p>Hello {{.Display}},</p>
<p>a new password was asked for your account (extension {{.Extension}}) at {{.WebDomain}}.</p>
<p><a href="{{.Link}}" style="display:inline-block;background:#2b6cb0;color:#fff;padding:10px 16px;border-radius:8px;text-decoration:none">Choose a new password</a></p>
<p>If the button does not work, open this address in your browser:<br><a href="{{.Link}}">{{.Link}}</a></p>
<p>The link works for {{.Minutes}} minutes. If you did not ask, ignore this mail: your password stays as it is.</p>
</div>
</body></html>
`))
})

// MIME renders the mail as an RFC 5322 message with a multipart/alternative body:
// the plain-text part first, the HTML part last (the one readers prefer), as a PBX's
// mail server would deliver it.
func (m Mail) MIME() []byte {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, p := range []struct{ ctype, content string }{
		{"text/plain; charset=utf-8", m.Body},
		{"text/html; charset=utf-8", m.HTML},
	} {
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", p.ctype)
		h.Set("Content-Transfer-Encoding", "8bit")
		pw, _ := w.CreatePart(h) // writes to a bytes.Buffer: cannot fail
		_, _ = pw.Write([]byte(p.content))
	}
	_ = w.Close()
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: PBX <no-reply@%s>\r\n", cmp.Or(hostOf(m.WebDomain), "pbx.invalid"))
	fmt.Fprintf(&b, "To: <%s>\r\n", m.To)
	fmt.Fprintf(&b, "Subject: %s\r\n", m.Subject)
	fmt.Fprintf(&b, "Date: %s\r\n", m.SentAt.UTC().Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\n")
	fmt.Fprintf(&b, "Content-Type: multipart/alternative; boundary=%q\r\n\r\n", w.Boundary())
	b.Write(body.Bytes())
	return b.Bytes()
}

// hostOf keeps a web domain usable in an address: no spaces or angle brackets.
func hostOf(domain string) string {
	if strings.ContainsAny(domain, " <>\r\n") {
		return ""
	}
	return domain
}
