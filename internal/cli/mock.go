package cli

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pbxauth/pbxauth/mockserver"
)

type mockFlags struct {
	addr     string
	tls      bool
	data     string
	tokenTTL time.Duration
	ctlToken string
	control  string
}

// mockTokenEnv holds the control token for `pbxauth mock` (so it stays out of the
// process list) and for run and tui talking to a mock that requires one.
const mockTokenEnv = "PBXAUTH_MOCK_TOKEN"

func newMockCmd(s *streams) *cobra.Command {
	var f mockFlags
	cmd := &cobra.Command{
		Use:   "mock",
		Short: mockSummary,
		Long: `Serve pbxauth's stateful mock PBX: the 14 authentication operations under /api,
the control API under /_mock/ (outbox, journal, reset, clock, faults) and a simulated
Microsoft 365 sign-in. Logs one line per request (no secrets) to stderr; Ctrl-C stops it.`,
		Example: `  pbxauth mock
  pbxauth mock --addr 127.0.0.1:9000 --tls
  pbxauth mock --data mock.yaml --token-ttl 5m
  PBXAUTH_MOCK_TOKEN=$(openssl rand -hex 16) pbxauth mock --addr 0.0.0.0:8887

On a loopback address (the default) the control API is open to this machine. On any
other address the mock refuses to start unless --control-token (or PBXAUTH_MOCK_TOKEN)
gives a token that every /_mock/ call must send as "Authorization: Bearer TOKEN", or
--control off turns the control API off.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runMock(cmd.Context(), s, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8887", "address to listen on (port 0: any free port)")
	fl.BoolVar(&f.tls, "tls", false, "serve https with a self-signed certificate made at start")
	fl.StringVar(&f.data, "data", "", "YAML data file replacing the demo accounts (see mockserver/testdata/demo.yaml)")
	fl.DurationVar(&f.tokenTTL, "token-ttl", mockserver.DefaultTokenTTL, "access token lifetime")
	fl.StringVar(&f.ctlToken, "control-token", "", "token /_mock/ calls must send as Authorization: Bearer (default $"+mockTokenEnv+")")
	fl.StringVar(&f.control, "control", "on", "the control API under /_mock/: on or off")
	return cmd
}

func runMock(ctx context.Context, s *streams, f mockFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if f.tokenTTL <= 0 {
		return usageErrorf("--token-ttl must be positive, got %s", f.tokenTTL)
	}
	if strings.TrimSpace(f.addr) == "" {
		return usageErrorf("--addr must not be empty")
	}
	if f.control != "on" && f.control != "off" {
		return usageErrorf("--control must be on or off, got %q", f.control)
	}
	if f.ctlToken == "" {
		f.ctlToken = os.Getenv(mockTokenEnv)
	}
	data := mockserver.DemoData()
	if f.data != "" {
		d, err := mockserver.LoadData(f.data)
		if err != nil {
			return withCode(ExitUsage, err)
		}
		data = d
	}
	logOut := newFlushingWriter(s.err, 100*time.Millisecond)
	defer logOut.Close()
	logger := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv, err := mockserver.Start(mockserver.Options{
		Data: data, TokenTTL: f.tokenTTL, Logger: logger, TLS: f.tls, Addr: f.addr,
		ControlToken: f.ctlToken, ControlOff: f.control == "off",
	})
	if errors.Is(err, mockserver.ErrControlExposed) {
		return usageErrorf("%s is not a loopback address: anyone who reaches it could read every reset link and code "+
			"and take over every account through /_mock/. Give --control-token TOKEN (or $%s), which /_mock/ calls then "+
			"send as Authorization: Bearer TOKEN, or --control off", f.addr, mockTokenEnv)
	}
	if err != nil {
		return withCode(ExitFailure, err)
	}
	printBanner(s.out, srv, data, f)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	logger.Info("shutting down")
	if err := srv.Close(); err != nil {
		return withCode(ExitFailure, fmt.Errorf("shut down the mock: %w", err))
	}
	return nil
}

// printBanner tells where the mock listens and who can sign in. The demo passwords
// are public (they are in the README); a data file's passwords are not printed.
func printBanner(w io.Writer, srv *mockserver.Server, data *mockserver.Data, f mockFlags) {
	fmt.Fprintf(w, "pbxauth mock PBX listening on %s\n", listenDescription(f.addr, srv.Addr(), srv.URL()))
	fmt.Fprintf(w, "  API:      %s/api   (e.g. curl %s%s/api/info)\n", srv.URL(), curlTLSFlag(f.tls), srv.URL())
	fmt.Fprintf(w, "  controls: %s\n", controlDescription(srv.URL(), f))
	if c := srv.Certificate(); c != nil {
		fmt.Fprintf(w, "  TLS:      self-signed certificate, SHA-256 %X\n", sha256.Sum256(c.Raw))
	}
	fmt.Fprintf(w, "  tokens:   access tokens live %s\n\n", f.tokenTTL)

	source := "demo accounts"
	if f.data != "" {
		source = "accounts from " + f.data + " (passwords as in the file)"
	}
	fmt.Fprintf(w, "%s:\n", source)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  USERNAME\tPASSWORD\tDOMAIN\tROLE\tNOTES")
	pw := func(p string) string {
		if f.data != "" {
			return "(file)"
		}
		return p
	}
	for _, a := range data.System.Accounts {
		notes := "system account: sign in without a domain"
		if a.TwoFactor {
			notes += "; 2FA"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", a.Username, pw(a.Password), "-", a.Role, notes)
	}
	for _, t := range data.Tenants {
		var notes []string
		if t.TwoFactor {
			notes = append(notes, "2FA: code in GET /_mock/outbox")
		}
		if t.MS365.Enabled {
			notes = append(notes, "Microsoft 365 sign-in")
		}
		for _, a := range t.Users {
			n := notes
			if a.TwoFactor && !t.TwoFactor {
				n = append(append([]string(nil), n...), "2FA")
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", a.Username, pw(a.Password), t.Domain, a.Role, strings.Join(n, "; "))
		}
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "\nCtrl-C stops the mock.")
}

// listenDescription names where the mock listens: its URL, which holds the real bound
// address, or, bound to 0.0.0.0 or :: (Go reports both as [::]), all interfaces, with
// the address as asked and the URL this machine uses.
func listenDescription(requested, bound, url string) string {
	host, port, err := net.SplitHostPort(bound)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsUnspecified() {
		return url
	}
	if rh, _, err := net.SplitHostPort(requested); err == nil && rh != "" {
		host = rh
	}
	return "all interfaces, " + net.JoinHostPort(host, port) + " (from this machine: " + url + ")"
}

// controlDescription says where the control API is and what it needs.
func controlDescription(url string, f mockFlags) string {
	switch {
	case f.control == "off":
		return "off (--control off)"
	case f.ctlToken != "":
		return url + "/_mock/   (outbox, requests, reset, clock, faults; needs Authorization: Bearer <control token>)"
	}
	return url + "/_mock/   (outbox, requests, reset, clock, faults; this machine only)"
}

func curlTLSFlag(tls bool) string {
	if tls {
		return "-k "
	}
	return ""
}

// flushingWriter buffers log lines and writes them out every interval: at thousands
// of requests a second, one write system call per log line would cost the mock more
// than serving the request. Lines still show within the interval.
type flushingWriter struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

func newFlushingWriter(w io.Writer, every time.Duration) *flushingWriter {
	f := &flushingWriter{buf: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(f.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				f.flush()
			case <-f.stop:
				return
			}
		}
	}()
	return f
}

func (f *flushingWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.buf.Write(p)
}

func (f *flushingWriter) flush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	_ = f.buf.Flush()
}

// Close stops the ticker and writes out what is left.
func (f *flushingWriter) Close() {
	close(f.stop)
	<-f.done
	f.flush()
}
