// Command mockprof serves the mock PBX (mockserver, the handler `pbxauth mock`
// serves, without its per-request log) next to net/http/pprof on a second port, so
// the mock can be profiled under wrk load without a hook in the product:
//
//	go run ./bench/mockprof -addr 127.0.0.1:8887 -pprof 127.0.0.1:6060 &
//	wrk -t2 -c64 -d20s -s bench/wrk/signin.lua http://127.0.0.1:8887/api/auth/sign_in &
//	go tool pprof -top http://127.0.0.1:6060/debug/pprof/profile?seconds=10
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	_ "net/http/pprof" // the profiler, on its own listener
	"os"
	"os/signal"
	"syscall"

	"github.com/pbxauth/pbxauth/mockserver"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8887", "mock listen address")
	pprofAddr := flag.String("pprof", "127.0.0.1:6060", "pprof listen address")
	flag.Parse()
	srv, err := mockserver.Start(mockserver.Options{Addr: *addr})
	if err != nil {
		log.Fatal(err)
	}
	go func() { log.Println(http.ListenAndServe(*pprofAddr, nil)) }()
	fmt.Printf("mock at %s, pprof at http://%s/debug/pprof/\n", srv.URL(), *pprofAddr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	_ = srv.Close()
}
