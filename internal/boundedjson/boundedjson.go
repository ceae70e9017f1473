// Package boundedjson decodes JSON from untrusted sources (PBX answers, history
// files, mail) with a nesting limit checked first, in one linear pass and constant
// memory. encoding/json accepts 10,000 levels, and the work done on what it
// decodes is worse than linear: indenting a body 10,000 levels deep writes
// hundreds of megabytes of spaces, and walking it recursively costs as much. No
// PortSIP answer nests more than a handful of levels.
package boundedjson

import (
	"encoding/json"
	"errors"
	"fmt"
)

// MaxDepth is the deepest nesting of objects and arrays accepted: far more than
// any answer of the API (under 6 levels) or any scenario needs, far less than what
// makes indenting or walking a document costly.
const MaxDepth = 64

// ErrTooDeep is what a document nested deeper than MaxDepth gives, for errors.Is.
var ErrTooDeep = errors.New("JSON nested too deeply")

// DepthError says where a document went past the limit.
type DepthError struct {
	Max    int
	Offset int // byte offset of the bracket that went one level too deep
}

func (e *DepthError) Error() string {
	return fmt.Sprintf("JSON nested deeper than %d levels (at byte %d): refused", e.Max, e.Offset)
}

// Unwrap makes errors.Is(err, ErrTooDeep) hold.
func (e *DepthError) Unwrap() error { return ErrTooDeep }

// Check returns a *DepthError when b nests objects and arrays deeper than
// MaxDepth, nil otherwise. It judges nesting only; syntax is left to the decoder.
func Check(b []byte) error { return CheckDepth(b, MaxDepth) }

// CheckDepth is Check with a limit of max levels.
func CheckDepth(b []byte, max int) error {
	depth := 0
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++ // the escaped byte can't end the string
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			depth++
			if depth > max {
				return &DepthError{Max: max, Offset: i}
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}

// Unmarshal is json.Unmarshal after Check.
func Unmarshal(b []byte, v any) error {
	if err := Check(b); err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// Valid reports whether b is valid JSON within the nesting limit.
func Valid(b []byte) bool { return Check(b) == nil && json.Valid(b) }
