package mailbox

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxText bounds the text kept of one mail (the message size cap bounds it too).
const maxText = 256 << 10

// doc is a mail's content as lines of text (one per block of HTML, one per line of
// plain text) and the links it holds.
type doc struct {
	lines []string
	links []string // href targets and URLs written out, in order, http(s) only
}

// extract fills Text, Kind, Code, Link, Token and Secrets from the mail's body.
// It reads the HTML when there is some (PortSIP's templates are HTML; it has the
// links' targets) and the plain text otherwise, then looks for the code and the link
// by what they are, not where a template puts them.
func (m *Mail) extract(b body) {
	var d doc
	for _, h := range b.html {
		d.addHTML(h)
	}
	if len(b.html) == 0 {
		for _, p := range b.plain {
			d.addPlain(p)
		}
	}
	m.Text = strings.Join(d.lines, "\n")
	if len(m.Text) > maxText {
		m.Text = strings.ToValidUTF8(m.Text[:maxText], "")
	}
	words := strings.ToLower(m.Subject + "\n" + m.Text)
	link, token, strength := d.resetLink()
	code, candidates := d.code()
	switch {
	case strength >= linkTokenParam:
		m.Kind = KindReset
	case code != "":
		m.Kind = KindOTP
	case link != "" && (strings.Contains(words, "reset") || strings.Contains(words, "password")):
		m.Kind = KindReset
	}
	switch m.Kind {
	case KindOTP:
		m.Code = code
	case KindReset:
		m.Link, m.Token = link, token
	}
	m.addSecrets(m.Code, m.Link, m.Token)
	m.addSecrets(candidates...)
	m.addSecrets(d.links...)
	for _, l := range d.links {
		if len(m.Secrets) >= maxSecrets {
			break
		}
		if u, err := url.Parse(l); err == nil {
			for _, vs := range u.Query() {
				m.addSecrets(vs...)
			}
		}
	}
}

// maxSecrets bounds the values a mail gives to hide. PortSIP's mails hold a
// code or a link and a few values that look alike; a crafted mail can hold tens
// of thousands, each of which a run would then hide in every string it reports.
const maxSecrets = 64

// addSecrets adds the values not held yet, up to maxSecrets.
func (m *Mail) addSecrets(vs ...string) {
	for _, v := range vs {
		if len(m.Secrets) >= maxSecrets {
			return
		}
		if v != "" && !slices.Contains(m.Secrets, v) {
			m.Secrets = append(m.Secrets, v)
		}
	}
}

// blockTags end a line of text: what a reader sees as separate lines.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Hr: true, atom.Td: true, atom.Th: true,
	atom.Tr: true, atom.Table: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Blockquote: true, atom.Pre: true, atom.Section: true, atom.Article: true,
	atom.Header: true, atom.Footer: true, atom.Center: true, atom.Title: true,
	atom.Body: true, atom.Tbody: true, atom.Thead: true,
}

// addHTML turns an HTML body into lines and links. Text inside style and script is
// no content; an href is a link even when the text shows something else. Tags and
// text are read from the tokenizer's raw bytes (htmlraw.go says why).
func (d *doc) addHTML(src string) {
	tokens := newRawTokens(src)
	var line strings.Builder
	skip := 0
	flush := func() {
		if s := collapse(line.String()); s != "" {
			d.lines = append(d.lines, s)
		}
		line.Reset()
	}
	for {
		t := tokens.Next()
		switch t.typ {
		case html.ErrorToken:
			flush()
			return
		case html.TextToken:
			if skip == 0 {
				line.WriteString(t.text)
				line.WriteByte(' ')
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			a := atom.Lookup([]byte(t.name))
			switch {
			case a == atom.Style || a == atom.Script:
				if t.typ == html.StartTagToken {
					skip++
				} else if t.typ == html.EndTagToken && skip > 0 {
					skip--
				}
			case blockTags[a]:
				flush()
			}
			if a == atom.A && t.typ != html.EndTagToken {
				for _, at := range t.attrs() {
					if at.key == "href" {
						d.addLink(strings.TrimSpace(at.val))
					}
				}
			}
		}
	}
}

func (d *doc) addPlain(src string) {
	for _, l := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		if s := collapse(l); s != "" {
			d.lines = append(d.lines, s)
		}
	}
}

// collapse trims a line and folds its runs of white space; control characters go
// (the text is untrusted and may reach a terminal or a report).
func collapse(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		if unicode.IsControl(r) || r == '\u202e' || r == '\u202d' {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// The patterns compile on first use, not at start-up: most commands read no mail.
var urlInText = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`https?://[^\s<>"'` + "`" + `]+`) })

func (d *doc) addLink(raw string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return
	}
	d.links = append(d.links, raw)
}

// Link strengths: how surely a URL is the reset link.
const (
	linkNone       = iota
	linkResetWord  // "reset" in its path
	linkTokenLike  // a query parameter named like a session key (code, key, ...)
	linkTokenParam // a query parameter named token, as the mock's links have (PortSIP's template shows only where the link goes)
)

