package config_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/goslo/goslo/config"
)

func ExampleWriteSample() {
	opts := []config.NamespaceOpts{{
		Namespace: "example.api",
		Groups: config.ByGroup(
			&config.Opt[int]{Name: "workers", Default: 2, Type: config.Integer{Min: new(1)},
				Help: "Number of API worker processes."},
			&config.Opt[string]{Name: "listen", Type: config.IPAddress{}, Default: "0.0.0.0",
				DeprecatedName: "bind_host", Help: "Address to listen on.", Mutable: true},
		),
	}}
	if err := config.WriteSample(os.Stdout, opts, config.SampleOptions{}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// [DEFAULT]
	//
	// #
	// # From example.api
	// #
	//
	// # Number of API worker processes. (integer value)
	// # Minimum value: 1
	// #workers = 2
	//
	// # Address to listen on. (IP address value)
	// # Note: This option can be changed without restarting.
	// # Deprecated group/name - [DEFAULT]/bind_host
	// #listen = 0.0.0.0
}

func ExampleValidate() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "api.conf")
	os.WriteFile(file, []byte("[DEFAULT]\nworkers = 0\nbind_host = ::\ncolour = blue\n"), 0o644)

	od, err := config.OptDataFromNamespaces([]config.NamespaceOpts{{
		Namespace: "example.api",
		Groups: config.ByGroup(
			&config.Opt[int]{Name: "workers", Default: 2, Type: config.Integer{Min: new(1)}},
			&config.Opt[string]{Name: "listen", Group: "api", DeprecatedName: "bind_host", DeprecatedGroup: "DEFAULT"},
		),
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := config.Validate(file, od, config.ValidateOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range v.Problems {
		fmt.Printf("line %d: %s: [%s] %s: %s\n", p.Line, p.Severity, p.Group, p.Option, p.Msg)
	}
	fmt.Println("fails:", v.Failed(false))
	// Output:
	// line 2: error: [DEFAULT] workers: invalid value "0": should be greater than or equal to 1
	// line 3: warning: [DEFAULT] bind_host: deprecated option: use [api] listen
	// line 4: error: [DEFAULT] colour: not part of the sample config (unknown option)
	// fails: true
}
