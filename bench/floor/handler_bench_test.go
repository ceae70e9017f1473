package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkFloorHandler is gobench.sh's baseline: the floor's two calls through its
// handler, with the request built in the loop the same way the mock's handler
// benchmarks build theirs, so their ratios compare like with like.
func BenchmarkFloorHandler(b *testing.B) {
	h := newHandler()
	for _, tc := range []struct{ name, method, path, body string }{
		{"info", http.MethodGet, "/api/info", ""},
		{"sign_in", http.MethodPost, "/api/auth/sign_in", `{"username":"alice","password":"Alice#2026","domain":"example.com"}`},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
				req.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s %s: %d %s", tc.method, tc.path, w.Code, w.Body)
				}
			}
		})
	}
}

// BenchmarkEmptyHandler is the cost of the benchmark scaffolding alone (request,
// recorder, an http.HandlerFunc that writes nothing).
func BenchmarkEmptyHandler(b *testing.B) {
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/api/info", strings.NewReader(""))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
}
