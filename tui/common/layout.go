package common

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/pbxauth/pbxauth/internal/termsafe"
)

// Clamp cuts s to at most width columns and height lines, so a screen can never push
// the chrome off a small terminal.
func Clamp(s string, width, height int) string {
	if height <= 0 || width <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, "…")
		}
	}
	return strings.Join(lines, "\n")
}

// Countdown renders a duration as m:ss or h:mm:ss.
func Countdown(secs int) string {
	if secs < 0 {
		secs = 0
	}
	h, m, s := secs/3600, secs/60%60, secs%60
	if h > 0 {
		return strconv.Itoa(h) + ":" + pad2(m) + ":" + pad2(s)
	}
	return strconv.Itoa(m) + ":" + pad2(s)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// Wrap breaks s into lines of at most width columns, at spaces where it can and
// inside long words (URLs) where it must: errors are read whole, never cut. s is
// plain text, often quoting a server or a file, so it is made inert first.
func Wrap(s string, width int) string {
	s = termsafe.Text(s)
	if width < 1 {
		return s
	}
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		out = append(out, wrapLine(l, width)...)
	}
	return strings.Join(out, "\n")
}

// wrapLine breaks at spaces only: ansi.Wrap also breaks after every hyphen,
// which split "--var" or "--mock" from their dashes in a command to copy. A word
// wider than the line is cut where it must be.
func wrapLine(s string, width int) []string {
	var lines []string
	var cur strings.Builder
	curW := 0
	flush := func() {
		lines = append(lines, cur.String())
		cur.Reset()
		curW = 0
	}
	for i, word := range strings.Split(s, " ") {
		ww := ansi.StringWidth(word)
		switch {
		case i == 0:
		case curW+1+ww <= width:
			cur.WriteByte(' ')
			curW++
		default:
			flush()
		}
		if ww > width-curW {
			pieces := strings.Split(ansi.Hardwrap(word, width, false), "\n")
			if curW > 0 {
				flush()
			}
			lines = append(lines, pieces[:len(pieces)-1]...)
			word, ww = pieces[len(pieces)-1], ansi.StringWidth(pieces[len(pieces)-1])
		}
		cur.WriteString(word)
		curW += ww
	}
	return append(lines, cur.String())
}
