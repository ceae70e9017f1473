package mockserver

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/pbxauth/pbxauth/apiclient/rules"
)

// Data is what the mock PBX knows at start and after a reset: the system metadata and
// accounts, the tenants with their users, and any custom roles. DemoData builds the
// built-in set; LoadData reads one from YAML.
type Data struct {
	System  System   `yaml:"system"`
	Tenants []Tenant `yaml:"tenants"`
	// Roles adds custom roles (or overrides a built-in one by name).
	Roles []Role `yaml:"roles"`
}

// System is the PBX-wide part: the metadata of GET /info and the system-level accounts
// (system admins, dealers), which sign in without a domain.
type System struct {
	WebDomain          string  `yaml:"web_domain"`
	PrivateIPv4        string  `yaml:"private_ipv4"`
	PublicIPv4         string  `yaml:"public_ipv4"`
	EnableIPv6         bool    `yaml:"enable_ipv6"`
	PrivateIPv6        string  `yaml:"private_ipv6"`
	PublicIPv6         string  `yaml:"public_ipv6"`
	PrimaryDNSServer   string  `yaml:"primary_dns_server"`
	SecondaryDNSServer string  `yaml:"secondary_dns_server"`
	EnableDataflow     bool    `yaml:"enable_dataflow"`
	PasswordPolicy     *Policy `yaml:"password_policy"`
	// Accounts are the system-level accounts; TwoFactor on one of them asks it for a
	// one-time code (PortSIP v22.6 and later).
	Accounts []Account `yaml:"accounts"`
}

// Tenant is one tenant of the PBX, known by its SIP domain.
type Tenant struct {
	Domain    string `yaml:"domain"`
	Name      string `yaml:"name"`
	Website   string `yaml:"website"`
	AvatarURL string `yaml:"avatar_url"`
	// TwoFactor makes every sign-in of the tenant's users ask for a one-time code.
	TwoFactor      bool      `yaml:"two_factor"`
	MS365          MS365     `yaml:"ms365"`
	PasswordPolicy *Policy   `yaml:"password_policy"`
	Users          []Account `yaml:"users"`
	// Lockout, when set, throttles failed sign-ins (pbxauth's own choice; see Lockout).
	Lockout *Lockout `yaml:"lockout"`
}

// MS365 is a tenant's Microsoft 365 sign-in setting.
type MS365 struct {
	Enabled bool `yaml:"enabled"`
	// AuthorizationEndpoint is the tenant's Microsoft authorization page. Empty means
	// the simulated identity provider the mock serves under /_mock/idp/.
	AuthorizationEndpoint string `yaml:"authorization_endpoint"`
}

// Account is a user (tenant) or a system-level account.
type Account struct {
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	Role     string `yaml:"role"`
	// Email receives one-time codes and reset links; empty means username@domain.
	Email string `yaml:"email"`
	// DisplayName and Extension greet the person in the mails (PortSIP's templates
	// name both); empty means the username.
	DisplayName        string `yaml:"display_name"`
	Extension          string `yaml:"extension"`
	PasswordForceReset bool   `yaml:"password_force_reset"`
	TwoFactor          bool   `yaml:"two_factor"`
}

// Role is what GET /auth/user tells about an account's role.
type Role struct {
	Name         string   `yaml:"name"`
	ID           string   `yaml:"id"`
	DisplayName  string   `yaml:"display_name"`
	Capabilities []string `yaml:"capabilities"`
}

// Policy is a password policy. Zero and nil fields take the defaults: at least 8 and
// at most 64 characters, at least one letter and one digit.
type Policy struct {
	MinLength     int   `yaml:"min_length"`
	MaxLength     int   `yaml:"max_length"`
	RequireLetter *bool `yaml:"require_letter"`
	RequireDigit  *bool `yaml:"require_digit"`
	RequireUpper  bool  `yaml:"require_upper"`
	RequireLower  bool  `yaml:"require_lower"`
	RequireSymbol bool  `yaml:"require_symbol"`
}

// Policy defaults.
const (
	DefaultPasswordMinLength = 8
	DefaultPasswordMaxLength = 64
)

