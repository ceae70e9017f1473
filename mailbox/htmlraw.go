package mailbox

import (
	"html"
	"strings"

	xhtml "golang.org/x/net/html"
)

// Tags and text are read from html.Tokenizer's raw bytes rather than through
// its TagAttr and Text: those unescape with x/net/html's entity table, a map of
// some 2,200 names that package builds in every process's start-up, pbxauth
// --help included. The standard library's html package builds the same table on
// first use, so unescaping goes through it, with the HTML standard's rule for
// attribute values that it lacks. FuzzHTMLRaw holds both to x/net/html's answers.

// rawTokens reads an HTML document's tokens through html.Tokenizer, taking their
// text and attributes from the raw bytes.
type rawTokens struct {
	z    *xhtml.Tokenizer
	next textKind // how to read the text after the last start tag
}

func newRawTokens(src string) *rawTokens {
	return &rawTokens{z: xhtml.NewTokenizer(strings.NewReader(src))}
}

// rawToken is one token: a tag's lower-case name and raw text, or a text's content.
type rawToken struct {
	typ  xhtml.TokenType
	name string // tags
	raw  string // tags: "<a href=x>", for attrs
	text string // text tokens, unescaped as Tokenizer.Text would
}

// attrs are a start tag's attributes.
func (t rawToken) attrs() []htmlAttr { return tagAttrs(t.raw) }

// Next reads the next token; its typ is ErrorToken at the end (or on a read error).
func (r *rawTokens) Next() rawToken {
	t := rawToken{typ: r.z.Next()}
	kind := r.next
	r.next = textNormal
	switch t.typ {
	case xhtml.TextToken:
		t.text = textOf(string(r.z.Raw()), kind)
	case xhtml.StartTagToken, xhtml.SelfClosingTagToken, xhtml.EndTagToken:
		t.raw = string(r.z.Raw()) // before TagName, which lower-cases in place
		name, _ := r.z.TagName()
		t.name = string(name)
		if t.typ != xhtml.EndTagToken {
			r.next = textAfter(t.name)
		}
	}
	return t
}

// htmlAttr is one attribute of a start tag.
type htmlAttr struct{ key, val string }

// tagAttrs lists a start tag's attributes from its raw text ("<a href=x>"), read
// the way html.Tokenizer reads them (WHATWG HTML 13.2.5.32-39): keys lower-cased,
// values unescaped, attributes with an empty key left out.
func tagAttrs(raw string) []htmlAttr {
	i := 1 // past '<'
	for i < len(raw) && !isHTMLSpace(raw[i]) && raw[i] != '/' && raw[i] != '>' {
		i++
	}
	var attrs []htmlAttr
	for {
		i = skipHTMLSpace(raw, i)
		if i >= len(raw) || raw[i] == '>' {
			return attrs
		}
		start := i
		i = attrKeyEnd(raw, i)
		key := raw[start:i]
		var val string
		i, val = attrValue(raw, i)
		if key != "" {
			attrs = append(attrs, htmlAttr{key: lowerASCII(key), val: unescapeAttr(convertNewlines(val))})
		}
	}
}

// attrKeyEnd is where the attribute name starting at i ends. An '=' that opens a
// name belongs to it.
func attrKeyEnd(s string, i int) int {
	for start := i; i < len(s); i++ {
		switch s[i] {
		case '=':
			if i == start {
				continue
			}
			return i
		case ' ', '\n', '\r', '\t', '\f', '/', '>':
			return i
		}
	}
	return i
}

// attrValue reads what follows an attribute name: nothing, or '=' and a value
// (quoted, or up to white space or '>'). A '/' after the name is consumed, as the
// tokenizer consumes it.
func attrValue(s string, i int) (next int, val string) {
	i = skipHTMLSpace(s, i)
	if i >= len(s) {
		return i, ""
	}
	switch s[i] {
	case '/':
		return i + 1, ""
	case '=':
	default:
		return i, ""
	}
	i = skipHTMLSpace(s, i+1)
	if i >= len(s) {
		return i, ""
	}
	switch q := s[i]; q {
	case '>':
		return i, ""
	case '"', '\'':
		end := strings.IndexByte(s[i+1:], q)
		if end < 0 {
			return len(s), s[i+1:]
		}
		return i + 1 + end + 1, s[i+1 : i+1+end]
	default:
		start := i
		for i < len(s) && !isHTMLSpace(s[i]) && s[i] != '>' {
			i++
		}
		val = s[start:i]
		if i < len(s) && s[i] != '>' {
			i++ // the white space that ended it
		}
		return i, val
	}
}

// unescapeAttr unescapes an attribute value as the HTML tokenizer does (WHATWG
// HTML 13.2.5.72-73): a named reference counts only when its whole name matches,
// and one without ';' followed by '=' stays as written, so "?a=1&notify=2" keeps
// its "&notify". html.UnescapeString also takes shorter names ("&not" of
// "&notify"), so such an ampersand is escaped before it runs.
func unescapeAttr(v string) string {
	if !strings.Contains(v, "&") {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '&' {
			b.WriteByte(v[i])
			continue
		}
		j := i + 1
		for j < len(v) && isASCIIAlnum(v[j]) {
			j++
		}
		name := v[i+1 : j]
		switch {
		case name == "": // a numeric reference or a lone '&': the same either way
		case j < len(v) && v[j] == ';':
			name += ";"
			if !isWholeEntity(name) {
				b.WriteString("&amp;")
				continue
			}
		case j < len(v) && v[j] == '=', !isWholeEntity(name):
			b.WriteString("&amp;")
			continue
		}
		b.WriteByte('&')
	}
	return html.UnescapeString(b.String())
}

// isWholeEntity reports whether name (with its ';' if it has one) is a named
// character reference in full, not only by a shorter prefix. No reference stands
// for an ASCII letter, digit or ';', so any left after unescaping were not part
// of the match.
func isWholeEntity(name string) bool {
	s := html.UnescapeString("&" + name)
	if s == "&"+name {
		return false
	}
	for i := 0; i < len(s); i++ {
		if isASCIIAlnum(s[i]) || s[i] == ';' {
			return false
		}
	}
	return true
}

// textKind is how the tokenizer treats the text that follows a start tag.
type textKind int

const (
	textNormal textKind = iota
	textRCDATA          // title, textarea: references unescaped, NUL replaced
	textRaw             // script, style, iframe, xmp...: kept as written, NUL replaced
)

// textAfter is the kind of the text token that follows a start tag named name
// (lower case), as html.Tokenizer decides it.
func textAfter(name string) textKind {
	switch name {
	case "title", "textarea":
		return textRCDATA
	case "iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "xmp":
		return textRaw
	}
	return textNormal
}

// textOf is a text token's raw bytes as text: what Tokenizer.Text returns.
func textOf(raw string, kind textKind) string {
	s := convertNewlines(raw)
	if kind != textNormal {
		s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	}
	if kind == textRaw {
		return s
	}
	return html.UnescapeString(s)
}

// convertNewlines turns "\r\n" and lone "\r" into "\n", as the tokenizer does.
func convertNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// lowerASCII lower-cases A-Z only, as the tokenizer does for names.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

func skipHTMLSpace(s string, i int) int {
	for i < len(s) && isHTMLSpace(s[i]) {
		i++
	}
	return i
}

func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
