// Command floor is the benchmark harness's floor: a minimal net/http server that
// answers GET /api/info and POST /api/auth/sign_in with no spec validation, no
// journal, no store and no limits. It is what a Go mock cannot beat on this
// machine, so the harness reports the mock as a ratio of it.
//
//	go run ./bench/floor -addr 127.0.0.1:8890
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8890", "listen address (loopback)")
	flag.Parse()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("floor: %v", err)
	}
	srv := &http.Server{Handler: newHandler()}
	fmt.Printf("floor listening on http://%s/api\n", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("floor: %v", err)
	}
}
