package mockserver_test

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mockserver"
)

// parts reads a mail's MIME rendering: it must be multipart/alternative with a
// plain-text and an HTML part.
func parts(t *testing.T, m mockserver.Mail) (text, htmlPart string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.MIME()))
	require.NoError(t, err)
	assert.Equal(t, m.Subject, msg.Header.Get("Subject"))
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/alternative", mt)
	r := multipart.NewReader(msg.Body, params["boundary"])
	got := map[string]string{}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		b, err := io.ReadAll(p)
		require.NoError(t, err)
		got[ct] = string(b)
	}
	require.Len(t, got, 2)
	return got["text/plain"], got["text/html"]
}

// elementsWithText finds the HTML elements whose own text, trimmed, is exactly s.
func elementsWithText(t *testing.T, doc string, s string) int {
	t.Helper()
	root, err := html.Parse(strings.NewReader(doc))
	require.NoError(t, err)
	n := 0
	var walk func(*html.Node)
	walk = func(node *html.Node) {
		if node.Type == html.ElementNode && node.FirstChild != nil && node.FirstChild == node.LastChild &&
			node.FirstChild.Type == html.TextNode && strings.TrimSpace(node.FirstChild.Data) == s {
			n++
		}
		for c := node.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return n
}

// hrefs lists the link targets of an HTML document.
func hrefs(t *testing.T, doc string) []string {
	t.Helper()
	root, err := html.Parse(strings.NewReader(doc))
	require.NoError(t, err)
	var out []string
	var walk func(*html.Node)
	walk = func(node *html.Node) {
		if node.Type == html.ElementNode && node.Data == "a" {
			for _, a := range node.Attr {
				if a.Key == "href" {
					out = append(out, a.Val)
				}
			}
		}
		for c := node.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return out
}

// TestMail_carriesWhatPortSIPsTemplatesCarry: tenant name, display name, extension,
// web domain, the 10 minutes, the code alone in its element, the link as a button
// and as text; an HTML and a plain-text part.
func TestMail_carriesWhatPortSIPsTemplatesCarry(t *testing.T) {
	h := newHarness(t)
	resp := h.raw(http.MethodPost, "/auth/sign_in", "application/json", `{"username":"carol","password":"Carol#2026","domain":"secure.example.com"}`)
	require.Equal(t, http.StatusOK, resp.Status)
	tok := jsonField(t, resp.Body, "token")
	require.Equal(t, http.StatusOK, h.raw(http.MethodPost, "/auth/send_otp", "application/json", `{"token":"`+tok+`"}`).Status)
	require.NoError(t, h.api.ForgetPassword(ctx, apiclient.ForgetPassword{Domain: "example.com", Username: "bob", CallbackURL: "https://app.example/reset?lang=en"}))

	for _, c := range []struct {
		m                         mockserver.Mail
		tenant, display, ext, web string
	}{
		{h.lastMail(mockserver.MailOTP, "carol"), "Secure Example Ltd.", "Carol White", "201", "pbx.example.net"},
		{h.lastMail(mockserver.MailReset, "bob"), "Example Inc.", "Bob Jones", "102", "pbx.example.net"},
	} {
		m := c.m
		assert.Equal(t, c.tenant, m.Tenant)
		assert.Equal(t, c.display, m.DisplayName)
		assert.Equal(t, c.ext, m.Extension)
		assert.Equal(t, c.web, m.WebDomain)
		text, htm := parts(t, m)
		assert.Equal(t, m.Body, text)
		assert.Equal(t, m.HTML, htm)
		for _, part := range []string{text, htm} {
			for _, want := range []string{c.tenant, c.display, c.ext, c.web, "10 minutes"} {
				assert.Contains(t, part, html.EscapeString(want), "%s mail", m.Kind)
			}
		}
		switch m.Kind {
		case mockserver.MailOTP:
			require.Len(t, m.Code, 6)
			assert.Equal(t, 1, elementsWithText(t, htm, m.Code), "the code alone in its element")
			assert.Contains(t, text, "\n"+m.Code+"\n")
		case mockserver.MailReset:
			require.NotEmpty(t, m.Link)
			assert.Equal(t, []string{m.Link, m.Link}, hrefs(t, htm), "a button and a text link")
			assert.Equal(t, 1, elementsWithText(t, htm, m.Link), "the link as text")
			assert.Contains(t, text, "\n"+m.Link+"\n")
		}
	}
}

func TestMail_outboxStillGivesCodeAndLinkAsFields(t *testing.T) {
	h := newHarness(t)
	require.NoError(t, h.api.ForgetPassword(ctx, apiclient.ForgetPassword{Domain: "example.com", Username: "bob", CallbackURL: "https://app.example/reset?lang=en"}))
	status, body := h.control(http.MethodGet, "/_mock/outbox/last?kind=reset", "")
	require.Equal(t, http.StatusOK, status)
	link := jsonField(t, body, "link")
	assert.Contains(t, link, "token="+jsonField(t, body, "token"))
	assert.Contains(t, jsonField(t, body, "html"), "<a href=")
}
