// Package termsafe turns untrusted text (what a server, a scenario file or a mail
// sent) into text that is inert on a terminal, keeping every character visible.
//
// A terminal obeys control characters found anywhere in its output: ESC starts
// sequences that clear the screen, set the window title or write the clipboard
// (OSC 52), C1 controls such as U+009B do the same in one code point, CR lets a
// line overwrite itself, and bidi controls reorder what is shown. The functions
// here replace each of them with a notation made of printable ASCII, as the GitHub
// CLI's asciisanitizer does, so the reader sees that they were there and nothing
// acts on them:
//
//   - C0 controls and DEL in caret notation: ESC is ^[, CR is ^M, NUL is ^@, DEL is ^?
//     (Text keeps line feeds and tabs; Line shows a line feed as ^J);
//   - C1 controls (U+0080-U+009F), bidi controls (U+061C, U+200E, U+200F,
//     U+202A-U+202E, U+2066-U+2069) and the line/paragraph separators U+2028 and
//     U+2029 as the JSON escape \uXXXX;
//   - each byte of invalid UTF-8 as \xNN.
//
// An escape sequence thus shows as its printable remainder (ESC [ 2 J as ^[[2J):
// the ESC that made it act is gone. Sanitise data before styling it: the app's own
// lipgloss styles are escape sequences, and must stay so.
package termsafe

import (
	"strings"
	"unicode/utf8"
)

// Text makes multi-line text safe: bodies, error messages, reports. Line feeds and
// tabs stay; a CR right before a line feed is dropped (a CRLF line ending does
// nothing a LF does not), any other CR shows as ^M.
func Text(s string) string { return sanitize(s, modeText) }

// Line makes one-line text safe: header values, field values, names. Line feeds
// show as ^J too, so a value can't start a line that looks like the app's own.
func Line(s string) string { return sanitize(s, modeLine) }

// Bytes is Text of a byte slice.
func Bytes(b []byte) string { return Text(string(b)) }

// JSON makes a valid JSON document safe and keeps it valid JSON with the same
// meaning: outside strings valid JSON holds no controls, and inside them the
// \uXXXX notation is the JSON escape of the same code point. Invalid UTF-8 becomes
// \ufffd, which is what a JSON decoder reads it as, DEL becomes \u007f, and a CR
// (whitespace there) is dropped. Text that is not JSON should
// go through Text instead.
func JSON(s string) string { return sanitize(s, modeJSON) }

// Safe reports whether s would come back from Text unchanged.
func Safe(s string) bool { return safeUpTo(s, modeText) == len(s) }

type mode int

const (
	modeText mode = iota
	modeLine
	modeJSON
)

// safeUpTo is the length of the prefix of s that needs no change: the fast path,
// since almost all text is plain.
func safeUpTo(s string, m mode) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
		case c == '\t':
		case c == '\n' && m != modeLine:
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 || special(r) {
				return i
			}
			i += n - 1
		default:
			return i
		}
	}
	return len(s)
}

func sanitize(s string, m mode) string {
	i := safeUpTo(s, m)
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 0x20 && c < 0x7f, c == '\t', c == '\n' && m != modeLine:
				b.WriteByte(c)
			case c == '\r' && m != modeLine && i+1 < len(s) && s[i+1] == '\n':
				// CRLF: the LF alone ends the line.
			case c == '\r' && m == modeJSON:
				// In valid JSON a raw CR is whitespace between tokens: it means nothing.
			case c == 0x7f && m == modeJSON:
				b.WriteString(`\u007f`) // valid JSON may hold a raw DEL in a string
			case c == 0x7f:
				b.WriteString("^?")
			default:
				b.WriteByte('^')
				b.WriteByte(c + 0x40)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1 && m == modeJSON:
			b.WriteString(`\ufffd`)
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		case special(r):
			b.WriteString(`\u`)
			for shift := 12; shift >= 0; shift -= 4 {
				b.WriteByte(hex[(r>>shift)&0xf])
			}
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

const hex = "0123456789abcdef"

// special is a non-ASCII code point that acts on a terminal or on the order of
// the text around it.
func special(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1 controls, CSI (U+009B) and OSC (U+009D) among them
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // arabic letter mark, LRM, RLM
		return true
	case r >= 0x202a && r <= 0x202e: // LRE, RLE, PDF, LRO, RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}
