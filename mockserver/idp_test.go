package mockserver_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mockserver"
)

// browser is one person's browser: its own cookie jar, redirects reported rather
// than followed, so each hop of the Microsoft flow can be looked at.
type browser struct {
	t *testing.T
	h *harness
	c *http.Client
}

type page struct {
	status int
	header http.Header
	body   []byte
}

func (h *harness) browser() *browser {
	h.t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(h.t, err)
	c := h.srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{t: h.t, h: h, c: c}
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return page{resp.StatusCode, resp.Header, body}
}

func (b *browser) get(u string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(b.t, err)
	return b.do(req)
}

func (b *browser) postForm(u string, form url.Values) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// startWebLogin posts the by_microsoft form and returns the authorization page.
func (b *browser) startWebLogin(domain string) *url.URL {
	b.t.Helper()
	p := b.postForm(b.h.srv.URL()+"/api/login/by_microsoft", url.Values{"domain": {domain}})
	require.Equal(b.t, http.StatusFound, p.status, "%s", p.body)
	u, err := url.Parse(p.header.Get("Location"))
	require.NoError(b.t, err)
	return u
}

// signInAt picks an account on the identity provider's page and returns where the
// provider sends the browser back.
func (b *browser) signInAt(authorize *url.URL, user string) *url.URL {
	b.t.Helper()
	q := authorize.Query()
	q.Set("login_hint", user)
	u := *authorize
	u.RawQuery = q.Encode()
	p := b.get(u.String())
	require.Equal(b.t, http.StatusFound, p.status, "%s", p.body)
	back, err := url.Parse(p.header.Get("Location"))
	require.NoError(b.t, err)
	return back
}

func (b *browser) sessionCookie() string {
	u, _ := url.Parse(b.h.srv.URL() + "/api/login")
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == mockserver.SessionCookie {
			return c.Value
		}
	}
	return ""
}

// refused asserts a 400 VALIDATE_FAILED naming field and rule, and no web session.
func refused(t *testing.T, p page, field, rule string) {
	t.Helper()
	require.Equal(t, http.StatusBadRequest, p.status, "%s", p.body)
	assert.Equal(t, []fieldRule{{field, rule}}, violations(t, p.body))
	assert.NotContains(t, strings.Join(p.header.Values("Set-Cookie"), "\n"), mockserver.SessionCookie+"=")
}

// withState replaces the state of a callback URL.
func withState(u *url.URL, state string, drop bool) string {
	q := u.Query()
	if drop {
		q.Del("state")
	} else {
		q.Set("state", state)
	}
	v := *u
	v.RawQuery = q.Encode()
	return v.String()
}

func TestIdPCallback_state(t *testing.T) {
	h := newHarness(t)
	t.Run("the browser that started the sign-in gets the web session", func(t *testing.T) {
		b := h.browser()
		back := b.signInAt(b.startWebLogin("contoso.com"), "dave")
		p := b.get(back.String())
		require.Equal(t, http.StatusOK, p.status, "%s", p.body)
		require.NotEmpty(t, b.sessionCookie())
		st := h.raw(http.MethodGet, "/login", "", "", "Cookie", mockserver.SessionCookie+"="+b.sessionCookie())
		assert.Equal(t, http.StatusOK, st.Status)
	})
	t.Run("login CSRF: the attacker's callback opened in the victim's browser is refused", func(t *testing.T) {
		attacker, victim := h.browser(), h.browser()
		back := attacker.signInAt(attacker.startWebLogin("contoso.com"), "dave")
		refused(t, victim.get(back.String()), "state", "browser")
		assert.Empty(t, victim.sessionCookie())
	})
	t.Run("a victim with a sign-in of their own under way is not fooled either", func(t *testing.T) {
		attacker, victim := h.browser(), h.browser()
		back := attacker.signInAt(attacker.startWebLogin("contoso.com"), "dave")
		victim.startWebLogin("contoso.com")
		refused(t, victim.get(back.String()), "state", "browser")
		assert.Empty(t, victim.sessionCookie())
	})
	t.Run("a forged state is refused", func(t *testing.T) {
		b := h.browser()
		back := b.signInAt(b.startWebLogin("contoso.com"), "dave")
		refused(t, b.get(withState(back, "forged-state", false)), "state", "mismatch")
		assert.Empty(t, b.sessionCookie())
	})
	t.Run("a missing state is refused", func(t *testing.T) {
		b := h.browser()
		back := b.signInAt(b.startWebLogin("contoso.com"), "dave")
		refused(t, b.get(withState(back, "", true)), "state", "required")
	})
	t.Run("the state of another sign-in is refused", func(t *testing.T) {
		b := h.browser()
		first := b.signInAt(b.startWebLogin("contoso.com"), "dave")
		second := b.signInAt(b.startWebLogin("contoso.com"), "dave") // the cookie now holds the second state
		refused(t, b.get(withState(first, second.Query().Get("state"), false)), "state", "mismatch")
	})
	t.Run("a refused code is used up", func(t *testing.T) {
		b := h.browser()
		back := b.signInAt(b.startWebLogin("contoso.com"), "dave")
		refused(t, b.get(withState(back, "forged-state", false)), "state", "mismatch")
		p := b.get(back.String())
		assert.Equal(t, http.StatusUnauthorized, p.status, "%s", p.body)
		assert.Empty(t, b.sessionCookie())
	})
	t.Run("a state opens one session only", func(t *testing.T) {
		b := h.browser()
		authorize := b.startWebLogin("contoso.com")
		first := b.signInAt(authorize, "dave")
		second := b.signInAt(authorize, "dave") // a second code for the same request
		require.Equal(t, http.StatusOK, b.get(first.String()).status)
		refused(t, b.get(second.String()), "state", "stale")
	})
	t.Run("a code issued for an app's callback does not open a web session", func(t *testing.T) {
		res, err := h.api.SignInWithSocialAccount(ctx, apiclient.SocialSignIn{Provider: "microsoft", Domain: "contoso.com", CallbackURL: "https://app.example/cb"})
		require.NoError(t, err)
		authorize, err := url.Parse(res.URL)
		require.NoError(t, err)
		b := h.browser()
		back := b.signInAt(authorize, "dave")
		require.Equal(t, "app.example", back.Host)
		// Even with the state in the browser's cookie, the code belongs to the app.
		srvURL, _ := url.Parse(h.srv.URL())
		b.c.Jar.SetCookies(srvURL, []*http.Cookie{{Name: mockserver.StateCookie, Value: back.Query().Get("state"), Path: "/"}})
		cb := h.srv.URL() + "/_mock/idp/callback?" + back.RawQuery
		refused(t, b.get(cb), "code", "redirect_uri")
		assert.Empty(t, b.sessionCookie())
	})
	t.Run("the state expires with the mock clock", func(t *testing.T) {
		b := h.browser()
		authorize := b.startWebLogin("contoso.com")
		// The person dawdles on the page: the code is fresh, the request is not.
		h.srv.AdvanceClock(mockserver.AuthRequestTTL - time.Minute)
		back := b.signInAt(authorize, "dave")
		h.srv.AdvanceClock(2 * time.Minute)
		refused(t, b.get(back.String()), "state", "stale")
		q := authorize.Query()
		q.Set("login_hint", "dave")
		refused(t, b.get(authorize.Scheme+"://"+authorize.Host+authorize.Path+"?"+q.Encode()), "state", "unknown")
	})
}

