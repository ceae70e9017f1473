// Package textdoc is a read-only document of styled lines: JSON bodies tokenised
// for syntax colour, case-insensitive search with highlighted matches, and
// rendering wrapped to a width. The inspector and the scenarios screen show
// exchanges with it.
package textdoc

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/pbxauth/pbxauth/internal/boundedjson"
	"github.com/pbxauth/pbxauth/internal/termsafe"
	"github.com/pbxauth/pbxauth/tui/styles"
)

// Role is what a piece of text is; Styles maps roles to palette colours.
type Role int

// Roles.
const (
	Plain Role = iota
	Faint
	Title
	Section
	Method
	Key
	String
	Number
	Literal // true, false, null
	Punct
	OK
	Warn
	Err
)

// Segment is a run of text in one role.
type Segment struct {
	Text string
	Role Role
}

// Line is one line of the document, never holding a newline.
type Line []Segment

// Text is the line's plain text.
func (l Line) Text() string {
	var b strings.Builder
	for _, s := range l {
		b.WriteString(s.Text)
	}
	return b.String()
}

// Doc is a list of lines.
type Doc struct{ Lines []Line }

// Add appends a line made of segments. Their text is data (URLs, headers, bodies,
// failure text), so it is made inert here, before search offsets or styles see it.
func (d *Doc) Add(segs ...Segment) {
	for i := range segs {
		segs[i].Text = termsafe.Line(segs[i].Text)
	}
	d.Lines = append(d.Lines, Line(segs))
}

// Text appends one line per line of s, all in role r.
func (d *Doc) Text(r Role, s string) {
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		d.Add(Segment{Text: expandTabs(l), Role: r})
	}
}

// Blank appends an empty line.
func (d *Doc) Blank() { d.Lines = append(d.Lines, nil) }

func expandTabs(s string) string { return strings.ReplaceAll(s, "\t", "    ") }

// Body appends a body: indented and coloured when it is JSON, plain text otherwise.
func (d *Doc) Body(body []byte) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		d.Add(Segment{Text: "(empty)", Role: Faint})
		return
	}
	if err := boundedjson.Check(trimmed); err != nil {
		// Indenting n levels writes n² spaces: shown as it came, with why.
		d.Add(Segment{Text: "(" + err.Error() + ": shown as text)", Role: Warn})
		d.Text(Plain, termsafe.Bytes(body))
		return
	}
	var out bytes.Buffer
	if json.Valid(trimmed) && json.Indent(&out, trimmed, "", "  ") == nil {
		for _, l := range strings.Split(out.String(), "\n") {
			d.Add(jsonLine(l)...)
		}
		return
	}
	d.Text(Plain, termsafe.Bytes(body))
}

// jsonLine tokenises one line of indented JSON. json.Indent puts every string on
// a single line, so a line can be coloured without the lines around it.
func jsonLine(l string) Line {
	var segs Line
	i := 0
	for i < len(l) {
		c := l[i]
		switch {
		case c == ' ':
			j := i
			for j < len(l) && l[j] == ' ' {
				j++
			}
			segs = append(segs, Segment{Text: l[i:j], Role: Plain})
			i = j
		case c == '"':
			j := i + 1
			for j < len(l) {
				if l[j] == '\\' {
					j += 2
					continue
				}
				if l[j] == '"' {
					j++
					break
				}
				j++
			}
			j = min(j, len(l))
			role := String
			if strings.HasPrefix(l[j:], ":") {
				role = Key
			}
			segs = append(segs, Segment{Text: l[i:j], Role: role})
			i = j
		case strings.ContainsRune("{}[]:,", rune(c)):
			segs = append(segs, Segment{Text: l[i : i+1], Role: Punct})
			i++
		default:
			j := i
			for j < len(l) && !strings.ContainsRune(" {}[]:,\"", rune(l[j])) {
				j++
			}
			if j == i {
				j++
			}
			word := l[i:j]
			role := Number
			if word == "true" || word == "false" || word == "null" {
				role = Literal
			}
			segs = append(segs, Segment{Text: word, Role: role})
			i = j
		}
	}
	return segs
}

// Match is one occurrence of a search: a line and byte offsets in its Text.
type Match struct{ Line, Start, End int }

// Find lists the case-insensitive occurrences of q, in document order.
func (d *Doc) Find(q string) []Match {
	if q == "" {
		return nil
	}
	lq := lowerASCII(q)
	var out []Match
	for i, l := range d.Lines {
		t := lowerASCII(l.Text())
		for off := 0; ; {
			j := strings.Index(t[off:], lq)
			if j < 0 {
				break
			}
			out = append(out, Match{Line: i, Start: off + j, End: off + j + len(lq)})
			off += j + len(lq)
		}
	}
	return out
}

// lowerASCII lowers A-Z only, so byte offsets stay those of the original text.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Styles colour each role, from the palette's roles.
type Styles struct {
	Roles   map[Role]lipgloss.Style
	Match   lipgloss.Style
	Current lipgloss.Style
	// codes are each role's (and mark's) escape sequences around a text, taken
	// once from lipgloss: Style.Render per segment is most of a frame's cost.
	codes map[styleKey][2]string
}

