package rules_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pbxauth/pbxauth/apiclient/rules"
	"github.com/pbxauth/pbxauth/apiclient/spec"
)

func TestUsername(t *testing.T) {
	for _, tc := range []struct {
		name        string
		systemLevel bool
		rule        string // "" when valid
	}{
		{"alice", false, ""},
		{"o'neil", false, ""},
		{"a_b-c.d", false, ""},
		{"A1", false, ""},
		{strings.Repeat("a", 64), false, ""},
		{strings.Repeat("a", 65), false, "max_length"},
		{"", false, "required"},
		{"", true, "required"},
		{".alice", false, "period_edge"},
		{"alice.", false, "period_edge"},
		{".", false, "period_edge"},
		{"a b", false, "charset"},
		{"jösé", false, "charset"},
		{"ｆｕｌｌ", false, "charset"}, // fullwidth letters are not ASCII
		{"alice@example.com", false, "charset"},
		{"tab\tname", false, "charset"},
		{"ADMIN", false, "reserved"},
		{"ADMIN", true, ""},
		{"Root", false, "reserved"},
		{"system", false, "reserved"},
		{"Administrator", false, "reserved"},
		{"administrators", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := rules.Username(tc.name, tc.systemLevel)
			switch {
			case tc.rule == "" && v != nil:
				t.Errorf("Username(%q, %v) = %v, want valid", tc.name, tc.systemLevel, v)
			case tc.rule != "" && v == nil:
				t.Errorf("Username(%q, %v) valid, want %s", tc.name, tc.systemLevel, tc.rule)
			case tc.rule != "" && (v.Rule != tc.rule || v.Field != "username" || v.Message == ""):
				t.Errorf("Username(%q, %v) = %+v, want rule %s", tc.name, tc.systemLevel, v, tc.rule)
			}
		})
	}
}

func TestDomain(t *testing.T) {
	for _, tc := range []struct {
		name, domain, rule string
	}{
		{"fqdn", "example.com", ""},
		{"ip", "192.168.1.10", ""},
		{"280 characters", strings.Repeat("a", 280), ""},
		{"281 characters", strings.Repeat("a", 281), "max_length"},
		{"empty", "", "required"},
		{"space", "exa mple.com", "charset"},
		{"leading space", " example.com", "charset"},
		{"slash", "example.com/x", "charset"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := rules.Domain(tc.domain)
			if (v == nil) != (tc.rule == "") || (v != nil && v.Rule != tc.rule) {
				t.Errorf("Domain(%q) = %v, want rule %q", tc.domain, v, tc.rule)
			}
		})
	}
}

func TestRole(t *testing.T) {
	if v := rules.Role("StandardUser"); v != nil {
		t.Errorf("StandardUser: %v", v)
	}
	if v := rules.Role(""); v == nil || v.Rule != "required" {
		t.Errorf("empty role: %v", v)
	}
	if v := rules.Role(strings.Repeat("r", 65)); v == nil || v.Rule != "max_length" {
		t.Errorf("65-char role: %v", v)
	}
	if v := rules.Role(strings.Repeat("r", 64)); v != nil {
		t.Errorf("64-char role: %v", v)
	}
}

func TestCheck(t *testing.T) {
	type want struct{ field, rule string }
	for _, tc := range []struct {
		name   string
		op     string
		fields map[string]string
		want   []want
	}{
		{"valid tenant sign-in", "signInWithCredentials", map[string]string{"username": "alice", "password": "p", "domain": "example.com"}, nil},
		{"ADMIN with a domain is reserved", "signInWithCredentials", map[string]string{"username": "ADMIN", "password": "p", "domain": "example.com"},
			[]want{{"username", "reserved"}}},
		{"ADMIN without a domain is the system admin", "signInWithCredentials", map[string]string{"username": "ADMIN", "password": "p"}, nil},
		{"empty strings are missing", "signInWithCredentials", map[string]string{"username": "", "password": ""},
			[]want{{"username", "required"}, {"password", "required"}}},
		{"absent fields are missing", "login", map[string]string{}, []want{{"username", "required"}, {"password", "required"}}},
		{"empty domain must be left out", "login", map[string]string{"username": "alice", "password": "p", "domain": ""},
			[]want{{"domain", "min_length"}}},
		{"281-char domain", "login", map[string]string{"username": "alice", "password": "p", "domain": strings.Repeat("d", 281)},
			[]want{{"domain", "max_length"}}},
		{"280-char domain", "login", map[string]string{"username": "alice", "password": "p", "domain": strings.Repeat("d", 280)}, nil},
		{"bad username and domain together", "signInWithCredentials", map[string]string{"username": "a b", "password": "p", "domain": "x y"},
			[]want{{"domain", "charset"}, {"username", "charset"}}},
		{"forget password without a domain (v22.6)", "forgetPassword", map[string]string{"username": "admin", "callback_url": "https://cb"}, nil},
		{"forget password for a reserved name in a tenant", "forgetPassword", map[string]string{"username": "root", "callback_url": "https://cb", "domain": "example.com"},
			[]want{{"username", "reserved"}}},
		{"verify OTP needs both", "verifyOTP", map[string]string{"token": "t"}, []want{{"code", "required"}}},
		{"microsoft login needs a domain", "loginWithMicrosoft", map[string]string{}, []want{{"domain", "required"}}},
		{"an operation without fields", "signOut", map[string]string{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := rules.Check(tc.op, tc.fields)
			if len(got) != len(tc.want) {
				t.Fatalf("Check = %v, want %v", got, tc.want)
			}
			for i, w := range tc.want {
				if got[i].Field != w.field || got[i].Rule != w.rule || got[i].Message == "" {
					t.Errorf("violation %d = %+v, want %s/%s", i, got[i], w.field, w.rule)
				}
				if !strings.HasPrefix(got[i].Error(), w.field+": ") {
					t.Errorf("Error() = %q", got[i].Error())
				}
			}
		})
	}
}

// TestRequiredFields_matchDocument keeps the rules and the OpenAPI document in step.
func TestRequiredFields_matchDocument(t *testing.T) {
	for _, op := range spec.Operations() {
		got := rules.RequiredFields(op.ID)
		slices.Sort(got)
		want := op.RequiredFields()
		if !slices.Equal(got, want) {
			t.Errorf("%s: rules require %v, the document %v", op.ID, got, want)
		}
	}
	if got := rules.RequiredFields("nope"); len(got) != 0 {
		t.Errorf("unknown operation requires %v", got)
	}
	// The result is a copy: changing it must not change the rules.
	r := rules.RequiredFields("login")
	r[0] = "changed"
	if rules.RequiredFields("login")[0] == "changed" {
		t.Error("RequiredFields returns the shared slice")
	}
}

// TestLimits_matchDocument: the length limits in rules are the document's.
func TestLimits_matchDocument(t *testing.T) {
	doc := spec.MustLoad()
	for name, limit := range map[string]int{"Username": rules.UsernameMaxLen, "Domain": rules.DomainMaxLen, "OptionalRole": rules.RoleMaxLen} {
		s := doc.Components.Schemas[name]
		if s == nil {
			t.Errorf("%s: no such schema in the document", name)
			continue
		}
		if s.Value.MaxLength == nil || int(*s.Value.MaxLength) != limit {
			t.Errorf("%s: rules limit %d, document %v", name, limit, s.Value.MaxLength)
		}
	}
}
