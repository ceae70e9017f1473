package cli

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mailingPBX is a small stand-in for a real PBX with two-factor sign-in: it is
// not pbxauth's mock (no control API, no outbox) and mails its one-time codes over
// SMTP, as a PBX does through its mail server setting.
type mailingPBX struct {
	smtpAddr string
	// delay maps a user to how long after answering send_otp the mail goes out;
	// users not listed get theirs before the answer.
	delay map[string]time.Duration

	mu     sync.Mutex
	codes  map[string]string // challenge token -> code
	users  map[string]string // challenge token -> username
	sent   []string          // every code mailed, for the leak check
	wg     sync.WaitGroup
	errors []error
}

func (p *mailingPBX) handler() http.Handler {
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
		if ok {
			p.codes[in.Token] = code
			p.sent = append(p.sent, code)
		}
		p.mu.Unlock()
		if !ok {
			refuse(w)
			return
		}
		d, later := p.delay[user]
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
func (p *mailingPBX) send(user, code string) {
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
	if err := smtp.SendMail(p.smtpAddr, nil, "pbx@secure.example.com", []string{"u-" + user + "-7@mail.example.com"}, []byte(msg)); err != nil {
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

func freeLoopbackPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

const mailScenarios = `name: two-factor sign-in, the mail is there before the step reads it
tags: [mutating, mock-only, 2fa]
steps:
  - call: signInWithCredentials
    body: {username: carol, password: "Right#2026", domain: secure.example.com}
    expect: {status: 200, body: {two_factor_enabled: true}}
    capture: {challenge: token}
  - call: sendOTP
    body: {token: "${challenge}"}
  - outbox: {to: carol, kind: otp, domain: secure.example.com}
    expect:
      body:
        code: {matches: "^[0-9]{6}$"}
    capture: {code: code}
  - name: the same mail read again, its text holds the code
    outbox: {to: carol, kind: otp}
    expect:
      body:
        body: {matches: "${code}"}
  - call: verifyOTP
    body: {token: "${challenge}", code: "${code}"}
    expect: {status: 200, body: {access_token: {type: string}}}
---
name: two-factor sign-in, the mail comes after the step starts waiting
tags: [mutating, mock-only, 2fa]
steps:
  - call: signInWithCredentials
    body: {username: dave, password: "Right#2026", domain: secure.example.com}
    capture: {challenge: token}
  - call: sendOTP
    body: {token: "${challenge}"}
  - outbox: {to: dave, kind: otp}
    capture: {code: code}
  - call: verifyOTP
    body: {token: "${challenge}", code: "${code}"}
    expect: {status: 200}
  - name: a second code, late again, is not mistaken for the first mail
    call: sendOTP
    body: {token: "${challenge}"}
  - outbox: {to: dave, kind: otp}
    expect:
      body:
        code: {not_equals: "${code}"}
    capture: {second: code}
  - call: verifyOTP
    body: {token: "${challenge}", code: "${second}"}
    expect: {status: 200}
---
name: a clock scenario stays mock-only
tags: [mutating, mock-only]
steps:
  - clock: 1m
`

func TestRun_mailFromARealPBXCompletesTwoFactorSignIn(t *testing.T) {
	mailAddr := freeLoopbackPort(t)
	pbx := &mailingPBX{smtpAddr: mailAddr, delay: map[string]time.Duration{"dave": 400 * time.Millisecond},
		codes: map[string]string{}, users: map[string]string{}}
	srv := httptest.NewServer(pbx.handler())
	defer srv.Close()
	// The second code must differ from the first for the not_equals check.
	file := scenarioFile(t, "mail.yaml", mailScenarios)
	report := filepath.Join(t.TempDir(), "report.json")

	code, out, errOut := pbxauth(t, "run", file, "--url", srv.URL, "--mail", "smtp://"+mailAddr,
		"--allow-mutations", "--parallel", "3", "--json", report, "-v")
	pbx.wg.Wait()
	require.Empty(t, pbx.errors)
	require.Equal(t, ExitOK, code, out+errOut)
	assert.Contains(t, errOut, "receiving the PBX's mail at smtp://"+mailAddr)
	assert.Regexp(t, `2 passed`, out)
	assert.Contains(t, out, "moves the clock", "only the clock scenario is skipped")

	data, err := os.ReadFile(report)
	require.NoError(t, err)
	pbx.mu.Lock()
	defer pbx.mu.Unlock()
	require.Len(t, pbx.sent, 3)
	for _, c := range pbx.sent {
		assert.NotContains(t, string(data), c, "a mailed code in the report")
		assert.NotContains(t, out, c, "a mailed code on the terminal")
	}
}

func TestRun_mailScenariosSkipWithoutMailOnARealPBX(t *testing.T) {
	pbx := &mailingPBX{codes: map[string]string{}, users: map[string]string{}}
	srv := httptest.NewServer(pbx.handler())
	defer srv.Close()
	file := scenarioFile(t, "mail.yaml", mailScenarios)
	code, out, errOut := pbxauth(t, "run", file, "--url", srv.URL, "--allow-mutations")
	require.Equal(t, ExitOK, code, out+errOut)
	assert.Contains(t, out, "--mail smtp://HOST:PORT")
	assert.Regexp(t, `3 skipped`, out)
}

func TestRun_mailFlagIsForARealPBX(t *testing.T) {
	code, _, errOut := pbxauth(t, "run", "--mock", "--mail", "smtp://127.0.0.1:2525")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "--url")
	code, _, errOut = pbxauth(t, "run", "--url", "http://127.0.0.1:1", "--mail", "smtp://0.0.0.0:2525")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "--mail-allow")
	code, _, errOut = pbxauth(t, "run", "--url", "http://127.0.0.1:1", "--mail", "http://127.0.0.1:2525")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "smtp://HOST:PORT")
}