type styleKey struct {
	role Role
	mark mark
}

// sentinel is rendered once per style to learn its escape sequences.
const sentinel = "\x00"

func (st Styles) style(r Role, mk mark) lipgloss.Style {
	style := st.Roles[r]
	switch mk {
	case markMatch:
		style = style.Inherit(st.Match).Reverse(true)
	case markCurrent:
		style = style.Inherit(st.Current).Reverse(true).Bold(true).Underline(true)
	}
	return style
}

// wrap puts text between the escape sequences of its role and mark.
func (st Styles) wrap(r Role, mk mark, text string) string {
	if c, ok := st.codes[styleKey{r, mk}]; ok {
		return c[0] + text + c[1]
	}
	return st.style(r, mk).Render(text)
}

func (st *Styles) precompute() {
	st.codes = map[styleKey][2]string{}
	for r := range st.Roles {
		for _, mk := range []mark{markNone, markMatch, markCurrent} {
			out := st.style(r, mk).Render(sentinel)
			pre, post, ok := strings.Cut(out, sentinel)
			if ok && !strings.Contains(post, sentinel) {
				st.codes[styleKey{r, mk}] = [2]string{pre, post}
			}
		}
	}
}

// NewStyles builds the styles from a palette.
func NewStyles(p styles.Palette) Styles {
	fg := func(c lipgloss.AdaptiveColor) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	st := Styles{
		Roles: map[Role]lipgloss.Style{
			Plain:   fg(p.Text),
			Faint:   fg(p.Faint),
			Title:   fg(p.Primary).Bold(true),
			Section: fg(p.Text).Bold(true),
			Method:  fg(p.Method).Bold(true),
			Key:     fg(p.Key),
			String:  fg(p.String),
			Number:  fg(p.Number),
			Literal: fg(p.Number).Italic(true),
			Punct:   fg(p.Faint),
			OK:      fg(p.Success),
			Warn:    fg(p.Warning),
			Err:     fg(p.Error),
		},
		// Reverse video stays visible without colour (NO_COLOR).
		Match:   lipgloss.NewStyle().Reverse(true),
		Current: lipgloss.NewStyle().Reverse(true).Bold(true).Underline(true),
	}
	st.precompute()
	return st
}

// Render draws the document wrapped to width. matches are highlighted, the one at
// index current more loudly. starts[i] is the first rendered row of line i, so a
// viewport can jump to a match.
func (d *Doc) Render(st Styles, width int, matches []Match, current int) (out string, starts []int) {
	width = max(1, width)
	byLine := map[int][]int{}
	for i, m := range matches {
		byLine[m.Line] = append(byLine[m.Line], i)
	}
	var b strings.Builder
	rows := 0
	starts = make([]int, len(d.Lines))
	for i, l := range d.Lines {
		starts[i] = rows
		pieces := split(l, matches, byLine[i], current)
		col := 0
		if i > 0 {
			b.WriteByte('\n')
		}
		rows++
		for _, p := range pieces {
			text := p.text
			for text != "" {
				room := width - col
				if room <= 0 {
					b.WriteByte('\n')
					rows++
					col, room = 0, width
				}
				chunk, rest := cut(text, room)
				if chunk == "" { // a wide rune that doesn't fit: wrap first
					b.WriteByte('\n')
					rows++
					col = 0
					chunk, rest = cut(text, width)
					if chunk == "" {
						_, n := utf8.DecodeRuneInString(text)
						chunk, rest = text[:n], text[n:]
					}
				}
				b.WriteString(st.wrap(p.role, p.mark, chunk))
				col += ansi.StringWidth(chunk)
				text = rest
			}
		}
	}
	return b.String(), starts
}

// cut takes the longest prefix of s at most w columns wide.
func cut(s string, w int) (string, string) {
	col := 0
	for i, r := range s {
		rw := ansi.StringWidth(string(r)) // x/ansi measures like the renderer does
		if col+rw > w {
			return s[:i], s[i:]
		}
		col += rw
	}
	return s, ""
}

type mark int

const (
	markNone mark = iota
	markMatch
	markCurrent
)

type piece struct {
	text string
	role Role
	mark mark
}

// split cuts a line's segments at match boundaries.
func split(l Line, matches []Match, idx []int, current int) []piece {
	if len(idx) == 0 {
		out := make([]piece, 0, len(l))
		for _, s := range l {
			out = append(out, piece{text: s.Text, role: s.Role})
		}
		return out
	}
	var out []piece
	off := 0
	for _, s := range l {
		segStart, segEnd := off, off+len(s.Text)
		pos := segStart
		for _, mi := range idx {
			m := matches[mi]
			a, z := max(m.Start, pos), min(m.End, segEnd)
			if a >= z {
				continue
			}
			if a > pos {
				out = append(out, piece{text: s.Text[pos-segStart : a-segStart], role: s.Role})
			}
			mk := markMatch
			if mi == current {
				mk = markCurrent
			}
			out = append(out, piece{text: s.Text[a-segStart : z-segStart], role: s.Role, mark: mk})
			pos = z
		}
		if pos < segEnd {
			out = append(out, piece{text: s.Text[pos-segStart:], role: s.Role})
		}
		off = segEnd
	}
	return out
}
