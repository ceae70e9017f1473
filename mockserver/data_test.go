package mockserver_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/mockserver"
)

func TestLoadData_exampleFileIsTheDemoData(t *testing.T) {
	d, err := mockserver.LoadData("testdata/demo.yaml")
	require.NoError(t, err)
	demo := mockserver.DemoData()
	assert.Equal(t, demo.System.Accounts, d.System.Accounts)
	require.Len(t, d.Tenants, len(demo.Tenants))
	for i := range demo.Tenants {
		assert.Equal(t, demo.Tenants[i].Domain, d.Tenants[i].Domain)
		assert.Equal(t, demo.Tenants[i].Users, d.Tenants[i].Users)
		assert.Equal(t, demo.Tenants[i].TwoFactor, d.Tenants[i].TwoFactor)
		assert.Equal(t, demo.Tenants[i].MS365, d.Tenants[i].MS365)
	}
	require.Len(t, d.Roles, 1)
	assert.Equal(t, "NightOperator", d.Roles[0].Name)
}

func TestLoadData_servesTheFileAndResetsToIt(t *testing.T) {
	src := `
system:
  web_domain: pbx.test
  accounts:
    - {username: root, password: "Root#2026", role: SystemAdmin}
tenants:
  - domain: night.example
    users:
      - {username: nina, password: "Nina#2026", role: NightOperator}
roles:
  - {name: NightOperator, id: "100", display_name: Night operator, capabilities: [calls.make]}
`
	d, err := mockserver.ParseData("night.yaml", []byte(src))
	require.NoError(t, err)
	h := newHarness(t, func(o *mockserver.Options) { o.Data = d })
	info, err := h.api.GetUserAuthInfo(ctx, h.signIn("nina", "Nina#2026", "night.example").AccessToken)
	require.NoError(t, err)
	assert.Equal(t, "NightOperator", info.Role)
	assert.Equal(t, "100", info.RoleID)
	assert.Equal(t, "Night operator", info.RoleName)
	assert.Equal(t, []string{"calls.make"}, info.Capabilities)
	h.signIn("root", "Root#2026", "")
	h.srv.Reset()
	h.signIn("root", "Root#2026", "")
	_, err = h.api.SignInWithCredentials(ctx, creds("admin", "Admin#2026", ""))
	require.Error(t, err, "the demo accounts are not there")
}

func TestLoadData_errorsNameFileAndLine(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"unknown key", "system:\n  web_domian: x\n", "bad.yaml:2: field web_domian not found"},
		{"wrong type", "tenants:\n  - domain: a.example\n    two_factor: maybe\n", "bad.yaml:3: cannot unmarshal"},
		{"bad username", "tenants:\n  - domain: a.example\n    users:\n      - {username: .al, password: x, role: Admin}\n", `bad.yaml:4: tenant "a.example" user ".al": username must not start or end with a period`},
		{"reserved name in a tenant", "tenants:\n  - domain: a.example\n    users:\n      - {username: Root, password: x, role: Admin}\n", "bad.yaml:4: "},
		{"unknown role", "system:\n  accounts:\n    - {username: x, password: y, role: Boss}\n", `bad.yaml:3: system account "x": unknown role "Boss"`},
		{"duplicate domain", "tenants:\n  - domain: a.example\n  - domain: A.example\n", `bad.yaml:3: tenant "A.example": duplicate domain`},
		{"missing password", "tenants:\n  - domain: a.example\n    users:\n      - {username: al, role: Admin}\n", "bad.yaml:4: tenant \"a.example\" user \"al\": password is required"},
		{"bad endpoint", "tenants:\n  - domain: a.example\n    ms365: {enabled: true, authorization_endpoint: /relative}\n", "bad.yaml:2: "},
		{"bad policy", "tenants:\n  - domain: a.example\n    password_policy: {min_length: 20, max_length: 10}\n", "min_length 20 is above max_length 10"},
		{"not YAML", "tenants: [\n", "bad.yaml:1: did not find expected node content"},
		{"empty", "", "bad.yaml: empty data file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := mockserver.ParseData("bad.yaml", []byte(c.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	t.Run("a missing file names the path", func(t *testing.T) {
		_, err := mockserver.LoadData(filepath.Join(t.TempDir(), "none.yaml"))
		require.ErrorContains(t, err, "none.yaml")
	})
	t.Run("a file on disk reports its own name", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "mine.yaml")
		require.NoError(t, os.WriteFile(p, []byte("roles:\n  - {name: \"\"}\n"), 0o600))
		_, err := mockserver.LoadData(p)
		require.ErrorContains(t, err, p+":2: role 1: name is required")
	})
}

func TestData_Clone(t *testing.T) {
	d := mockserver.DemoData()
	c := d.Clone()
	c.Tenants[0].Users[0].Password = "changed"
	c.System.Accounts[0].Username = "changed"
	assert.Equal(t, "Alice#2026", d.Tenants[0].Users[0].Password)
	assert.Equal(t, "admin", d.System.Accounts[0].Username)
}