// resetLink picks the URL most likely to be the reset link and the session token
// it carries. The text's URLs count too (a plain-text mail has no hrefs).
func (d *doc) resetLink() (link, token string, strength int) {
	for _, l := range d.lines {
		for _, u := range urlInText().FindAllString(l, -1) {
			d.addLink(strings.TrimRight(u, ".,;:!?)]}"))
		}
	}
	seen := map[string]int{}
	for _, l := range d.links {
		seen[l]++
	}
	for _, l := range d.links {
		s, tok := linkStrength(l)
		// A tie goes to the link shown most often (button and text).
		if s > strength || (s == strength && s > linkNone && seen[l] > seen[link]) {
			link, token, strength = l, tok, s
		}
	}
	if strength == linkNone && len(seen) == 1 {
		link = d.links[0]
	}
	return link, token, strength
}

func linkStrength(raw string) (int, string) {
	u, err := url.Parse(raw)
	if err != nil {
		return linkNone, ""
	}
	q := u.Query()
	// A web app's link may carry the token in its fragment (#token=..., or
	// #/reset?token=... for a client-side route); the query's own parameters win.
	if _, fq, ok := strings.Cut(u.Fragment, "?"); ok || strings.Contains(u.Fragment, "=") {
		if !ok {
			fq = u.Fragment
		}
		if fv, err := url.ParseQuery(fq); err == nil {
			for k, vs := range fv {
				if !q.Has(k) {
					q[k] = vs
				}
			}
		}
	}
	for k, vs := range q {
		if strings.EqualFold(k, "token") && len(vs) > 0 && vs[0] != "" {
			return linkTokenParam, vs[0]
		}
	}
	for k, vs := range q {
		lk := strings.ToLower(k)
		for _, w := range []string{"token", "code", "key", "ticket", "session", "reset"} {
			if strings.Contains(lk, w) && len(vs) > 0 && vs[0] != "" {
				return linkTokenLike, vs[0]
			}
		}
	}
	if strings.Contains(strings.ToLower(u.Path+"#"+u.Fragment), "reset") {
		segs := strings.Split(strings.Trim(u.Path, "/"), "/")
		return linkResetWord, segs[len(segs)-1]
	}
	return linkNone, ""
}

var (
	// aloneDigits and aloneAlnum: a line that is only a code, as PortSIP's template
	// sets it in its own block.
	aloneDigits = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{4,10}$`) })
	aloneAlnum  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Z0-9]{4,12}$`) })
	// codeWord says a line is about a code.
	codeWord = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(code|otp|passcode|pin|one[- ]time|verification|verify|2fa)\b`)
	})
	// inlineCode is "code: 123456", "your code is 123456".
	inlineCode = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:code|otp|passcode|pin)\b(?:\s+is)?\s*[:=\-]?\s*([0-9]{4,10}|[A-Z0-9]{4,12})\b`)
	})
	// codeFirst is "123456 is your verification code".
	codeFirst = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b([0-9]{4,10})\b\s+is\s+your\b[^.\n]{0,40}\bcode\b`)
	})
	hasDigit = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[0-9]`) })
)

// code finds the one-time code, and every value that could be one (for redaction).
// A line holding only a code, after a line about a code, wins; then "code: X" in a
// sentence; then "X is your code"; then the only line holding only a code.
func (d *doc) code() (string, []string) {
	var alone []int
	for i, l := range d.lines {
		if aloneDigits().MatchString(l) {
			alone = append(alone, i)
		}
	}
	if len(alone) == 0 { // letters too only when no line is digits alone
		for i, l := range d.lines {
			if aloneAlnum().MatchString(l) && hasDigit().MatchString(l) {
				alone = append(alone, i)
			}
		}
	}
	var candidates []string
	for _, i := range alone {
		candidates = append(candidates, d.lines[i])
	}
	for _, l := range d.lines {
		for _, re := range []*regexp.Regexp{inlineCode(), codeFirst()} {
			for _, sm := range re.FindAllStringSubmatch(l, -1) {
				if hasDigit().MatchString(sm[1]) {
					candidates = append(candidates, sm[1])
				}
			}
		}
	}
	// The nearest line above that speaks of a code, within three; of two as near,
	// the later (a tenant's name in the banner comes before the instructions).
	best, bestDist := "", 3
	for _, i := range alone {
		for dist := 1; dist <= bestDist && i-dist >= 0; dist++ {
			if codeWord().MatchString(d.lines[i-dist]) {
				best, bestDist = d.lines[i], dist
				break
			}
		}
	}
	if best != "" {
		return best, candidates
	}
	for _, re := range []*regexp.Regexp{inlineCode(), codeFirst()} {
		for _, l := range d.lines {
			for _, sm := range re.FindAllStringSubmatch(l, -1) {
				if hasDigit().MatchString(sm[1]) {
					return sm[1], candidates
				}
			}
		}
	}
	if len(alone) == 1 {
		return d.lines[alone[0]], candidates
	}
	// "enter 739204 to finish": the one number of code length in a mail about a code.
	if n := d.soleNumber(); n != "" {
		return n, append(candidates, n)
	}
	return "", candidates
}

var codeNumber = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(^|[^0-9A-Za-z:/.\-])([0-9]{4,10})($|[^0-9A-Za-z:/\-])`)
})

// soleNumber is the only number of 4 to 10 digits in the text (outside URLs, times
// and dates), when some line speaks of a code.
func (d *doc) soleNumber() string {
	about, found := false, ""
	for _, l := range d.lines {
		about = about || codeWord().MatchString(l)
		for _, sm := range codeNumber().FindAllStringSubmatch(urlInText().ReplaceAllString(l, " "), -1) {
			if found != "" && found != sm[2] {
				return ""
			}
			found = sm[2]
		}
	}
	if !about {
		return ""
	}
	return found
}
