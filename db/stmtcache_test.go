package db

import (
	"context"
	"database/sql/driver"
	"path/filepath"
	"testing"

	"modernc.org/sqlite"
)

func TestStatementCache(t *testing.T) {
	ctx := context.Background()
	c := &cachingConnector{drv: &sqlite.Driver{}, dsn: "file:" + filepath.Join(t.TempDir(), "c.db")}
	dc, err := c.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn := dc.(*cachingConn)
	defer conn.Close()
	exec := func(q string, args ...driver.NamedValue) {
		t.Helper()
		st, err := conn.PrepareContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := st.(driver.StmtExecContext).ExecContext(ctx, args); err != nil {
			t.Fatal(err)
		}
	}
	exec("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)")
	if len(conn.stmts) != 0 {
		t.Errorf("a script was cached: %d statements", len(conn.stmts))
	}
	const q = "SELECT n FROM t WHERE n >= ? ORDER BY n"
	s1, _ := conn.PrepareContext(ctx, q)
	s1.Close()
	s2, _ := conn.PrepareContext(ctx, q)
	if s1 != s2 {
		t.Error("the second prepare of a statement did not reuse the first")
	}
	// While s2 is in use (its rows open), the same text gets a statement
	// of its own, and both read correctly.
	rows, err := s2.(driver.StmtQueryContext).QueryContext(ctx, []driver.NamedValue{{Ordinal: 1, Value: int64(1)}})
	if err != nil {
		t.Fatal(err)
	}
	s3, _ := conn.PrepareContext(ctx, q)
	if s3 == s2 {
		t.Fatal("a statement in use was handed out again")
	}
	rows3, err := s3.(driver.StmtQueryContext).QueryContext(ctx, []driver.NamedValue{{Ordinal: 1, Value: int64(2)}})
	if err != nil {
		t.Fatal(err)
	}
	read := func(r driver.Rows) []int64 {
		var out []int64
		v := make([]driver.Value, 1)
		for r.Next(v) == nil {
			out = append(out, v[0].(int64))
		}
		r.Close()
		return out
	}
	if got := read(rows3); len(got) != 1 || got[0] != 2 {
		t.Errorf("inner rows %v", got)
	}
	s3.Close()
	if got := read(rows); len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Errorf("outer rows %v", got)
	}
	s2.Close()
	// Reused after its rows closed, with new arguments.
	s4, _ := conn.PrepareContext(ctx, q)
	if s4 != s2 {
		t.Error("the statement was not reused after its rows closed")
	}
	r4, err := s4.(driver.StmtQueryContext).QueryContext(ctx, []driver.NamedValue{{Ordinal: 1, Value: int64(2)}})
	if err != nil {
		t.Fatal(err)
	}
	if got := read(r4); len(got) != 1 || got[0] != 2 {
		t.Errorf("reused statement read %v", got)
	}
	s4.Close()
}

// TestStatementCacheNestedQueriesInATransaction runs a query while the
// rows of the same query are open, through database/sql, as user code in
// a Tx might.
func TestStatementCacheNestedQueriesInATransaction(t *testing.T) {
	ctx := context.Background()
	d, err := OpenURL(ctx, "sqlite:///"+filepath.Join(t.TempDir(), "n.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	err = d.Tx(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.Exec(ctx, "CREATE TABLE t (n INTEGER)"); err != nil {
			return err
		}
		for i := 1; i <= 3; i++ {
			if _, err := tx.Exec(ctx, "INSERT INTO t VALUES (?)", i); err != nil {
				return err
			}
		}
		const q = "SELECT n FROM t WHERE n >= ? ORDER BY n"
		rows, err := tx.Query(ctx, q, 1)
		if err != nil {
			return err
		}
		defer rows.Close()
		sum := 0
		for rows.Next() {
			var n int
			if err := rows.Scan(&n); err != nil {
				return err
			}
			inner, err := tx.Query(ctx, q, n)
			if err != nil {
				return err
			}
			for inner.Next() {
				var m int
				inner.Scan(&m)
				sum += m
			}
			inner.Close()
		}
		if sum != (1+2+3)+(2+3)+3 {
			t.Errorf("sum %d", sum)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
}
