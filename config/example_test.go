package config_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/goslo/goslo/config"
)

var (
	workers  = &config.Opt[int]{Name: "workers", Default: 1, Type: config.Integer{Min: new(1)}, Help: "Worker processes."}
	debug    = &config.Opt[bool]{Name: "debug", Default: false, Mutable: true}
	stateDir = &config.Opt[string]{Name: "state_path", Default: "/var/lib/example"}
	dbConn   = &config.Opt[string]{Name: "connection", Group: "database", Secret: true,
		Default: "sqlite:///$state_path/example.db"}
)

func Example() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "example.conf")
	os.WriteFile(file, []byte("[DEFAULT]\nworkers = 4\nstate_path = /srv/example\n"), 0o644)

	conf := config.New()
	conf.RegisterGroup(config.Group{Name: "database", Help: "Database options."})
	if err := conf.Register(workers, stateDir, dbConn); err != nil {
		fmt.Println(err)
		return
	}
	if err := conf.RegisterCLI(debug); err != nil {
		fmt.Println(err)
		return
	}
	err := conf.Load([]string{"--config-file", file, "--debug"}, config.LoadOptions{DefaultConfigFiles: []string{}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(workers.Get(conf), debug.Get(conf), dbConn.Get(conf))
	fmt.Println(workers.Location(conf).Line)
	// Output:
	// 4 true sqlite:////srv/example/example.db
	// 2
}
