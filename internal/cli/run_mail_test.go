package cli

import (
	"math/rand/v2"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/internal/testpbx"
)

// freeLoopbackPort finds a port for --mail, which must be named before the run
// binds it. It searches below Linux's ephemeral range (32768 and up): a port
// from "127.0.0.1:0" could be handed to another test's listener between this
// check and the run, and the PBX's mail would then go to an HTTP server.
func freeLoopbackPort(t *testing.T) string {
	t.Helper()
	for range 200 {
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(20000+rand.IntN(12000)))
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			continue
		}
		require.NoError(t, ln.Close())
		return addr
	}
	t.Fatal("no free loopback port between 20000 and 32000")
	return ""
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
	pbx := testpbx.New(mailAddr, map[string]time.Duration{"dave": 400 * time.Millisecond})
	srv := httptest.NewServer(pbx.Handler())
	defer srv.Close()
	file := scenarioFile(t, "mail.yaml", mailScenarios)
	report := filepath.Join(t.TempDir(), "report.json")
	page := filepath.Join(t.TempDir(), "report.html")

	code, out, errOut := pbxauth(t, "run", file, "--url", srv.URL, "--mail", "smtp://"+mailAddr,
		"--allow-mutations", "--parallel", "3", "--json", report, "--html", page, "-v")
	require.Empty(t, pbx.Wait())
	require.Equal(t, ExitOK, code, out+errOut)
	assert.Contains(t, errOut, "receiving the PBX's mail at smtp://"+mailAddr)
	assert.Regexp(t, `2 passed`, out)
	assert.Contains(t, out, "moves the clock", "only the clock scenario is skipped")

	data, err := os.ReadFile(report)
	require.NoError(t, err)
	htmlData, err := os.ReadFile(page)
	require.NoError(t, err)
	assert.Contains(t, string(htmlData), "two-factor sign-in, the mail comes after")
	sent := pbx.Sent()
	require.Len(t, sent, 3)
	for _, c := range sent {
		assert.NotContains(t, string(data), c, "a mailed code in the report")
		assert.NotContains(t, string(htmlData), c, "a mailed code in the HTML report")
		assert.NotContains(t, out, c, "a mailed code on the terminal")
	}
}

func TestRun_mailScenariosSkipWithoutMailOnARealPBX(t *testing.T) {
	srv := httptest.NewServer(testpbx.New("127.0.0.1:1", nil).Handler())
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
