package apiclient_test

import (
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pbxauth/pbxauth/apiclient"
)

// A request that cannot be put on the wire (a token with a newline) is the
// caller's mistake, told before anything is sent, and never a network error.
func TestClient_unbuildableRequestIsNotATransportError(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	c, err := apiclient.New(apiclient.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	const secret = "abc\ndef-secret"
	for name, r := range map[string]apiclient.Request{
		"bearer with a newline": {Method: "GET", Path: "/auth/user", Bearer: apiclient.Secret(secret)},
		"header with a NUL":     {Method: "GET", Path: "/info", Header: http.Header{"X-Test": {"a\x00b"}}},
		"bad header name":       {Method: "GET", Path: "/info", Header: http.Header{"Bad Name": {"v"}}},
		"bad method":            {Method: "G E T", Path: "/info"},
	} {
		t.Run(name, func(t *testing.T) {
			var ex *apiclient.Exchange
			_, err := c.Do(apiclient.WithExchangeObserver(ctx, func(e *apiclient.Exchange) { ex = e }), r)
			var re *apiclient.RequestError
			if !errors.As(err, &re) {
				t.Fatalf("err = %#v, want *RequestError", err)
			}
			var te *apiclient.TransportError
			if errors.As(err, &te) || errors.Is(err, apiclient.ErrNetwork) || errors.Is(err, apiclient.ErrTimeout) {
				t.Errorf("err = %v reads as a transport error", err)
			}
			if strings.Contains(err.Error(), "def-secret") {
				t.Errorf("err = %q shows the value", err)
			}
			if ex == nil || ex.Err == "" {
				t.Errorf("the failed build is not observed: %+v", ex)
			}
			if _, err := c.Preview(r); !errors.As(err, &re) {
				t.Errorf("Preview: err = %v, want *RequestError", err)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
	_, err = c.GetUserAuthInfo(ctx, apiclient.Secret(secret))
	if err == nil || !strings.Contains(err.Error(), "Authorization") {
		t.Errorf("typed call: err = %v, want it to name the header", err)
	}
}

func TestNormalizeBaseURL_refusesOperationPaths(t *testing.T) {
	for _, in := range []string{
		"http://pbx.example.com/api/info",
		"https://pbx.example.com:8887/api/auth/sign_in",
		"https://pbx.example.com/api/login/",
		"https://pbx.example.com/api/logout",
		"https://pbx.example.com/portsip/api/auth/user",
	} {
		t.Run(in, func(t *testing.T) {
			u, err := apiclient.NormalizeBaseURL(in)
			if err == nil {
				t.Fatalf("NormalizeBaseURL(%q) = %q, want an error", in, u)
			}
			if !strings.Contains(err.Error(), "operation path") || !strings.Contains(err.Error(), in) {
				t.Errorf("err = %q, want it to say the URL names an operation path", err)
			}
		})
	}
}

// Two ways a right address is still the wrong one: plain HTTP asked for over
// HTTPS, and a self-signed certificate. The error says what to do.
func TestTransportError_hints(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(plain.Close)
	host := strings.TrimPrefix(plain.URL, "http://")
	c, _ := apiclient.New(apiclient.WithBaseURL("https://" + host))
	_, err := c.RetrieveMetadata(ctx, "")
	var te *apiclient.TransportError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *TransportError", err)
	}
	if want := "the PBX speaks plain HTTP: use --url http://" + host; te.Hint() != want || !strings.Contains(err.Error(), want) {
		t.Errorf("hint = %q, err = %q, want %q", te.Hint(), err, want)
	}

	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	c, _ = apiclient.New(apiclient.WithBaseURL(tlsSrv.URL))
	_, err = c.RetrieveMetadata(ctx, "")
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *TransportError", err)
	}
	if want := "use --insecure to skip verification of self-signed certificates"; !strings.Contains(te.Hint(), want) || !strings.Contains(err.Error(), want) {
		t.Errorf("hint = %q, err = %q", te.Hint(), err)
	}

	// A refused connection has nothing to suggest beyond the message.
	plain.Close()
	c, _ = apiclient.New(apiclient.WithBaseURL(plain.URL))
	_, err = c.RetrieveMetadata(ctx, "")
	if errors.As(err, &te) && te.Hint() != "" {
		t.Errorf("refused connection hint = %q", te.Hint())
	}
}

func TestPrettyJSON_keepsOrderAndDoesNotEscapeHTML(t *testing.T) {
	in := `{"z":1,"link":"https://pbx/reset?a=1\u0026b=\u003cx\u003e","a":"back\\u0026slash","e":"\u2028"}`
	got := apiclient.PrettyJSON([]byte(in))
	want := "{\n  \"z\": 1,\n  \"link\": \"https://pbx/reset?a=1&b=<x>\",\n  \"a\": \"back\\\\u0026slash\",\n  \"e\": \"\\u2028\"\n}"
	if got != want {
		t.Errorf("PrettyJSON =\n%s\nwant\n%s", got, want)
	}
	if got := apiclient.PrettyJSON([]byte("not json \\u0026")); got != "not json \\u0026" {
		t.Errorf("non-JSON changed: %q", got)
	}
}

func TestAPIError_plainHTTPToAnHTTPSServerGetsAHint(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	c, _ := apiclient.New(apiclient.WithBaseURL(strings.Replace(srv.URL, "https://", "http://", 1)))
	_, err := c.RetrieveMetadata(ctx, "")
	if err == nil || !strings.Contains(err.Error(), "the PBX speaks HTTPS: use an https:// --url") {
		t.Errorf("err = %v", err)
	}
}
