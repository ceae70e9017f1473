// Package rules holds the PortSIP field rules (usernames, domains, required fields) in
// one place, so the client, the mock PBX and the TUI forms agree on what is valid.
package rules

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits from PortSIP's document. They are maxLength limits of JSON Schema, which
// counts characters (code points), not bytes.
const (
	UsernameMaxLen = 64
	DomainMaxLen   = 280
	RoleMaxLen     = 64
)

// reservedUsernames belong to the system administrator; compared case-insensitively.
var reservedUsernames = []string{"admin", "system", "administrator", "root"}

// Violation is one broken rule of one field. Rule is a short stable identifier
// (e.g. "charset", "max_length") that the mock puts in its error detail.
type Violation struct {
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

func (v Violation) Error() string { return v.Field + ": " + v.Message }

// IsReservedUsername reports whether name is one of the system administrator's names.
func IsReservedUsername(name string) bool {
	for _, r := range reservedUsernames {
		if strings.EqualFold(name, r) {
			return true
		}
	}
	return false
}

// Username checks an account name. systemLevel is true when no tenant domain goes with
// the name: the reserved names are allowed there, since they are the system admin's own.
func Username(name string, systemLevel bool) *Violation {
	const field = "username"
	switch {
	case name == "":
		return &Violation{field, "required", "is required"}
	case utf8.RuneCountInString(name) > UsernameMaxLen:
		// Characters, so a long non-ASCII name is told its real length (the charset
		// rule refuses it anyway).
		return &Violation{field, "max_length", fmt.Sprintf("must be at most %d characters (got %d)", UsernameMaxLen, utf8.RuneCountInString(name))}
	}
	for _, r := range name {
		if !usernameRune(r) {
			return &Violation{field, "charset", fmt.Sprintf("may hold only ASCII letters, digits and _ - ' . (found %q)", r)}
		}
	}
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") {
		return &Violation{field, "period_edge", "must not start or end with a period"}
	}
	if !systemLevel && IsReservedUsername(name) {
		return &Violation{field, "reserved", fmt.Sprintf("%q is reserved for the system administrator", name)}
	}
	return nil
}

func usernameRune(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	case r == '_', r == '-', r == '\'', r == '.':
		return true
	}
	return false
}

// Domain checks a tenant SIP domain. An empty domain is a violation only where the
// operation requires one (see Required); here it is reported as "required".
func Domain(domain string) *Violation {
	const field = "domain"
	switch {
	case domain == "":
		return &Violation{field, "required", "is required"}
	case utf8.RuneCountInString(domain) > DomainMaxLen:
		return &Violation{field, "max_length", fmt.Sprintf("must be at most %d characters (got %d)", DomainMaxLen, utf8.RuneCountInString(domain))}
	case strings.TrimSpace(domain) != domain || strings.ContainsAny(domain, " \t\r\n/"):
		return &Violation{field, "charset", "must be a host name or IP address without spaces or slashes"}
	}
	return nil
}

// Role checks a role name's length.
func Role(role string) *Violation {
	if role == "" {
		return &Violation{"role", "required", "is required"}
	}
	if n := utf8.RuneCountInString(role); n > RoleMaxLen {
		return &Violation{"role", "max_length", fmt.Sprintf("must be at most %d characters (got %d)", RoleMaxLen, n)}
	}
	return nil
}

// requiredFields lists, per operationId, the body fields that must be present and
// non-empty. It mirrors the `required` lists of the OpenAPI document (a test keeps the
// two in step).
var requiredFields = map[string][]string{
	"signInWithCredentials":   {"username", "password"},
	"login":                   {"username", "password"},
	"signInWithSocialAccount": {"domain", "callback_url"},
	"sendOTP":                 {"token"},
	"verifyOTP":               {"token", "code"},
	"forgetPassword":          {"username", "callback_url"},
	"resetPassword":           {"token", "new_password"},
	"refreshToken":            {"refresh_token"},
	"loginWithMicrosoft":      {"domain"},
	"oauthToken":              {"client_id", "grant_type"},
}

// RequiredFields returns the required body fields of an operation.
func RequiredFields(operationID string) []string {
	return append([]string(nil), requiredFields[operationID]...)
}

// Check applies every rule of an operation to its body fields (a key that is present
// was sent; an absent key was not) and returns the violations in field order. It is what the mock
// answers VALIDATE_FAILED with and what the TUI shows beside a form.
func Check(operationID string, fields map[string]string) []Violation {
	var out []Violation
	seen := map[string]bool{}
	for _, name := range requiredFields[operationID] {
		if fields[name] == "" {
			out = append(out, Violation{name, "required", "is required"})
			seen[name] = true
		}
	}
	domain, hasDomain := fields["domain"]
	if hasDomain && !seen["domain"] {
		if domain == "" {
			// PortSIP sends blank fields as null; an empty string breaks minLength 1.
			out = append(out, Violation{"domain", "min_length", "must not be empty (leave it out instead)"})
		} else if v := Domain(domain); v != nil {
			out = append(out, *v)
		}
	}
	if name, ok := fields["username"]; ok && name != "" && !seen["username"] {
		if v := Username(name, domain == ""); v != nil {
			out = append(out, *v)
		}
	}
	return out
}
