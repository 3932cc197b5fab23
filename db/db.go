package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"

	"github.com/goslo/goslo/config"
)

// The backends, as URL.Backend and DB.Backend name them.
const (
	SQLite     = "sqlite"
	PostgreSQL = "postgresql"
)

// defaultPoolTimeout is SQLAlchemy's QueuePool default.
const defaultPoolTimeout = 30 * time.Second

// defaultBusyTimeout is Python sqlite3's default timeout, which pysqlite
// URLs override with ?timeout=SECONDS.
const defaultBusyTimeout = 5 * time.Second

// DB is an open database: a pool of connections (database/sql) to SQLite
// or PostgreSQL, with the [database] options applied. It is safe for
// concurrent use. Work on it through transactions (Tx, ReadTx) and the
// Model functions; Close waits for the transactions in flight.
type DB struct {
	sql     *sql.DB
	url     *URL
	file    string // SQLite: the database file
	backend string
	opts    Options
	logger  *slog.Logger

	// writeSem lets one write transaction at a time into SQLite from this
	// process: SQLite has a single writer, and waiting here (in order, on
	// the context) is cheaper than spinning in SQLite's busy handler.
	// Other processes are still kept out by SQLite's lock and busy_timeout.
	writeSem chan struct{}

	mu       sync.Mutex
	closed   bool
	inflight int
	drained  chan struct{} // closed when closed and inflight reaches 0
}

// Open opens the database of conf's [database] section (the options
// registered by RegisterOptions).
func Open(ctx context.Context, conf *config.Config) (*DB, error) {
	o := OptionsFrom(conf)
	if o.Connection == "" {
		return nil, fmt.Errorf("db: [database] connection is not set")
	}
	if _, err := ParseURL(o.Connection); err != nil {
		// Say where the bad URL was written.
		return nil, fmt.Errorf("db: [database] connection (%s): %w", Connection.Location(conf), err)
	}
	return OpenOptions(ctx, o)
}

// OpenURL opens a database with oslo.db's defaults for everything but
// the connection URL.
func OpenURL(ctx context.Context, connection string) (*DB, error) {
	return OpenOptions(ctx, DefaultOptions(connection))
}

// OpenOptions opens a database: it parses the URL, sizes the pool, and
// (unless MaxRetries is 0) connects once, retrying while the database is
// unreachable as oslo.db's start-up does: MaxRetries attempts (-1: until
// ctx ends) RetryInterval apart. Other errors (a bad password, a missing
// database) fail at once.
func OpenOptions(ctx context.Context, o Options) (*DB, error) {
	if o.Connection == "" {
		return nil, fmt.Errorf("db: [database] connection is not set")
	}
	u, err := ParseURL(o.Connection)
	if err != nil {
		return nil, err
	}
	if o.ConnectionParameters != "" {
		u.Query = append(u.Query, parseQSL(o.ConnectionParameters)...)
	}
	d := &DB{url: u, opts: o, backend: u.Backend(), logger: o.Logger, drained: make(chan struct{})}
	if d.logger == nil {
		d.logger = slog.Default()
	}
	switch d.backend {
	case SQLite:
		err = d.openSQLite()
	case PostgreSQL:
		err = d.openPostgreSQL()
	case "postgres":
		return nil, fmt.Errorf("db: %w: %s: the backend is called postgresql (postgres:// is not a SQLAlchemy dialect)", ErrURL, u)
	default:
		return nil, fmt.Errorf("db: %w: %s: backend %q is not supported (goslo speaks sqlite and postgresql)", ErrURL, u, d.backend)
	}
	if err != nil {
		return nil, fmt.Errorf("db: open %s: %w", u, err)
	}
	if o.MaxRetries != 0 {
		if err := d.testConnection(ctx); err != nil {
			d.sql.Close()
			if d.file != "" {
				if _, serr := os.Stat(filepath.Dir(d.file)); serr != nil {
					return nil, fmt.Errorf("db: connect to %s: %w (the directory %s: %v)", u, err, filepath.Dir(d.file), serr)
				}
			}
			return nil, fmt.Errorf("db: connect to %s: %w", u, err)
		}
	}
	return d, nil
}

