// Command pbxauth explores, verifies and demos the authentication API of a PortSIP
// PBX: a terminal UI, a conformance runner and an in-process mock PBX.
package main

import (
	"os"

	"github.com/pbxauth/pbxauth/internal/cli"
)

func main() {
	os.Exit(cli.Execute(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
