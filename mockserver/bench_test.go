package mockserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pbxauth/pbxauth/mockserver"
)

const benchSignIn = `{"username":"alice","password":"Alice#2026","domain":"example.com"}`

// BenchmarkHandler_Info and BenchmarkHandler_SignIn serve GET /api/info and POST
// /api/auth/sign_in through the full handler (routing, validation, state, journal),
// without a network, for ns/op and allocs/op of the mock's own work.
func BenchmarkHandler_Info(b *testing.B) {
	srv, err := mockserver.New(mockserver.Options{})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/api/info", nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

func BenchmarkHandler_SignIn(b *testing.B) {
	srv, err := mockserver.New(mockserver.Options{})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/api/auth/sign_in", strings.NewReader(benchSignIn))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// The loopback benchmarks go through a real listener and a keep-alive client, next
// to a bare net/http handler answering the same /info bytes: the ratio of the two is
// what issue 6's throughput floor is about.
func benchLoopback(b *testing.B, base string, client *http.Client, method, path, body string) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

func BenchmarkLoopback_Floor(b *testing.B) {
	info := []byte(`{"web_domain":"pbx.example.net","private_ipv4":"192.168.1.10","public_ipv4":"203.0.113.10","enable_ipv6":false,"primary_dns_server":"192.168.1.1","secondary_dns_server":"1.1.1.1","enable_dataflow":true}`)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(info)
	}))
	defer ts.Close()
	benchLoopback(b, ts.URL, ts.Client(), http.MethodGet, "/api/info", "")
}

func BenchmarkLoopback_Info(b *testing.B) {
	srv, err := mockserver.Start(mockserver.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	benchLoopback(b, srv.URL(), srv.Client(), http.MethodGet, "/api/info", "")
}

func BenchmarkLoopback_SignIn(b *testing.B) {
	srv, err := mockserver.Start(mockserver.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	benchLoopback(b, srv.URL(), srv.Client(), http.MethodPost, "/api/auth/sign_in", benchSignIn)
}
