// Package cli wires pbxauth's subcommands (cobra) to the packages that do the work.
package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/pbxauth/pbxauth/internal/termsafe"
)

// Exit codes shared by every subcommand.
const (
	ExitOK      = 0
	ExitFailure = 1 // an API error, or a failed assertion/spec check
	ExitUsage   = 2 // bad flags, arguments or files
	ExitNetwork = 3 // the target could not be reached or timed out
)

// exitError carries an exit code out of a command's RunE.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withCode tags err with an exit code.
func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// usageErrorf is an ExitUsage error.
func usageErrorf(format string, args ...any) error {
	return withCode(ExitUsage, fmt.Errorf(format, args...))
}

// streams are the command's standard streams, so tests can run commands in-process.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

// warnInsecure says on stderr, once per command, that --insecure turned off
// certificate checks: credentials then travel readable to anyone on the path.
func warnInsecure(s *streams, insecure bool) {
	if insecure {
		fmt.Fprintln(s.err, "pbxauth: warning: TLS certificate verification is off (--insecure); anyone on the path can read the credentials")
	}
}

// withCheckedOutput runs a command whose output is its result (call's answer,
// run's report) with stdout wrapped, so that output which never arrived (disk
// full, a closed pipe reader) fails the command: a script must not read success
// from the exit code. The TUI keeps the real stdout, which it probes as a terminal.
func withCheckedOutput(s *streams, run func(*streams) error) error {
	cw := &checkedWriter{w: s.out}
	checked := *s
	checked.out = cw
	err := run(&checked)
	if err == nil && cw.err != nil {
		err = withCode(ExitFailure, fmt.Errorf("cannot write the output: %w", cw.err))
	}
	return err
}

// checkedWriter keeps the first write error of a stream that commands print to
// without checking every write.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	if err != nil {
		c.err = err
	}
	return n, err
}

// NewRoot builds the command tree for a command line: in full only the
// subcommand the line names.
func NewRoot(s *streams, args []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "pbxauth",
		Short: "Explore, verify and demo the PortSIP PBX authentication API",
		Long: `pbxauth is a terminal tool for the authentication API of the PortSIP PBX REST API.

Run without a subcommand it opens the terminal UI on the built-in mock PBX
(or on --url / PBXAUTH_URL). Subcommands call single operations, run
conformance scenarios and serve the mock PBX for other tools.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return withCode(ExitUsage, err) })
	for _, sc := range subcommands {
		if namedOn(sc.name, args) {
			root.AddCommand(sc.build(s))
		} else {
			root.AddCommand(listed(sc))
		}
	}
	attachTUI(root, s) // the bare `pbxauth` opens the TUI
	return root
}

// Execute runs pbxauth with args and returns the process exit code.
func Execute(args []string, in io.Reader, out, errOut io.Writer) int {
	s := &streams{in: in, out: out, err: errOut}
	root := NewRoot(s, args)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	// Error messages quote what servers and files said: shown inert, never obeyed.
	fmt.Fprintln(errOut, "pbxauth:", termsafe.Text(err.Error()))
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	// cobra's own errors (unknown command, bad args) are usage errors.
	return ExitUsage
}
