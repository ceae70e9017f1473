package apiclient

import (
	"net/url"
	"testing"
)

// The fast path of resolve gives what building the URL gives, for every base
// form and path it takes; the others go the long way.
func TestClient_resolve_fastPathMatchesTheURLBuilder(t *testing.T) {
	for _, base := range []string{"https://pbx.example.com", "pbx.example.com:8887", "http://127.0.0.1:4000/api",
		"https://pbx.example.com/tenant/api", "http://[::1]:8899"} {
		c, err := New(WithBaseURL(base))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/info", "/auth/sign_in", "/login/oauth/token", "/a.b-c_d/E9", "/", "//x", "/../info", "",
			"/user%20x", "/a b", "/?x=1", "auth/sign_in", "/über", "https://idp.example.com/authorize"} {
			want := c.resolveURL(path, nil)
			if got := c.resolve(path, nil); got != want {
				t.Errorf("base %s path %q: resolve = %q, the URL builder gives %q", base, path, got, want)
			}
		}
		q := url.Values{"domain": {"a b"}}
		if got, want := c.resolve("/info", q), c.resolveURL("/info", q); got != want {
			t.Errorf("base %s with a query: %q, want %q", base, got, want)
		}
	}
}
