package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/cobra"

	"github.com/pbxauth/pbxauth/mockserver"
	"github.com/pbxauth/pbxauth/tui"
	"github.com/pbxauth/pbxauth/tui/common"
	"github.com/pbxauth/pbxauth/tui/components/clipboard"
	"github.com/pbxauth/pbxauth/tui/history"
	"github.com/pbxauth/pbxauth/tui/profile"
	"github.com/pbxauth/pbxauth/tui/render"
	"github.com/pbxauth/pbxauth/tui/styles"
)

// tuiFPS caps redraws (bursts of messages coalesce); an idle TUI draws nothing
// (tui/render), so the rate costs nothing while nothing changes.
const tuiFPS = 30

// tuiFlags are the bare command's flags.
type tuiFlags struct {
	url      string
	insecure bool
	profile  string
	logFile  string
	scenDir  string
	export   string
	mail     string
	allow    []string
}

// attachTUI makes the bare `pbxauth` open the terminal UI.
func attachTUI(root *cobra.Command, s *streams) {
	var f tuiFlags
	root.Flags().StringVar(&f.url, "url", "", "PBX address (default: the built-in mock; env PBXAUTH_URL)")
	root.Flags().BoolVar(&f.insecure, "insecure", false, "do not verify the PBX's TLS certificate")
	root.Flags().StringVar(&f.profile, "profile", "", "open on this profile from the profile file")
	root.Flags().StringVar(&f.logFile, "log", "", "write a debug log to this file")
	root.Flags().StringVar(&f.scenDir, "scenarios", "", "your scenario files for the scenarios screen (default: the config dir's pbxauth/scenarios)")
	root.Flags().StringVar(&f.export, "export-dir", "", "where the inspector writes exported scenario files (default: the current directory)")
	root.Flags().StringVar(&f.mail, "mail", "", "receive a real PBX's mail over SMTP so Sign in and Forgot fill codes and reset tokens, e.g. smtp://127.0.0.1:2525")
	root.Flags().StringSliceVar(&f.allow, "mail-allow", nil, "with --mail on a non-loopback address: the PBX addresses (IP or CIDR) that may deliver")
	root.Args = cobra.NoArgs
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		if f.url == "" {
			f.url = strings.TrimSpace(os.Getenv("PBXAUTH_URL"))
		}
		return runTUI(cmd.Context(), s, f)
	}
}

func runTUI(ctx context.Context, s *streams, f tuiFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	urlTarget, exportDir, err := checkTUIFlags(f)
	if err != nil {
		return err
	}
	// The mock always runs, so the profiles screen can switch to it.
	mock, err := mockserver.New(mockserver.Options{})
	if err != nil {
		return withCode(ExitFailure, fmt.Errorf("start the built-in mock: %w", err))
	}
	defer mock.Close()
	opts := builtinMockOptions(mock)

	var store *profile.Store
	if path, err := profile.DefaultPath(); err == nil {
		store, _ = profile.Open(path) // a bad file is shown on the profiles screen
	}
	target, err := firstTarget(f, store, urlTarget, *opts.MockTarget)
	if err != nil {
		return err
	}
	logger, closeLog, err := tuiLogger(f.logFile)
	if err != nil {
		return err
	}
	defer closeLog()
	noColor := styles.NoColorRequested()
	if noColor {
		styles.KeepAttributes(s.out)
	} else {
		styles.DetectBackground()
	}
	mailOutbox, stopMail, err := tuiMail(f.mail, f.allow)
	if err != nil {
		return err
	}
	defer stopMail()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	hist := openHistory()
	if hist != nil {
		defer closeHistory(s.err, hist)
	}
	opts.Target = target
	opts.NoColor = noColor
	opts.Mail = mailOutbox
	opts.Profiles = store
	opts.Context = ctx
	opts.History = hist
	opts.Clipboard = clipboard.NewOSC52(s.out)
	opts.ScenarioDir = scenarioDir(f.scenDir)
	opts.ExportDir = exportDir
	opts.Logger = logger
	app, err := tui.New(opts)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if _, err := render.Run(ctx, app, s.in, s.out, tuiFPS); err != nil && ctx.Err() == nil {
		return withCode(ExitFailure, fmt.Errorf("terminal UI: %w", err))
	}
	return nil
}

