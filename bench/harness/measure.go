package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pbxauth/pbxauth/mockserver"
)

// call is one benchmarked request.
type call struct {
	label  string // as printed in the table
	path   string // relative to the target's base
	script string // wrk Lua script in the lua folder
}

var calls = []call{
	{label: "GET /api/info", path: "/info", script: "info.lua"},
	{label: "POST /api/auth/sign_in", path: "/auth/sign_in", script: "signin.lua"},
}

// sample is what one wrk run reports (latencies in microseconds).
type sample struct {
	Requests, DurationUS         int64
	P50, P90, P99, Max           int64
	Connect, Read, Write, Status int64
	Timeout                      int64
	// CPUus is the server's own CPU time (user + system) per request, in
	// microseconds: what it costs, whatever else the two cores are doing.
	CPUus float64
}

func (s sample) rps() float64 {
	if s.DurationUS == 0 {
		return 0
	}
	return float64(s.Requests) / (float64(s.DurationUS) / 1e6)
}

// errors counts non-2xx answers (wrk counts status ≥ 400) and socket errors.
func (s sample) errors() int64 { return s.Connect + s.Read + s.Write + s.Status + s.Timeout }

// runWrk runs wrk once against a target and parses the line report.lua prints.
func runWrk(ctx context.Context, c config, t *target, cl call, d time.Duration, threads, conns int) (sample, error) {
	secs := int(d.Round(time.Second) / time.Second)
	if secs < 1 {
		secs = 1
	}
	args := []string{
		"-t" + strconv.Itoa(threads), "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(secs) + "s",
		"--timeout", "5s", "-s", filepath.Join(c.luaDir, cl.script), t.url(cl.path),
	}
	cmd := exec.CommandContext(ctx, c.wrk, args...)
	cmd.Env = append(os.Environ(), "BENCH_WRK_DIR="+c.luaDir)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cpu0 := cpuSeconds(t.pid())
	if err := cmd.Run(); err != nil {
		return sample{}, fmt.Errorf("wrk %s: %w: %s", strings.Join(args, " "), err, errb.String())
	}
	cpu1 := cpuSeconds(t.pid())
	s, err := parseReport(out.String())
	if err == nil && cpu0 >= 0 && cpu1 >= cpu0 && s.Requests > 0 {
		s.CPUus = (cpu1 - cpu0) * 1e6 / float64(s.Requests)
	}
	return s, err
}

// parseReport reads the "BENCH key=value ..." line of report.lua.
func parseReport(out string) (sample, error) {
	for _, line := range strings.Split(out, "\n") {
		rest, ok := strings.CutPrefix(line, "BENCH ")
		if !ok {
			continue
		}
		var s sample
		fields := map[string]*int64{
			"requests": &s.Requests, "duration_us": &s.DurationUS, "p50_us": &s.P50, "p90_us": &s.P90,
			"p99_us": &s.P99, "max_us": &s.Max, "err_connect": &s.Connect, "err_read": &s.Read,
			"err_write": &s.Write, "err_status": &s.Status, "err_timeout": &s.Timeout,
		}
		for _, kv := range strings.Fields(rest) {
			k, v, _ := strings.Cut(kv, "=")
			if p, ok := fields[k]; ok {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return sample{}, fmt.Errorf("wrk report: %s: %w", kv, err)
				}
				*p = n
			}
		}
		return s, nil
	}
	return sample{}, fmt.Errorf("wrk printed no BENCH line (is report.lua loaded?):\n%s", out)
}

// measureRounds alternates the targets: every round measures each call on every
// target in turn, starting one target later each round so no target always runs
// first (warm caches, thermal state) or last.
func measureRounds(ctx context.Context, c config, targets []*target, rep *report) error {
	for _, cl := range calls {
		for _, t := range targets {
			if c.warmup <= 0 {
				break
			}
			if _, err := runWrk(ctx, c, t, cl, c.warmup, c.threads, c.conns); err != nil {
				return err
			}
		}
	}
	rep.samples = map[string]map[string][]sample{}
	for r := 0; r < c.rounds; r++ {
		for _, cl := range calls {
			for i := range targets {
				t := targets[(i+r)%len(targets)]
				s, err := runWrk(ctx, c, t, cl, c.duration, c.threads, c.conns)
				if err != nil {
					return err
				}
				if rep.samples[cl.label] == nil {
					rep.samples[cl.label] = map[string][]sample{}
				}
				rep.samples[cl.label][t.name] = append(rep.samples[cl.label][t.name], s)
				logf("round %d/%d %-24s %-6s %9.0f req/s  p50 %s  p99 %s  errors %d  CPU %.1f µs/req",
					r+1, c.rounds, cl.label, t.name, s.rps(), ms(s.P50), ms(s.P99), s.errors(), s.CPUus)
			}
		}
	}
	rep.order = nil
	for _, t := range targets {
		rep.order = append(rep.order, t.name)
	}
	return nil
}

