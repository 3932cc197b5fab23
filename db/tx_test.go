package db_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goslo/goslo/db"
	"github.com/goslo/goslo/db/internal/testmodel"
)

// noRetry is a policy that retries nothing, so that a test sees each
// error as it comes.
var noRetry = db.RetryPolicy{}

func exec1(t testing.TB, tx *db.Tx, q string, args ...any) {
	t.Helper()
	if _, err := tx.Exec(ctx, q, args...); err != nil {
		t.Fatal(err)
	}
}

func counterValue(t testing.TB, d *db.DB, id int64) int64 {
	t.Helper()
	c, err := testmodel.Counters.Get(ctx, d, id)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := c.Get("value")
	return v.(int64)
}

// TestSQLiteBusyIsRetried: another connection (here another DB, as
// another process would be) holds SQLite's write lock; a writer with a
// short busy timeout gets SQLITE_BUSY, classified ErrDeadlock, and
// succeeds once retried after the lock is released.
func TestSQLiteBusyIsRetried(t *testing.T) {
	d, url := synced(t, backends()[0])
	c := newCounter(t, d, "busy", 0)
	o := testOptions(url + "?timeout=0.01")
	o.Retry = noRetry
	other := openWith(t, o)

	holder, err := d.Begin(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	exec1(t, holder, "UPDATE counters SET value = 100 WHERE id = ?", key(c))

	failed := make(chan struct{})
	var once sync.Once
	var sawBusy atomic.Bool
	done := make(chan error, 1)
	go func() {
		done <- db.Retry(ctx, db.RetryPolicy{Interval: time.Millisecond, MaxRetries: -1}, func(ctx context.Context) error {
			err := other.Tx(ctx, func(ctx context.Context, tx *db.Tx) error {
				_, err := tx.Exec(ctx, "UPDATE counters SET value = value + 1 WHERE id = ?", key(c))
				return err
			})
			if err != nil {
				if db.IsDeadlock(err) {
					sawBusy.Store(true)
				}
				once.Do(func() { close(failed) })
			}
			return err
		})
	}()
	<-failed
	if err := holder.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !sawBusy.Load() {
		t.Error("the blocked writer did not see a busy error")
	}
	if v := counterValue(t, d, key(c)); v != 101 {
		t.Errorf("value = %d, want 101 (the held update, then the retried one)", v)
	}
}

func pgOnly(t *testing.T) *db.DB {
	t.Helper()
	d, _ := synced(t, backends()[1])
	return d
}

// TestPostgreSQLDeadlockIsRetried makes a real deadlock: two transactions
// lock two rows in opposite orders. PostgreSQL aborts one (40P01), Tx
// retries it, and both increments land.
func TestPostgreSQLDeadlockIsRetried(t *testing.T) {
	d := pgOnly(t)
	a, b := newCounter(t, d, "a", 0), newCounter(t, d, "b", 0)
	firstLocked := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
	var deadlocks atomic.Int32
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, order := range [][2]int64{{key(a), key(b)}, {key(b), key(a)}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			attempt := 0
			errs[i] = d.Tx(ctx, func(ctx context.Context, tx *db.Tx) error {
				attempt++
				if _, err := tx.Exec(ctx, "SET LOCAL deadlock_timeout = '20ms'"); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, "UPDATE counters SET value = value + 1 WHERE id = ?", order[0]); err != nil {
					return err
				}
				if attempt == 1 {
					// Both hold their first row before either asks for the second.
					close(firstLocked[i])
					<-firstLocked[1-i]
				}
				_, err := tx.Exec(ctx, "UPDATE counters SET value = value + 1 WHERE id = ?", order[1])
				if db.IsDeadlock(err) {
					deadlocks.Add(1)
				}
				return err
			})
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	if deadlocks.Load() == 0 {
		t.Error("no deadlock happened")
	}
	if va, vb := counterValue(t, d, key(a)), counterValue(t, d, key(b)); va != 2 || vb != 2 {
		t.Errorf("values %d, %d; want 2, 2", va, vb)
	}
}

// TestPostgreSQLSerializationFailureIsRetried: a REPEATABLE READ
// transaction updates a row another committed after its snapshot (40001).
func TestPostgreSQLSerializationFailureIsRetried(t *testing.T) {
	d := pgOnly(t)
	c := newCounter(t, d, "s", 0)
	var failures atomic.Int32
	attempt := 0
	err := d.Tx(ctx, func(ctx context.Context, tx *db.Tx) error {
		attempt++
		if _, err := tx.Exec(ctx, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"); err != nil {
			return err
		}
		var v int64
		if err := tx.QueryRow(ctx, "SELECT value FROM counters WHERE id = ?", key(c)).Scan(&v); err != nil {
			return err
		}
		if attempt == 1 {
			if err := d.Tx(ctx, func(ctx context.Context, tx2 *db.Tx) error {
				_, err := tx2.Exec(ctx, "UPDATE counters SET value = value + 10 WHERE id = ?", key(c))
				return err
			}); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, "UPDATE counters SET value = ? WHERE id = ?", v+1, key(c))
		if err != nil && db.IsDeadlock(err) {
			failures.Add(1)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if failures.Load() != 1 || attempt != 2 {
		t.Errorf("%d serialization failures in %d attempts", failures.Load(), attempt)
	}
	if v := counterValue(t, d, key(c)); v != 11 {
		t.Errorf("value %d, want 11", v)
	}
}

// TestPostgreSQLDisconnectIsRetried: the server ends the transaction's
// connection; the transaction is run again on a new one.
func TestPostgreSQLDisconnectIsRetried(t *testing.T) {
	d := pgOnly(t)
	c := newCounter(t, d, "d", 0)
	attempt := 0
	var sawDisconnect bool
	err := d.Tx(ctx, func(ctx context.Context, tx *db.Tx) error {
		attempt++
		if _, err := tx.Exec(ctx, "UPDATE counters SET value = value + 1 WHERE id = ?", key(c)); err != nil {
			return err
		}
		if attempt == 1 {
			_, err := tx.Exec(ctx, "SELECT pg_terminate_backend(pg_backend_pid())")
			sawDisconnect = db.IsDisconnect(err)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !sawDisconnect || attempt != 2 {
		t.Errorf("disconnect seen %v, %d attempts", sawDisconnect, attempt)
	}
	if v := counterValue(t, d, key(c)); v != 1 {
		t.Errorf("value %d, want 1: the first attempt must not count", v)
	}
}

// TestPostgreSQLCommitOutcomeUnknown: the connection dies between the
// work and COMMIT: the outcome is unknown, and Tx does not run the work a
// second time.
func TestPostgreSQLCommitOutcomeUnknown(t *testing.T) {
	d := pgOnly(t)
	attempt := 0
	err := d.Tx(ctx, func(ctx context.Context, tx *db.Tx) error {
		attempt++
		var pid int64
		if err := tx.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			return err
		}
		// Another session ends this one, and waits until it is gone.
		return terminateBackend(ctx, d, pid)
	})
	if !errors.Is(err, db.ErrCommitUnknown) {
		t.Errorf("err = %v, want ErrCommitUnknown", err)
	}
	if attempt != 1 {
		t.Errorf("%d attempts", attempt)
	}
}

// TestTxContextCancelRollsBack: a transaction whose context ends before
// it commits leaves nothing behind.
func TestTxContextCancelRollsBack(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		d, _ := synced(t, b)
		c := newCounter(t, d, "cancel", 0)
		cctx, cancel := context.WithCancel(ctx)
		err := d.Tx(cctx, func(ctx context.Context, tx *db.Tx) error {
			if _, err := tx.Exec(ctx, "UPDATE counters SET value = 42 WHERE id = ?", key(c)); err != nil {
				return err
			}
			cancel()
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if v := counterValue(t, d, key(c)); v != 0 {
			t.Errorf("value %d after a cancelled transaction", v)
		}
		// The pool is usable afterwards.
		if err := d.Tx(ctx, func(ctx context.Context, tx *db.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE counters SET value = 1 WHERE id = ?", key(c))
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestTxRetriesNothingElse: an error that is not a deadlock or a lost
// connection (here a duplicate) is returned at once.
func TestTxRetriesNothingElse(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		d, _ := synced(t, b)
		newCounter(t, d, "dup", 0)
		calls := 0
		err := d.Tx(ctx, func(ctx context.Context, tx *db.Tx) error {
			calls++
			_, err := tx.Exec(ctx, "INSERT INTO counters (name, value, deleted) VALUES ('dup', 1, 0)")
			return err
		})
		if !db.IsDuplicate(err) || calls != 1 {
			t.Errorf("%d calls, err %v", calls, err)
		}
	})
}

// TestCloseWaitsForTransactions: Close refuses new work at once, returns
// only after the transaction in flight committed, and what it committed
// is there.
func TestCloseWaitsForTransactions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		url := b.url(t)
		d, err := db.OpenOptions(ctx, testOptions(url))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Sync(ctx, testmodel.Migrations, 0); err != nil {
			t.Fatal(err)
		}
		tx, err := d.Begin(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		exec1(t, tx, "INSERT INTO counters (name, value, deleted) VALUES ('in-flight', 7, 0)")
		closed := make(chan error, 1)
		go func() { closed <- d.Close(ctx) }()
		// Wait until Close has begun: new work is refused.
		for {
			probe, err := d.Begin(ctx, false)
			if errors.Is(err, db.ErrClosed) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			probe.Rollback()
		}
		select {
		case err := <-closed:
			t.Fatalf("Close returned (%v) with a transaction in flight", err)
		default:
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := <-closed; err != nil {
			t.Fatal(err)
		}
		d2 := open(t, url)
		list, err := testmodel.Counters.List(ctx, d2, db.ListOptions{Filters: map[string]any{"name": "in-flight"}})
		if err != nil || len(list) != 1 {
			t.Fatalf("after close: %v %v", list, err)
		}
	})
}

func TestCloseGivesUpWithItsContext(t *testing.T) {
	d, err := db.OpenOptions(ctx, testOptions(sqliteURL(t)))
	if err != nil {
		t.Fatal(err)
	}
	tx, err := d.Begin(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := d.Close(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Close = %v, want context.Canceled", err)
	}
	// The transaction still ends normally; its connection is closed then
	// (goleak checks nothing is left running).
	if err := tx.Commit(); err != nil {
		t.Error(err)
	}
	if _, err := d.Begin(ctx, false); !errors.Is(err, db.ErrClosed) {
		t.Errorf("Begin after Close: %v", err)
	}
}

// TestPoolTimeout: with every connection busy, a transaction waits
// pool_timeout, then fails with ErrPoolTimeout (not retried).
func TestPoolTimeout(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		o := testOptions(b.url(t))
		o.MaxPoolSize, o.MaxOverflow, o.PoolTimeout = 1, 0, 20*time.Millisecond
		d := openWith(t, o)
		held, err := d.Begin(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		defer held.Rollback()
		calls := 0
		err = d.ReadTx(ctx, func(ctx context.Context, tx *db.Tx) error { calls++; return nil })
		if !errors.Is(err, db.ErrPoolTimeout) || calls != 0 {
			t.Errorf("err %v, %d calls", err, calls)
		}
		if !strings.Contains(err.Error(), "max_pool_size 1") {
			t.Errorf("the error does not say why: %v", err)
		}
	})
}

// TestPoolSize: the pool opens max_pool_size + max_overflow connections
// to PostgreSQL, and at most max_pool_size to a SQLite file, where
// connections beyond a few add memory and no throughput: with two
// transactions holding the two connections of a SQLite pool, a third
// waits pool_timeout even though max_overflow is 50.
func TestPoolSize(t *testing.T) {
	tests := []struct {
		name           string
		pool, overflow int
		open           map[string]int // backend -> MaxOpenConnections (0: no limit)
	}{
		{"defaults", 5, 50, map[string]int{db.SQLite: 5, db.PostgreSQL: 55}},
		{"no overflow", 2, 0, map[string]int{db.SQLite: 2, db.PostgreSQL: 2}},
		{"unlimited overflow", 2, -1, map[string]int{db.SQLite: 2, db.PostgreSQL: 0}},
		{"unlimited pool", 0, 50, map[string]int{db.SQLite: 0, db.PostgreSQL: 0}},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				o := testOptions(b.url(t))
				o.MaxPoolSize, o.MaxOverflow = tt.pool, tt.overflow
				d := openWith(t, o)
				if got, want := d.SQL().Stats().MaxOpenConnections, tt.open[b.name]; got != want {
					t.Errorf("max open connections %d, want %d", got, want)
				}
			})
		}
		t.Run("a third transaction", func(t *testing.T) {
			o := testOptions(b.url(t))
			// SQLite's third transaction waits the whole pool_timeout;
			// PostgreSQL's opens a connection within it.
			o.MaxPoolSize, o.MaxOverflow, o.PoolTimeout = 2, 50, 20*time.Millisecond
			if b.name != db.SQLite {
				o.PoolTimeout = 30 * time.Second
			}
			d := openWith(t, o)
			for range 2 {
				held, err := d.Begin(ctx, false)
				if err != nil {
					t.Fatal(err)
				}
				defer held.Rollback()
			}
			err := d.ReadTx(ctx, func(ctx context.Context, tx *db.Tx) error { return nil })
			switch b.name {
			case db.SQLite:
				if !errors.Is(err, db.ErrPoolTimeout) {
					t.Fatalf("err %v, want ErrPoolTimeout", err)
				}
				if !strings.Contains(err.Error(), "max_pool_size 2; max_overflow does not apply to SQLite") {
					t.Errorf("the error does not say why: %v", err)
				}
			default:
				if err != nil {
					t.Errorf("an overflow connection: %v", err)
				}
			}
		})
	})
}

// TestOpenRetriesUnreachableDatabase: Open connects max_retries times,
// retry_interval apart, while nothing answers (a listener that hangs up).
func TestOpenRetriesUnreachableDatabase(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var accepted atomic.Int32
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	defer wg.Wait()
	defer ln.Close()
	o := db.DefaultOptions("postgresql://u:pw@" + ln.Addr().String() + "/db?sslmode=disable")
	o.MaxRetries, o.RetryInterval = 3, time.Millisecond
	var logged bytes.Buffer
	o.Logger = slog.New(slog.NewTextHandler(&logged, nil))
	_, err = db.OpenOptions(ctx, o)
	if !errors.Is(err, db.ErrDisconnect) {
		t.Fatalf("err = %v, want ErrDisconnect", err)
	}
	if strings.Contains(err.Error(), ":pw@") || strings.Contains(logged.String(), ":pw@") {
		t.Errorf("the error or the log shows the password: %v\n%s", err, logged.String())
	}
	// Three attempts: two warnings, as oslo.db logs them, then the error.
	for _, want := range []string{"2 attempts left", "1 attempts left"} {
		if !strings.Contains(logged.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logged.String())
		}
	}
	if n := strings.Count(logged.String(), "SQL connection failed"); n != 2 {
		t.Errorf("%d retries logged, want 2", n)
	}
	// Each failed attempt was accepted before the client saw it fail.
	if n := accepted.Load(); n < 3 {
		t.Errorf("%d connections, want at least 3", n)
	}
}

// TestOpenWithoutRetriesDoesNotConnect: max_retries = 0 skips the
// connection test, as oslo.db's create_engine does.
func TestOpenWithoutRetriesDoesNotConnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan struct{}, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if c, err := ln.Accept(); err == nil {
			accepted <- struct{}{}
			c.Close()
		}
	}()
	o := db.DefaultOptions("postgresql://u:pw@" + ln.Addr().String() + "/db?sslmode=disable")
	o.MaxRetries = 0
	d, err := db.OpenOptions(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Close(ctx); err != nil {
		t.Fatal(err)
	}
	ln.Close()
	wg.Wait()
	select {
	case <-accepted:
		t.Error("Open with max_retries 0 connected")
	default:
	}
}

// TestOpenFailsAtOnceOnOtherErrors: a wrong password is not a connection
// error and is not retried.
func TestOpenFailsAtOnceOnOtherErrors(t *testing.T) {
	url := pgURL(t)
	u, _ := db.ParseURL(url)
	bad := strings.Replace(url, "goslo:", "goslo:x", 1)
	if bad == url || u.Password == "" {
		t.Skip("the test server's URL has no password")
	}
	o := db.DefaultOptions(bad)
	o.RetryInterval = time.Hour
	_, err := db.OpenOptions(ctx, o)
	if err == nil || db.IsDisconnect(err) {
		t.Errorf("err = %v", err)
	}
}

// TestPostgreSQLReadTxLostAtCommitRetried: a read-only transaction whose
// connection dies before COMMIT wrote nothing, so ReadTx runs it again
// (oslo.db's retry_on_disconnect) instead of reporting an unknown outcome.
func TestPostgreSQLReadTxLostAtCommitRetried(t *testing.T) {
	d := pgOnly(t)
	attempt := 0
	err := d.ReadTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		attempt++
		var pid int64
		if err := tx.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			return err
		}
		if attempt > 1 {
			return nil
		}
		return terminateBackend(ctx, d, pid)
	})
	if err != nil || attempt != 2 {
		t.Errorf("ReadTx: %v after %d attempts; want nil after 2", err, attempt)
	}
}

// terminateBackend ends the PostgreSQL backend pid from another session
// and waits until it is gone. Each look at pg_stat_activity is its own
// transaction: within one, PostgreSQL keeps showing the snapshot it took
// at the first look, and the backend would never seem to go.
func terminateBackend(ctx context.Context, d *db.DB, pid int64) error {
	if err := d.Tx(ctx, func(ctx context.Context, tx *db.Tx) error {
		_, err := tx.Exec(ctx, "SELECT pg_terminate_backend(?)", pid)
		return err
	}); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		var n int
		err := d.ReadTx(ctx, func(ctx context.Context, tx *db.Tx) error {
			return tx.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE pid = ?", pid).Scan(&n)
		})
		if err != nil {
			return fmt.Errorf("waiting for backend %d to go: %w", pid, err)
		}
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("backend %d still there: %w", pid, ctx.Err())
		case <-time.After(time.Millisecond):
		}
	}
}
