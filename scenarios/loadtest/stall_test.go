//go:build unix

package loadtest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	osexec "os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pbxauth/pbxauth/scenarios/internal/scentest"
	"github.com/pbxauth/pbxauth/scenarios/runner"
)

const stallServerEnv = "PBXAUTH_TEST_STALL_SERVER"

// TestLoadStallServer is not a test: run by TestRun_openLoopShowsAStall as
// a child process, it serves GET /api/info on loopback until killed, so that the
// parent can freeze it with SIGSTOP.
func TestLoadStallServer(t *testing.T) {
	if os.Getenv(stallServerEnv) == "" {
		t.Skip("the child process of TestRun_openLoopShowsAStall")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	fmt.Printf("listening %s\n", ln.Addr())
	_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"web_domain":"pbx.example.com"}`))
	}))
}

// startStallServer runs TestLoadStallServer in a child process and returns its
// address and process.
func startStallServer(t *testing.T) (string, *os.Process) {
	t.Helper()
	cmd := osexec.Command(os.Args[0], "-test.run=^TestLoadStallServer$")
	cmd.Env = append(os.Environ(), stallServerEnv+"=1")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	require.True(t, ok, line)
	return addr, cmd.Process
}

// A server frozen for 1 s of a 3 s open-loop run: the requests due during the
// freeze wait for it (every virtual user is stuck on it), and since each is timed
// from when it was due, the p99 shows the second. A closed-loop run would time
// them from when a user got free and report a p99 of milliseconds.
func TestRun_openLoopShowsAStall(t *testing.T) {
	addr, proc := startStallServer(t)
	r, err := runner.New(runner.Options{BaseURL: "http://" + addr, Spec: runner.SpecOff})
	require.NoError(t, err)
	ss := scentest.Parse(t, "l.yaml", "name: i\ntags: [readonly]\nsteps:\n  - call: retrieveMetadata\n    expect: {status: 200}\n")

	time.AfterFunc(time.Second, func() {
		_ = proc.Signal(syscall.SIGSTOP)
		time.AfterFunc(time.Second, func() { _ = proc.Signal(syscall.SIGCONT) })
	})
	res, err := Run(context.Background(), r, ss, Options{Rate: 50, Duration: 3 * time.Second, Concurrency: 10})
	require.NoError(t, err)
	t.Logf("requests %d, p50 %s, p99 %s, max %s, late %d, not sent %d", res.Requests, res.P50, res.P99, res.Max, res.Late, res.NotSent)

	assert.Empty(t, res.Errors)
	assert.GreaterOrEqual(t, res.P99, 700*time.Millisecond, "the frozen second shows in the p99")
	assert.GreaterOrEqual(t, res.Max, 900*time.Millisecond)
	assert.Less(t, res.P50, 500*time.Millisecond, "most requests were not held up")
	assert.Positive(t, res.Late, "requests due during the freeze went out late: every virtual user was stuck")
	assert.InDelta(t, 150, res.Requests+res.NotSent, 15, "50/s for 3 s: sent or counted as not sent")
}