// builtinRoles are PortSIP's built-in roles; capabilities are the mock's own names.
var builtinRoles = []Role{
	{Name: "SystemAdmin", ID: "1", DisplayName: "System administrator", Capabilities: []string{"system.manage", "tenants.manage", "dealers.manage", "users.manage", "reports.view"}},
	{Name: "Replicator", ID: "2", DisplayName: "Replicator", Capabilities: []string{"system.replicate"}},
	{Name: "Dealer", ID: "3", DisplayName: "Dealer", Capabilities: []string{"tenants.manage", "reports.view"}},
	{Name: "Admin", ID: "4", DisplayName: "Tenant administrator", Capabilities: []string{"tenant.manage", "users.manage", "extensions.manage", "reports.view", "calls.make"}},
	{Name: "StandardUser", ID: "5", DisplayName: "Standard user", Capabilities: []string{"calls.make", "voicemail.read", "profile.edit"}},
	{Name: "StandardInternationalUser", ID: "6", DisplayName: "Standard international user", Capabilities: []string{"calls.make", "calls.international", "voicemail.read", "profile.edit"}},
	{Name: "QueueManager", ID: "7", DisplayName: "Queue manager", Capabilities: []string{"calls.make", "queues.manage", "reports.view"}},
}

// BuiltinRoles lists PortSIP's built-in roles as the mock describes them.
func BuiltinRoles() []Role {
	out := make([]Role, len(builtinRoles))
	for i, r := range builtinRoles {
		r.Capabilities = append([]string(nil), r.Capabilities...)
		out[i] = r
	}
	return out
}

// DemoData is the built-in data set (see the README's demo accounts table).
func DemoData() *Data {
	return &Data{
		System: System{
			WebDomain:          "pbx.example.net",
			PrivateIPv4:        "192.168.1.10",
			PublicIPv4:         "203.0.113.10",
			PrimaryDNSServer:   "192.168.1.1",
			SecondaryDNSServer: "1.1.1.1",
			EnableDataflow:     true,
			Accounts: []Account{
				{Username: "admin", Password: "Admin#2026", Role: "SystemAdmin", Email: "admin@pbx.example.net"},
				{Username: "dealer1", Password: "Dealer#2026", Role: "Dealer", Email: "dealer1@pbx.example.net"},
			},
		},
		Tenants: []Tenant{
			{
				Domain: "example.com", Name: "Example Inc.", Website: "https://www.example.com",
				Users: []Account{
					{Username: "alice", Password: "Alice#2026", Role: "Admin", Email: "alice@example.com", DisplayName: "Alice Smith", Extension: "101"},
					{Username: "bob", Password: "Bob#2026", Role: "StandardUser", Email: "bob@example.com", DisplayName: "Bob Jones", Extension: "102"},
				},
			},
			{
				Domain: "secure.example.com", Name: "Secure Example Ltd.", Website: "https://secure.example.com",
				TwoFactor: true,
				Users: []Account{
					{Username: "carol", Password: "Carol#2026", Role: "StandardUser", Email: "carol@secure.example.com", DisplayName: "Carol White", Extension: "201"},
				},
			},
			{
				Domain: "contoso.com", Name: "Contoso", Website: "https://www.contoso.com",
				MS365: MS365{Enabled: true},
				Users: []Account{
					{Username: "dave", Password: "Dave#2026", Role: "StandardUser", Email: "dave@contoso.com", DisplayName: "Dave Brown", Extension: "301"},
				},
			},
		},
	}
}

// Clone deep-copies the data, so a server's changes (new passwords) never reach the
// caller's value and a reset can start again from the original.
func (d *Data) Clone() *Data {
	c := *d
	c.System.Accounts = append([]Account(nil), d.System.Accounts...)
	c.System.PasswordPolicy = d.System.PasswordPolicy.clone()
	c.Tenants = make([]Tenant, len(d.Tenants))
	for i, t := range d.Tenants {
		t.Users = append([]Account(nil), t.Users...)
		t.PasswordPolicy = t.PasswordPolicy.clone()
		if t.Lockout != nil {
			l := *t.Lockout
			t.Lockout = &l
		}
		c.Tenants[i] = t
	}
	c.Roles = make([]Role, len(d.Roles))
	for i, r := range d.Roles {
		r.Capabilities = append([]string(nil), r.Capabilities...)
		c.Roles[i] = r
	}
	return &c
}

func (p *Policy) clone() *Policy {
	if p == nil {
		return nil
	}
	c := *p
	if p.RequireLetter != nil {
		v := *p.RequireLetter
		c.RequireLetter = &v
	}
	if p.RequireDigit != nil {
		v := *p.RequireDigit
		c.RequireDigit = &v
	}
	return &c
}

// dataError is one problem of a data set; line is 0 when the data came from Go.
type dataError struct {
	where string // e.g. `tenant "example.com" user "alice"`
	line  int
	msg   string
}

