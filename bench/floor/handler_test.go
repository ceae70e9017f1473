package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandler_answersTheTwoBenchmarkedCalls(t *testing.T) {
	h := newHandler()
	for _, tc := range []struct {
		name, method, path, body string
		want                     int
	}{
		{"info", http.MethodGet, "/api/info", "", 200},
		{"sign-in", http.MethodPost, "/api/auth/sign_in", `{"username":"alice","password":"Alice#2026","domain":"example.com"}`, 200},
		{"wrong password", http.MethodPost, "/api/auth/sign_in", `{"username":"alice","password":"nope","domain":"example.com"}`, 401},
		{"malformed JSON", http.MethodPost, "/api/auth/sign_in", `{"username":`, 400},
		{"anything else", http.MethodGet, "/api/auth/user", "", 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body)))
			if w.Code != tc.want {
				t.Fatalf("%s %s: %d, want %d: %s", tc.method, tc.path, w.Code, tc.want, w.Body)
			}
		})
	}
}

func TestHandler_signInMintsFreshTokens(t *testing.T) {
	h := newHandler()
	seen := map[string]bool{}
	for range 2 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/api/auth/sign_in",
			strings.NewReader(`{"username":"alice","password":"Alice#2026"}`)))
		var p tokenPair
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		if len(p.AccessToken) != 32 || p.AccessToken == p.RefreshToken || seen[p.AccessToken] {
			t.Fatalf("tokens not fresh 128-bit values: %+v", p)
		}
		seen[p.AccessToken] = true
	}
}
