// Package profile reads and writes the TUI's profiles: named PBX targets kept in a
// YAML file in the user's config directory. A profile never holds a password.
package profile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/tui/common"
)

// Profile is one PBX target.
type Profile struct {
	Name string `yaml:"name"`
	URL  string `yaml:"url"`
	// Insecure turns TLS certificate verification off (self-signed PBXs).
	Insecure   bool   `yaml:"insecure,omitempty"`
	Domain     string `yaml:"domain,omitempty"`
	Username   string `yaml:"username,omitempty"`
	Production bool   `yaml:"production,omitempty"`
	// Vars are the conformance suite's variables for this target (`pbxauth run
	// --profile`): accounts and tenants, never passwords.
	Vars map[string]string `yaml:"vars,omitempty"`
}

// Validate checks a profile before it is saved or used.
func (p Profile) Validate() error {
	if strings.TrimSpace(p.Name) == "" {
		return errors.New("name is required")
	}
	if strings.EqualFold(p.Name, MockName) {
		return fmt.Errorf("%q is the built-in mock's name", MockName)
	}
	if _, err := apiclient.NormalizeBaseURL(p.URL); err != nil {
		return fmt.Errorf("url: %w", err)
	}
	for k := range p.Vars {
		if secretVar(k) {
			return fmt.Errorf("vars: %s looks like a secret; a profile holds no password (give it with --var, the environment or the prompt)", k)
		}
	}
	return nil
}

// secretVar tells the variables a profile must not keep.
func secretVar(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"password", "secret", "token", "otp"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// Target is the profile as the TUI's target.
func (p Profile) Target() common.Target {
	return common.Target{
		Profile: p.Name, BaseURL: p.URL, Insecure: p.Insecure, Production: p.Production,
		DefaultDomain: p.Domain, DefaultUsername: p.Username,
	}
}

// MockName is the name the built-in mock goes by.
const MockName = "mock"

// file is the on-disk layout.
type file struct {
	Profiles []Profile `yaml:"profiles"`
}

// Store is the profile file. Load errors are kept: a file that could not be read
// is never written over, so a typo can't cost the person their profiles.
type Store struct {
	Path     string
	Profiles []Profile
	// LoadErr is why the file could not be read; while set, Save refuses.
	LoadErr error
}

// DefaultPath is $XDG_CONFIG_HOME/pbxauth/profiles.yaml (os.UserConfigDir).
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the config directory: %w", err)
	}
	return filepath.Join(dir, "pbxauth", "profiles.yaml"), nil
}

// Open reads the store at path. A missing file is an empty store; a bad one is a
// store with LoadErr set (the error is also returned).
func Open(path string) (*Store, error) {
	s := &Store{Path: path}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		s.LoadErr = fmt.Errorf("read %s: %w", path, err)
		return s, s.LoadErr
	}
	profiles, err := Parse(data)
	if err != nil {
		s.LoadErr = fmt.Errorf("%s: %w (the file was left as it is)", path, err)
		return s, s.LoadErr
	}
	s.Profiles = profiles
	return s, nil
}

// Parse reads a profile file. Unknown keys are errors (a misspelt "insecure" must
// not silently verify TLS, or not), and so is any password.
func Parse(data []byte) ([]Profile, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	var raw struct {
		Profiles []map[string]any `yaml:"profiles"`
	}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("not valid YAML: %w", err)
	}
	for i, p := range raw.Profiles {
		for k := range p {
			if strings.Contains(strings.ToLower(k), "password") || strings.Contains(strings.ToLower(k), "secret") {
				return nil, fmt.Errorf("profile %d: %q: profiles never hold passwords or secrets", i+1, k)
			}
		}
	}
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("bad profile file: %w", err)
	}
	seen := map[string]bool{}
	for i, p := range f.Profiles {
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("profile %d (%s): %w", i+1, p.Name, err)
		}
		if seen[strings.ToLower(p.Name)] {
			return nil, fmt.Errorf("profile %q appears twice", p.Name)
		}
		seen[strings.ToLower(p.Name)] = true
	}
	return f.Profiles, nil
}

// Get finds a profile by name (case-insensitive).
func (s *Store) Get(name string) (Profile, bool) {
	for _, p := range s.Profiles {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return Profile{}, false
}

// Put adds p, or replaces the profile named old (empty old: add only).
func (s *Store) Put(old string, p Profile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	for _, q := range s.Profiles {
		if strings.EqualFold(q.Name, p.Name) && !strings.EqualFold(q.Name, old) {
			return fmt.Errorf("a profile named %q exists", p.Name)
		}
	}
	for i, q := range s.Profiles {
		if old != "" && strings.EqualFold(q.Name, old) {
			s.Profiles[i] = p
			return nil
		}
	}
	s.Profiles = append(s.Profiles, p)
	return nil
}

// Delete removes the profile named name.
func (s *Store) Delete(name string) bool {
	for i, q := range s.Profiles {
		if strings.EqualFold(q.Name, name) {
			s.Profiles = append(s.Profiles[:i], s.Profiles[i+1:]...)
			return true
		}
	}
	return false
}

// Save writes the file atomically (a temporary file renamed over it), so a crash
// mid-write leaves the old file whole. It refuses while LoadErr is set.
func (s *Store) Save() error {
	if s.LoadErr != nil {
		return fmt.Errorf("not saving: the profile file could not be read, fix it first: %w", s.LoadErr)
	}
	if s.Path == "" {
		return errors.New("no profile file path")
	}
	data, err := yaml.Marshal(file{Profiles: s.Profiles})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.Path), ".profiles-*.yaml")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.Path)
}
