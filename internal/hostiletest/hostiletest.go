// Package hostiletest is a PBX that attacks its client, for tests: terminal
// controls in every string and header, JSON 10,000 levels deep, 50 MB answers,
// 8 MB of headers, invalid UTF-8 and an answer that drips. It writes raw bytes on a TCP socket,
// so nothing in net/http's server tidies what it sends.
//
// The first path segment picks the attack: a client given Server.URL(mode) as its
// PBX address gets that answer to every call.
package hostiletest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// Evil is the payload put in every string: OSC 52 (clipboard), a window title,
// erase screen, DCS, CR, C1 CSI, bidi override and isolate, invalid UTF-8.
const Evil = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x07\x1b[2J\x1bP+q\x1b\\\r\u009b31m\u202egnp.exe\u2066\xff"

// evilJSON is Evil as a JSON string's content: the controls escaped as JSON
// requires (they decode back to the real bytes), the rest raw.
var evilJSON = strings.NewReplacer("\x1b", `\u001b`, "\x07", `\u0007`, "\r", `\r`, `\`, `\\`).Replace(Evil)

// HeaderEvil is what goes in header values: Go's client refuses a header
// holding a C0 control as malformed (mode ctlheader sends one), but C1 controls,
// bidi controls and invalid UTF-8 are legal bytes there.
const HeaderEvil = "\u009b31m\u009d0;t\u009c\u202egnp.exe\u2066\xff"

// Modes lists the attacks.
var Modes = []string{"controls", "ctlheader", "error", "text", "deep", "deep200", "huge", "bigheader", "drip", "redirect"}

// HugeSize is what the huge mode sends.
const HugeSize = 50 << 20

// Server is a running hostile PBX.
type Server struct {
	ln   net.Listener
	wg   sync.WaitGroup
	base string
}

// Start serves until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{ln: ln, base: "http://" + ln.Addr().String()}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(func() { _ = ln.Close(); s.wg.Wait() })
	return s
}

// URL is the PBX address whose calls all get mode's answer.
func (s *Server) URL(mode string) string { return s.base + "/" + mode }

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			serve(c)
		}()
	}
}

func serve(c net.Conn) {
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err != nil {
		return
	}
	mode, _, _ := strings.Cut(strings.TrimPrefix(req.URL.Path, "/"), "/")
	w := bufio.NewWriter(c)
	defer w.Flush()
	head := func(status int, ctype string, length int, extra string) {
		fmt.Fprintf(w, "HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n", status, ctype, length)
		fmt.Fprintf(w, "X-Evil: %s\r\nServer: %s\r\n%s", HeaderEvil, HeaderEvil, extra)
		if mode == "ctlheader" {
			// A control in a value and a name that is no token.
			fmt.Fprintf(w, "X-Ctl: %s\r\nX-%s: v\r\n", noCRLF(Evil), HeaderEvil)
		}
		w.WriteString("\r\n")
	}
	switch mode {
	case "controls", "ctlheader":
		body := `{"web_domain":"` + evilJSON + `","name":"` + evilJSON + `","domain":"` + evilJSON +
			`","website":"` + evilJSON + `","ms365_authorization_endpoint":"https://idp/` + evilJSON + `"}`
		head(200, "application/json", len(body), "")
		w.WriteString(body)
	case "error":
		body := `{"errors":[{"code":"` + evilJSON + `","message":"` + evilJSON + `","detail":{"field":"` + evilJSON + `"}}]}`
		head(400, "application/json", len(body), "")
		w.WriteString(body)
	case "text":
		body := "<html>" + Evil + "</html>"
		head(502, "text/html", len(body), "")
		w.WriteString(body)
	case "deep", "deep200":
		status := 400
		if mode == "deep200" {
			status = 200
		}
		body := `{"errors":[{"code":"X","message":"m","detail":` + strings.Repeat("[", 9990) + strings.Repeat("]", 9990) + `}]}`
		head(status, "application/json", len(body), "")
		w.WriteString(body)
	case "huge":
		head(200, "application/json", HugeSize, "")
		w.WriteString(`{"web_domain":"`)
		chunk := strings.Repeat("x", 64<<10)
		for sent := 15; sent < HugeSize-2; sent += len(chunk) {
			if _, err := w.WriteString(chunk[:min(len(chunk), HugeSize-2-sent)]); err != nil {
				return
			}
		}
		w.WriteString(`"}`)
	case "bigheader":
		// Under net/http's own 10 MB cap: only the client's tighter one refuses it.
		pad := strings.Repeat("x", 8<<10)
		var extra strings.Builder
		for i := range 1000 {
			fmt.Fprintf(&extra, "X-Pad-%d: %s%s\r\n", i, HeaderEvil, pad)
		}
		head(200, "application/json", 2, extra.String())
		w.WriteString("{}")
	case "drip":
		head(200, "application/json", 1<<20, "")
		w.WriteString(`{"web_domain":"`)
		for range 1 << 20 {
			if w.Flush() != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
			if _, err := w.WriteString("x"); err != nil {
				return
			}
		}
	case "redirect":
		head(302, "text/plain", 0, "Location: https://app.example/cb?code=SECRETCODE123&state=SECRETSTATE456\r\n")
	default:
		head(404, "text/plain", 0, "")
	}
	_, _ = io.Copy(io.Discard, req.Body)
}

func noCRLF(s string) string { return strings.NewReplacer("\r", "", "\n", "").Replace(s) }

// RawControl reports the first byte of s a terminal would act on, SGR colour
// sequences aside when styled is true: a C0 control but LF and tab, DEL, a C1
// control (as UTF-8), a bidi control, or invalid UTF-8.
func RawControl(s string, styled bool) (int, bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c == 0x1b && styled {
			if n := sgrLen(s[i:]); n > 0 {
				i += n
				continue
			}
		}
		if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			return i, true
		}
		if c < 0x80 {
			i++
			continue
		}
		r, n := decodeRune(s[i:])
		if r < 0 || (r >= 0x80 && r <= 0x9f) || r == 0x202e || r == 0x202a || r == 0x202b || r == 0x202c || r == 0x202d ||
			(r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c {
			return i, true
		}
		i += n
	}
	return 0, false
}

func sgrLen(s string) int {
	if len(s) < 3 || s[1] != '[' {
		return 0
	}
	for i := 2; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == ';', c == ':':
		case c == 'm':
			return i + 1
		default:
			return 0
		}
	}
	return 0
}

func decodeRune(s string) (rune, int) {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && n <= 1 {
		return -1, 1
	}
	return r, n
}
