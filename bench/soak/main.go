// Command soak runs virtual users through mixed flows (sign-in, token refresh and
// rotation, who-am-I, sign-out, 2FA with the code read from the outbox, forgot and
// reset password, web sessions, metadata, bad logins) against the mock PBX, first
// clean, then with faults injected, and checks: no 5xx, no unexpected outcome, no
// call past its timeout, and (in-process) no goroutine left behind.
//
//	go run ./bench/soak -inprocess -duration 60s -concurrency 64
//	go run ./bench/soak -url http://127.0.0.1:8887 -duration 5s
//
// bench/soak.sh builds and starts `pbxauth mock` and runs both modes.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/mockserver"
)

type config struct {
	url                  string
	inprocess            bool
	duration, faultDur   time.Duration
	timeout, faultTimout time.Duration
	concurrency          int
}

func main() {
	var c config
	flag.StringVar(&c.url, "url", "", "mock root address (without /api), e.g. http://127.0.0.1:8887")
	flag.BoolVar(&c.inprocess, "inprocess", false, "start the mock in this process (adds the goroutine check)")
	flag.DurationVar(&c.duration, "duration", 60*time.Second, "length of the clean run")
	flag.DurationVar(&c.faultDur, "fault-duration", 0, "length of the run with faults injected (default: -duration; negative skips it)")
	flag.DurationVar(&c.timeout, "timeout", 5*time.Second, "client timeout per call in the clean run")
	flag.DurationVar(&c.faultTimout, "fault-timeout", time.Second, "client timeout per call with faults (below the injected 3s latency)")
	flag.IntVar(&c.concurrency, "concurrency", 64, "virtual users")
	flag.Parse()
	if c.faultDur == 0 {
		c.faultDur = c.duration
	}
	if (c.url == "") == !c.inprocess || c.concurrency < 1 {
		fmt.Fprintln(os.Stderr, "soak: give exactly one of -url or -inprocess, and -concurrency ≥ 1")
		os.Exit(2)
	}
	os.Exit(run(c))
}

func run(c config) int {
	var srv *mockserver.Server
	baseG := 0
	if c.inprocess {
		var err error
		// Only errors (a recovered panic, with its stack) reach stderr: the mock's
		// per-request lines are below that level.
		logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
		srv, err = mockserver.Start(mockserver.Options{Logger: logger})
		if err != nil {
			fmt.Fprintln(os.Stderr, "soak:", err)
			return 2
		}
		c.url = srv.URL()
		time.Sleep(100 * time.Millisecond) // let the listener's goroutine settle
		baseG = runtime.NumGoroutine()
	}
	transport := &http.Transport{MaxIdleConns: 4 * c.concurrency, MaxIdleConnsPerHost: 4 * c.concurrency, IdleConnTimeout: 30 * time.Second}
	ctl, err := mockserver.NewControlClient(c.url, mockserver.WithControlHTTPClient(&http.Client{Transport: transport, Timeout: 10 * time.Second}))
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		return 2
	}
	if err := ctl.Reset(context.Background(), mockserver.ResetOptions{}); err != nil {
		fmt.Fprintln(os.Stderr, "soak: the mock's control API does not answer:", err)
		return 2
	}

	failed := false
	where := "pbxauth mock at " + c.url
	if c.inprocess {
		where = "in-process mockserver at " + c.url
	}
	fmt.Printf("## Soak: %d virtual users, %s\n\n", c.concurrency, where)
	if !phase("clean", c, c.duration, c.timeout, false, transport, ctl) {
		failed = true
	}
	if c.faultDur > 0 {
		if _, err := ctl.SetFaults(context.Background(), faultPlan); err != nil {
			fmt.Fprintln(os.Stderr, "soak: inject faults:", err)
			return 2
		}
		if !phase("faults", c, c.faultDur, c.faultTimout, true, transport, ctl) {
			failed = true
		}
		if err := ctl.ClearFaults(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "soak: clear faults:", err)
			failed = true
		}
	}

	if c.inprocess {
		if !goroutinesSettle(baseG, transport) {
			failed = true
		}
		_ = srv.Close()
	}
	if failed {
		fmt.Println("\nSOAK FAILED")
		return 1
	}
	fmt.Println("\nSOAK PASSED")
	return 0
}

// phase runs the virtual users for d and prints what they saw. It fails on any 5xx
// (in the clean run), any unexpected outcome, any call past its timeout plus grace,
// or users still busy long after the end (a hang).
func phase(name string, c config, d, timeout time.Duration, faults bool, tr *http.Transport, ctl mockserver.Controller) bool {
	st := newStats()
	sh := &shared{bobPW: "Bob#2026"}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range c.concurrency {
		api, err := apiclient.New(apiclient.WithBaseURL(c.url+"/api"), apiclient.WithTimeout(timeout), apiclient.WithTransport(tr))
		if err != nil {
			fmt.Fprintln(os.Stderr, "soak:", err)
			return false
		}
		v := &vu{id: i, api: api, ctl: ctl, st: st, sh: sh, timeout: timeout, faults: faults}
		wg.Add(1)
		go func() { defer wg.Done(); v.loop(stop) }()
	}
	start := time.Now()
	time.Sleep(d)
	close(stop)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	// A flow has at most 8 calls, each bounded by the client's timeout.
	limit := 8*(timeout+grace(timeout)) + 5*time.Second
	hung := false
	select {
	case <-done:
	case <-time.After(limit):
		hung = true
	}
	elapsed := time.Since(start)

	fmt.Printf("### %s run: %s", name, d)
	if faults {
		fmt.Printf(", client timeout %s; faults %v", timeout, faultPlan)
	}
	fmt.Print("\n\n")
	st.print(os.Stdout, elapsed)
	_, fivexx, unexpected, hangs := st.totals()
	okRun := unexpected == 0 && hangs == 0 && !hung && (faults || fivexx == 0)
	if hung {
		fmt.Printf("virtual users still busy %s after the end: HUNG\n", limit)
	}
	fmt.Printf("%s run: %s\n\n", name, verdict(okRun))
	return okRun
}

// goroutinesSettle closes the client's idle connections and waits for the process
// to come back to the goroutine count it had before the load.
func goroutinesSettle(base int, tr *http.Transport) bool {
	tr.CloseIdleConnections()
	deadline := time.Now().Add(15 * time.Second)
	n := runtime.NumGoroutine()
	for n > base && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		tr.CloseIdleConnections()
		n = runtime.NumGoroutine()
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	okG := n <= base
	fmt.Printf("goroutines: %d before the load, %d after it (within 15s): %s; heap in use after GC: %.1f MiB\n",
		base, n, verdict(okG), float64(ms.HeapInuse)/(1<<20))
	return okG
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}