// testConnection is oslo.db's _test_connection.
func (d *DB) testConnection(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		err := classify(d.sql.PingContext(ctx))
		if err == nil {
			return nil
		}
		if !errors.Is(err, ErrDisconnect) || ctx.Err() != nil {
			return err
		}
		if d.opts.MaxRetries > 0 && attempt >= d.opts.MaxRetries {
			return err
		}
		left := "unlimited"
		if d.opts.MaxRetries > 0 {
			left = strconv.Itoa(d.opts.MaxRetries - attempt)
		}
		d.logger.WarnContext(ctx, "SQL connection failed. "+left+" attempts left.", "url", d.url.String(), "error", err)
		if serr := timerSleep(ctx, d.opts.RetryInterval); serr != nil {
			return fmt.Errorf("%w (while waiting to retry after: %w)", serr, err)
		}
	}
}

func (d *DB) openSQLite() error {
	q := url.Values{}
	busy := defaultBusyTimeout
	if v := d.url.Get("timeout"); len(v) > 0 {
		s, err := strconv.ParseFloat(strings.TrimSpace(v[len(v)-1]), 64)
		if err != nil || s < 0 || math.IsNaN(s) || math.IsInf(s, 0) {
			return fmt.Errorf("%w: sqlite timeout %q is not a number of seconds", ErrURL, v[len(v)-1])
		}
		busy = time.Duration(s * float64(time.Second))
	}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	if !d.opts.SQLiteSynchronous {
		q.Add("_pragma", "synchronous(OFF)")
	}
	q.Set("_txlock", "immediate")

	name := d.url.Database
	uri := false
	if v := d.url.Get("uri"); len(v) > 0 {
		uri, _ = strconv.ParseBool(v[len(v)-1])
	}
	memory := !uri && (name == "" || name == ":memory:")
	var dsn string
	switch {
	case memory:
		dsn = ":memory:?" + q.Encode()
	case uri:
		// The database is a SQLite URI ("file:x.db?mode=ro"); the
		// arguments pysqlite does not take are SQLite's URI parameters.
		for _, a := range d.url.Query {
			switch a.Name {
			case "timeout", "isolation_level", "detect_types", "check_same_thread", "cached_statements", "uri":
			default:
				q.Add(a.Name, a.Value)
			}
		}
		base := name
		if !strings.HasPrefix(base, "file:") {
			base = "file:" + base
		}
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		dsn = base + sep + q.Encode()
		memory = strings.Contains(base, "mode=memory") || strings.HasPrefix(base, "file::memory:")
	default:
		q.Add("_pragma", "journal_mode(WAL)")
		path, err := filepath.Abs(name)
		if err != nil {
			return err
		}
		d.file = path
		dsn = "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	}
	db := sql.OpenDB(&cachingConnector{drv: &sqlite.Driver{}, dsn: dsn})
	d.sql = db
	d.writeSem = make(chan struct{}, 1)
	if memory {
		// Each connection to :memory: is a database of its own: keep one
		// (SQLAlchemy's StaticPool), for ever.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		return nil
	}
	d.sizePool()
	return nil
}

func (d *DB) openPostgreSQL() error {
	var kv []string
	add := func(k, v string) { kv = append(kv, k+"="+quoteConnValue(v)) }
	if d.url.Host != "" {
		add("host", d.url.Host)
	}
	if d.url.HasPort {
		add("port", strconv.Itoa(d.url.Port))
	}
	if d.url.HasUsername {
		add("user", d.url.Username)
	}
	if d.url.HasPassword {
		add("password", d.url.Password)
	}
	if d.url.HasDatabase && d.url.Database != "" {
		add("dbname", d.url.Database)
	}
	// Query arguments are libpq connection parameters, and win over the
	// URL's parts (psycopg2 receives them as keyword arguments).
	seen := map[string][]string{}
	var order []string
	for _, a := range d.url.Query {
		if _, ok := seen[a.Name]; !ok {
			order = append(order, a.Name)
		}
		seen[a.Name] = append(seen[a.Name], a.Value)
	}
	for _, k := range order {
		switch k {
		case "client_encoding":
			// pgx speaks UTF-8 only; oslo.db sets utf8 too.
			continue
		}
		add(k, strings.Join(seen[k], ","))
	}
	cfg, err := pgx.ParseConfig(strings.Join(kv, " "))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrURL, redactConnErr(err, d.url.Password))
	}
	d.sql = stdlib.OpenDB(*cfg)
	d.sizePool()
	return nil
}

