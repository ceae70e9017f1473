package runner_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/scenarios/internal/scentest"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// An environment variable named like a secret (CI_DEPLOY_TOKEN, PBX_PASSWORD) is
// a secret whatever the scenario does with it: used in a query, a header or an
// expectation, or through a variable with a neutral name, its value stays out of
// every report (a scenario file is untrusted, and reports are CI artifacts).
// One with a neutral name (PBX_DOMAIN) stays readable.
func TestReports_secretNamedEnvironmentIsRedacted(t *testing.T) {
	const src = `
name: environment in a request
tags: [readonly]
vars:
  x: "${env.CI_DEPLOY_TOKEN}"
steps:
  - request: {method: GET, path: "/info?q=${x}&p=${env.PBX_PASSWORD}&d=${env.PBX_DOMAIN}"}
    headers: {X-Note: "${env.CI_DEPLOY_TOKEN}"}
    expect: {status: 418, body: {web_domain: "${env.CI_DEPLOY_TOKEN}"}}
`
	env := map[string]string{"CI_DEPLOY_TOKEN": "DeployTok3nValue", "PBX_PASSWORD": "EnvPassw0rdValue", "PBX_DOMAIN": "tenant.example.com"}
	r, err := runner.New(runner.Options{NewMock: runner.InProcessMock(mockserver.Options{}),
		Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	require.NoError(t, err)
	res := r.Run(context.Background(), scentest.Parse(t, "env.yaml", src), nil)
	require.Equal(t, runner.StatusFailed, res.Scenarios[0].Status, "the expectation must fail for the reports to show it")
	reports := renderReports(t, res)
	assertNoSecretIn(t, reports, map[string]bool{"DeployTok3nValue": true, "EnvPassw0rdValue": true})
	assert.Contains(t, reports["json"], "tenant.example.com", "a neutral name stays readable")
}