// checkTUIFlags refuses two targets at once and reads --url and --export-dir,
// before anything starts.
func checkTUIFlags(f tuiFlags) (urlTarget common.Target, exportDir string, err error) {
	if f.url != "" && f.profile != "" {
		return urlTarget, "", usageErrorf("--url and --profile name two targets; give one")
	}
	if f.url != "" {
		if urlTarget, err = tui.URLTarget(f.url, f.insecure); err != nil {
			return urlTarget, "", usageErrorf("--url: %v", err)
		}
	}
	exportDir, err = resolveExportDir(f.export)
	if err != nil {
		return urlTarget, "", usageErrorf("--export-dir: %v", err)
	}
	return urlTarget, exportDir, nil
}

// builtinMockOptions are the TUI's options that reach the built-in mock. It is
// reached in-process only: the client through its transport (no listener, no
// port), everything else through its Controller.
func builtinMockOptions(mock *mockserver.Server) tui.Options {
	mockCtl := mock.Control()
	idp := tui.NewHTTPIdP(mockserver.InProcessURL)
	idp.Client.Transport = mock.Transport()
	return tui.Options{
		MockTarget: &common.Target{Profile: profile.MockName, BaseURL: mockserver.InProcessURL, Mock: true, Transport: mock.Transport()},
		Outbox:     tui.NewMockOutbox(mockCtl),
		IdP:        idp,
		Mock:       mockCtl,
		// The data the in-process mock runs with.
		DemoAccounts: tui.DemoAccounts(mockserver.DemoData()),
	}
}

// tuiMail is --mail's receiver of a real PBX's mail, as the TUI's outbox; without
// --mail the outbox is a nil interface (one holding a nil pointer would not be).
// stop is never nil.
func tuiMail(addr string, allow []string) (outbox tui.Outbox, stop func(), err error) {
	if addr == "" {
		return nil, func() {}, nil
	}
	rcv, err := startMail(addr, allow)
	if err != nil {
		return nil, nil, err
	}
	return tui.NewMailOutbox(rcv.Box()), func() { rcv.Close() }, nil
}

// firstTarget is the PBX the TUI opens on: --profile's, --url's, or the built-in
// mock.
func firstTarget(f tuiFlags, store *profile.Store, urlTarget, mockTarget common.Target) (common.Target, error) {
	switch {
	case f.profile != "":
		if store == nil {
			return common.Target{}, usageErrorf("no profile file")
		}
		if store.LoadErr != nil {
			return common.Target{}, usageErrorf("%v", store.LoadErr)
		}
		p, ok := store.Get(f.profile)
		if !ok {
			return common.Target{}, usageErrorf("no profile %q in %s", f.profile, store.Path)
		}
		target := p.Target()
		target.Insecure = target.Insecure || f.insecure
		return target, nil
	case f.url != "":
		return urlTarget, nil
	}
	return mockTarget, nil
}

// tuiLogger is --log's logger: the TUI logs through slog (an exchange per line,
// redacted), and without a handler on the file it would stay empty however long
// the session. Without --log the logger is nil; closeLog is never nil.
func tuiLogger(path string) (logger *slog.Logger, closeLog func(), err error) {
	if path == "" {
		return nil, func() {}, nil
	}
	lf, err := tea.LogToFile(path, "pbxauth")
	if err != nil {
		return nil, nil, usageErrorf("--log: %v", err)
	}
	return slog.New(slog.NewTextHandler(lf, &slog.HandlerOptions{Level: slog.LevelDebug})), func() { lf.Close() }, nil
}

// closeHistory writes what the history still holds and says, once the terminal is
// back, when entries did not reach the disk (a write failed, or the disk was too
// slow and entries were dropped): the history is not what the person expects.
func closeHistory(w io.Writer, st *history.Store) {
	if err := st.Close(); err != nil {
		fmt.Fprintf(w, "pbxauth: %v\n", err)
	}
}

// openHistory opens the on-disk history; without a data directory the session's
// history stays in memory (the inspector still works).
func openHistory() *history.Store {
	dir, err := history.DefaultDir()
	if err != nil {
		return nil
	}
	st, err := history.OpenStore(dir, 0)
	if err != nil {
		return nil
	}
	return st
}

// resolveExportDir makes --export-dir absolute (the working directory when empty),
// so the export message names the full path, and checks it is a directory now
// rather than after a session's work.
func resolveExportDir(dir string) (string, error) {
	if dir == "" {
		dir = "."
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("%s is not a directory", abs)
	}
	return abs, nil
}

// scenarioDir is --scenarios, or pbxauth/scenarios in the user's config directory.
func scenarioDir(flag string) string {
	if flag != "" {
		return flag
	}
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "pbxauth", "scenarios")
	}
	return ""
}
