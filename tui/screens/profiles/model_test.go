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
	m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
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
	assert.Nil(t, m.Update(tuitest.Run(t, m.Update(ask.Yes))), "not in use: the target stays")
	reread, _ := profile.Open(store.Path)
	assert.Empty(t, reread.Profiles)
}

// The profile in use, renamed: the root is told, so the target bar, the client
// and the history follow it.
func TestModel_Profiles_renameInUseIsFollowed(t *testing.T) {
	m, store := setup(t, "profiles:\n  - name: lab\n    url: https://pbx.lab:8887\n")
	m.ctx.Target = common.Target{Profile: "lab", BaseURL: "https://pbx.lab:8887"}
	m.Update(tuitest.Key("j"))
	m.Update(tuitest.Key("e"))
	for range 3 {
		m.Update(tuitest.Key("backspace"))
	}
	tuitest.Type(m.Update, "lab2")
	out := m.Update(tuitest.Run(t, m.Update(tuitest.Key("enter"))))
	require.NotNil(t, out)
	msg, ok := out().(common.ProfileEditedMsg)
	require.True(t, ok)
	assert.Equal(t, "lab", msg.Old)
	assert.Equal(t, "lab2", msg.Target.Profile)
	reread, _ := profile.Open(store.Path)
	assert.Equal(t, "lab2", reread.Profiles[0].Name)
}

// The profile in use, deleted: the app moves to the first row left and says why.
func TestModel_Profiles_deleteInUseSwitchesAway(t *testing.T) {
	m, _ := setup(t, "profiles:\n  - name: lab\n    url: https://pbx.lab:8887\n")
	m.ctx.Target = common.Target{Profile: "lab", BaseURL: "https://pbx.lab:8887"}
	m.Update(tuitest.Key("j"))
	ask, ok := m.Update(tuitest.Key("d"))().(common.ConfirmMsg)
	require.True(t, ok)
	assert.Contains(t, ask.Prompt, "in use")
	out := m.Update(tuitest.Run(t, m.Update(ask.Yes)))
	require.NotNil(t, out)
	sw, ok := out().(common.SwitchTargetMsg)
	require.True(t, ok)
	assert.True(t, sw.Target.Mock, "to the built-in mock, the first row")
	assert.Contains(t, sw.Why, "deleted profile lab, which was in use")
}

// d on a row that is not in the file says why nothing happens.
func TestModel_Profiles_deleteOnTheMockSaysWhy(t *testing.T) {
	m, _ := setup(t, "")
	assert.Nil(t, m.Update(tuitest.Key("d")))
	assert.Contains(t, m.View(), "built-in mock is not a saved profile")
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
