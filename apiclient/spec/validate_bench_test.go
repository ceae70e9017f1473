package spec_test

import (
	"net/http"
	"testing"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/spec"
)

// benchExchanges are typical exchanges the runner and the TUI check after each call:
// each valid, so the benchmark measures the common path (no violation to build).
func benchExchanges() []struct {
	name string
	ex   *apiclient.Exchange
} {
	jsonHdr := func(kv ...string) http.Header {
		h := http.Header{"Content-Type": {"application/json"}}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	return []struct {
		name string
		ex   *apiclient.Exchange
	}{
		{"info", &apiclient.Exchange{
			Operation: "retrieveMetadata", Method: http.MethodGet, URL: "http://127.0.0.1:8887/api/info",
			RequestHeader: http.Header{"Accept": {"application/json"}}, Status: 200, ResponseHeader: jsonHdr(),
			ResponseBody: []byte(`{"web_domain":"pbx.example.com","private_ipv4":"127.0.0.1","public_ipv4":"127.0.0.1",` +
				`"enable_ipv6":false,"private_ipv6":"::1","public_ipv6":"::1","primary_dns_server":"127.0.0.1",` +
				`"secondary_dns_server":"127.0.0.1","enable_dataflow":false}`),
		}},
		{"sign_in", &apiclient.Exchange{
			Operation: "signInWithCredentials", Method: http.MethodPost, URL: "http://127.0.0.1:8887/api/auth/sign_in",
			RequestHeader: jsonHdr(), RequestBody: []byte(`{"username":"alice","password":"Alice#2026","domain":"example.com"}`),
			Status: 200, ResponseHeader: jsonHdr(),
			ResponseBody: []byte(`{"token_type":"Bearer","access_token":"0123456789abcdef0123456789abcdef",` +
				`"refresh_token":"fedcba9876543210fedcba9876543210","expires_in":1800}`),
		}},
		{"sign_in_unauthorized", &apiclient.Exchange{
			Operation: "signInWithCredentials", Method: http.MethodPost, URL: "http://127.0.0.1:8887/api/auth/sign_in",
			RequestHeader: jsonHdr(), RequestBody: []byte(`{"username":"alice","password":"wrong#2026","domain":"example.com"}`),
			Status: 401, ResponseHeader: jsonHdr(),
			ResponseBody: []byte(`{"errors":[{"code":"UNAUTHORIZED","message":"invalid username or password"}]}`),
		}},
		{"user", &apiclient.Exchange{
			Operation: "getUserAuthInfo", Method: http.MethodGet, URL: "http://127.0.0.1:8887/api/auth/user",
			RequestHeader: jsonHdr("Authorization", "Bearer 0123456789abcdef0123456789abcdef"),
			Status:        200, ResponseHeader: jsonHdr(),
			ResponseBody: []byte(`{"role":"Admin","password_verified":true,"password_force_reset":false,` +
				`"domain":"example.com","role_id":"admin","role_name":"Admin","capabilities":["users.read"]}`),
		}},
	}
}

// BenchmarkValidateExchange checks one exchange against the document, per operation:
// the cost the runner pays after every step and the TUI after every call.
func BenchmarkValidateExchange(b *testing.B) {
	if _, err := spec.Load(); err != nil {
		b.Fatal(err)
	}
	for _, tc := range benchExchanges() {
		b.Run(tc.name, func(b *testing.B) {
			if vs := tc.ex.Validate(); len(vs) > 0 {
				b.Fatalf("the benchmark exchange is not valid: %v", vs)
			}
			b.ReportAllocs()
			for b.Loop() {
				tc.ex.Validate()
			}
		})
	}
}

// BenchmarkMatch resolves a method and path to an operation, as the mock does for
// every request it routes.
func BenchmarkMatch(b *testing.B) {
	for _, tc := range []struct{ name, method, path string }{
		{"info", http.MethodGet, "/info"},
		{"sign_in_provider", http.MethodPost, "/auth/sign_in/microsoft"},
		{"not_found", http.MethodGet, "/nope"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				spec.Match(tc.method, tc.path)
			}
		})
	}
}
