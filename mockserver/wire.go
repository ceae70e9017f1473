package mockserver

// The mock's own JSON shapes of the PBX answers. PortSIP sends a blank field as null
// rather than leaving it out, so every optional field here is a pointer (or a nil
// slice) without omitempty: absent never happens, blank is null. The client's types
// stay lenient (omitempty, zero values) because they read any PBX.

// metadataJSON is the answer of GET /info.
type metadataJSON struct {
	WebDomain          *string `json:"web_domain"`
	PrivateIPv4        *string `json:"private_ipv4"`
	PublicIPv4         *string `json:"public_ipv4"`
	EnableIPv6         *bool   `json:"enable_ipv6"`
	PrivateIPv6        *string `json:"private_ipv6"`
	PublicIPv6         *string `json:"public_ipv6"`
	PrimaryDNSServer   *string `json:"primary_dns_server"`
	SecondaryDNSServer *string `json:"secondary_dns_server"`
	EnableDataflow     *bool   `json:"enable_dataflow"`

	Name                       *string `json:"name"`
	Domain                     *string `json:"domain"`
	Website                    *string `json:"website"`
	AvatarURL                  *string `json:"avatar_url"`
	EnableMS365Integration     *bool   `json:"enable_ms365_integration"`
	MS365AuthorizationEndpoint *string `json:"ms365_authorization_endpoint"`
}

// userAuthInfoJSON is the answer of GET /auth/user.
type userAuthInfoJSON struct {
	Role               *string  `json:"role"`
	PasswordVerified   bool     `json:"password_verified"`
	PasswordForceReset bool     `json:"password_force_reset"`
	Domain             *string  `json:"domain"`
	RoleID             *string  `json:"role_id"`
	RoleName           *string  `json:"role_name"`
	Capabilities       []string `json:"capabilities"`
}

// loginStatusJSON is the answer of GET /login.
type loginStatusJSON struct {
	AccessToken string  `json:"access_token"`
	ExpiresAt   string  `json:"expires_at"`
	ExpiresIn   int     `json:"expires_in"`
	Role        *string `json:"role"`
}

// blank is nil (JSON null) for an empty string.
func blank(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
