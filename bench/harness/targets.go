package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// targetSpec says how to start one server under test.
type targetSpec struct {
	name string
	// args builds the command line for a loopback port.
	args func(port int) []string
	// prefix is the API base path: Prism serves the reference without /api.
	prefix string
	// skip, when set, is why this target can't run here.
	skip string
	// log is where the server's output goes; empty means <workdir>/<name>.log.
	log string
}

func targetSpecs(c config) []targetSpec {
	specs := []targetSpec{
		{name: "mock", prefix: "/api", log: c.mockLog, args: func(p int) []string {
			return append([]string{c.pbxauth, "mock", "--addr", "127.0.0.1:" + strconv.Itoa(p)}, strings.Fields(c.mockArgs)...)
		}},
		{name: "floor", prefix: "/api", args: func(p int) []string {
			return []string{c.floor, "-addr", "127.0.0.1:" + strconv.Itoa(p)}
		}},
		{name: "prism", prefix: "", args: func(p int) []string {
			// -v silent: Prism's request logging halves its throughput (NOTES.md).
			return []string{c.prism, "mock", "-h", "127.0.0.1", "-p", strconv.Itoa(p), "-v", "silent", c.spec}
		}},
	}
	if c.pbxauth == "" {
		specs[0].skip = "no -pbxauth binary"
	}
	if c.floor == "" {
		specs[1].skip = "no -floor binary"
	}
	if c.prism == "" {
		specs[2].skip = "no -prism binary"
	} else if _, err := os.Stat(c.spec); err != nil {
		specs[2].skip = "reference document not found: " + c.spec
	}
	return specs
}

// target is a running server under test.
type target struct {
	name string
	base string // e.g. http://127.0.0.1:40123/api
	cmd  *exec.Cmd
	done chan struct{}
}

func (t *target) pid() int { return t.cmd.Process.Pid }

func (t *target) url(path string) string { return t.base + path }

// startTarget starts a server on a free loopback port and waits until GET /info answers 200.
func startTarget(ctx context.Context, s targetSpec, workDir string) (*target, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	argv := s.args(port)
	logPath := s.log
	if logPath == "" {
		logPath = filepath.Join(workDir, s.name+".log")
	}
	logFile, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	// The server's own log goes to a file, never through a pipe the harness must
	// drain: the harness shares the two cores with the servers it measures.
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Own process group, so stopping it also stops anything it spawned.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s (%s): %w", s.name, argv[0], err)
	}
	logFile.Close()
	t := &target{name: s.name, base: fmt.Sprintf("http://127.0.0.1:%d%s", port, s.prefix), cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(t.done) }()

	deadline := time.Now().Add(60 * time.Second)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-t.done:
			return nil, fmt.Errorf("%s exited at start; its log (%s; -mock-log FILE keeps the mock's):\n%s", s.name, logPath, tail(logPath, 20))
		case <-ctx.Done():
			t.stop()
			return nil, ctx.Err()
		default:
		}
		if resp, err := client.Get(t.url("/info")); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				client.CloseIdleConnections()
				return t, nil
			}
		}
		if time.Now().After(deadline) {
			t.stop()
			return nil, fmt.Errorf("%s did not answer GET /info with 200 within 60s; its log (%s):\n%s", s.name, logPath, tail(logPath, 20))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop ends the target's process group: SIGTERM, then SIGKILL after 5 s.
func (t *target) stop() {
	select {
	case <-t.done:
		return
	default:
	}
	pgid := t.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-t.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-t.done
	}
}

func find(ts []*target, name string) *target {
	for _, t := range ts {
		if t.name == name {
			return t
		}
	}
	return nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// rssMiB reads a process's resident set size (VmRSS) in MiB; -1 when unreadable.
func rssMiB(pid int) float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			fields := strings.Fields(rest) // "123456 kB"
			if len(fields) > 0 {
				kb, err := strconv.ParseFloat(fields[0], 64)
				if err == nil {
					return kb / 1024
				}
			}
		}
	}
	return -1
}

// clockTicks is the unit of utime and stime in /proc/PID/stat (USER_HZ, 100 on
// Linux whatever the kernel's own tick).
const clockTicks = 100

// cpuSeconds reads a process's user plus system CPU time; -1 when unreadable.
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	// The command name (field 2) may hold spaces; the fields after its ")" are
	// fixed: state is field 3, utime 14, stime 15.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return -1
	}
	u, err1 := strconv.ParseFloat(f[11], 64)
	s, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return (u + s) / clockTicks
}

func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
