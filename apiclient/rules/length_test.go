package rules_test

import (
	"strings"
	"testing"

	"github.com/pbxauth/pbxauth/apiclient/rules"
)

// JSON Schema's maxLength counts characters, not bytes: an internationalised
// domain or role must be judged as the OpenAPI document judges it.
func TestLengths_countCharactersNotBytes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		check func() *rules.Violation
		rule  string // "" when valid
		msg   string // part of the message, when a violation is expected
	}{
		{"141 é domain (282 bytes)", func() *rules.Violation { return rules.Domain(strings.Repeat("é", 141)) }, "", ""},
		{"280 é domain (560 bytes)", func() *rules.Violation { return rules.Domain(strings.Repeat("é", 280)) }, "", ""},
		{"281 é domain", func() *rules.Violation { return rules.Domain(strings.Repeat("é", 281)) }, "max_length", "(got 281)"},
		{"280 CJK domain", func() *rules.Violation { return rules.Domain(strings.Repeat("域", 280)) }, "", ""},
		{"64 é role", func() *rules.Violation { return rules.Role(strings.Repeat("é", 64)) }, "", ""},
		{"65 é role", func() *rules.Violation { return rules.Role(strings.Repeat("é", 65)) }, "max_length", "(got 65)"},
		// A 40-letter non-ASCII name is short enough; what is wrong is its charset.
		{"40 é username", func() *rules.Violation { return rules.Username(strings.Repeat("é", 40), false) }, "charset", ""},
		{"65 é username", func() *rules.Violation { return rules.Username(strings.Repeat("é", 65), false) }, "max_length", "(got 65)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.check()
			switch {
			case tc.rule == "" && v != nil:
				t.Errorf("got %v, want valid", v)
			case tc.rule != "" && v == nil:
				t.Errorf("valid, want %s", tc.rule)
			case tc.rule != "" && v.Rule != tc.rule:
				t.Errorf("got %+v, want rule %s", v, tc.rule)
			case tc.msg != "" && !strings.Contains(v.Message, tc.msg):
				t.Errorf("message %q does not say %q", v.Message, tc.msg)
			}
		})
	}
	// Through Check, as the mock and the TUI call it.
	if vs := rules.Check("login", map[string]string{"username": "alice", "password": "p", "domain": strings.Repeat("é", 141)}); len(vs) != 0 {
		t.Errorf("Check with a 141-é domain: %v", vs)
	}
}
