package scenarios

import (
	"io/fs"
	"testing"
)

// FuzzLoader_Parse: no file, however broken, may crash the parser; it either loads
// or says what is wrong with a position.
func FuzzLoader_Parse(f *testing.F) {
	_ = fs.WalkDir(builtinFS, "builtin", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if data, err := builtinFS.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
		return nil
	})
	f.Add([]byte("name: x\nsteps:\n  - call: retrieveMetadata\n    expect: {body: {a: &x {type: string}, b: *x}}\n"))
	f.Add([]byte("name: x\nsteps: &s\n  - include: builtin:flows/signin_2fa.yaml\n    with: *s\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ss, err := NewLoader().Parse("fuzz.yaml", data)
		if err != nil {
			es, ok := err.(Errors)
			if !ok || len(es) == 0 {
				t.Fatalf("error without positions: %v", err)
			}
			return
		}
		for _, s := range ss {
			if s.Name == "" {
				t.Fatal("a scenario without a name loaded")
			}
		}
	})
}
