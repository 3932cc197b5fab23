// Command goslo-config-generator writes a sample configuration file (or,
// with --format json|yaml, the options as data) for the option
// namespaces of the goslo libraries linked into it, exactly as
// oslo-config-generator writes one for Python projects:
//
//	goslo-config-generator --namespace goslo.log --namespace goslo.wsgi \
//	    --output-file etc/service.conf.sample
//
// Its options are oslo-config-generator's; they may also come from a file
// given with --config-file, whose [DEFAULT] section holds them
// (output_file, wrap_width, namespace = one per line, ...).
//
// A service ships its own generator the same way: a main package that
// imports the packages registering its namespaces (config.RegisterNamespace)
// and calls config.GeneratorMain.
package main

import (
	"os"

	"github.com/goslo/goslo/config"
)

func main() {
	os.Exit(config.GeneratorMain(os.Args[1:], os.Stdout, os.Stderr))
}
