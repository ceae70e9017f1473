package apiclient

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
)

// OAuthClientID is the client_id PortSIP's authentication guide gives for
// POST /api/login/oauth/token: "the value is always" this one.
const OAuthClientID = "9d806019-75b2-4b3d-bb8b-f5a3a412cc0a"

// CodeExchange trades an authorization code at the token endpoint (grant_type
// authorization_code). RedirectURI is the callback_url the sign-in started with;
// CodeVerifier is the PKCE verifier whose challenge the sign-in sent (empty when it
// sent none).
type CodeExchange struct {
	Code         Secret
	RedirectURI  string
	CodeVerifier Secret
}

// PKCE is a verifier and its S256 challenge (RFC 7636): send Challenge with
// SocialSignIn, keep Verifier for the CodeExchange.
type PKCE struct {
	Verifier  Secret
	Challenge string
}

// NewPKCE makes a verifier of 43 unreserved characters from 256 random bits, and its
// S256 challenge.
func NewPKCE() PKCE {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	v := base64.RawURLEncoding.EncodeToString(b[:])
	return PKCE{Verifier: Secret(v), Challenge: PKCEChallenge(v)}
}

// PKCEChallenge is RFC 7636's S256 transformation of a verifier.
func PKCEChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// OAuthPasswordGrant calls POST /login/oauth/token (oauthToken) with the password
// grant: the guide's form, scope all, the fixed client_id; Domain only for tenant users.
func (c *Client) OAuthPasswordGrant(ctx context.Context, creds Credentials) (*TokenPair, error) {
	form := url.Values{
		"grant_type": {"password"}, "username": {creds.Username}, "password": {creds.Password.Reveal()},
		"scope": {"all"}, "client_id": {OAuthClientID},
	}
	if creds.Domain != "" {
		form.Set("domain", creds.Domain)
	}
	return c.oauthToken(ctx, form)
}

// OAuthRefresh calls POST /login/oauth/token (oauthToken) with the refresh_token grant.
func (c *Client) OAuthRefresh(ctx context.Context, refreshToken Secret) (*TokenPair, error) {
	return c.oauthToken(ctx, url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {refreshToken.Reveal()}, "client_id": {OAuthClientID},
	})
}

// OAuthExchangeCode calls POST /login/oauth/token (oauthToken) with the
// authorization_code grant, without an Authorization header, as the guide says.
func (c *Client) OAuthExchangeCode(ctx context.Context, x CodeExchange) (*TokenPair, error) {
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {x.Code.Reveal()}, "redirect_uri": {x.RedirectURI},
		"client_id": {OAuthClientID},
	}
	if !x.CodeVerifier.IsZero() {
		form.Set("code_verifier", x.CodeVerifier.Reveal())
	}
	return c.oauthToken(ctx, form)
}

func (c *Client) oauthToken(ctx context.Context, form url.Values) (*TokenPair, error) {
	resp, err := c.check(c.Do(ctx, Request{
		Operation: "oauthToken", Method: http.MethodPost, Path: "/login/oauth/token",
		Body: []byte(form.Encode()), ContentType: "application/x-www-form-urlencoded",
	}))
	if err != nil {
		return nil, err
	}
	var tp TokenPair
	if err := decodeInto("oauthToken", resp, &tp); err != nil {
		return nil, err
	}
	if tp.AccessToken.IsZero() {
		return nil, &DecodeError{Op: "oauthToken", Err: fmt.Errorf("no access_token in the answer"), Body: resp.Body}
	}
	return &tp, nil
}

// OAuthRevoke calls POST /login/oauth/revoke (oauthRevoke): the access token ends.
// An empty accessToken uses the client's own.
func (c *Client) OAuthRevoke(ctx context.Context, accessToken Secret) error {
	_, err := c.call(ctx, "oauthRevoke", http.MethodPost, "/login/oauth/revoke", nil, nil, c.bearer(accessToken))
	return err
}
