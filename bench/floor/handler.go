package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
)

// infoBody is a fixed /info answer of the same shape and size as the mock's, so the
// floor pays the same write cost but none of the building.
var infoBody = []byte(`{"web_domain":"pbx.example.com","private_ipv4":"127.0.0.1","public_ipv4":"127.0.0.1",` +
	`"enable_ipv6":false,"private_ipv6":"::1","public_ipv6":"::1","primary_dns_server":"127.0.0.1",` +
	`"secondary_dns_server":"127.0.0.1","enable_dataflow":false}`)

// credentials is the sign-in body; only what the floor needs to answer.
type credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Domain   string `json:"domain"`
}

type tokenPair struct {
	TokenType    string `json:"token_type"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
}

var errUnauthorized = []byte(`{"errors":[{"code":"UNAUTHORIZED","message":"invalid username or password"}]}`)

// newHandler answers the two benchmarked calls. Sign-in decodes the JSON body and
// mints two random 128-bit tokens, the least any correct mock must do; it keeps
// nothing, so memory stays flat whatever the load.
func newHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/info", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(infoBody)
	})
	mux.HandleFunc("POST /api/auth/sign_in", func(w http.ResponseWriter, r *http.Request) {
		var c credentials
		if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&c); err != nil {
			http.Error(w, `{"errors":[{"code":"VALIDATE_FAILED","message":"malformed JSON"}]}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if c.Username != "alice" || c.Password != "Alice#2026" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write(errUnauthorized)
			return
		}
		_ = json.NewEncoder(w).Encode(tokenPair{
			TokenType: "Bearer", AccessToken: randomToken(), RefreshToken: randomToken(), ExpiresIn: 1800,
		})
	})
	return mux
}

func randomToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b[:])
}
