package profiles

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/internal/tuitest"
	"github.com/pbxauth/pbxauth/tui/profile"
)

func setup(t *testing.T, content string) (*Model, *profile.Store) {
	path := filepath.Join(t.TempDir(), "profiles.yaml")
	if content != "" {
		require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	}
	store, _ := profile.Open(path)
	ctx := tuitest.Context(nil)
	mock := ctx.Target
	m := New(ctx, store, &mock)
	m.SetSize(80, 20)
	return m, store
}

func TestModel_Profiles_switchTarget(t *testing.T) {
	m, _ := setup(t, "profiles:\n  - name: lab\n    url: https://pbx.lab:8887\n    production: true\n")
	v := m.View()
	assert.Contains(t, v, "built-in mock")
	assert.Contains(t, v, "PRODUCTION")
	m.Update(tuitest.Key("j"))
	msg, ok := m.Update(tuitest.Key("enter"))().(common.SwitchTargetMsg)
	require.True(t, ok)
	assert.Equal(t, common.Target{Profile: "lab", BaseURL: "https://pbx.lab:8887", Production: true}, msg.Target)
}

func TestModel_Profiles_addSaves(t *testing.T) {
	m, store := setup(t, "")
	m.Update(tuitest.Key("a"))
	require.True(t, m.Capturing(), "the form takes keys, q included")
	tuitest.Type(m.Update, "qa")
	m.Update(tuitest.Key("tab"))
	tuitest.Type(m.Update, "https://qa.pbx:8887")
	m.Update(tuitest.Key("tab"))
	m.Update(tuitest.Key("tab"))
	m.Update(tuitest.Key("tab")) // insecure toggle
	m.Update(tuitest.Key(" "))
	m.Update(tuitest.Key("enter"))
	assert.False(t, m.editing)
	reread, err := profile.Open(store.Path)
	require.NoError(t, err)
	require.Len(t, reread.Profiles, 1)
	assert.Equal(t, profile.Profile{Name: "qa", URL: "https://qa.pbx:8887", Insecure: true}, reread.Profiles[0])
	assert.Contains(t, m.View(), "TLS NOT VERIFIED")
}

func TestModel_Profiles_invalidFormIsNotSaved(t *testing.T) {
	m, store := setup(t, "")
	m.Update(tuitest.Key("a"))
	m.Update(tuitest.Key("enter"))
	assert.True(t, m.editing)
	assert.Contains(t, m.View(), "is required")
	_, err := os.Stat(store.Path)
	assert.True(t, os.IsNotExist(err))
}

func TestModel_Profiles_badFileShownAndKept(t *testing.T) {
	m, store := setup(t, "profiles: [")
	v := m.View()
	assert.Regexp(t, `not\s+valid YAML`, v)
	assert.Contains(t, v, "will not write over it")
	m.Update(tuitest.Key("a"))
	assert.False(t, m.editing, "adding is off while the file is unreadable")
	got, _ := os.ReadFile(store.Path)
	assert.Equal(t, "profiles: [", string(got))
}

func TestModel_Profiles_deleteAsks(t *testing.T) {
	m, store := setup(t, "profiles:\n  - name: lab\n    url: https://pbx.lab:8887\n")
	m.Update(tuitest.Key("j"))
	ask, ok := m.Update(tuitest.Key("d"))().(common.ConfirmMsg)
	require.True(t, ok)
	m.Update(ask.Yes)
	reread, _ := profile.Open(store.Path)
	assert.Empty(t, reread.Profiles)
}

func TestModel_View_columnsLineUp(t *testing.T) {
	m, _ := setup(t, "profiles:\n  - name: laboratory-east\n    url: https://pbx.lab:8887\n    production: true\n")
	var urlCols []int
	for _, l := range strings.Split(m.View(), "\n") {
		if i := strings.Index(l, "http"); i >= 0 {
			urlCols = append(urlCols, i)
		}
	}
	require.Len(t, urlCols, 2)
	assert.Equal(t, urlCols[0], urlCols[1], "URLs start in one column whatever the names' lengths")
}
