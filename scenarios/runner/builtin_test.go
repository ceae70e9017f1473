package runner_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/scenarios"
	"github.com/pbxauth/pbxauth/scenarios/internal/scentest"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

// The built-in suite's own contract: what it covers, how it is tagged, and that it
// fails when the PBX misbehaves. The runner's behaviour is tested elsewhere.

// pathOps lists the operations whose path a scenario's raw requests hit with any
// method (a 405 scenario is about that path's operation without calling it).
func pathOps(steps []*scenarios.Step) []string {
	var out []string
	for _, st := range steps {
		if st.Kind != scenarios.KindRequest {
			continue
		}
		path, _, _ := strings.Cut(st.Path, "?")
		for _, id := range spec.OperationIDs() {
			op, _ := spec.OperationByID(id)
			if op.Path == path {
				out = append(out, id)
			}
		}
	}
	return out
}

func TestBuiltin_everyOperationHasASuccessAndTwoFailures(t *testing.T) {
	ss := scentest.Builtin(t)
	for _, id := range spec.OperationIDs() {
		var ok, negative []string
		for _, s := range ss {
			if !s.HasTag(id) {
				continue
			}
			if s.HasTag("negative") {
				negative = append(negative, s.Name)
			} else {
				ok = append(ok, s.Name)
			}
		}
		assert.NotEmpty(t, ok, "%s has no success scenario", id)
		assert.GreaterOrEqual(t, len(negative), 2, "%s has fewer than two failure scenarios: %q", id, negative)
	}
}

func TestBuiltin_operationTagsMatchTheSteps(t *testing.T) {
	ids := spec.OperationIDs()
	for _, s := range scentest.Builtin(t) {
		called := scenarios.CalledOps(s.Steps)
		touched := append(slices.Clone(called), pathOps(s.Steps)...)
		var tagged int
		for _, tag := range s.Tags {
			if !slices.Contains(ids, tag) {
				continue
			}
			tagged++
			assert.Contains(t, touched, tag, "%q is tagged %s but never sends it", s.Name, tag)
		}
		if !s.HasTag("bad-input") {
			assert.NotZero(t, tagged, "%q names no operation in its tags", s.Name)
		}
	}
}

func TestBuiltin_tagsSayWhatAScenarioNeeds(t *testing.T) {
	for _, s := range scentest.Builtin(t) {
		assert.True(t, s.HasTag(scenarios.TagReadonly) != s.HasTag(scenarios.TagMutating), "%q must be tagged readonly or mutating (one of them)", s.Name)
		if usesMock(s.Steps) {
			assert.True(t, s.MockOnly(), "%q reads the outbox or moves the clock but is not tagged mock-only", s.Name)
		}
		if s.HasTag("negative") {
			assert.True(t, expectsClientError(s.Steps), "%q is tagged negative but expects no 4xx answer", s.Name)
		}
		assert.False(t, strings.HasSuffix(s.Name, "."), "%q: names are sentences without a final period", s.Name)
	}
}

// The mock-only and mutating scenarios are the ones a real PBX skips by default, so
// enough of the suite must be left for it: the read-only scenarios that need no demo
// data, which is every operation's failure side at least.
func TestBuiltin_aRealPBXRunsAReadOnlyPart(t *testing.T) {
	covered := map[string]bool{}
	for _, s := range scentest.Builtin(t) {
		if s.MockOnly() || s.Mutating() {
			continue
		}
		for _, op := range scenarios.CalledOps(s.Steps) {
			covered[op] = true
		}
	}
	for _, id := range spec.OperationIDs() {
		assert.True(t, covered[id], "no read-only scenario for a real PBX sends %s", id)
	}
}

func usesMock(steps []*scenarios.Step) bool {
	for _, st := range steps {
		if st.Kind == scenarios.KindOutbox || st.Kind == scenarios.KindClock || (st.Kind == scenarios.KindInclude && usesMock(st.Include.Flow.Steps)) {
			return true
		}
	}
	return false
}

func expectsClientError(steps []*scenarios.Step) bool {
	for _, st := range steps {
		if st.Kind == scenarios.KindInclude && expectsClientError(st.Include.Flow.Steps) {
			return true
		}
		for _, code := range st.Expect.Status {
			if code == 4 || (code >= 400 && code < 500) {
				return true
			}
		}
	}
	return false
}

// faultedMock builds mocks whose control API has been told, over HTTP as a user
// would (POST /_mock/faults, through the mock's transport), to fail one operation
// with status.
func faultedMock(op string, status int) runner.MockFactory {
	return func() (runner.Mock, error) {
		srv, err := mockserver.New(mockserver.Options{})
		if err != nil {
			return runner.Mock{}, err
		}
		ctl, err := mockserver.NewControlClient(mockserver.InProcessAPIURL, mockserver.WithControlHTTPClient(srv.HTTPClient()))
		if err == nil {
			_, err = ctl.SetFaults(context.Background(), map[string]mockserver.Fault{op: {Status: status}})
		}
		if err != nil {
			_ = srv.Close()
			return runner.Mock{}, err
		}
		return runner.Mock{BaseURL: mockserver.InProcessAPIURL, Transport: srv.Transport(), Stop: func() { _ = srv.Close() }}, nil
	}
}

