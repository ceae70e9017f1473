package mailbox

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

// Bounds on one message's structure: a mail from the PBX is untrusted input, and a
// crafted one must not make the parser recurse or allocate without limit.
const (
	maxDepth = 8  // nested multiparts
	maxParts = 64 // text parts read from one message
)

// body is the readable content of one message: its plain-text parts and its HTML
// parts, decoded to UTF-8.
type body struct {
	plain []string
	html  []string
}

// Parse reads one message (RFC 5322, MIME) received for rcpt at received, and finds
// its one-time code and reset link. It never fails on a body it cannot read: the
// mail is kept with what could be read, so a scenario's failure can say so.
func Parse(raw []byte, rcpt []string, received time.Time) (*Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("not a mail message: %w", err)
	}
	dec := &mime.WordDecoder{CharsetReader: charsetReader}
	header := func(k string) string {
		v := msg.Header.Get(k)
		if d, err := dec.DecodeHeader(v); err == nil {
			v = d
		}
		return sanitizeLine(v)
	}
	m := &Mail{Received: received, Subject: header("Subject"), From: header("From")}
	m.To = append(m.To, rcpt...)
	if len(m.To) == 0 {
		if list, err := msg.Header.AddressList("To"); err == nil {
			for _, a := range list {
				m.To = append(m.To, a.Address)
			}
		}
	}
	if list, err := msg.Header.AddressList("To"); err == nil {
		for _, a := range list {
			if a.Name != "" {
				m.ToNames = append(m.ToNames, sanitizeLine(a.Name))
			}
		}
	}
	if d, err := msg.Header.Date(); err == nil {
		m.Date = d
	}
	var b body
	parts := 0
	walkErr := b.read(mimeHeader(msg.Header), msg.Body, 0, &parts)
	m.extract(b)
	if walkErr != nil {
		m.Problem = walkErr.Error()
	}
	return m, nil
}

// mimeHeader is the little of a header the MIME walk needs, for both the message
// and its parts.
type mimeHeader interface{ Get(string) string }

// read decodes one entity: a multipart is walked, a text part kept, the rest
// (attachments, images) skipped.
func (b *body) read(h mimeHeader, r io.Reader, depth int, parts *int) error {
	ctype := h.Get("Content-Type")
	if ctype == "" {
		ctype = "text/plain; charset=us-ascii"
	}
	mediaType, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		// RFC 2045: an unreadable Content-Type means plain US-ASCII text.
		mediaType, params = "text/plain", map[string]string{}
	}
	if strings.EqualFold(h.Get("Content-Disposition"), "attachment") ||
		strings.HasPrefix(strings.ToLower(h.Get("Content-Disposition")), "attachment;") {
		return nil
	}
	switch {
	case strings.HasPrefix(mediaType, "multipart/"):
		if depth >= maxDepth {
			return errors.New("multipart nested too deep; the rest was not read")
		}
		mr := multipart.NewReader(r, params["boundary"])
		for {
			p, err := mr.NextRawPart() // raw: the transfer encoding is decoded below, once
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("multipart: %w", err)
			}
			if err := b.read(p.Header, p, depth+1, parts); err != nil {
				return err
			}
		}
	case mediaType == "text/plain" || mediaType == "text/html":
		*parts++
		if *parts > maxParts {
			return errors.New("too many text parts; the rest were not read")
		}
		text, err := decodeText(h.Get("Content-Transfer-Encoding"), params["charset"], r)
		if mediaType == "text/html" {
			b.html = append(b.html, text)
		} else {
			b.plain = append(b.plain, text)
		}
		return err
	}
	return nil
}

// decodeText undoes the transfer encoding and the charset of a text part.
func decodeText(cte, cs string, r io.Reader) (string, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		// The decoder skips the line breaks the body is wrapped with.
		r = base64.NewDecoder(base64.StdEncoding, r)
	}
	if cs != "" && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "us-ascii") {
		cr, err := charsetReader(cs, r)
		if err != nil {
			return "", fmt.Errorf("charset %q: %w", sanitizeLine(cs), err)
		}
		r = cr
	}
	data, err := io.ReadAll(r)
	return strings.ToValidUTF8(string(data), "\uFFFD"), err
}
