package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// buildTargets builds goslo's example services and the bare server, and
// returns the targets of this run; the first is goslo's compute-api, to
// which the others are compared, except goslo-pyrefapp (pyref ported to
// goslo), which is compared with pyref (see report).
func buildTargets(ctx context.Context, o options) ([]target, func(), error) {
	cleanup := func() {}
	paste, err := filepath.Abs("examples/compute-api/etc/api-paste.ini")
	if err != nil {
		return nil, cleanup, err
	}
	if _, err := os.Stat(paste); err != nil {
		return nil, cleanup, fmt.Errorf("run bench from the repository root: %w", err)
	}
	dir, err := binDir()
	if err != nil {
		return nil, cleanup, err
	}
	if dir == "" {
		if dir, err = os.MkdirTemp("", "goslo-bench-bin"); err != nil {
			return nil, cleanup, err
		}
		cleanup = func() { os.RemoveAll(dir) }
	}
	// One go build for both: it links them side by side, and skips the
	// link of a binary already there and up to date (a second run).
	// CGO_ENABLED=0: a static binary, as a service is best shipped.
	// With cgo (the default where a C compiler is installed, and so for
	// go run or go build on such a machine) the net package's resolver
	// links libc, whose pages add 1.2-2 MiB to the RSS of every process
	// (bench/MEMORY.md).
	cmd := exec.CommandContext(ctx, "go", "build", "-o", dir+string(filepath.Separator), "./examples/compute-api", "./examples/pyref", "./bench/bareserver")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, cleanup, fmt.Errorf("go build: %v\n%s", err, out)
	}
	paths := map[string]string{"root": "/", "list10": "/v2.1/servers?limit=10"}
	gosloLog := runLog("goslo")
	conf := func(extra string) func(workers, port int, run string) string {
		return func(workers, port int, run string) string {
			return fmt.Sprintf(`[DEFAULT]
state_path = %s
compute_api_listen = 127.0.0.1
compute_api_listen_port = %d
compute_api_workers = %d
api_paste_config = %s
log_file = %s
use_stderr = false
debug = false
graceful_shutdown_timeout = 10
periodic_fuzzy_delay = 0
logging_debug_format_suffix = t=%%(created).6f
default_log_levels = oslo_service.periodic_task=DEBUG%s
[compute]
build_delay = 1
`, filepath.Join(run, "goslo-"+strconv.Itoa(port)), port, workers, paste, gosloLog(run, port), extra)
		}
	}
	// goslo logs an access line per request at INFO, as pyref (eventlet)
	// does; the second variant turns it off to show what it costs.
	// Both log the runs of their one-second periodic task (see drift.go).
	ticks := &tickSource{line: gosloTick, log: gosloLog}
	goslo := binaryTarget("goslo", filepath.Join(dir, "compute-api"), paths, conf(""))
	goslo.setup, goslo.ticks = createServers, ticks
	quiet := binaryTarget("goslo-noaccesslog", filepath.Join(dir, "compute-api"), paths, conf(",goslo.wsgi=WARN"))
	quiet.setup, quiet.ticks = createServers, ticks
	bare := target{
		name:       "bare net/http",
		paths:      paths,
		oneProcess: true,
		setup:      createServers,
		command: func(ctx context.Context, workers, port int, run string) (process, error) {
			exe, err := private(filepath.Join(dir, "bareserver"), run, port)
			if err != nil {
				return process{}, err
			}
			cmd := exec.CommandContext(ctx, exe,
				"-listen", fmt.Sprintf("127.0.0.1:%d", port),
				"-db", "sqlite:///"+filepath.Join(run, "bare-"+strconv.Itoa(port)+".sqlite"))
			return process{Cmd: cmd}, nil
		},
	}
	// pyref's own service written with goslo (examples/pyref): the same
	// application, pipeline and options as pyref, so that its ratio to
	// pyref compares the stacks alone; compute-api's list reads SQLite
	// where pyref's holds ten dicts. It starts as pyref does, from its
	// pyref.conf (unchanged from pyref's) and a second file of the run's
	// port, workers and log (what pyref's run.sh writes); its access line
	// is on, as pyref's is.
	pyrefConf, err := filepath.Abs("examples/pyref/etc/pyref.conf")
	if err != nil {
		return nil, cleanup, err
	}
	pyrefAppLog := runLog("goslo-pyrefapp")
	pyrefApp := binaryTarget("goslo-pyrefapp", filepath.Join(dir, "pyref"), map[string]string{"root": "/", "list10": "/v1/items"},
		func(workers, port int, run string) string {
			return pyrefRunConf(workers, port, pyrefAppLog(run, port))
		}, pyrefConf)
	pyrefApp.ticks = &tickSource{line: pyrefTick, log: pyrefAppLog}
	targets := []target{goslo, quiet, bare, pyrefApp}
	if o.pyref != "" {
		if !hasPython(o.pyref) {
			return nil, cleanup, fmt.Errorf("-pyref %s: pyref.py or its Python libraries are missing (apt-get install python3-oslo.service python3-pastedeploy python3-oslo.middleware python3-routes python3-webob python3-eventlet)", o.pyref)
		}
		targets = append(targets, pyrefTarget(o.pyref))
	}
	return targets, cleanup, nil
}

// createServers makes the ten servers the list measurement reads.
func createServers(ctx context.Context, base string) error {
	for i := range 10 {
		body, _ := json.Marshal(map[string]any{"server": map[string]any{"name": fmt.Sprintf("bench-%d", i), "flavorRef": "1"}})
		req, err := http.NewRequestWithContext(ctx, "POST", base+"/v2.1/servers", bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			return fmt.Errorf("create server: %s", resp.Status)
		}
	}
	return nil
}

// binDir is where the binaries of this checkout are built and kept from
// one run to the next (go build then only relinks what changed, which
// saves seconds of each run): a directory of the user's cache named after
// the checkout's path, so that two checkouts do not overwrite each
// other's. It is "" when there is no user cache directory.
func binDir() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", nil
	}
	root, err := os.Getwd()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(root))
	dir := filepath.Join(cache, "goslo-bench", hex.EncodeToString(sum[:8]))
	return dir, os.MkdirAll(dir, 0o755)
}
