package mailbox

import (
	"encoding/base64"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// portsipTemplate reads one of PortSIP's default mail templates from the shared
// reference beside the checkout and fills its placeholders as a PBX would.
func portsipTemplate(t *testing.T, name string, fill map[string]string) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the test directory")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "reference", "portsip-mail", name)
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Skipf("PortSIP's mail templates are not beside the checkout (looked for %s)", p)
	}
	out := string(raw)
	for k, v := range fill {
		out = strings.ReplaceAll(out, "%%"+k+"%%", v)
	}
	require.NotContains(t, out, "%%", "a placeholder was left unfilled")
	return out
}

var portsipFill = map[string]string{
	"TENANT_NAME":        "Secure Tenant 7",
	"DISPLAY_NAME":       "Carol Example",
	"EXTENSION_NUMBER":   "1001",
	"PBX_WEB_DOMAIN":     "pbx.example.com",
	"AUTH_CODE":          "",
	"REST_PASSWORD_LINK": "",
}

func fill(over map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range portsipFill {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

func qp(s string) string {
	var b strings.Builder
	w := quotedprintable.NewWriter(&b)
	_, _ = w.Write([]byte(s))
	_ = w.Close()
	return b.String()
}

func b64(s string) string {
	enc := base64.StdEncoding.EncodeToString([]byte(s))
	var b strings.Builder
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc)
	return b.String()
}

func message(headers, body string) []byte {
	return []byte(strings.ReplaceAll(headers, "\n", "\r\n") + "\r\n" + strings.ReplaceAll(body, "\r\n", "\n"))
}

func parse(t *testing.T, raw []byte) *Mail {
	t.Helper()
	m, err := Parse(raw, []string{"carol@secure.example.com"}, time.Unix(1_800_000_000, 0))
	require.NoError(t, err)
	assert.Empty(t, m.Problem)
	return m
}

func TestParse_portsipDefaultOTPTemplate(t *testing.T) {
	page := portsipTemplate(t, "2fa_verification.html", fill(map[string]string{"AUTH_CODE": "482913"}))
	for name, raw := range map[string][]byte{
		"quoted-printable": message("From: PBX <pbx@example.com>\nTo: Carol Example <carol@secure.example.com>\nSubject: Verification Code\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n", qp(page)),
		"base64":           message("Subject: Verification Code\nMIME-Version: 1.0\nContent-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: base64\n", b64(page)),
		"8bit":             message("Subject: Verification Code\nContent-Type: text/html\n", page),
	} {
		t.Run(name, func(t *testing.T) {
			m := parse(t, raw)
			assert.Equal(t, KindOTP, m.Kind)
			assert.Equal(t, "482913", m.Code, "the code, not the extension number 1001 beside it")
			assert.Contains(t, m.Secrets, "482913")
			assert.NotContains(t, m.Text, "font-family", "style sheets are not text")
			assert.True(t, m.Matches(Query{To: "1001", Kind: KindOTP}), "the extension named in the text")
			assert.True(t, m.Matches(Query{To: "carol", Kind: KindOTP}), "the address's local part")
			assert.False(t, m.Matches(Query{To: "bob", Kind: KindOTP}))
			assert.False(t, m.Matches(Query{Kind: KindReset}))
		})
	}
}

func TestParse_portsipDefaultResetTemplate(t *testing.T) {
	link := "https://app.example.com/reset?lang=en&token=Zk9vYmFy-LONG_session.token"
	page := portsipTemplate(t, "reset_password_notification.html", fill(map[string]string{"REST_PASSWORD_LINK": link}))
	raw := message("From: pbx@example.com\nTo: carol@secure.example.com\nSubject: Password Reset\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n", qp(page))
	m := parse(t, raw)
	assert.Equal(t, KindReset, m.Kind)
	assert.Equal(t, link, m.Link)
	assert.Equal(t, "Zk9vYmFy-LONG_session.token", m.Token)
	assert.Empty(t, m.Code)
	assert.Contains(t, m.Secrets, link)
	assert.Contains(t, m.Secrets, m.Token)
	assert.Contains(t, m.Text, "Reset link:")
	assert.True(t, m.Matches(Query{To: "carol", Kind: KindReset, Token: m.Token}))
}

func TestParse_multipartAlternativeQuotedPrintable(t *testing.T) {
	link := "https://pbx.example.net/portal/reset-password?token=" + strings.Repeat("Ab9-", 30) + "end&x=1"
	plain := "Hello Dana,\r\n\r\nsomeone asked to reset the password of your account.\r\nOpen this link within 10 minutes:\r\n" + link + "\r\n"
	htmlPart := "<p>Hello Dana,</p><p>Open <a href=\"" + strings.ReplaceAll(link, "&", "&amp;") + "\">this page</a> to choose a new password.</p>"
	body := "--b1\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + qp(plain) +
		"\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + qp(htmlPart) + "\r\n--b1--\r\n"
	raw := message("Subject: =?iso-8859-1?q?R=E9initialisation?=\nTo: \"Dana D\" <dana@example.org>\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b1\"\n", body)
	require.Contains(t, qp(plain), "=\r\n", "the link is long enough to be wrapped by soft line breaks")
	m := parse(t, raw)
	assert.Equal(t, "Réinitialisation", m.Subject)
	assert.Equal(t, KindReset, m.Kind)
	assert.Equal(t, link, m.Link)
	assert.Equal(t, strings.Repeat("Ab9-", 30)+"end", m.Token)
	assert.True(t, m.Matches(Query{To: "dana"}))
	assert.True(t, m.Matches(Query{To: "Dana"}), "the display name names her too")
}

func TestParse_plainTextAndTenantTemplates(t *testing.T) {
	cases := map[string]struct {
		raw  []byte
		code string
	}{
		"plain sentence": {
			message("Subject: Your code\nContent-Type: text/plain; charset=utf-8\n", "Hi,\nyour verification code is 551204. It is valid for 10 minutes.\n"),
			"551204",
		},
		"code first": {
			message("Subject: Sign in\n", "908172 is your one-time sign-in code for extension 1002.\n"),
			"908172",
		},
		"code colon, base64": {
			message("Subject: 2FA\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n", b64("Ihr Code: 7733 (gültig 10 Minuten)\n")),
			"7733",
		},
		"tenant html, code in a sentence": {
			message("Subject: Sign-in\nContent-Type: text/html\n", "<h2>Sign-in code</h2><p>Hi Carol, enter <b>739204</b> to finish signing in, before 10:45.</p>"),
			"739204",
		},
		"tenant html, code in its own cell": {
			message("Subject: Security check\nContent-Type: text/html\n", "<table><tr><td>Your one-time password</td></tr><tr><td><span>  AB12CD </span></td></tr></table><p>Support: 2026</p>"),
			"AB12CD",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			m := parse(t, c.raw)
			assert.Equal(t, KindOTP, m.Kind)
			assert.Equal(t, c.code, m.Code)
			assert.Contains(t, m.Secrets, c.code)
		})
	}
}

