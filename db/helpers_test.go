package db_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goslo/goslo/db"
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

// pgDSNVar names the environment variable with the PostgreSQL test
// server's URL (db/testdata/postgres.sh start prints it).
const pgDSNVar = "GOSLO_TEST_PG_DSN"

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

func sqliteURL(t testing.TB) string {
	return "sqlite:///" + filepath.Join(t.TempDir(), "test.db")
}

var schemaSeq atomic.Int64

// pgURL makes a schema of the test's own on the test server and returns a
// URL whose search_path is that schema.
func pgURL(t testing.TB) string {
	dsn := os.Getenv(pgDSNVar)
	if dsn == "" {
		t.Skipf("%s is not set: PostgreSQL tests skipped (start a server with db/testdata/postgres.sh start)", pgDSNVar)
	}
	ctx := context.Background()
	admin, err := db.OpenURL(ctx, dsn)
	if err != nil {
		t.Fatalf("open the PostgreSQL test server: %v", err)
	}
	schema := fmt.Sprintf("t%d_%d", os.Getpid(), schemaSeq.Add(1))
	if err := admin.Tx(ctx, func(ctx context.Context, tx *db.Tx) error {
		_, err := tx.Exec(ctx, "CREATE SCHEMA "+schema)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		err := admin.Tx(ctx, func(ctx context.Context, tx *db.Tx) error {
			_, err := tx.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			return err
		})
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		if err := admin.Close(ctx); err != nil {
			t.Error(err)
		}
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

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
