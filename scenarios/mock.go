package scenarios

import "github.com/pbxauth/pbxauth/mockserver"

// InProcessMock starts a fresh mock PBX on 127.0.0.1:0 for every scenario, so
// scenarios never see each other's state and a parallel run matches a sequential one.
func InProcessMock(opts mockserver.Options) MockFactory {
	return func() (string, func(), error) {
		srv, err := mockserver.Start(opts)
		if err != nil {
			return "", nil, err
		}
		return srv.APIURL(), func() { _ = srv.Close() }, nil
	}
}
