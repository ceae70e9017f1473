package apiclient_test

import (
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
)

func TestNormalizeBaseURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://pbx.example.com", "https://pbx.example.com:8887/api"},
		{"pbx.example.com", "https://pbx.example.com:8887/api"},
		{"pbx.example.com:9443", "https://pbx.example.com:9443/api"},
		{"https://pbx.example.com:8887/", "https://pbx.example.com:8887/api"},
		{"https://pbx.example.com:8887/api", "https://pbx.example.com:8887/api"},
		{"https://pbx.example.com:8887/api/", "https://pbx.example.com:8887/api"},
		{"  https://pbx.example.com  ", "https://pbx.example.com:8887/api"},
		{"http://pbx.example.com", "http://pbx.example.com/api"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080/api"},
		{"https://[2001:db8::1]", "https://[2001:db8::1]:8887/api"},
		{"[2001:db8::1]:9000", "https://[2001:db8::1]:9000/api"},
		{"https://pbx.example.com/portsip", "https://pbx.example.com:8887/portsip/api"},
		{"https://pbx.example.com/?x=1#frag", "https://pbx.example.com:8887/api"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			u, err := apiclient.NormalizeBaseURL(tc.in)
			if err != nil {
				t.Fatalf("NormalizeBaseURL(%q): %v", tc.in, err)
			}
			if u.String() != tc.want {
				t.Errorf("NormalizeBaseURL(%q) = %q, want %q", tc.in, u, tc.want)
			}
		})
	}
	for _, bad := range []string{"", "   ", "ftp://pbx.example.com", "https://", "http://a b", "https://pbx:notaport", "mailto:x@y", "://nohost", "https://user:pw@pbx.example.com"} {
		t.Run("rejects "+bad, func(t *testing.T) {
			if u, err := apiclient.NormalizeBaseURL(bad); err == nil {
				t.Errorf("NormalizeBaseURL(%q) = %q, want an error", bad, u)
			}
			if _, err := apiclient.New(apiclient.WithBaseURL(bad)); err == nil {
				t.Errorf("New(WithBaseURL(%q)) accepted", bad)
			}
		})
	}
}

func TestNew_defaultsAndOptionErrors(t *testing.T) {
	c, err := apiclient.New()
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != apiclient.DefaultBaseURL || c.Insecure() {
		t.Errorf("defaults: base %q insecure %v", c.BaseURL(), c.Insecure())
	}
	for name, opt := range map[string]apiclient.Option{
		"zero timeout":     apiclient.WithTimeout(0),
		"negative timeout": apiclient.WithTimeout(-time.Second),
		"nil http client":  apiclient.WithHTTPClient(nil),
		"nil transport":    apiclient.WithTransport(nil),
	} {
		if _, err := apiclient.New(opt); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

func TestWithUserAgent(t *testing.T) {
	c, mux, _ := setup(t, apiclient.WithUserAgent("script/1.0"))
	mux.HandleFunc("/info", func(w http.ResponseWriter, r *http.Request) {
		testHeader(t, r, "User-Agent", "script/1.0")
		writeJSON(w, 200, `{}`)
	})
	if _, err := c.RetrieveMetadata(ctx, ""); err != nil {
		t.Fatal(err)
	}
}

type countingTransport struct {
	n  int
	rt http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n++
	return c.rt.RoundTrip(r)
}

func TestWithTransportAndHTTPClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{}`) }))
	t.Cleanup(srv.Close)

	ct := &countingTransport{rt: http.DefaultTransport}
	c, _ := apiclient.New(apiclient.WithBaseURL(srv.URL), apiclient.WithTransport(ct))
	if _, err := c.RetrieveMetadata(ctx, ""); err != nil || ct.n != 1 {
		t.Errorf("WithTransport: err %v, %d round trips", err, ct.n)
	}

	ct2 := &countingTransport{rt: http.DefaultTransport}
	hc := &http.Client{Transport: ct2}
	c2, _ := apiclient.New(apiclient.WithBaseURL(srv.URL), apiclient.WithHTTPClient(hc))
	if _, err := c2.RetrieveMetadata(ctx, ""); err != nil || ct2.n != 1 {
		t.Errorf("WithHTTPClient: err %v, %d round trips", err, ct2.n)
	}
	if hc.Jar != nil || hc.CheckRedirect != nil {
		t.Error("WithHTTPClient changed the caller's http.Client")
	}
}

func TestWithInsecureSkipVerify(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"web_domain":"tls"}`) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	t.Cleanup(srv.Close)

	strict, _ := apiclient.New(apiclient.WithBaseURL(srv.URL))
	_, err := strict.RetrieveMetadata(ctx, "")
	if !errors.Is(err, apiclient.ErrNetwork) {
		t.Fatalf("self-signed certificate accepted by default: err = %v", err)
	}
	if !strings.Contains(err.Error(), "certificate") {
		t.Errorf("err = %q, want it to mention the certificate", err)
	}

	loose, _ := apiclient.New(apiclient.WithBaseURL(srv.URL), apiclient.WithInsecureSkipVerify(true))
	if !loose.Insecure() {
		t.Error("Insecure() = false")
	}
	m, err := loose.RetrieveMetadata(ctx, "")
	if err != nil || m.WebDomain != "tls" {
		t.Fatalf("insecure client: %v, %+v", err, m)
	}
}
