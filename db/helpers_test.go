package db_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goslo/goslo/db"
	"github.com/goslo/goslo/db/dbtest"
	"github.com/goslo/goslo/db/internal/testmodel"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if workerDir != "" {
		os.RemoveAll(workerDir)
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak: errors on successful test run:", err)
			code = 1
		}
	}
	os.Exit(code)
}

var (
	workerOnce sync.Once
	workerDir  string
	workerPath string
	workerErr  error
)

// worker builds the multi-process tests' program (internal/dbworker)
// once per test run and returns its path.
func worker(t testing.TB) string {
	t.Helper()
	workerOnce.Do(func() {
		workerDir, workerErr = os.MkdirTemp("", "dbworker")
		if workerErr != nil {
			return
		}
		workerPath = filepath.Join(workerDir, "dbworker")
		goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
		out, err := exec.Command(goBin, "build", "-o", workerPath, "./internal/dbworker").CombinedOutput()
		if err != nil {
			workerErr = fmt.Errorf("go build ./internal/dbworker: %v\n%s", err, out)
		}
	})
	if workerErr != nil {
		t.Fatal(workerErr)
	}
	return workerPath
}

// backend is one database the tests run against.
type backend struct {
	name string
	// url returns a connection URL to an empty database of the test's
	// own, removed when the test ends.
	url func(t testing.TB) string
}

func backends() []backend {
	return []backend{{db.SQLite, sqliteURL}, {db.PostgreSQL, pgURL}}
}

// forEachBackend runs f as a subtest per backend; PostgreSQL is skipped
// with the reason when no server is configured.
func forEachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { f(t, b) })
	}
}

func sqliteURL(t testing.TB) string { return dbtest.SQLiteURL(t) }

// pgURL is a schema of the test's own on the PostgreSQL test server.
func pgURL(t testing.TB) string { return dbtest.PostgreSQLURL(t, "t") }

// testOptions are oslo's defaults with short retry waits.
func testOptions(url string) db.Options {
	o := db.DefaultOptions(url)
	o.Retry.Interval = 5 * time.Millisecond
	o.Retry.MaxInterval = 50 * time.Millisecond
	o.RetryInterval = 50 * time.Millisecond
	return o
}

// open opens url and closes it at the end of the test.
func open(t testing.TB, url string) *db.DB {
	t.Helper()
	return openWith(t, testOptions(url))
}

func openWith(t testing.TB, o db.Options) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.OpenOptions(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Close(ctx); err != nil {
			t.Error(err)
		}
	})
	return d
}

// synced opens a fresh database of backend b with the test tables.
func synced(t testing.TB, b backend) (*db.DB, string) {
	t.Helper()
	url := b.url(t)
	d := open(t, url)
	if _, err := d.Sync(context.Background(), testmodel.Migrations, 0); err != nil {
		t.Fatal(err)
	}
	return d, url
}

// pythonPath is the Python that has the oslo libraries (Debian's).
const pythonPath = "/usr/bin/python3"

// needPython skips the test, saying why, unless /usr/bin/python3 can
// import each module.
func needPython(t testing.TB, modules ...string) {
	t.Helper()
	for _, m := range modules {
		if out, err := exec.Command(pythonPath, "-c", "import "+m).CombinedOutput(); err != nil {
			t.Skipf("%s cannot import %s (%v: %s): install python3-oslo.db", pythonPath, m, err, bytes.TrimSpace(out))
		}
	}
}
