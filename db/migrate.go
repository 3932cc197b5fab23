package db

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"github.com/pressly/goose/v3/lock"
)

// Migrations are a service's versioned schema migrations, embedded in its
// binary: goose SQL files (00001_init.sql, 00002_add_locked.sql, ...,
// each with "-- +goose Up" and "-- +goose Down" sections) in FS. When FS
// has a directory named after the backend ("sqlite", "postgresql"), the
// files in it are used, so that each backend can have its own SQL; else
// the files at its root serve both.
//
//	//go:embed migrations
//	var migrationFiles embed.FS
//	var migrations = db.Migrations{FS: db.Sub(migrationFiles, "migrations"), SyncCommand: "compute-manage db sync"}
type Migrations struct {
	FS fs.FS
	// Table records the applied versions; "goose_db_version" when empty.
	Table string
	// SyncCommand is how an operator upgrades the schema, named in the
	// errors of CheckSchema; "db sync" when empty.
	SyncCommand string
}

// Sub is fs.Sub for a directory known to exist in an embedded FS; it
// panics otherwise (a build mistake, not an input error).
func Sub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// schemaFiles are goslo's own tables (leases, service heartbeats),
// migrated by Sync before the service's, with their own version table.
//
//go:embed schema
var schemaFiles embed.FS

// ownMigrations returns the migrations of goslo's own tables.
func ownMigrations() Migrations {
	return Migrations{FS: Sub(schemaFiles, "schema"), Table: "goslo_db_version"}
}

func (m Migrations) table() string {
	if m.Table == "" {
		return "goose_db_version"
	}
	return m.Table
}

func (m Migrations) command() string {
	if m.SyncCommand == "" {
		return "db sync"
	}
	return m.SyncCommand
}

// files returns the migration files for the backend.
func (m Migrations) files(backend string) (fs.FS, error) {
	if m.FS == nil {
		return nil, errors.New("db: migrations: no FS")
	}
	if st, err := fs.Stat(m.FS, backend); err == nil && st.IsDir() {
		return fs.Sub(m.FS, backend)
	}
	return m.FS, nil
}

func (d *DB) gooseDialect() goose.Dialect {
	if d.backend == PostgreSQL {
		return goose.DialectPostgres
	}
	return goose.DialectSQLite3
}

func (d *DB) provider(m Migrations) (*goose.Provider, error) {
	files, err := m.files(d.backend)
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithTableName(m.table()), goose.WithDisableGlobalRegistry(true)}
	if d.backend == PostgreSQL {
		// Two db syncs at once take turns (an advisory lock).
		l, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 600))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(l))
	}
	p, err := goose.NewProvider(d.gooseDialect(), d.sql, files, opts...)
	if err != nil {
		return nil, fmt.Errorf("db: migrations: %w", err)
	}
	return p, nil
}

// Applied is one migration Sync applied.
type Applied struct {
	Version  int64
	Source   string // the file
	Duration time.Duration
}

