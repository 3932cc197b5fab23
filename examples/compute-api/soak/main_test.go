package soak

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/sys/unix"

	"github.com/goslo/goslo/internal/proctest"
)

// The sizes of the scenarios. The defaults keep the package to well
// under a minute in the suite; "make soak" raises them.
var (
	flagClients = flag.Int("soak.clients", 8, "load clients per scenario (half of them on keep-alive connections)")
	flagRounds  = flag.Int("soak.rounds", 1, "how many times each scenario injects its fault")
	flagSettle  = flag.Int64("soak.settle", 150, "successful requests the load makes before the first fault and after each")
	flagKeep    = flag.String("soak.keep", "", "copy the state and the logs of every run of the service into this directory")
)

func TestMain(m *testing.M) {
	// Workers whose parent the test killed become the test's children,
	// so that they are reaped and cannot outlive it.
	unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		if binary.dir != "" {
			os.RemoveAll(binary.dir)
		}
		reapAll()
		if kids := proctest.Children(os.Getpid()); len(kids) > 0 {
			fmt.Fprintf(os.Stderr, "soak: processes left behind: %v\n", kids)
			if code == 0 {
				os.Exit(1)
			}
		}
		if code == 0 && testing.Verbose() {
			printResults()
		}
	}))
}

// printResults prints every scenario's figures, to quote.
func printResults() {
	resultsMu.Lock()
	defer resultsMu.Unlock()
	if len(results) == 0 {
		return
	}
	fmt.Printf("\nload-and-fault results (%d clients, %d rounds, race detector %v):\n", *flagClients, *flagRounds, raceEnabled)
	for _, r := range results {
		fmt.Println("  " + r.String())
	}
}

var binary struct {
	once      sync.Once
	dir, path string
	err       error
}

// serviceBinary builds the example service once per test binary, with the
// race detector when the tests have it.
func serviceBinary(t testing.TB) string {
	t.Helper()
	binary.once.Do(func() {
		binary.dir, binary.err = os.MkdirTemp("", "compute-api-soak")
		if binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "compute-api")
		args := []string{"build", "-o", binary.path}
		if raceEnabled {
			args = append(args, "-race")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", append(args, "github.com/goslo/goslo/examples/compute-api")...).CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("building the example service: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// countLines counts the log lines that contain every one of parts.
func countLines(log string, parts ...string) int {
	n := 0
	for _, line := range strings.Split(log, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			n++
		}
	}
	return n
}
