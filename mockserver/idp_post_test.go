package mockserver_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// postTo posts a raw form body to an address as curl -d does.
func (b *browser) postTo(u, body string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// TestIdPAuthorize_postTakesTheQuery: `curl -L -X POST .../login/by_microsoft -d
// domain=contoso.com` re-posts its form to the authorization URL; the provider
// reads the query's parameters on POST too, as a real authorize endpoint does.
func TestIdPAuthorize_postTakesTheQuery(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	authorize := b.startWebLogin("contoso.com")
	fresh := func() { authorize = b.startWebLogin("contoso.com") }

	t.Run("curl -L: the form re-posted to the authorization URL shows the page", func(t *testing.T) {
		p := b.postTo(authorize.String(), "domain=contoso.com")
		require.Equal(t, http.StatusOK, p.status, "%s", p.body)
		assert.Contains(t, string(p.body), "dave")
	})
	t.Run("the account page posts back to its own address and signs in", func(t *testing.T) {
		p := b.postTo(authorize.String(), "username=dave")
		require.Equal(t, http.StatusFound, p.status, "%s", p.body)
		back, err := url.Parse(p.header.Get("Location"))
		require.NoError(t, err)
		assert.Equal(t, authorize.Query().Get("redirect_uri"), back.Scheme+"://"+back.Host+back.Path)
		assert.NotEmpty(t, back.Query().Get("code"))
		assert.Equal(t, authorize.Query().Get("state"), back.Query().Get("state"))
		require.Equal(t, http.StatusOK, b.get(back.String()).status)
		assert.NotEmpty(t, b.sessionCookie())
	})
	t.Run("no open redirect: another redirect_uri in the query is refused", func(t *testing.T) {
		fresh()
		q := authorize.Query()
		q.Set("redirect_uri", "https://evil.example/")
		u := authorize.Scheme + "://" + authorize.Host + authorize.Path + "?" + q.Encode()
		p := b.postTo(u, "username=dave")
		refused(t, p, "redirect_uri", "mismatch")
		assert.Empty(t, p.header.Get("Location"))
	})
	t.Run("no open redirect: a form redirect_uri that contradicts the query is refused", func(t *testing.T) {
		p := b.postTo(authorize.String(), "username=dave&redirect_uri="+url.QueryEscape("https://evil.example/"))
		refused(t, p, "redirect_uri", "conflict")
		assert.Empty(t, p.header.Get("Location"))
	})
	t.Run("no open redirect: a form-only redirect_uri must be the registered one", func(t *testing.T) {
		q := authorize.Query()
		form := url.Values{"username": {"dave"}, "state": {q.Get("state")}, "redirect_uri": {"https://evil.example/"}}
		p := b.postForm(authorize.Scheme+"://"+authorize.Host+authorize.Path, form)
		refused(t, p, "redirect_uri", "mismatch")
		assert.Empty(t, p.header.Get("Location"))
	})
}

// TestIdPAuthorize_followedLikeCurl follows the whole web login as `curl -L -X POST`
// does: every redirect re-posts the original form.
func TestIdPAuthorize_followedLikeCurl(t *testing.T) {
	h := newHarness(t)
	c := h.srv.Client()
	const form = "domain=contoso.com"
	c.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
		// curl -X POST keeps the method and the body across redirects.
		req.Method = http.MethodPost
		req.Body, req.ContentLength = io.NopCloser(strings.NewReader(form)), int64(len(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return nil
	}
	resp, err := c.Post(h.srv.URL()+"/api/login/by_microsoft", "application/x-www-form-urlencoded", strings.NewReader(form))
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Request.URL.Path, "/oauth2/v2.0/authorize")
}
