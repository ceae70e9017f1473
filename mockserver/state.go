package mockserver

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
)

// directory is the PBX's account data, built from a Data set. Passwords change at run
// time (reset_password), so accounts are guarded by mu.
type directory struct {
	mu        sync.RWMutex
	sysPolicy *Policy
	// system holds the system-level accounts by username and the tenant users by userKey.
	system  map[string]*account
	tenants map[string]*tenant // by lower-case domain
	roles   map[string]Role
	// infoJSON is the pre-encoded system metadata of GET /info.
	infoJSON []byte
	sysMeta  metadataJSON
	// webDomain is the PBX's web domain, which the mails name.
	webDomain string
	// dummy is hashed against when a username is unknown, so that an unknown user and
	// a wrong password cost the same.
	dummy *account
	// firstUser is the data's first tenant user (nil without one): forgetPassword's
	// stand-in for an unknown tenant.
	firstUser *account
}

type tenant struct {
	Tenant
	policy   *Policy
	accounts []*account // the tenant's users, in data order (the simulated IdP lists them)
}

type account struct {
	username  string
	domain    string // "" for system-level accounts
	email     string
	display   string // display name in mails; the username when the data gives none
	extension string // extension number in mails; the username when the data gives none
	role      string
	twoFactor bool
	forceRst  bool
	tenant    *tenant // nil for system-level accounts
	salt      [16]byte
	hash      [32]byte // sha256(salt || password); guarded by directory.mu
	// gen moves on with every password change. Grants, challenges and reset links
	// remember the gen they were made under, so a change revokes them all in O(1)
	// (what a PBX does after a password change: whoever knew the old one is out).
	// Written under directory.mu's write lock, read atomically.
	gen atomic.Uint64
}

func newDirectory(d *Data) *directory {
	dir := &directory{
		sysPolicy: d.System.PasswordPolicy,
		system:    make(map[string]*account),
		tenants:   make(map[string]*tenant),
		roles:     make(map[string]Role),
	}
	for _, r := range builtinRoles {
		dir.roles[r.Name] = r
	}
	for _, r := range d.Roles {
		dir.roles[r.Name] = r
	}
	for _, a := range d.System.Accounts {
		dir.system[a.Username] = newAccount(a, "", a.TwoFactor, nil)
	}
	for i := range d.Tenants {
		t := &tenant{Tenant: d.Tenants[i], policy: d.Tenants[i].PasswordPolicy}
		t.Users = nil // the accounts live in dir.system, keyed by userKey
		dir.tenants[strings.ToLower(t.Domain)] = t
		for _, a := range d.Tenants[i].Users {
			acct := newAccount(a, t.Domain, t.TwoFactor || a.TwoFactor, t)
			dir.system[userKey(t.Domain, a.Username)] = acct
			t.accounts = append(t.accounts, acct)
			if dir.firstUser == nil {
				dir.firstUser = acct
			}
		}
	}
	dir.dummy = newAccount(Account{Username: "nobody", Password: "unused"}, "", false, nil)
	s := d.System
	dir.sysMeta = metadataJSON{
		WebDomain: blank(s.WebDomain), PrivateIPv4: blank(s.PrivateIPv4), PublicIPv4: blank(s.PublicIPv4),
		EnableIPv6: &s.EnableIPv6, PrivateIPv6: blank(s.PrivateIPv6), PublicIPv6: blank(s.PublicIPv6),
		PrimaryDNSServer: blank(s.PrimaryDNSServer), SecondaryDNSServer: blank(s.SecondaryDNSServer),
		EnableDataflow: &s.EnableDataflow,
	}
	dir.infoJSON, _ = json.Marshal(dir.sysMeta)
	dir.webDomain = s.WebDomain
	return dir
}

// userKey indexes tenant users beside the system accounts: "\x00" cannot occur in a
// valid username, so the two never collide.
func userKey(domain, username string) string {
	return strings.ToLower(domain) + "\x00" + username
}

func newAccount(a Account, domain string, twoFactor bool, t *tenant) *account {
	acct := &account{
		username: a.Username, domain: domain, email: a.Email, role: a.Role,
		twoFactor: twoFactor, forceRst: a.PasswordForceReset, tenant: t,
		display: cmp.Or(a.DisplayName, a.Username), extension: cmp.Or(a.Extension, a.Username),
	}
	if acct.email == "" {
		host := domain
		if host == "" {
			host = "localhost"
		}
		acct.email = a.Username + "@" + host
	}
	acct.setPassword(a.Password)
	return acct
}

func (a *account) setPassword(pw string) {
	_, _ = rand.Read(a.salt[:])
	a.hash = hashPassword(a.salt, pw)
}

func hashPassword(salt [16]byte, pw string) [32]byte {
	h := sha256.New()
	h.Write(salt[:])
	h.Write([]byte(pw))
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// authenticate finds the account for a username and optional domain and checks the
// password. Without a domain only system-level accounts are searched. The answer is
// the same nil for an unknown tenant, an unknown user and a wrong password. gen is the
// account's generation the password was checked against, read under the same lock,
// so a sign-in racing a password change cannot outlive it.
func (d *directory) authenticate(username, domain, password string) (acct *account, gen uint64) {
	key := username
	if domain != "" {
		key = userKey(domain, username)
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	acct = d.system[key]
	target := acct
	if target == nil {
		target = d.dummy
	}
	h := hashPassword(target.salt, password)
	if subtle.ConstantTimeCompare(h[:], target.hash[:]) != 1 || acct == nil {
		return nil, 0
	}
	return acct, acct.gen.Load()
}

// lookup finds an account without a password (forget_password).
func (d *directory) lookup(username, domain string) *account {
	key := username
	if domain != "" {
		key = userKey(domain, username)
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.system[key]
}

// standIn is the account forgetPassword builds its mail for when the one asked for
// does not exist: a user of the same tenant (or of the first one), so that building
// the mail costs what it costs for a real user. The mail goes to the decoy outbox.
func (d *directory) standIn(domain string) *account {
	if t := d.tenant(domain); t != nil && len(t.accounts) > 0 {
		return t.accounts[0]
	}
	if d.firstUser != nil {
		return d.firstUser
	}
	return d.dummy
}

func (d *directory) tenant(domain string) *tenant {
	return d.tenants[strings.ToLower(domain)]
}

// changePasswordFrom sets a new password unless the account has changed password
// since generation gen (two reset links used at once: the first one wins). The new
// generation revokes everything issued under the old one.
func (d *directory) changePasswordFrom(a *account, gen uint64, pw string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if a.gen.Load() != gen {
		return false
	}
	a.setPassword(pw)
	a.forceRst = false
	a.gen.Add(1)
	return true
}

func (d *directory) forceReset(a *account) bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return a.forceRst
}

func (d *directory) policy(a *account) *Policy {
	if a.tenant != nil {
		return a.tenant.policy
	}
	return d.sysPolicy
}