// Sync upgrades the schema (nova-manage db sync): goslo's own tables,
// then the service's migrations up to version (0: the latest). A version
// older than the database's is an error: OpenStack does not downgrade.
// Each migration runs in a transaction; on PostgreSQL concurrent syncs
// take turns (an advisory lock). On SQLite run one sync at a time: a
// second one started meanwhile fails on the tables the first created,
// and succeeds when run again.
func (d *DB) Sync(ctx context.Context, m Migrations, version int64) ([]Applied, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	defer d.leave()
	var out []Applied
	for _, set := range []struct {
		m      Migrations
		target int64
	}{{ownMigrations(), 0}, {m, version}} {
		applied, err := d.sync(ctx, set.m, set.target)
		out = append(out, applied...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

func (d *DB) sync(ctx context.Context, m Migrations, target int64) ([]Applied, error) {
	p, err := d.provider(m)
	if err != nil {
		return nil, err
	}
	sources := p.ListSources()
	if len(sources) == 0 {
		return nil, fmt.Errorf("db: migrations: no migration files")
	}
	latest := sources[len(sources)-1].Version
	var results []*goose.MigrationResult
	if target <= 0 {
		results, err = p.Up(ctx)
	} else {
		if target > latest {
			return nil, fmt.Errorf("db: sync: no migration %d (the latest is %d)", target, latest)
		}
		current, verr := p.GetDBVersion(ctx)
		if verr != nil {
			return nil, fmt.Errorf("db: sync: %w", classify(verr))
		}
		if target < current {
			return nil, fmt.Errorf("db: sync: the database is at version %d, after %d: downgrades are not supported", current, target)
		}
		results, err = p.UpTo(ctx, target)
	}
	var out []Applied
	for _, r := range results {
		if r.Error == nil {
			out = append(out, Applied{Version: r.Source.Version, Source: r.Source.Path, Duration: r.Duration})
		}
	}
	if err != nil {
		var pe *goose.PartialError
		if errors.As(err, &pe) && pe.Failed != nil {
			return out, fmt.Errorf("db: sync: migration %s: %w", pe.Failed.Source.Path, classify(pe.Err))
		}
		return out, fmt.Errorf("db: sync: %w", classify(err))
	}
	return out, nil
}

// SchemaVersion returns the version the database's schema is at (0 when
// no migration was ever applied) and the latest version m knows. It only
// reads.
func (d *DB) SchemaVersion(ctx context.Context, m Migrations) (current, known int64, err error) {
	p, err := d.provider(m)
	if err != nil {
		return 0, 0, err
	}
	sources := p.ListSources()
	if len(sources) > 0 {
		known = sources[len(sources)-1].Version
	}
	store, err := database.NewStore(d.gooseDialect(), m.table())
	if err != nil {
		return 0, 0, err
	}
	err = d.ReadTx(ctx, func(ctx context.Context, tx *Tx) error {
		exists, err := versionTableExists(ctx, tx, store, m.table())
		if err != nil || !exists {
			current = 0
			return err
		}
		v, err := store.GetLatestVersion(ctx, tx.SQL())
		if errors.Is(err, database.ErrVersionNotFound) {
			current = 0
			return nil
		}
		current = v
		return classify(err)
	})
	if err != nil {
		return 0, 0, fmt.Errorf("db: schema version (%s): %w", m.table(), err)
	}
	return current, known, nil
}

// SchemaError is CheckSchema's refusal: the database's schema is not the
// one this program was built for.
type SchemaError struct {
	Table   string // the version table
	Current int64  // the database's version
	Known   int64  // the latest version this program knows
	Command string // how to upgrade, for an older schema
}

func (e *SchemaError) Error() string {
	if e.Current > e.Known {
		return fmt.Sprintf("db: the database schema is at version %d (%s), newer than this program knows (%d): "+
			"it was upgraded by a newer release; run that release, or this one against a database at version %d",
			e.Current, e.Table, e.Known, e.Known)
	}
	return fmt.Sprintf("db: the database schema is at version %d (%s), older than this program needs (%d): run %q first",
		e.Current, e.Table, e.Known, e.Command)
}

// CheckSchema is the start-up check: it fails with a *SchemaError when
// the database's schema (goslo's own tables, then the service's) is newer
// than this program knows, or older than it needs, naming both versions;
// a service refuses to start on it.
func (d *DB) CheckSchema(ctx context.Context, m Migrations) error {
	for _, set := range []Migrations{ownMigrations(), m} {
		current, known, err := d.SchemaVersion(ctx, set)
		if err != nil {
			return err
		}
		if current != known {
			cmd := m.command()
			return &SchemaError{Table: set.table(), Current: current, Known: known, Command: cmd}
		}
	}
	return nil
}

// versionTableExists asks goose's store, or SQLite's catalogue where the
// store cannot tell.
func versionTableExists(ctx context.Context, tx *Tx, store database.Store, table string) (bool, error) {
	if ext, ok := store.(database.StoreExtender); ok {
		exists, err := ext.TableExists(ctx, tx.SQL())
		if !errors.Is(err, errors.ErrUnsupported) {
			return exists, classify(err)
		}
	}
	if tx.Backend() != SQLite {
		return false, fmt.Errorf("cannot tell whether %s exists", table)
	}
	var n int
	err := tx.QueryRow(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", table).Scan(&n)
	return n > 0, classify(err)
}
