package altpbx

import (
	"bytes"
	"fmt"
	"html"
	"mime/multipart"
	"mime/quotedprintable"
	"net/smtp"
	"net/textproto"
)

// mailCode and mailLink send PortSIP-like mails (the facts of its default
// templates, altpbx's own words and layout) in the background, as a PBX does.
func (s *Server) mailCode(a *Account, code string) {
	s.send(a.Email, "Your sign-in code",
		fmt.Sprintf("Hello %s,\n\nyour verification code is %s\nIt is valid for 10 minutes.\n", a.Username, code),
		fmt.Sprintf(`<p>Hello %s,</p><p>Your verification code:</p><div class="code">%s</div><p>It is valid for 10 minutes.</p>`, html.EscapeString(a.Username), code))
}

func (s *Server) mailLink(a *Account, link string) {
	s.send(a.Email, "Reset your password",
		fmt.Sprintf("Hello %s,\n\nset a new password here: %s\nThe link will expire in 10 minutes.\n", a.Username, link),
		fmt.Sprintf(`<p>Hello %s,</p><p><a class="button" href="%s">Reset password</a></p><p>Or open %s</p><p>The link will expire in 10 minutes.</p>`,
			html.EscapeString(a.Username), html.EscapeString(link), html.EscapeString(link)))
}

func (s *Server) send(to, subject, text, htmlBody string) {
	if s.opts.SMTPAddr == "" {
		return
	}
	from := s.opts.From
	if from == "" {
		from = "pbx@acme.test"
	}
	msg := message(from, to, subject, text, htmlBody)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = smtp.SendMail(s.opts.SMTPAddr, nil, from, []string{to}, msg)
	}()
}

// message is a multipart/alternative mail, both parts quoted-printable.
func message(from, to, subject, text, htmlBody string) []byte {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, part := range []struct{ ctype, content string }{{"text/plain; charset=utf-8", text}, {"text/html; charset=utf-8", htmlBody}} {
		pw, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {part.ctype}, "Content-Transfer-Encoding": {"quoted-printable"}})
		qw := quotedprintable.NewWriter(pw)
		_, _ = qw.Write([]byte(part.content))
		_ = qw.Close()
	}
	_ = mw.Close()
	var out bytes.Buffer
	fmt.Fprintf(&out, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=%s\r\n\r\n", from, to, subject, mw.Boundary())
	out.Write(body.Bytes())
	return out.Bytes()
}