// floodAndExpire signs in for c.flood, then moves the mock's clock past token
// expiry and follows RSS while light traffic lets the stores drop expired entries.
func floodAndExpire(ctx context.Context, c config, m *target, rep *report) error {
	signIn := calls[1]
	rep.rssBefore = rssMiB(m.pid())
	rep.tokBefore = tokensHeld(ctx, m)
	logf("sign-in flood on the mock for %s (RSS before %.1f MiB)", c.flood, rep.rssBefore)
	s, err := runWrk(ctx, c, m, signIn, c.flood, c.threads, c.conns)
	if err != nil {
		return err
	}
	rep.flood = &s
	rep.rssAfter = rssMiB(m.pid())
	rep.tokAfter = tokensHeld(ctx, m)
	logf("flood: %d sign-ins, %.0f req/s, errors %d; RSS after %.1f MiB", s.Requests, s.rps(), s.errors(), rep.rssAfter)

	// Access tokens live 30 minutes, refresh tokens 24 hours: move the clock past
	// one, then the other. The stores drop expired entries when a new one comes in,
	// so one sign-in a second pokes them without refilling them; a light /info load
	// (one thread, four connections) makes the garbage that runs the collector,
	// without which a quiet Go process keeps its freed heap for minutes.
	for _, st := range []struct {
		advance time.Duration
		label   string
	}{
		{31 * time.Minute, "31m (access tokens expired)"},
		{24 * time.Hour, "24h more (refresh tokens expired too)"},
	} {
		if err := advanceClock(ctx, m, st.advance); err != nil {
			return err
		}
		e := expiryStage{label: st.label, rssMin: rssMiB(m.pid())}
		start := time.Now()
		for time.Since(start) < c.settle/2 {
			if err := signInOnce(m); err != nil {
				return err
			}
			if _, err := runWrk(ctx, c, m, calls[0], time.Second, 1, 4); err != nil {
				return err
			}
			if r := rssMiB(m.pid()); r < e.rssMin {
				e.rssMin, e.rssMinAt = r, time.Since(start)
			}
		}
		e.rssEnd, e.tokens = rssMiB(m.pid()), tokensHeld(ctx, m)
		rep.expiry = append(rep.expiry, e)
		logf("clock +%s: RSS min %.1f MiB at +%s, end %.1f MiB, tokens %s", st.advance, e.rssMin, e.rssMinAt.Round(time.Second), e.rssEnd, e.tokens)
	}
	return nil
}

// expiryStage is the mock's memory after one move of its clock.
type expiryStage struct {
	label          string
	rssMin, rssEnd float64
	rssMinAt       time.Duration
	tokens         string
}

func advanceClock(ctx context.Context, m *target, d time.Duration) error {
	ctl, err := mockserver.NewControlClient(m.base)
	if err == nil {
		_, err = ctl.AdvanceClock(ctx, d)
	}
	if err != nil {
		return fmt.Errorf("advance the mock clock: %w", err)
	}
	return nil
}

func signInOnce(m *target) error {
	resp, err := http.Post(m.url("/auth/sign_in"), "application/json",
		strings.NewReader(`{"username":"alice","password":"Alice#2026","domain":"example.com"}`))
	if err != nil {
		return fmt.Errorf("sign in after expiry: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("sign in after expiry: %d", resp.StatusCode)
	}
	return nil
}

// tokensHeld reads the mock's store sizes from GET /_mock/stats ("access/refresh"),
// or "?" when the mock does not say.
func tokensHeld(ctx context.Context, m *target) string {
	ctl, err := mockserver.NewControlClient(m.base)
	if err != nil {
		return "?"
	}
	st, err := ctl.Stats(ctx)
	if err != nil {
		return "?"
	}
	return fmt.Sprintf("%d / %d", st.AccessTokens, st.RefreshTokens)
}

func ms(us int64) string { return fmt.Sprintf("%.2f ms", float64(us)/1000) }
