package boundedjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"
)

// tokenDepth is the reference: the deepest nesting encoding/json's token
// stream reaches, or -1 when b is not one valid JSON document.
func tokenDepth(b []byte) int {
	if !json.Valid(b) {
		return -1
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	depth, deepest := 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return deepest
		}
		if err != nil {
			return -1
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '[' || d == '{' {
				depth++
				deepest = max(deepest, depth)
			} else {
				depth--
			}
		}
	}
}

func FuzzBoundedDecode(f *testing.F) {
	for _, s := range []string{`{}`, `[[[]]]`, `{"a":"[[["}`, `{"a":"\"[","b":[{}]}`, `"\\"`, `[1,[2,[3]]]`, nested(MaxDepth), nested(MaxDepth + 1), `{"a":[`, `]]]]{`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		const limit = 4 // small, so the fuzzer reaches it
		err := CheckDepth(b, limit)
		if d := tokenDepth(b); d >= 0 && (d > limit) != (err != nil) {
			t.Fatalf("depth %d, limit %d, Check said %v: %q", d, limit, err, b)
		}
		var got, want any
		gotErr := Unmarshal(b, &got)
		if Check(b) == nil {
			wantErr := json.Unmarshal(b, &want)
			if (gotErr == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
				t.Fatalf("Unmarshal differs from encoding/json within the limit: %v vs %v", gotErr, wantErr)
			}
		} else if !errors.Is(gotErr, ErrTooDeep) {
			t.Fatalf("a deep document gave %v", gotErr)
		}
	})
}
