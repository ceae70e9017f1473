// Command harness measures pbxauth's mock against a floor (a minimal net/http
// server) and Stoplight Prism with wrk on loopback, alternating the targets round
// after round, then floods the mock with sign-ins and follows its RSS through
// token expiry. bench/run.sh builds everything and calls it; run it directly only
// when the binaries are already built:
//
//	go run ./bench/harness -pbxauth /tmp/pbxauth -floor /tmp/floor -prism .../prism
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// config is the harness's flags.
type config struct {
	pbxauth, floor, prism, spec string
	wrk, luaDir, workDir, out   string
	rounds                      int
	duration, warmup, flood     time.Duration
	settle                      time.Duration
	threads, conns              int
	targets                     string
	mockLog, mockArgs           string
}

func parseFlags() config {
	var c config
	flag.StringVar(&c.pbxauth, "pbxauth", "", "pbxauth binary (its `mock` subcommand is the target)")
	flag.StringVar(&c.floor, "floor", "", "floor server binary (go build ./bench/floor)")
	flag.StringVar(&c.prism, "prism", "", "prism binary (node_modules/.bin/prism); empty skips Prism")
	flag.StringVar(&c.spec, "spec", "../shared/reference/portsip-auth-openapi.json", "OpenAPI document Prism serves")
	flag.StringVar(&c.wrk, "wrk", "wrk", "wrk binary")
	flag.StringVar(&c.luaDir, "lua", "bench/wrk", "folder of the wrk Lua scripts")
	flag.StringVar(&c.workDir, "workdir", "", "folder for server logs (default: a new temporary folder)")
	flag.StringVar(&c.out, "out", "", "also write the markdown report to this file")
	flag.IntVar(&c.rounds, "rounds", 3, "rounds of A B C alternation (at least 3 for a median)")
	flag.DurationVar(&c.duration, "duration", 5*time.Second, "wrk duration of each measurement")
	flag.DurationVar(&c.warmup, "warmup", time.Second, "unrecorded wrk run per target and call before round 1")
	flag.DurationVar(&c.flood, "flood", 60*time.Second, "sign-in flood for the RSS check (0 skips it)")
	flag.DurationVar(&c.settle, "settle", 30*time.Second, "how long to follow RSS after the clock passes token expiry")
	flag.IntVar(&c.threads, "threads", 2, "wrk -t")
	flag.IntVar(&c.conns, "conns", 64, "wrk -c")
	flag.StringVar(&c.targets, "targets", "mock,floor,prism", "comma-separated targets to measure")
	flag.StringVar(&c.mockLog, "mock-log", os.DevNull, "where the mock's per-request log goes (a file grows by ~150 bytes a request)")
	flag.StringVar(&c.mockArgs, "mock-args", "", "extra flags for `pbxauth mock`, space-separated")
	flag.Parse()
	return c
}

func main() {
	c := parseFlags()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	if c.rounds < 1 || c.duration < time.Second {
		return fmt.Errorf("need -rounds ≥ 1 and -duration ≥ 1s")
	}
	if c.workDir == "" {
		d, err := os.MkdirTemp("", "pbxauth-bench-")
		if err != nil {
			return err
		}
		c.workDir = d
	} else if err := os.MkdirAll(c.workDir, 0o755); err != nil {
		return err
	}
	lua, err := filepath.Abs(c.luaDir)
	if err != nil {
		return err
	}
	c.luaDir = lua

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	want := map[string]bool{}
	for _, t := range strings.Split(c.targets, ",") {
		want[strings.TrimSpace(t)] = true
	}
	var targets []*target
	defer func() {
		for _, t := range targets {
			t.stop()
		}
	}()
	for _, spec := range targetSpecs(c) {
		if !want[spec.name] {
			continue
		}
		if spec.skip != "" {
			logf("skipping %s: %s", spec.name, spec.skip)
			continue
		}
		t, err := startTarget(ctx, spec, c.workDir)
		if err != nil {
			return err
		}
		targets = append(targets, t)
		logf("%s ready at %s (pid %d)", t.name, t.base, t.pid())
	}
	if len(targets) == 0 {
		return fmt.Errorf("no target to measure")
	}

	rep := &report{cfg: c, started: time.Now()}
	if m := find(targets, "mock"); m != nil {
		rep.rssIdle = rssMiB(m.pid())
	}
	if err := measureRounds(ctx, c, targets, rep); err != nil {
		return err
	}
	if m := find(targets, "mock"); m != nil && c.flood > 0 {
		if err := floodAndExpire(ctx, c, m, rep); err != nil {
			return err
		}
	}
	md := rep.markdown()
	fmt.Print(md)
	if c.out != "" {
		if err := os.WriteFile(c.out, []byte(md), 0o644); err != nil {
			return err
		}
	}
	logf("server logs in %s", c.workDir)
	if !rep.allTargetsMet() {
		return fmt.Errorf("a target was missed (see the table)")
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().UTC().Format("15:04:05"), fmt.Sprintf(format, args...))
}
