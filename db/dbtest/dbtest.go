package dbtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/goslo/goslo/db"
)

// DSNVar names the environment variable with the PostgreSQL test
// server's URL.
const DSNVar = "GOSLO_TEST_PG_DSN"

var schemaSeq atomic.Int64

// SQLiteURL returns the URL of a SQLite file in the test's temporary
// directory.
func SQLiteURL(t testing.TB) string {
	return "sqlite:///" + filepath.Join(t.TempDir(), "test.db")
}

// PostgreSQLURL makes a schema of the test's own on the PostgreSQL test
// server (named prefix_PID_N), drops it when the test ends, and returns
// the server's URL with that schema as its search_path. Without
// GOSLO_TEST_PG_DSN the test is skipped, saying why.
func PostgreSQLURL(t testing.TB, prefix string) string {
	t.Helper()
	dsn := os.Getenv(DSNVar)
	if dsn == "" {
		t.Skipf("%s is not set: PostgreSQL tests skipped (start a server with db/testdata/postgres.sh start)", DSNVar)
	}
	ctx := context.Background()
	admin, err := db.OpenURL(ctx, dsn)
	if err != nil {
		t.Fatalf("open the PostgreSQL test server: %v", err)
	}
	schema := fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), schemaSeq.Add(1))
	exec := func(stmt string) error {
		return admin.Tx(ctx, func(ctx context.Context, tx *db.Tx) error { _, err := tx.Exec(ctx, stmt); return err })
	}
	if err := exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
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