// With one operation failing, every scenario that sends it fails at the first step
// that does, with a message naming the expected and the injected status; the others
// still pass. This is what proves the suite can fail.
func TestBuiltin_aFaultyOperationFailsTheScenariosThatSendIt(t *testing.T) {
	ss := scentest.Builtin(t)
	const injected = 503
	for _, id := range spec.OperationIDs() {
		t.Run(id, func(t *testing.T) {
			var affected, others []*scenarios.Scenario
			for _, s := range ss {
				if slices.Contains(scenarios.CalledOps(s.Steps), id) {
					affected = append(affected, s)
				} else {
					others = append(others, s)
				}
			}
			require.NotEmpty(t, affected)
			r, err := runner.New(runner.Options{NewMock: faultedMock(id, injected), Parallel: 4})
			require.NoError(t, err)
			res := r.Run(context.Background(), append(affected, others...), nil)
			for i, sr := range res.Scenarios {
				if i >= len(affected) {
					assert.Equal(t, runner.StatusPassed, sr.Status, "%q does not send %s yet failed", sr.Scenario.Name, id)
					continue
				}
				if !assert.Equal(t, runner.StatusFailed, sr.Status, "%q sends %s but did not fail", sr.Scenario.Name, id) {
					continue
				}
				fs := sr.FailedStep()
				require.NotNil(t, fs)
				require.NotNil(t, fs.Exchange, sr.Scenario.Name)
				assert.Equal(t, id, fs.Exchange.Operation, "%q failed at %q, not at a %s step", sr.Scenario.Name, fs.Name, id)
				assert.NotEmpty(t, fs.Name)
				assert.Contains(t, fs.Message(), fmt.Sprintf("got %d FAULT_INJECTED", injected), sr.Scenario.Name)
			}
			assert.Equal(t, 1, res.ExitCode())
		})
	}
}

// A PBX has no control API: against one, the mock-only and mock-level scenarios
// are skipped and the rest must pass with the accounts given as variables. A mock
// with its /_mock/ endpoints hidden stands in for it, shared by every scenario as a
// PBX is; it is a real target because nobody said it is the mock.
func TestBuiltin_theRealPBXPartPassesWithoutTheControlAPI(t *testing.T) {
	pbx, _ := hiddenMock(t)
	ss := scentest.Builtin(t)
	r, err := runner.New(runner.Options{BaseURL: pbx + "/api", Parallel: 4, Vars: runner.DemoVars()})
	require.NoError(t, err)
	res := r.Run(context.Background(), ss, nil)
	logFailures(t, res)
	var ran int
	for _, sr := range res.Scenarios {
		s := sr.Scenario
		switch {
		case s.MockOnly() || s.Mutating() || s.EffectiveLevel() == scenarios.LevelMock:
			assert.Equal(t, runner.StatusSkipped, sr.Status, s.Name)
		default:
			ran++
			assert.Equal(t, runner.StatusPassed, sr.Status, s.Name)
		}
	}
	assert.GreaterOrEqual(t, ran, 70)
	assert.Equal(t, 0, res.ExitCode())
}

// Without --var, a real target gets no demo account: every scenario that needs an
// account is skipped naming its variables, and no request carries a demo name or
// password.
func TestBuiltin_aRealTargetNeverGetsTheDemoAccounts(t *testing.T) {
	pbx, bodies := hiddenMock(t)
	ss := scentest.Builtin(t)
	r, err := runner.New(runner.Options{BaseURL: pbx + "/api", Parallel: 4, AllowMutations: true})
	require.NoError(t, err)
	res := r.Run(context.Background(), ss, nil)
	logFailures(t, res)
	assert.Equal(t, 0, res.ExitCode())
	skippedForVars := 0
	for _, sr := range res.Scenarios {
		if len(r.UnsetVars(sr.Scenario)) > 0 {
			require.Equal(t, runner.StatusSkipped, sr.Status, sr.Scenario.Name)
			if strings.HasPrefix(sr.Reason, "needs variables ") {
				skippedForVars++
			}
		}
	}
	assert.Greater(t, skippedForVars, 60)
	sent := strings.Join(bodies(), "\n")
	for _, v := range runner.DemoVars() {
		if v == "example.com" {
			continue // also the domain of made-up callback URLs
		}
		assert.NotContains(t, sent, `"`+v+`"`, "a demo value reached the PBX")
	}
}

// hiddenMock serves a mock with its control API hidden and records request bodies.
func hiddenMock(t *testing.T) (string, func() []string) {
	t.Helper()
	srv, err := mockserver.Start(mockserver.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	var mu sync.Mutex
	var bodies []string
	pbx := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_mock") {
			http.NotFound(w, r)
			return
		}
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(b))
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(pbx.Close)
	return pbx.URL, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), bodies...)
	}
}

// The way a person sees the suite fail by hand: `pbxauth mock`, POST /_mock/faults,
// then `pbxauth run --url`. The runner resets that shared mock before each scenario;
// the faults must survive the resets.
func TestBuiltin_failsAgainstAStandaloneMockWithAFault(t *testing.T) {
	srv, err := mockserver.Start(mockserver.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	root := strings.TrimSuffix(srv.APIURL(), "/api")
	resp, err := http.Post(root+"/_mock/faults", "application/json", strings.NewReader(`{"signOut": {"status": 500}}`))
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	var sel []*scenarios.Scenario
	for _, s := range scentest.Builtin(t) {
		if slices.Contains(scenarios.CalledOps(s.Steps), "signOut") {
			sel = append(sel, s)
		}
	}
	require.GreaterOrEqual(t, len(sel), 3)
	r, err := runner.New(runner.Options{BaseURL: srv.APIURL(), SharedMock: true})
	require.NoError(t, err)
	res := r.Run(context.Background(), sel, nil)
	for _, sr := range res.Scenarios {
		require.Equal(t, runner.StatusFailed, sr.Status, sr.Scenario.Name)
		assert.Contains(t, sr.FailedStep().Message(), "got 500 FAULT_INJECTED", sr.Scenario.Name)
	}
	assert.Equal(t, 1, res.ExitCode())
}
