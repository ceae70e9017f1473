package apiclient_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pbxauth/pbxauth/apiclient"
)

// cannedTransport answers every request with the same small JSON body, so the
// benchmark measures the client's own cost per call, not a network's.
type cannedTransport struct{}

func (cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Request: r,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   io.NopCloser(strings.NewReader(`{"web_domain":"pbx.example.com"}`))}, nil
}

// BenchmarkClient_Do is one GET through the client: what a load's virtual user
// pays per request on top of net/http's transport.
func BenchmarkClient_Do(b *testing.B) {
	c, err := apiclient.New(apiclient.WithBaseURL("http://pbx.example.com:8899"), apiclient.WithTransport(cannedTransport{}),
		apiclient.WithTimeout(10*time.Minute))
	if err != nil {
		b.Fatal(err)
	}
	// A step's deadline, nearer than the client's backstop, as in a run.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req := apiclient.Request{Operation: "retrieveMetadata", Method: http.MethodGet, Path: "/info"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Do(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// Send hands back the exchange whatever happened: the answer's on success, and
// one that says why on a transport failure (the runner records both).
func TestClient_Send_returnsTheExchangeEvenOnFailure(t *testing.T) {
	c, err := apiclient.New(apiclient.WithBaseURL("http://pbx.example.com:8899"), apiclient.WithTransport(cannedTransport{}))
	if err != nil {
		t.Fatal(err)
	}
	req := apiclient.Request{Operation: "retrieveMetadata", Method: http.MethodGet, Path: "/info"}
	resp, ex, err := c.Send(context.Background(), req)
	if err != nil || ex == nil || resp.Exchange != ex || ex.Status != 200 {
		t.Fatalf("success: resp %v, exchange %v, err %v", resp, ex, err)
	}
	down, err := apiclient.New(apiclient.WithBaseURL("http://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	resp, ex, err = down.Send(context.Background(), req)
	if err == nil || resp != nil || ex == nil || ex.Err == "" || ex.URL != "http://127.0.0.1:1/api/info" {
		t.Fatalf("failure: resp %v, exchange %+v, err %v", resp, ex, err)
	}
}
