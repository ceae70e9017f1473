package profile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse_good(t *testing.T) {
	ps, err := Parse([]byte("profiles:\n  - name: lab\n    url: https://pbx.lab:8887\n    insecure: true\n    domain: example.com\n    production: true\n"))
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Equal(t, Profile{Name: "lab", URL: "https://pbx.lab:8887", Insecure: true, Domain: "example.com", Production: true}, ps[0])
}

func TestParse_badFiles(t *testing.T) {
	cases := map[string]struct{ data, want string }{
		"not yaml":        {"profiles: [", "not valid YAML"},
		"unknown key":     {"profiles:\n  - name: a\n    url: https://a\n    insecur: true\n", "insecur"},
		"a password":      {"profiles:\n  - name: a\n    url: https://a\n    password: x\n", "never hold passwords"},
		"no name":         {"profiles:\n  - url: https://a\n", "name is required"},
		"bad url":         {"profiles:\n  - name: a\n    url: ftp://a\n", "scheme must be http or https"},
		"twice":           {"profiles:\n  - name: a\n    url: https://a\n  - name: A\n    url: https://b\n", "appears twice"},
		"the mock's name": {"profiles:\n  - name: mock\n    url: https://a\n", "built-in mock"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(c.data))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestStore_missingFileIsEmpty(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "nope", "profiles.yaml"))
	require.NoError(t, err)
	assert.Empty(t, s.Profiles)
}

func TestStore_SaveRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pbxauth", "profiles.yaml")
	s, err := Open(path)
	require.NoError(t, err)
	require.NoError(t, s.Put("", Profile{Name: "lab", URL: "https://pbx.lab", Username: "alice"}))
	require.NoError(t, s.Save())
	require.Error(t, s.Put("", Profile{Name: "LAB", URL: "https://x"}), "names are unique")
	require.NoError(t, s.Put("lab", Profile{Name: "lab2", URL: "https://pbx.lab"}))
	require.NoError(t, s.Save())

	again, err := Open(path)
	require.NoError(t, err)
	require.Len(t, again.Profiles, 1)
	assert.Equal(t, "lab2", again.Profiles[0].Name)
	assert.True(t, again.Delete("lab2"))
	require.NoError(t, again.Save())
}

func TestStore_badFileIsNeverOverwritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profiles.yaml")
	bad := []byte("profiles:\n  - name: lab\n    urll: https://typo\n")
	require.NoError(t, os.WriteFile(path, bad, 0o600))
	s, err := Open(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "left as it is")
	require.NoError(t, s.Put("", Profile{Name: "new", URL: "https://new"}))
	require.Error(t, s.Save())
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, bad, got, "the file is untouched")
}
