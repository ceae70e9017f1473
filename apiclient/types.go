package apiclient

import (
	"bytes"
	"encoding/json"
	"time"
)

// Metadata is the answer of GET /info: the system fields, plus the tenant's public
// fields when a domain was asked for. Booleans are pointers so that "absent" and
// "false" stay apart.
type Metadata struct {
	WebDomain          string `json:"web_domain,omitempty"`
	PrivateIPv4        string `json:"private_ipv4,omitempty"`
	PublicIPv4         string `json:"public_ipv4,omitempty"`
	EnableIPv6         *bool  `json:"enable_ipv6,omitempty"`
	PrivateIPv6        string `json:"private_ipv6,omitempty"`
	PublicIPv6         string `json:"public_ipv6,omitempty"`
	PrimaryDNSServer   string `json:"primary_dns_server,omitempty"`
	SecondaryDNSServer string `json:"secondary_dns_server,omitempty"`
	EnableDataflow     *bool  `json:"enable_dataflow,omitempty"`

	Name                       string `json:"name,omitempty"`
	Domain                     string `json:"domain,omitempty"`
	Website                    string `json:"website,omitempty"`
	AvatarURL                  string `json:"avatar_url,omitempty"`
	EnableMS365Integration     *bool  `json:"enable_ms365_integration,omitempty"`
	MS365AuthorizationEndpoint string `json:"ms365_authorization_endpoint,omitempty"`
}

// Credentials sign in (POST /auth/sign_in) or open a web session (POST /login).
// An empty Domain means a system-level account (system admin, dealer).
type Credentials struct {
	Username string
	Password Secret
	Domain   string
	// QR marks a sign-in started from a QR code (?qr=true); only sign-in uses it.
	QR bool
}

// SignInResult is what POST /auth/sign_in answers: a *TokenPair, or a
// *TwoFactorChallenge when the account needs a one-time code. Switch on its type.
type SignInResult interface{ signInResult() }

// TokenPair is a bearer access token and the refresh token that renews it.
type TokenPair struct {
	TokenType    string `json:"token_type"`
	AccessToken  Secret `json:"access_token"`
	RefreshToken Secret `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
}

// TwoFactorChallenge asks for a one-time code: call SendOTP, then VerifyOTP, with Token.
type TwoFactorChallenge struct {
	TwoFactorEnabled bool   `json:"two_factor_enabled"`
	Token            Secret `json:"token"`
}

func (*TokenPair) signInResult()          {}
func (*TwoFactorChallenge) signInResult() {}

// SocialSignIn starts POST /auth/sign_in/{provider}.
type SocialSignIn struct {
	Provider    string // "microsoft" is the only provider PortSIP knows
	Domain      string
	CallbackURL string
	// CodeChallenge (S256, see NewPKCE) and ClientID bind the code the identity
	// provider returns to the verifier and client of OAuthExchangeCode. pbxauth's
	// additions: PortSIP's documents name no field for them. Empty: not sent.
	CodeChallenge string
	ClientID      string
}

// SocialSignInResult holds the identity provider page to open.
type SocialSignInResult struct {
	URL string `json:"url"`
}

// ForgetPassword asks for a reset mail (POST /auth/forget_password). Domain may be
// empty for system accounts (PortSIP v22.6 and later).
type ForgetPassword struct {
	Domain      string
	Username    string
	CallbackURL string
}

// UserAuthInfo is the answer of GET /auth/user. Domain, RoleID, RoleName and
// Capabilities exist since PortSIP v22.3.
type UserAuthInfo struct {
	Role               string   `json:"role,omitempty"`
	PasswordVerified   bool     `json:"password_verified"`
	PasswordForceReset bool     `json:"password_force_reset"`
	Domain             string   `json:"domain,omitempty"`
	RoleID             string   `json:"role_id,omitempty"`
	RoleName           string   `json:"role_name,omitempty"`
	Capabilities       []string `json:"capabilities,omitempty"`
}

// UnmarshalJSON reads role_id and capabilities as text whatever their JSON type: the
// v22.3 release note names them without their types, so a number or an object must
// not make a PBX's answer unreadable. A string reads as itself, null as nothing,
// any other value as its compact JSON.
func (u *UserAuthInfo) UnmarshalJSON(b []byte) error {
	type plain UserAuthInfo // without this method
	var raw struct {
		*plain
		RoleID       json.RawMessage   `json:"role_id"`
		Capabilities []json.RawMessage `json:"capabilities"`
	}
	raw.plain = (*plain)(u)
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	u.RoleID, u.Capabilities = jsonText(raw.RoleID), nil
	for _, c := range raw.Capabilities {
		if t := jsonText(c); t != "" {
			u.Capabilities = append(u.Capabilities, t)
		}
	}
	return nil
}

// jsonText is a JSON value as text: a string's content, "" for null or nothing,
// the compact JSON of anything else.
func jsonText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var b bytes.Buffer
	if len(v) == 0 || bytes.Equal(v, []byte("null")) || json.Compact(&b, v) != nil {
		return ""
	}
	return b.String()
}

// LoginStatus is the answer of GET /login for a signed-in web session.
type LoginStatus struct {
	AccessToken Secret    `json:"access_token"`
	ExpiresAt   time.Time `json:"expires_at"`
	ExpiresIn   int       `json:"expires_in"`
	Role        string    `json:"role,omitempty"`
}