// lineFinder gives the YAML line of a tenant or an account; nil for Go data.
type lineFinder interface {
	tenantLine(ti int) int
	accountLine(ti, ai int) int // ti < 0: a system account
	roleLine(ri int) int
}

// check validates a data set: domains and usernames by the field rules, no duplicates,
// known roles, sane policies. It returns every problem, not just the first.
func (d *Data) check(lines lineFinder) []dataError {
	var errs []dataError
	line := func(f func() int) int {
		if lines == nil {
			return 0
		}
		return f()
	}
	roles := map[string]bool{}
	for _, r := range builtinRoles {
		roles[r.Name] = true
	}
	for i, r := range d.Roles {
		where := fmt.Sprintf("role %d", i+1)
		if v := rules.Role(r.Name); v != nil {
			errs = append(errs, dataError{where, line(func() int { return lines.roleLine(i) }), "name " + v.Message})
		}
		roles[r.Name] = true
	}
	checkAccounts := func(ti int, domain string, accts []Account) {
		seen := map[string]bool{}
		for ai, a := range accts {
			where := fmt.Sprintf("system account %q", a.Username)
			if domain != "" {
				where = fmt.Sprintf("tenant %q user %q", domain, a.Username)
			}
			l := line(func() int { return lines.accountLine(ti, ai) })
			if v := rules.Username(a.Username, domain == ""); v != nil {
				errs = append(errs, dataError{where, l, "username " + v.Message})
			}
			if seen[a.Username] {
				errs = append(errs, dataError{where, l, "duplicate username"})
			}
			seen[a.Username] = true
			if a.Password == "" {
				errs = append(errs, dataError{where, l, "password is required"})
			}
			if a.Role == "" {
				errs = append(errs, dataError{where, l, "role is required"})
			} else if !roles[a.Role] {
				errs = append(errs, dataError{where, l, fmt.Sprintf("unknown role %q (built-in roles: %s; custom ones go under roles:)", a.Role, builtinRoleNames())})
			}
			if a.Email != "" && !strings.Contains(a.Email, "@") {
				errs = append(errs, dataError{where, l, "email must be an address like name@example.com"})
			}
		}
	}
	checkAccounts(-1, "", d.System.Accounts)
	if msg := d.System.PasswordPolicy.problem(); msg != "" {
		errs = append(errs, dataError{"system password_policy", 0, msg})
	}
	domains := map[string]bool{}
	for ti, t := range d.Tenants {
		where := fmt.Sprintf("tenant %q", t.Domain)
		l := line(func() int { return lines.tenantLine(ti) })
		if v := rules.Domain(t.Domain); v != nil {
			errs = append(errs, dataError{where, l, "domain " + v.Message})
		}
		key := strings.ToLower(t.Domain)
		if domains[key] {
			errs = append(errs, dataError{where, l, "duplicate domain"})
		}
		domains[key] = true
		if ep := t.MS365.AuthorizationEndpoint; ep != "" {
			if u, err := url.Parse(ep); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				errs = append(errs, dataError{where, l, "ms365.authorization_endpoint must be an absolute http(s) URL"})
			}
		}
		if msg := t.PasswordPolicy.problem(); msg != "" {
			errs = append(errs, dataError{where, l, "password_policy: " + msg})
		}
		if msg := t.Lockout.problem(); msg != "" {
			errs = append(errs, dataError{where, l, msg})
		}
		checkAccounts(ti, t.Domain, t.Users)
	}
	return errs
}

func builtinRoleNames() string {
	names := make([]string, len(builtinRoles))
	for i, r := range builtinRoles {
		names[i] = r.Name
	}
	return strings.Join(names, ", ")
}

func (p *Policy) problem() string {
	if p == nil {
		return ""
	}
	min, max := p.minLen(), p.maxLen()
	switch {
	case p.MinLength < 0 || p.MaxLength < 0:
		return "lengths must not be negative"
	case min > max:
		return fmt.Sprintf("min_length %d is above max_length %d", min, max)
	}
	return ""
}

func (p *Policy) minLen() int {
	if p == nil || p.MinLength == 0 {
		return DefaultPasswordMinLength
	}
	return p.MinLength
}

func (p *Policy) maxLen() int {
	if p == nil || p.MaxLength == 0 {
		return DefaultPasswordMaxLength
	}
	return p.MaxLength
}

func (p *Policy) letter() bool { return p == nil || p.RequireLetter == nil || *p.RequireLetter }
func (p *Policy) digit() bool  { return p == nil || p.RequireDigit == nil || *p.RequireDigit }
