package apiclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/pbxauth/pbxauth/internal/boundedjson"
)

// RetrieveMetadata calls GET /info (retrieveMetadata).
func (c *Client) RetrieveMetadata(ctx context.Context, domain string) (*Metadata, error) {
	var q url.Values
	if domain != "" {
		q = url.Values{"domain": {domain}}
	}
	resp, err := c.call(ctx, "retrieveMetadata", http.MethodGet, "/info", q, nil, "")
	if err != nil {
		return nil, err
	}
	var m Metadata
	return &m, decodeInto("retrieveMetadata", resp, &m)
}

type credentialsBody struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Domain   string `json:"domain,omitempty"`
}

func credentialsPayload(c Credentials) credentialsBody {
	return credentialsBody{Username: c.Username, Password: c.Password.Reveal(), Domain: c.Domain}
}

// SignInWithCredentials calls POST /auth/sign_in (signInWithCredentials).
func (c *Client) SignInWithCredentials(ctx context.Context, creds Credentials) (SignInResult, error) {
	var q url.Values
	if creds.QR {
		q = url.Values{"qr": {"true"}}
	}
	resp, err := c.call(ctx, "signInWithCredentials", http.MethodPost, "/auth/sign_in", q, credentialsPayload(creds), "")
	if err != nil {
		return nil, err
	}
	var probe map[string]json.RawMessage
	if err := boundedjson.Unmarshal(resp.Body, &probe); err != nil {
		return nil, &DecodeError{Op: "signInWithCredentials", Err: err, Body: resp.Body}
	}
	if _, ok := probe["two_factor_enabled"]; ok {
		var ch TwoFactorChallenge
		return &ch, decodeInto("signInWithCredentials", resp, &ch)
	}
	var tp TokenPair
	if err := decodeInto("signInWithCredentials", resp, &tp); err != nil {
		return nil, err
	}
	if tp.AccessToken.IsZero() {
		return nil, &DecodeError{Op: "signInWithCredentials", Err: fmt.Errorf("neither a token pair nor a two-factor challenge"), Body: resp.Body}
	}
	return &tp, nil
}

// SignInWithSocialAccount calls POST /auth/sign_in/{provider} (signInWithSocialAccount).
func (c *Client) SignInWithSocialAccount(ctx context.Context, req SocialSignIn) (*SocialSignInResult, error) {
	if req.Provider == "" || strings.ContainsAny(req.Provider, "/?#") {
		return nil, fmt.Errorf("apiclient: invalid provider %q", req.Provider)
	}
	body := map[string]string{"domain": req.Domain, "callback_url": req.CallbackURL}
	if req.CodeChallenge != "" {
		body["code_challenge"], body["code_challenge_method"] = req.CodeChallenge, "S256"
	}
	if req.ClientID != "" {
		body["client_id"] = req.ClientID
	}
	resp, err := c.call(ctx, "signInWithSocialAccount", http.MethodPost, "/auth/sign_in/"+url.PathEscape(req.Provider), nil, body, "")
	if err != nil {
		return nil, err
	}
	var r SocialSignInResult
	return &r, decodeInto("signInWithSocialAccount", resp, &r)
}

// SendOTP calls POST /auth/send_otp (sendOTP).
func (c *Client) SendOTP(ctx context.Context, challengeToken Secret) error {
	_, err := c.call(ctx, "sendOTP", http.MethodPost, "/auth/send_otp", nil, map[string]string{"token": challengeToken.Reveal()}, "")
	return err
}

// VerifyOTP calls POST /auth/verify_otp (verifyOTP).
func (c *Client) VerifyOTP(ctx context.Context, challengeToken, code Secret) (*TokenPair, error) {
	body := map[string]string{"token": challengeToken.Reveal(), "code": code.Reveal()}
	resp, err := c.call(ctx, "verifyOTP", http.MethodPost, "/auth/verify_otp", nil, body, "")
	if err != nil {
		return nil, err
	}
	if len(strings.TrimSpace(string(resp.Body))) == 0 {
		return nil, nil
	}
	var tp TokenPair
	return &tp, decodeInto("verifyOTP", resp, &tp)
}

