package apiclient

import "context"

// API is every operation of the PortSIP authentication section. *Client implements
// it; the TUI and tests consume it so they can swap in the generated mock.
type API interface {
	// GET /info (retrieveMetadata). domain may be empty.
	RetrieveMetadata(ctx context.Context, domain string) (*Metadata, error)
	// POST /auth/sign_in (signInWithCredentials).
	SignInWithCredentials(ctx context.Context, creds Credentials) (SignInResult, error)
	// POST /auth/sign_in/{provider} (signInWithSocialAccount).
	SignInWithSocialAccount(ctx context.Context, req SocialSignIn) (*SocialSignInResult, error)
	// POST /auth/send_otp (sendOTP).
	SendOTP(ctx context.Context, challengeToken Secret) error
	// POST /auth/verify_otp (verifyOTP). The pair is nil when the PBX answers no body.
	VerifyOTP(ctx context.Context, challengeToken, code Secret) (*TokenPair, error)
	// POST /auth/forget_password (forgetPassword).
	ForgetPassword(ctx context.Context, req ForgetPassword) error
	// POST /auth/reset_password (resetPassword).
	ResetPassword(ctx context.Context, resetToken, newPassword Secret) error
	// POST /auth/refresh_token (refreshToken).
	RefreshToken(ctx context.Context, refreshToken Secret) (*TokenPair, error)
	// GET /auth/user (getUserAuthInfo). An empty accessToken uses the client's own.
	GetUserAuthInfo(ctx context.Context, accessToken Secret) (*UserAuthInfo, error)
	// POST /auth/sign_out (signOut). An empty accessToken uses the client's own.
	SignOut(ctx context.Context, accessToken Secret) error
	// GET /login (getLoginStatus), with the session cookie.
	GetLoginStatus(ctx context.Context) (*LoginStatus, error)
	// POST /login (login); the session cookie is kept by the client.
	Login(ctx context.Context, creds Credentials) error
	// POST /login/by_microsoft (loginWithMicrosoft): the redirect's Location, not followed.
	LoginWithMicrosoft(ctx context.Context, domain string) (string, error)
	// POST /logout (logout), with the session cookie.
	Logout(ctx context.Context) error

	// The OAuth 2.0 endpoints of PortSIP's authentication guide.

	// POST /login/oauth/token (oauthToken), password grant.
	OAuthPasswordGrant(ctx context.Context, creds Credentials) (*TokenPair, error)
	// POST /login/oauth/token (oauthToken), refresh_token grant.
	OAuthRefresh(ctx context.Context, refreshToken Secret) (*TokenPair, error)
	// POST /login/oauth/token (oauthToken), authorization_code grant (PKCE).
	OAuthExchangeCode(ctx context.Context, x CodeExchange) (*TokenPair, error)
	// POST /login/oauth/revoke (oauthRevoke). An empty accessToken uses the client's own.
	OAuthRevoke(ctx context.Context, accessToken Secret) error
}

var _ API = (*Client)(nil)
