package cli

import (
	"os"
	"strings"
)

// targetURL is the PBX that run and fuzz go to: --url, else PBXAUTH_URL unless
// the mock was asked for; empty means the in-process mock. An --url given but
// empty is refused: most often an unset shell variable, and running the mock
// instead would pass a run that tested nothing.
func targetURL(flagURL string, urlGiven, mockAsked bool) (string, error) {
	url := strings.TrimSpace(flagURL)
	if urlGiven && url == "" {
		return "", usageErrorf("--url is empty: give the PBX address, or --mock for the in-process mock")
	}
	if url == "" && !mockAsked {
		url = strings.TrimSpace(os.Getenv("PBXAUTH_URL"))
	}
	return url, nil
}