func TestIdPAuthorize_checksTheRequest(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	authorize := b.startWebLogin("contoso.com")
	ask := func(change func(url.Values)) page {
		q := authorize.Query()
		change(q)
		return b.get(authorize.Scheme + "://" + authorize.Host + authorize.Path + "?" + q.Encode())
	}
	t.Run("the issued request shows the page", func(t *testing.T) {
		assert.Equal(t, http.StatusOK, ask(func(url.Values) {}).status)
	})
	t.Run("a state the PBX never issued is refused", func(t *testing.T) {
		refused(t, ask(func(q url.Values) { q.Set("state", "made-up") }), "state", "unknown")
	})
	t.Run("no state is refused", func(t *testing.T) {
		refused(t, ask(func(q url.Values) { q.Del("state") }), "state", "required")
	})
	t.Run("another redirect_uri is refused, so no code goes there", func(t *testing.T) {
		p := ask(func(q url.Values) { q.Set("redirect_uri", "https://evil.example/steal"); q.Set("login_hint", "dave") })
		refused(t, p, "redirect_uri", "mismatch")
		assert.Empty(t, p.header.Get("Location"))
	})
	t.Run("another tenant's authorization page is refused", func(t *testing.T) {
		d := mockserver.DemoData()
		d.Tenants[0].MS365.Enabled = true // example.com
		h2 := newHarness(t, func(o *mockserver.Options) { o.Data = d })
		b2 := h2.browser()
		authorize := b2.startWebLogin("contoso.com")
		other := strings.Replace(authorize.String(), "/contoso.com/", "/example.com/", 1)
		refused(t, b2.get(other), "state", "tenant")
	})
	t.Run("the posted form is checked the same way", func(t *testing.T) {
		q := authorize.Query()
		form := url.Values{"username": {"dave"}, "redirect_uri": {q.Get("redirect_uri")}, "state": {"made-up"}}
		refused(t, b.postForm(authorize.Scheme+"://"+authorize.Host+authorize.Path, form), "state", "unknown")
	})
}

func TestIdP_storesAreBounded(t *testing.T) {
	const limit = 20
	h := newHarness(t, func(o *mockserver.Options) { o.StoreLimit = limit })
	b := h.browser()
	for i := 0; i < 3*limit; i++ {
		b.signInAt(b.startWebLogin("contoso.com"), "dave")
	}
	st := h.srv.Stats()
	assert.LessOrEqual(t, st.AuthRequests, limit)
	assert.LessOrEqual(t, st.IdPCodes, limit)
	assert.Positive(t, st.AuthRequests)
	h.srv.AdvanceClock(mockserver.AuthRequestTTL + time.Second)
	b.startWebLogin("contoso.com") // a put sweeps the expired requests
	assert.Equal(t, 1, h.srv.Stats().AuthRequests)
}
