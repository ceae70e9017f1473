package main

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
)

func TestClassify_namesEachKindOfOutcome(t *testing.T) {
	for want, err := range map[string]error{
		"2xx":        nil,
		"status 401": &apiclient.APIError{Status: 401},
		"timeout":    fmt.Errorf("wrapped: %w", &apiclient.TransportError{Timeout: true, Err: errors.New("deadline")}),
		"network":    &apiclient.TransportError{Err: errors.New("EOF")},
		"decode":     &apiclient.DecodeError{Err: errors.New("bad json")},
		"error: odd": errors.New("odd"),
	} {
		if got := classify(err); got != want {
			t.Errorf("classify(%v) = %q, want %q", err, got, want)
		}
	}
}

// TestRun_shortInProcessSoakPasses runs the whole soak, clean and with faults,
// against an in-process mock for a second each: every flow's expectations hold,
// the faults surface as their own failures in time, and no goroutine is left.
func TestRun_shortInProcessSoakPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the mock under load for a few seconds")
	}
	c := config{inprocess: true, duration: time.Second, faultDur: time.Second,
		timeout: 5 * time.Second, faultTimout: time.Second, concurrency: 8}
	if code := run(c); code != 0 {
		t.Fatalf("soak exit %d (its report is above)", code)
	}
}