// redactConnErr keeps a password out of an error message.
func redactConnErr(err error, password string) string {
	s := err.Error()
	if password != "" {
		s = strings.ReplaceAll(s, password, "***")
	}
	return s
}

// quoteConnValue quotes a libpq keyword/value connection string value.
func quoteConnValue(v string) string {
	if v != "" && !strings.ContainsAny(v, ` '\`) {
		return v
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}

// sizePool applies max_pool_size, max_overflow and
// connection_recycle_time: QueuePool keeps pool_size connections and opens
// up to max_overflow more under load, which database/sql expresses as
// idle and open limits.
//
// A SQLite file's pool opens at most max_pool_size connections: there
// max_overflow does not apply. SQLAlchemy 2's QueuePool would open
// max_overflow (oslo.db: 50) more, but a connection to a SQLite file is
// not a server's backend: modernc's SQLite is Go code that runs on this
// process's cores, and writes take turns (writeSem), so connections
// beyond the cores that run them only wait, each keeping about 100 kB
// (its page cache and lookaside, which modernc's allocator keeps after a
// close). Under 50 concurrent requests a worker opened 34-40 of them;
// capped at 5, it reads as fast and its p99 is lower (bench/MEMORY.md).
func (d *DB) sizePool() {
	o := d.opts
	maxOpen := o.MaxPoolSize + o.MaxOverflow
	switch {
	case o.MaxPoolSize <= 0:
		maxOpen = 0 // no limit
	case d.backend == SQLite:
		maxOpen = o.MaxPoolSize
	case o.MaxOverflow < 0:
		maxOpen = 0
	}
	idle := o.MaxPoolSize
	if idle <= 0 {
		idle = math.MaxInt32
	}
	d.sql.SetMaxOpenConns(maxOpen)
	d.sql.SetMaxIdleConns(idle)
	if o.ConnectionRecycleTime > 0 {
		d.sql.SetConnMaxLifetime(o.ConnectionRecycleTime)
	}
}

// Backend returns SQLite or PostgreSQL.
func (d *DB) Backend() string { return d.backend }

// URL returns the parsed connection URL (its String hides the password).
func (d *DB) URL() *URL { return d.url }

// SQL returns the underlying pool, for code that needs database/sql
// itself (goose does). Work done through it is not counted by Close.
func (d *DB) SQL() *sql.DB { return d.sql }

// Options returns the options the database was opened with.
func (d *DB) Options() Options { return d.opts }

// enter counts a unit of work in flight; it fails after Close.
func (d *DB) enter() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return &Error{Kind: ErrClosed}
	}
	d.inflight++
	return nil
}

func (d *DB) leave() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.inflight--
	if d.closed && d.inflight == 0 {
		close(d.drained)
	}
}

// Close refuses new work, waits until the transactions in flight have
// committed or rolled back (or ctx ends), then closes the pool. A service
// calls it on SIGTERM after its server stopped taking requests, so that
// nothing acknowledged is lost. If ctx ends first, Close returns its
// error without waiting longer: the pool is closed, and the transactions
// still in flight end as they would have (their connections are closed
// as they end).
func (d *DB) Close(ctx context.Context) error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	if d.inflight == 0 {
		close(d.drained)
	}
	d.mu.Unlock()
	var err error
	select {
	case <-d.drained:
	case <-ctx.Done():
		err = fmt.Errorf("db: close: transactions still in flight: %w", ctx.Err())
	}
	return errors.Join(err, d.sql.Close())
}

// Tx is a database transaction. Statements use ? placeholders on both
// backends (rewritten to $1, $2 for PostgreSQL): a ? outside quotes is
// always a placeholder, so PostgreSQL's jsonb ? operators are written as
// functions (jsonb_exists). A Tx is not safe for concurrent use.
type Tx struct {
	ctx     context.Context // the transaction's; it ends with it
	tx      *sql.Tx         // nil for a single statement outside a transaction (DB.readOne)
	q       sqlQuerier      // tx, or the connection when tx is nil
	db      *DB
	write   bool
	conn    *sql.Conn
	release func() // gives back the SQLite write slot
	ended   bool
}

// sqlQuerier is what *sql.Tx and *sql.Conn both do.
type sqlQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Backend returns the backend of the transaction's database.
func (t *Tx) Backend() string { return t.db.backend }

// DB returns the database of the transaction.
func (t *Tx) DB() *DB { return t.db }

// SQL returns the database/sql transaction.
func (t *Tx) SQL() *sql.Tx { return t.tx }

// Exec runs a statement.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	query = t.db.rebind(query)
	t.db.logStatement(ctx, query, args)
	r, err := t.q.ExecContext(ctx, query, args...)
	return r, classify(err)
}

// Query runs a query.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = t.db.rebind(query)
	t.db.logStatement(ctx, query, args)
	r, err := t.q.QueryContext(ctx, query, args...)
	return r, classify(err)
}

// QueryRow runs a query that returns at most one row.
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	query = t.db.rebind(query)
	t.db.logStatement(ctx, query, args)
	return t.q.QueryRowContext(ctx, query, args...)
}

// rebind rewrites ? placeholders to $n for PostgreSQL, outside quoted
// strings and identifiers.
func (d *DB) rebind(q string) string {
	if d.backend != PostgreSQL || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func (d *DB) logStatement(ctx context.Context, query string, args []any) {
	switch {
	case d.opts.ConnectionDebug >= 100:
		d.logger.DebugContext(ctx, "sql", "statement", query, "args", args)
	case d.opts.ConnectionDebug >= 50:
		d.logger.InfoContext(ctx, "sql", "statement", query)
	}
}

// Begin starts a transaction that the caller commits or rolls back
// (write: a transaction that may write). Prefer Tx, which retries. The
// transaction ends with ctx: a cancelled request's work rolls back.
func (d *DB) Begin(ctx context.Context, write bool) (*Tx, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	tx, err := d.begin(ctx, write)
	if err != nil {
		d.leave()
		return nil, err
	}
	return tx, nil
}

// begin takes the SQLite write slot (for a write), a connection from the
// pool, and starts the transaction; pool_timeout bounds the waits.
func (d *DB) begin(ctx context.Context, write bool) (*Tx, error) {
	t, err := d.conn(ctx, write)
	if err != nil {
		return nil, err
	}
	stx, err := t.conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: !write})
	if err != nil {
		t.conn.Close()
		t.release()
		return nil, classify(err)
	}
	t.tx, t.q = stx, stx
	return t, nil
}

// conn returns a Tx that holds a connection from the pool (and for a
// write, the SQLite write slot) but has not begun.
func (d *DB) conn(ctx context.Context, write bool) (*Tx, error) {
	wait := d.opts.PoolTimeout
	if wait <= 0 {
		wait = defaultPoolTimeout
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if write && d.writeSem != nil {
		select {
		case d.writeSem <- struct{}{}:
		case <-wctx.Done():
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return nil, d.poolTimeoutErr(wait)
		}
	}
	release := noRelease
	if write && d.writeSem != nil {
		release = func() { <-d.writeSem }
	}
	conn, err := d.sql.Conn(wctx)
	if err != nil {
		release()
		if ctx.Err() == nil && wctx.Err() != nil {
			return nil, d.poolTimeoutErr(wait)
		}
		return nil, classify(err)
	}
	return &Tx{ctx: ctx, q: conn, db: d, write: write, conn: conn, release: release}, nil
}

func noRelease() {}

func (d *DB) poolTimeoutErr(wait time.Duration) error {
	if d.backend == SQLite {
		return &Error{Kind: ErrPoolTimeout, Err: fmt.Errorf("waited %s (max_pool_size %d; max_overflow does not apply to SQLite)",
			wait, d.opts.MaxPoolSize)}
	}
	return &Error{Kind: ErrPoolTimeout, Err: fmt.Errorf("waited %s (max_pool_size %d, max_overflow %d)",
		wait, d.opts.MaxPoolSize, d.opts.MaxOverflow)}
}

// Commit commits the transaction. A connection lost during COMMIT is
// ErrCommitUnknown for a write transaction: the work may or may not be
// saved. A read-only transaction wrote nothing, so there it stays
// ErrDisconnect, which Tx and ReadTx retry.
func (t *Tx) Commit() error {
	defer t.end()
	if t.tx == nil {
		return nil
	}
	err := t.tx.Commit()
	if err == nil {
		return nil
	}
	if cerr := t.ctx.Err(); cerr != nil {
		// database/sql rolled the transaction back when ctx ended.
		return fmt.Errorf("db: transaction rolled back: %w", cerr)
	}
	err = classify(err)
	if t.write && errors.Is(err, ErrDisconnect) {
		return &Error{Kind: ErrCommitUnknown, Err: err}
	}
	return err
}

// Rollback rolls the transaction back; after Commit it does nothing.
func (t *Tx) Rollback() error {
	defer t.end()
	if t.tx == nil {
		return nil
	}
	err := t.tx.Rollback()
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return classify(err)
}

// end returns the connection and the write slot, and counts the
// transaction out, once.
func (t *Tx) end() {
	if t.ended {
		return
	}
	t.ended = true
	t.conn.Close()
	t.release()
	t.db.leave()
}

// Tx runs fn in a write transaction and commits it, retrying the whole
// transaction by the database's retry policy when it fails with a
// deadlock, a serialization failure, SQLite's busy or a lost connection
// (or a RetryRequest). fn may run more than once: it must do its work
// through tx and keep no other effects. The transaction rolls back if fn
// fails or ctx ends first; Tx returns only once the work is committed
// or abandoned.
func (d *DB) Tx(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	return Retry(ctx, d.opts.Retry, func(ctx context.Context) error { return d.runTx(ctx, true, fn) })
}

// ReadTx is Tx for a transaction that only reads (BEGIN READ ONLY on
// PostgreSQL, a deferred transaction on SQLite, which does not wait for
// the writer).
func (d *DB) ReadTx(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	return Retry(ctx, d.opts.Retry, func(ctx context.Context) error { return d.runTx(ctx, false, fn) })
}

// readOne is ReadTx for fn that runs a single statement (a SELECT): it
// runs it on a connection outside a transaction. One statement is atomic
// on its own and sees the data committed when it starts, on both
// backends (SQLite's implicit read transaction over a WAL snapshot,
// PostgreSQL's statement snapshot), so BEGIN and COMMIT would add two
// statements (two round trips on PostgreSQL) and change nothing.
//
// On SQLite the statement runs with ctx's values but not its end:
// database/sql and the driver would each start a goroutine per statement
// to watch a context that can end (an HTTP request's can), which cost
// more than the read. A read of a SQLite file waits for no lock (WAL), so
// ctx is checked before the statement and, by Model.List, between rows;
// only a single step that scans many rows for its first match runs to
// its end (and, on a database opened without WAL, such as a SQLite URI
// of the caller's, a wait for a writer's lock, up to busy_timeout).
func (d *DB) readOne(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	return Retry(ctx, d.opts.Retry, func(ctx context.Context) error {
		if err := d.enter(); err != nil {
			return err
		}
		t, err := d.conn(ctx, false)
		if err != nil {
			d.leave()
			return err
		}
		defer t.end()
		if d.backend == SQLite {
			if err := ctx.Err(); err != nil {
				return err
			}
			return fn(context.WithoutCancel(ctx), t)
		}
		return fn(ctx, t)
	})
}

// Retry runs fn with the database's retry policy (the db_* options).
func (d *DB) Retry(ctx context.Context, fn func(ctx context.Context) error) error {
	return Retry(ctx, d.opts.Retry, fn)
}

func (d *DB) runTx(ctx context.Context, write bool, fn func(ctx context.Context, tx *Tx) error) (err error) {
	tx, err := d.Begin(ctx, write)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(ctx, tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
