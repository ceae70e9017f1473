package apiclient

import (
	"fmt"
	"log/slog"
)

// Redacted is what a secret prints as.
const Redacted = "[REDACTED]"

// Secret is a password, token or one-time code. It prints, logs and marshals as
// [REDACTED] so that it cannot leak through fmt, slog or JSON reports by accident;
// Reveal returns the value for the one place that needs it: the wire.
type Secret string

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s == "" }

func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return Redacted
}

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return fmt.Sprintf("apiclient.Secret(%q)", s.String()) }

// Format covers every verb, including %q, %x and %v of structs holding a Secret.
func (s Secret) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", s.String())
	default:
		fmt.Fprint(f, s.String())
	}
}

// LogValue redacts the secret in log/slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON redacts: the client encodes wire bodies from revealed values itself.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf("%q", s.String())), nil }

// MarshalText redacts, for YAML and other text encoders.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalJSON reads the real value from a response body.
func (s *Secret) UnmarshalJSON(b []byte) error {
	var v string
	if err := jsonUnmarshal(b, &v); err != nil {
		return err
	}
	*s = Secret(v)
	return nil
}