func TestParse_mailWithNeitherCodeNorLink(t *testing.T) {
	m := parse(t, message("Subject: Welcome\n", "Welcome to the PBX. Call 1001 or 1002 for help.\n"))
	assert.Empty(t, m.Kind)
	assert.Empty(t, m.Code)
	assert.False(t, m.Matches(Query{Kind: KindOTP}))
}

func TestParse_untrustedStructureIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("Subject: deep\nContent-Type: multipart/mixed; boundary=b0\n\n")
	for i := 0; i < maxDepth+2; i++ {
		b.WriteString("--b" + string(rune('0'+i)) + "\nContent-Type: multipart/mixed; boundary=b" + string(rune('1'+i)) + "\n\n")
	}
	m, err := Parse([]byte(b.String()), nil, time.Now())
	require.NoError(t, err)
	assert.Contains(t, m.Problem, "too deep")

	_, err = Parse([]byte("no header at all"), nil, time.Now())
	assert.Error(t, err)
}

func TestParse_headersAreSanitised(t *testing.T) {
	m := parse(t, message("Subject: =?utf-8?q?a=1B[31mred=0Aline?=\nTo: x@example.com\n", "code: 1234\n"))
	assert.Equal(t, "a[31mred line", m.Subject)
	assert.NotContains(t, m.Subject, "\x1b")
}

// PortSIP's template shows where the reset link goes, not how it carries the token:
// the reader finds it in a query parameter of any usual name, a path segment or the
// fragment of a web app's link.
func TestParse_resetTokenWhereverTheLinkCarriesIt(t *testing.T) {
	const tok = "Q7RZ2K9WX4T1"
	for name, link := range map[string]string{
		"query token":         "https://app.example.com/reset?lang=en&token=" + tok,
		"query ticket":        "https://app.example.com/reset?ticket=" + tok + "&lang=en",
		"path segment":        "https://app.example.com/reset/" + tok,
		"fragment":            "https://app.example.com/reset#token=" + tok,
		"fragment route":      "https://app.example.com/#/reset?resetKey=" + tok,
		"query beats a frag.": "https://app.example.com/reset?token=" + tok + "#token=other",
	} {
		t.Run(name, func(t *testing.T) {
			m := parse(t, message("Subject: Password reset\nContent-Type: text/html\n",
				`<p>Reset your password: <a href="`+link+`">Reset Password</a></p>`))
			assert.Equal(t, KindReset, m.Kind)
			assert.Equal(t, link, m.Link)
			assert.Equal(t, tok, m.Token)
		})
	}
}
