package termsafe

import "strings"

// Styled is Text for a frame the app has already styled: SGR sequences (ESC [
// parameters m, which only set colours and attributes) stay, so lipgloss output is
// untouched; every other control, sequence or special code point is made inert as
// Text does. It is a net under the TUI's frame, for data a view forgot to pass
// through Line or Text: the cursor movement, title, clipboard and erase sequences
// a server could send never reach the terminal, whichever view shows them. (A
// colour a server sends still shows as colour, which is why views sanitise too.)
func Styled(s string) string {
	if styledSafe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for len(s) > 0 {
		j := strings.IndexByte(s, 0x1b)
		if j < 0 {
			b.WriteString(Text(s))
			break
		}
		b.WriteString(Text(s[:j]))
		if n := sgrLen(s[j:]); n > 0 {
			b.WriteString(s[j : j+n])
			s = s[j+n:]
			continue
		}
		b.WriteString("^[")
		s = s[j+1:]
	}
	return b.String()
}

// styledSafe reports whether s is safe text apart from SGR sequences, without
// allocating: a frame is checked on every redraw.
func styledSafe(s string) bool {
	for len(s) > 0 {
		j := strings.IndexByte(s, 0x1b)
		if j < 0 {
			return Safe(s)
		}
		n := sgrLen(s[j:])
		if n == 0 || !Safe(s[:j]) {
			return false
		}
		s = s[j+n:]
	}
	return true
}

// sgrLen is the length of the SGR sequence s starts with, or 0.
func sgrLen(s string) int {
	if len(s) < 3 || s[0] != 0x1b || s[1] != '[' {
		return 0
	}
	for i := 2; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c == ';', c == ':':
		case c == 'm':
			return i + 1
		default:
			return 0
		}
	}
	return 0
}
