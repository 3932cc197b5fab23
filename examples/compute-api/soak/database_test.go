package soak

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/goslo/goslo/db/dbtest"
	"github.com/goslo/goslo/internal/proctest"

	_ "modernc.org/sqlite" // the driver the test locks the service's database with
)

// sqliteHold is how long the test holds SQLite's write lock.
const sqliteHold = 2 * time.Second

// TestSQLiteLocked takes SQLite's write lock on the service's database
// from another connection (BEGIN EXCLUSIVE, in the test's process) for a
// couple of seconds while creates are in flight. They must wait and then
// succeed: within SQLite's busy timeout (5 s by default), or, when the
// busy timeout is shorter than the lock (?timeout=0.5), through the
// retry of the whole transaction that oslo.db's wrap_db_retry does on a
// locked database.
func TestSQLiteLocked(t *testing.T) {
	t.Parallel()
	for _, v := range []struct{ name, query string }{
		{"busy-timeout", ""},
		{"retry", "?timeout=0.5"},
	} {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			cfg := config{workers: 2, method: "mutate", buildDelay: 3600,
				connection: "sqlite:///$state_path/compute.sqlite" + v.query}
			s := startService(t, cfg, "")
			path := filepath.Join(s.dir, "state", "compute.sqlite")
			waited := 0
			var releases []time.Time
			r := underLoad(t, s, "lock", func(l *load) {
				release := lockSQLite(t, path)
				from := time.Now()
				// Held for the fault's length, and at least until every
				// client waits in a create (reads do not wait: SQLite's
				// WAL lets them read while another connection writes).
				proctest.WaitFor(t, time.Minute, "every client in a create while the database is locked", func() bool {
					return l.creating.Load() == int64(*flagClients)
				})
				timer := time.NewTimer(sqliteHold - time.Since(from))
				<-timer.C
				releases = append(releases, time.Now())
				release()
				l.waitOK(*flagSettle)
			}, func(l *load, r *result) {
				var longest time.Duration
				for _, at := range releases {
					n, d := l.waitedOut(at)
					waited += n
					longest = max(longest, d)
				}
				r.note = fmt.Sprintf("%d creates waited out the lock (held %v each time) and succeeded, the longest in %v",
					waited, sqliteHold, longest.Round(time.Millisecond))
			})
			if waited == 0 {
				t.Errorf("no create waited for the lock: the fault did not happen (%s)", r)
			}
		})
	}
}

// lockSQLite takes the write lock of the SQLite database at path and
// returns the function that releases it.
func lockSQLite(t testing.TB, path string) (release func()) {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(60000)")
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		c.Close()
		db.Close()
		t.Fatalf("locking %s: %v", path, err)
	}
	return func() {
		if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
			t.Errorf("unlocking %s: %v", path, err)
		}
		c.Close()
		db.Close()
	}
}

// TestPostgresBackendsTerminated runs the service on PostgreSQL and,
// under load, terminates every backend connection it has
// (pg_terminate_backend, as a failover or an administrator would): the
// transactions that lose their connection must be retried on a new one,
// as oslo.db does on DBConnectionError, and no request may fail.
func TestPostgresBackendsTerminated(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv(dbtest.DSNVar)
	if dsn == "" {
		t.Skip("GOSLO_TEST_PG_DSN is not set: no PostgreSQL server to test with (.ci/run starts one with db/testdata/postgres.sh)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	admin := pgAdmin(t, dsn)
	name := fmt.Sprintf("soak_%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping %s: %v", name, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path, u.RawPath = "/"+name, ""
	cfg := config{workers: 2, method: "mutate", buildDelay: 3600,
		connection: strings.ReplaceAll(u.String(), "$", "$$")}
	s := startService(t, cfg, "")
	terminated, times := 0, 0
	l := startLoad(t, s.addr, "pgkill", *flagClients)
	l.waitOK(*flagSettle)
	for range 3 * *flagRounds {
		n, err := terminateBackends(ctx, admin, name)
		if err != nil {
			t.Fatalf("terminating the service's backends: %v", err)
		}
		terminated += n
		times++
		l.waitOK(*flagSettle / 3)
	}
	r := l.finish()
	// A write whose connection is lost at COMMIT fails with a 500: its
	// outcome is unknown to the service (oslo.db does the same). A read
	// that loses it there wrote nothing and is run again. Nothing else
	// may fail.
	reads, writes := countCommitLost(s.logText())
	r.note = fmt.Sprintf("%d backends terminated in %d strikes; %d creates lost their connection at COMMIT",
		terminated, times, writes)
	l.verify(s.addr, &r, nil)
	if reads != 0 {
		t.Errorf("%d reads failed on a connection lost at COMMIT; a read-only transaction must be retried", reads)
	}
	if writes == 0 {
		expectNoFailure(t, l, r)
	} else if r.failed != int64(writes) {
		t.Errorf("%d of %d requests failed, %d of them creates whose connection was lost at COMMIT: %s",
			r.failed, r.sent, writes, l.errSummary())
	} else {
		t.Logf("%d creates got a 500 because their connection was lost at COMMIT (the outcome is unknown; "+
			"%d of all the unacknowledged creates were stored)", writes, r.unackedKept)
	}
	if terminated == 0 {
		t.Error("the service had no backend connection to terminate")
	}
	if code := s.stop(); code != 0 {
		t.Errorf("exit status %d after SIGTERM", code)
	}
}

// countCommitLost counts the requests that failed because their
// connection was lost at COMMIT: reads (list, get, find) and writes.
func countCommitLost(log string) (reads, writes int) {
	for _, line := range strings.Split(log, "\n") {
		if !strings.Contains(line, "store failure") || !strings.Contains(line, "connection lost during commit") {
			continue
		}
		read := false
		for _, op := range []string{": list: ", ": get ", ": find: "} {
			read = read || strings.Contains(line, op)
		}
		if read {
			reads++
		} else {
			writes++
		}
	}
	return reads, writes
}

// pgAdmin connects to the test server for the test's own statements.
func pgAdmin(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting to GOSLO_TEST_PG_DSN: %v", err)
	}
	t.Cleanup(func() { admin.Close(context.Background()) })
	return admin
}

// terminateBackends terminates every connection to the database name and
// returns how many there were.
func terminateBackends(ctx context.Context, admin *pgx.Conn, name string) (int, error) {
	rows, err := admin.Query(ctx, "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name)
	if err != nil {
		return 0, err
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return 0, err
	}
	n := 0
	for _, pid := range pids {
		var ok bool
		if err := admin.QueryRow(ctx, "SELECT pg_terminate_backend($1)", pid).Scan(&ok); err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// underLoad runs the load on s, calls fault once per round, checks that
// no request failed and no acknowledged create was lost, and stops the
// service, which must exit 0. note may add to the figures.
func underLoad(t *testing.T, s *service, name string, fault func(*load), note func(*load, *result)) result {
	t.Helper()
	l := startLoad(t, s.addr, name, *flagClients)
	l.waitOK(*flagSettle)
	for range *flagRounds {
		fault(l)
	}
	r := l.finish()
	note(l, &r)
	l.verify(s.addr, &r, nil)
	expectNoFailure(t, l, r)
	if code := s.stop(); code != 0 {
		t.Errorf("exit status %d after SIGTERM", code)
	}
	return r
}
