package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"time"

	"github.com/goslo/goslo/db"
	"github.com/goslo/goslo/examples/compute-api/store"
)

// openDB opens [database] connection. create makes the directory of a
// SQLite file (db sync creates the database); otherwise a SQLite file that
// does not exist is an error rather than a new empty database.
func openDB(ctx context.Context, m *manage, create bool) (*db.DB, error) {
	conn := db.Connection.Get(m.conf)
	if conn == "" {
		return nil, errors.New("[database] connection is not set")
	}
	u, err := db.ParseURL(conn)
	if err != nil {
		return nil, fmt.Errorf("[database] connection: %w", err)
	}
	if u.Backend() == db.SQLite && u.Database != "" && u.Database != ":memory:" {
		if create {
			if err := os.MkdirAll(filepath.Dir(u.Database), 0o750); err != nil {
				return nil, fmt.Errorf("[database] connection: %w", err)
			}
		} else if _, err := os.Stat(u.Database); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s: run %s db sync", u.Database, prog)
		}
	}
	return db.Open(ctx, m.conf)
}

// closeDB closes d, keeping the first error.
func closeDB(ctx context.Context, d *db.DB, err *error) {
	if cerr := d.Close(ctx); cerr != nil && *err == nil {
		*err = cerr
	}
}

func dbSync(ctx context.Context, m *manage, args []string) (err error) {
	var target int64
	if len(args) == 1 {
		target, err = strconv.ParseInt(args[0], 10, 64)
		if err != nil || target < 1 {
			return usagef("db sync: VERSION must be a positive integer, not %q", args[0])
		}
	}
	d, err := openDB(ctx, m, true)
	if err != nil {
		return err
	}
	defer closeDB(ctx, d, &err)
	if _, known, err := d.SchemaVersion(ctx, store.Migrations); err != nil {
		return err
	} else if target > known {
		return fmt.Errorf("there is no version %d: the latest this release knows is %d", target, known)
	}
	applied, err := d.Sync(ctx, store.Migrations, target)
	for _, a := range applied {
		name, what := filepath.Base(a.Source), ""
		if _, err := fs.Stat(store.Migrations.FS, path.Join(d.Backend(), name)); err != nil {
			what = "goslo's tables, " // leases and heartbeats, versioned apart
		}
		fmt.Fprintf(m.stdout, "Applied %s (%sversion %d) in %s\n", name, what, a.Version,
			a.Duration.Round(time.Microsecond))
	}
	if err != nil {
		return err
	}
	current, _, err := d.SchemaVersion(ctx, store.Migrations)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(m.stdout, "The database schema is at version %d: nothing to apply.\n", current)
	} else {
		fmt.Fprintf(m.stdout, "The database schema is now at version %d.\n", current)
	}
	return nil
}

func dbVersion(ctx context.Context, m *manage, _ []string) (err error) {
	d, err := openDB(ctx, m, false)
	if err != nil {
		return err
	}
	defer closeDB(ctx, d, &err)
	current, known, err := d.SchemaVersion(ctx, store.Migrations)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.stdout, current)
	switch {
	case current < known:
		fmt.Fprintf(m.stderr, "%s: this release's schema is version %d: run %s db sync\n", prog, known, prog)
	case current > known:
		fmt.Fprintf(m.stderr, "%s: the schema is newer than this release knows (version %d)\n", prog, known)
	}
	return nil
}
