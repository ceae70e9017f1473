// Package testpbx is a small stand-in for a real PBX with two-factor sign-in, for
// tests of pbxauth's --mail: it is not pbxauth's mock (no control API, no outbox)
// and mails its one-time codes over SMTP, as a PBX does through its mail server
// setting. Only the password Right#2026 in tenant secure.example.com signs in.
package testpbx

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"mime/quotedprintable"
	"net/http"
	"net/smtp"
	"strings"
	"sync"
	"time"
)

// PBX is a small stand-in for a real PBX with two-factor sign-in: it is
// not pbxauth's mock (no control API, no outbox) and mails its one-time codes over
// SMTP, as a PBX does through its mail server setting.
type PBX struct {
	// SMTPAddr is where the PBX's mail goes (host:port).
	SMTPAddr string
	// Delay maps a user to how long after answering send_otp the mail goes out;
	// users not listed get theirs before the answer.
	Delay map[string]time.Duration

	mu     sync.Mutex
	codes  map[string]string // challenge token -> code
	users  map[string]string // challenge token -> username
	sent   []string          // every code mailed, for the leak check
	wg     sync.WaitGroup
	errors []error
}

// New is a PBX that mails to smtpAddr.
func New(smtpAddr string, delay map[string]time.Duration) *PBX {
	return &PBX{SMTPAddr: smtpAddr, Delay: delay, codes: map[string]string{}, users: map[string]string{}}
}

// Wait waits for the mail still being sent and returns the sending errors.
func (p *PBX) Wait() []error {
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]error(nil), p.errors...)
}

// Sent lists every code mailed so far.
func (p *PBX) Sent() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.sent...)
}

// Handler serves the API under /api.
func (p *PBX) Handler() http.Handler {
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	refuse := func(w http.ResponseWriter) {
		reply(w, http.StatusBadRequest, map[string]any{"errors": []any{map[string]any{"code": "UNAUTHORIZED", "message": "Login failed"}}})
	}
	mux.HandleFunc("POST /api/auth/sign_in", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Username, Password, Domain string }
		if json.NewDecoder(r.Body).Decode(&in) != nil || in.Password != "Right#2026" || in.Domain != "secure.example.com" {
			refuse(w)
			return
		}
		tok := randomString(40)
		p.mu.Lock()
		p.users[tok] = in.Username
		p.mu.Unlock()
		reply(w, http.StatusOK, map[string]any{"two_factor_enabled": true, "token": tok})
	})
	mux.HandleFunc("POST /api/auth/send_otp", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Token string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		p.mu.Lock()
		user, ok := p.users[in.Token]
		code := fmt.Sprintf("%06d", randomInt(1_000_000))
		for code == p.codes[in.Token] { // a new code each time, as a resend should
			code = fmt.Sprintf("%06d", randomInt(1_000_000))
		}
		if ok {
			p.codes[in.Token] = code
			p.sent = append(p.sent, code)
		}
		p.mu.Unlock()
		if !ok {
			refuse(w)
			return
		}
		d, later := p.Delay[user]
		if !later {
			p.send(user, code)
		} else {
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				time.Sleep(d)
				p.send(user, code)
			}()
		}
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("POST /api/auth/verify_otp", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Token, Code string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		p.mu.Lock()
		want, ok := p.codes[in.Token]
		p.mu.Unlock()
		if !ok || in.Code != want {
			refuse(w)
			return
		}
		reply(w, http.StatusOK, map[string]any{"access_token": randomString(48), "refresh_token": randomString(48), "token_type": "Bearer", "expires_in": 1800})
	})
	return mux
}

// send mails the code as multipart/alternative, quoted-printable, to an address
// that is not the username: the mail names the user in its text, as PortSIP's
// template names the extension.
func (p *PBX) send(user, code string) {
	qp := func(s string) string {
		var b strings.Builder
		w := quotedprintable.NewWriter(&b)
		_, _ = w.Write([]byte(s))
		_ = w.Close()
		return b.String()
	}
	msg := "From: PBX <pbx@secure.example.com>\r\nTo: <u-" + user + "-7@mail.example.com>\r\nSubject: Sign-in verification\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n" +
		"--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		qp("Dear "+user+",\r\nyour verification code is "+code+". It is valid for 10 minutes.\r\n") +
		"\r\n--alt\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		qp("<p>Dear <b>"+user+"</b>, use this verification code (extension 1001):</p><div style=\"font-size:20px\">"+code+"</div><p>It is valid for 10 minutes.</p>") +
		"\r\n--alt--\r\n"
	if err := smtp.SendMail(p.SMTPAddr, nil, "pbx@secure.example.com", []string{"u-" + user + "-7@mail.example.com"}, []byte(msg)); err != nil {
		p.mu.Lock()
		p.errors = append(p.errors, err)
		p.mu.Unlock()
	}
}

func randomInt(n int64) int64 {
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	if err != nil {
		panic(err)
	}
	return v.Int64()
}

func randomString(n int) string {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[randomInt(int64(len(letters)))]
	}
	return string(b)
}
