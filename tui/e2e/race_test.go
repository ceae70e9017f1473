//go:build race

package e2e

// Under -race, the test builds the binary with -race too, so `go test -race`
// reuses the race-built packages it already compiled instead of compiling every
// dependency again (and the binary is checked for races while driven).
func init() { buildFlags = append(buildFlags, "-race") }
