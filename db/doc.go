// Package db is oslo.db for Go: the [database] options, connections to
// SQLite (embedded, the default, pure Go) or PostgreSQL (for more than
// one node), oslo's retry of deadlocks and lost connections, versioned
// schema migrations embedded in the service's binary, and the
// persistence of versioned objects (package objects) in OpenStack-style
// tables, with soft delete and optimistic concurrency. It also keeps the
// two tables a cluster of service instances shares: leases (one instance
// runs a task) and heartbeats (which instances are up).
//
// # Opening
//
// RegisterOptions registers oslo.db's [database] options under their
// names and defaults (and the oslo.db namespace for the config tools);
// Open reads them and connects:
//
//	db.RegisterOptions(conf)
//	... conf.Load(...)
//	d, err := db.Open(ctx, conf)
//	defer d.Close(ctx) // on SIGTERM: waits for the transactions in flight
//
// The connection is a SQLAlchemy URL, parsed by SQLAlchemy's rules
// (ParseURL; its tests compare it with make_url itself):
//
//	sqlite://                          in memory (one connection, as SQLAlchemy's StaticPool: work on the DB inside a Tx waits for it)
//	sqlite:///relative/path.db         a file, relative to the working directory
//	sqlite:////var/lib/nova/nova.db    an absolute path; ?timeout=SECONDS is the busy timeout (5 s)
//	postgresql://user:pass@host:5432/nova?sslmode=require
//	postgresql+psycopg2://...          any +driver: PostgreSQL is always reached through pgx
//
// The username and password are percent-decoded (a password with "@" is
// written %40); query arguments are libpq connection parameters.
// connection_parameters is appended to them. SQLite files run in WAL mode
// with foreign keys on; sqlite_synchronous = false turns synchronous off.
//
// The pool follows SQLAlchemy's QueuePool: max_pool_size connections are
// kept, up to max_overflow more are opened under load, a transaction
// waits pool_timeout (30 s when unset) for one and then fails with
// ErrPoolTimeout, and connections older than connection_recycle_time are
// replaced. SQLite has one writer: write transactions of a process queue
// for it in Go (under pool_timeout too) rather than spin in SQLite's busy
// handler; other processes are kept out by SQLite's lock.
//
// A SQLite file's pool opens at most max_pool_size connections:
// max_overflow applies to PostgreSQL only. (oslo.db passes both to the
// pool SQLAlchemy picks; for a SQLite file that is NullPool, no limit at
// all, before SQLAlchemy 2 and QueuePool, 5 + 50 by default, since.)
// SQLite runs in the service's own process and cores (modernc's SQLite
// is Go code) and writes take turns, so connections opened beyond a few
// add memory, about 100 kB each, and no throughput. A transaction holds
// one connection and never needs a second, so a small pool cannot
// deadlock; keep it that way in your own code: inside DB.Tx or ReadTx,
// work through the Tx, not the DB.
//
// At start-up Open connects, retrying while the database is unreachable
// as oslo.db does: max_retries attempts (-1: until the context ends),
// retry_interval apart, each failure logged with the attempts left.
// Other failures (a bad password, a missing database) end Open at once.
//
// # Transactions and retries
//
// DB.Tx runs a function in a transaction and commits it; ReadTx is the
// read-only form. A transaction ends with its context (a cancelled
// request rolls back), and Close waits for those in flight. Statements
// use ? placeholders on both backends.
//
// Errors are classified as oslo.db's exception filters classify them:
// ErrDeadlock (DBDeadlock: PostgreSQL's deadlock_detected 40P01 and
// serialization_failure 40001, SQLite's BUSY and LOCKED), ErrDisconnect
// (DBConnectionError), ErrDuplicate (DBDuplicateEntry, with the columns),
// ErrReference (DBReferenceError). Tx retries the whole transaction on a
// deadlock or a lost connection, as wrap_db_retry does with
// retry_on_deadlock and retry_on_disconnect, with the db_* options: wait
// db_retry_interval, then (db_inc_retry_interval) twice as long each
// time up to db_max_retry_interval, with jitter for deadlocks, at most
// db_max_retries times (-1: until the context ends). Nothing else is
// retried, unless wrapped in RetryRequest. A connection lost during the
// COMMIT of a write transaction is ErrCommitUnknown and is not retried:
// the transaction may have committed (a read-only one is retried). Retry applies the same policy to any function.
//
// # Migrations
//
// A service embeds its goose SQL migrations and passes them in a
// Migrations; its manage command calls DB.Sync ("db sync"), and its
// start-up calls DB.CheckSchema, which refuses a schema newer than the
// program knows (a newer release upgraded it) or older than it needs
// (run db sync), naming both versions. Sync also creates goslo's own
// tables (leases, heartbeats), versioned apart from the service's.
//
// # Objects in tables
//
// A Model maps an objects.Class to a table, explicitly: the key (an
// Integer id), the fields stored in columns of their own, and the fields
// stored as JSON (collections, and nested objects as their oslo
// primitives). Every table has OpenStack's model columns: created_at,
// updated_at, deleted_at and deleted (0, or the row's id once
// soft-deleted, so that unique constraints over deleted let a name be
// used again, as oslo's SoftDeleteMixin does); the store fills them and
// the object fields of the same names. Create, Get, Find, List (filters,
// sort keys with oslo's directions, limit and marker paging as
// paginate_query does it), Update (the changed fields only), SoftDelete,
// Delete and Purge (soft-deleted rows older than an age) work on a *DB
// (a transaction each) or inside a *Tx. On a *DB, a read of a single
// statement (Get, Find, a List without a marker) runs without BEGIN and
// COMMIT: one SELECT is atomic and sees committed data on both backends.
// ListOptions.Fields loads only the fields a caller shows (SQLAlchemy's
// load_only), which for a list of a few columns of wide rows is most of
// its cost.
//
// On SQLite, a time is stored as text in the one fixed-width form
// SQLAlchemy writes ("2006-01-02 15:04:05.000000", UTC), so sorting on a
// time column and paging past a marker compare that text, as they do
// under oslo.db. A row that another program wrote in another spelling
// (CURRENT_TIMESTAMP's, ISO 8601's "T") is read correctly but sorts by
// its text, as it would under oslo.db.
//
// Update is a compare-and-swap: it writes only if the row still has the
// revision (an Integer field the store increments) or updated_at the
// object was loaded with, and fails with ErrConflict otherwise. Of two
// workers, in one process or on two hosts, that load and save the same
// row, the second learns that it lost and reloads; no update is lost.
//
// # Cluster primitives
//
// DB.Lease is a named lease (acquire, renew, release; an owner, an
// expiry, a token that grows with each change of hands), atomic on both
// backends (INSERT ... ON CONFLICT DO UPDATE ... WHERE), judged by the
// database's clock so that hosts whose clocks disagree still agree: the
// building block of a periodic task that runs once per cluster.
// RegisterService, ReportState, Services and ServiceRecord.IsUp are
// nova's database service group: one heartbeat row per instance, up
// while its last heartbeat is within service_down_time.
//
// # Options without effect
//
// These [database] options are registered, so files that set them stay
// valid, but do nothing: backend (there is one back end), slave_connection
// (reads go to the main database), mysql_sql_mode and mysql_enable_ndb
// (MySQL is not supported), connection_trace (there are no Python stack
// traces to add), use_db_reconnect (transactions always retry a
// connection lost before COMMIT). connection_debug logs the statements
// this package runs (50: at INFO, 100: with their arguments at DEBUG),
// not those of the drivers.
//
// # Why some of it is hand-written
//
// The drivers (modernc.org/sqlite, pgx), the pool (database/sql) and the
// migrations (goose) are libraries. The URL parser is written here
// because OpenStack configuration files hold SQLAlchemy URLs, whose rules
// (its own pattern, percent-decoding of the user and password only,
// parse_qsl's query) no Go URL parser follows. The retry loop and the
// error classes follow oslo.db's, which no Go library mirrors. The SQLite
// driver parses each statement anew, so each SQLite connection keeps the
// statements it prepared (stmtcache.go): a load costs a third less. A
// List without Where, Sort or Marker keeps the text of its statement by
// the shape of its filters, so that a repeated list only computes its
// arguments. On SQLite the select lists read time columns as +"col" (the
// same value, without the declared type): the driver would try its time
// layouts on every value, and this package reads the one form it writes
// by hand (other forms through time.Parse). The
// object mapping is written out rather than found by reflection: the
// service lists its columns, and each step from a field to a column is
// plain to read.
package db
