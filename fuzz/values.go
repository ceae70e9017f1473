package fuzz

import (
	"math/rand/v2"
	"sort"
	"strings"
	"sync"

	"github.com/oasdiff/kin-openapi/openapi3"

	"github.com/pbxauth/pbxauth/apiclient/rules"
	"github.com/pbxauth/pbxauth/apiclient/spec"
)

// fieldSpec is what the document says of one top-level body field.
type fieldSpec struct {
	Name      string
	Type      string
	Required  bool
	Nullable  bool
	MinLength int
	MaxLength int // 0: no limit
	// Username: the field follows PortSIP's username rules (charset, periods, reserved).
	Username bool
}

// opSpec is an operation with its body fields read from the document.
type opSpec struct {
	spec.Operation
	Fields []fieldSpec
	Form   bool // application/x-www-form-urlencoded
}

// loadOpsOnce is loadOps, read once per process.
var loadOpsOnce = sync.OnceValue(loadOps)

// loadOps reads every operation of the embedded document, sorted by operationId.
func loadOps() []opSpec {
	doc := spec.MustLoad()
	var out []opSpec
	for _, o := range spec.Operations() {
		os := opSpec{Operation: o, Form: o.ContentType == "application/x-www-form-urlencoded"}
		item := doc.Paths.Find(o.Path)
		if item != nil {
			if op := item.GetOperation(o.Method); op != nil && op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, media := range op.RequestBody.Value.Content {
					os.Fields = fieldSpecs(media.Schema)
				}
			}
		}
		out = append(out, os)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func fieldSpecs(ref *openapi3.SchemaRef) []fieldSpec {
	if ref == nil || ref.Value == nil {
		return nil
	}
	req := map[string]bool{}
	for _, r := range ref.Value.Required {
		req[r] = true
	}
	var out []fieldSpec
	for name, p := range ref.Value.Properties {
		f := fieldSpec{Name: name, Required: req[name], Username: name == "username"}
		if s := p.Value; s != nil {
			if s.Type != nil && len(*s.Type) > 0 {
				f.Type = (*s.Type)[0]
			}
			f.Nullable = s.Nullable
			f.MinLength = int(s.MinLength)
			if s.MaxLength != nil {
				f.MaxLength = int(*s.MaxLength)
			}
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

const (
	lower      = "abcdefghijklmnopqrstuvwxyz"
	alnum      = lower + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	userChars  = alnum + "_-'."
	printables = alnum + " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
)

// Characters outside the username charset that are still plain ASCII.
var badASCII = []string{" ", "!", "@", "#", "/", "\\", "\"", "<", ">", "%", ";", ":", "+", "=", "*", "?", ","}

// Non-ASCII samples: accents, CJK, RTL, emoji (outside the BMP), a combining mark,
// a zero-width joiner, a fullwidth letter, a BOM.
var nonASCII = []string{"é", "ü", "ß", "名", "Ж", "ا", "😀", "e\u0301", "\u200d", "Ａ", "\ufeff", "ñ"}

// Control characters: NUL, bell, escape, newline, carriage return, tab, DEL, C1.
var controls = []string{"\x00", "\x07", "\x1b", "\n", "\r", "\t", "\x7f", "\u0085", "\x1b[31m"}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func randString(r *rand.Rand, chars string, n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(chars[r.IntN(len(chars))])
	}
	// "${" would read as a variable reference, here and in a saved scenario.
	return strings.ReplaceAll(b.String(), "${", "$(")
}

// unknownUser is a valid username no PBX has: negative credential tests use such
// accounts only, so no real account is ever locked out by them.
func unknownUser(r *rand.Rand, n int) string {
	if n < 1 {
		n = 1
	}
	prefix := "fz"
	if n <= len(prefix) {
		return randString(r, lower, n)
	}
	mid := randString(r, userChars, n-len(prefix)-1)
	name := prefix + mid + randString(r, alnum, 1)
	if rules.Username(name, false) != nil {
		return prefix + randString(r, alnum, n-len(prefix))
	}
	return name
}

// validUsernameLen picks a length with the boundaries (1, 64) often.
func validUsernameLen(r *rand.Rand) int {
	switch r.IntN(4) {
	case 0:
		return 1 + r.IntN(2)
	case 1:
		return rules.UsernameMaxLen - r.IntN(2)
	default:
		return 4 + r.IntN(16)
	}
}

// domainOfLen builds a host-name-shaped domain of exactly n characters.
func domainOfLen(r *rand.Rand, n int) string {
	if n <= 4 {
		return randString(r, lower, n)
	}
	var b strings.Builder
	for b.Len() < n-4 {
		label := randString(r, lower, 1+r.IntN(20))
		if b.Len()+len(label)+1 > n-4 {
			label = randString(r, lower, n-4-b.Len())
		}
		b.WriteString(label)
		if b.Len() < n-4 {
			b.WriteByte('.')
		}
	}
	s := strings.TrimSuffix(b.String(), ".") + ".com"
	for len(s) < n {
		s = "a" + s
	}
	return s[len(s)-n:]
}

func randPassword(r *rand.Rand) string {
	return randString(r, printables, 6+r.IntN(20))
}

// randToken looks like a token of either shape PortSIP shows, or is plain garbage.
func randToken(r *rand.Rand) string {
	switch r.IntN(4) {
	case 0:
		return randString(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 48)
	case 1:
		return randString(r, "0123456789ABCDEF", 32)
	case 2:
		return randString(r, alnum+"-_", 43)
	default:
		return randString(r, printables, 1+r.IntN(80))
	}
}

// flipCase swaps the case of every letter; ok is false when s has none (no wrong
// password can be made that way).
func flipCase(s string) (string, bool) {
	var b strings.Builder
	changed := false
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
			changed = true
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			changed = true
		}
		b.WriteRune(c)
	}
	return b.String(), changed
}

// insertAt puts ins into s at a random position (start and end often).
func insertAt(r *rand.Rand, s, ins string) string {
	switch r.IntN(3) {
	case 0:
		return ins + s
	case 1:
		return s + ins
	}
	i := r.IntN(len(s) + 1)
	return s[:i] + ins + s[i:]
}
