package runner

import "github.com/pbxauth/pbxauth/scenarios"

// UnsetVars lets the external tests see which variables a scenario lacks.
func (r *Runner) UnsetVars(s *scenarios.Scenario) []string { return r.unsetVars(s) }

// What the leak tests need to find the secrets of an answer as the runner does.
var (
	DecodeJSON = decodeJSON
	LookupPath = lookupPath
)

const MinSecretLen = minSecretLen

// Started is how many mocks the pool has started.
func (p *MockPool) Started() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.all)
}