// ForgetPassword calls POST /auth/forget_password (forgetPassword).
func (c *Client) ForgetPassword(ctx context.Context, req ForgetPassword) error {
	body := map[string]string{"username": req.Username, "callback_url": req.CallbackURL}
	if req.Domain != "" {
		body["domain"] = req.Domain
	}
	_, err := c.call(ctx, "forgetPassword", http.MethodPost, "/auth/forget_password", nil, body, "")
	return err
}

// ResetPassword calls POST /auth/reset_password (resetPassword).
func (c *Client) ResetPassword(ctx context.Context, resetToken, newPassword Secret) error {
	body := map[string]string{"token": resetToken.Reveal(), "new_password": newPassword.Reveal()}
	_, err := c.call(ctx, "resetPassword", http.MethodPost, "/auth/reset_password", nil, body, "")
	return err
}

// RefreshToken calls POST /auth/refresh_token (refreshToken).
func (c *Client) RefreshToken(ctx context.Context, refreshToken Secret) (*TokenPair, error) {
	resp, err := c.call(ctx, "refreshToken", http.MethodPost, "/auth/refresh_token", nil, map[string]string{"refresh_token": refreshToken.Reveal()}, "")
	if err != nil {
		return nil, err
	}
	var tp TokenPair
	return &tp, decodeInto("refreshToken", resp, &tp)
}

// GetUserAuthInfo calls GET /auth/user (getUserAuthInfo).
func (c *Client) GetUserAuthInfo(ctx context.Context, accessToken Secret) (*UserAuthInfo, error) {
	resp, err := c.call(ctx, "getUserAuthInfo", http.MethodGet, "/auth/user", nil, nil, c.bearer(accessToken))
	if err != nil {
		return nil, err
	}
	var u UserAuthInfo
	return &u, decodeInto("getUserAuthInfo", resp, &u)
}

// SignOut calls POST /auth/sign_out (signOut).
func (c *Client) SignOut(ctx context.Context, accessToken Secret) error {
	_, err := c.call(ctx, "signOut", http.MethodPost, "/auth/sign_out", nil, nil, c.bearer(accessToken))
	return err
}

// GetLoginStatus calls GET /login (getLoginStatus) with the session cookie.
func (c *Client) GetLoginStatus(ctx context.Context) (*LoginStatus, error) {
	resp, err := c.call(ctx, "getLoginStatus", http.MethodGet, "/login", nil, nil, "")
	if err != nil {
		return nil, err
	}
	var s LoginStatus
	return &s, decodeInto("getLoginStatus", resp, &s)
}

// Login calls POST /login (login); the session cookie it sets is kept.
func (c *Client) Login(ctx context.Context, creds Credentials) error {
	_, err := c.call(ctx, "login", http.MethodPost, "/login", nil, credentialsPayload(creds), "")
	return err
}

// LoginWithMicrosoft calls POST /login/by_microsoft (loginWithMicrosoft) with a form
// and returns the redirect's Location without following it.
func (c *Client) LoginWithMicrosoft(ctx context.Context, domain string) (string, error) {
	form := url.Values{"domain": {domain}}
	resp, err := c.check(c.Do(ctx, Request{
		Operation: "loginWithMicrosoft", Method: http.MethodPost, Path: "/login/by_microsoft",
		Body: []byte(form.Encode()), ContentType: "application/x-www-form-urlencoded",
	}))
	if err != nil {
		return "", err
	}
	loc := resp.Header.Get("Location")
	if resp.Status != http.StatusFound && loc == "" {
		return "", &DecodeError{Op: "loginWithMicrosoft", Err: fmt.Errorf("expected a 302 redirect, got %d", resp.Status), Body: resp.Body}
	}
	if loc == "" {
		return "", &DecodeError{Op: "loginWithMicrosoft", Err: fmt.Errorf("302 without a Location header"), Body: resp.Body}
	}
	return loc, nil
}

// Logout calls POST /logout (logout) with the session cookie.
func (c *Client) Logout(ctx context.Context) error {
	_, err := c.call(ctx, "logout", http.MethodPost, "/logout", nil, nil, "")
	return err
}
