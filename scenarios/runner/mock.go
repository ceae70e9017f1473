package runner

import (
	"sync"

	"github.com/pbxauth/pbxauth/mockserver"
)

// InProcessMock builds a fresh mock PBX for every scenario, so scenarios never see
// each other's state and a parallel run matches a sequential one. It is reached
// through its transport and binds no port; MockPool reuses mocks and is cheaper.
func InProcessMock(opts mockserver.Options) MockFactory {
	return func() (Mock, error) {
		srv, err := mockserver.New(opts)
		if err != nil {
			return Mock{}, err
		}
		return inProcess(srv, func() { _ = srv.Close() }), nil
	}
}

// inProcess is srv as a Mock reached through its transport.
func inProcess(srv *mockserver.Server, stop func()) Mock {
	return Mock{BaseURL: mockserver.InProcessAPIURL, Transport: srv.Transport(), Stop: stop}
}

// MockPool hands each scenario a mock PBX of its own, like InProcessMock, but puts
// a finished mock back to its pristine state (data, outbox, journal, faults, clock:
// mockserver.Server.Reset) and hands it to the next scenario instead of starting a
// new one. Building a mock (its routes, its data) costs more than running most
// scenarios.
// It holds at most as many mocks as scenarios ran at once; Close stops them.
type MockPool struct {
	opts   mockserver.Options
	mu     sync.Mutex
	idle   []*mockserver.Server
	all    []*mockserver.Server
	closed bool
}

// NewMockPool returns an empty pool whose mocks start with opts.
func NewMockPool(opts mockserver.Options) *MockPool { return &MockPool{opts: opts} }

// Get is a MockFactory: use it as Options.NewMock.
func (p *MockPool) Get() (Mock, error) {
	p.mu.Lock()
	var srv *mockserver.Server
	if n := len(p.idle); n > 0 {
		srv, p.idle = p.idle[n-1], p.idle[:n-1]
	}
	p.mu.Unlock()
	if srv == nil {
		var err error
		if srv, err = mockserver.New(p.opts); err != nil {
			return Mock{}, err
		}
		p.mu.Lock()
		p.all = append(p.all, srv)
		p.mu.Unlock()
	}
	release := func() {
		srv.Reset()
		p.mu.Lock()
		defer p.mu.Unlock()
		if !p.closed {
			p.idle = append(p.idle, srv)
		}
	}
	return inProcess(srv, release), nil
}

// Close stops every mock of the pool. Mocks still in use stop too; scenarios
// running on them get transport errors, so close after the run.
func (p *MockPool) Close() error {
	p.mu.Lock()
	all := p.all
	p.all, p.idle, p.closed = nil, nil, true
	p.mu.Unlock()
	var first error
	for _, s := range all {
		if err := s.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
