// Command goslo-config-validator checks a configuration file against the
// options of the goslo libraries linked into it (--namespace), or against
// option data that a generator wrote with --format json or yaml
// (--opt-data), as oslo-config-validator does: options and groups that do
// not exist and deprecated names (with their replacement); and, beyond
// oslo, values that their option's type rejects and required options left
// unset. Each problem is one line, "FILE:LINE: error: [group] option:
// reason", on standard error; the exit status is 1 when an error was
// found (or a warning, with --fatal-warnings).
//
//	goslo-config-validator --namespace goslo.log --input-file /etc/service/service.conf
package main

import (
	"os"

	"github.com/goslo/goslo/config"
)

func main() {
	os.Exit(config.ValidatorMain(os.Args[1:], os.Stdout, os.Stderr))
}
