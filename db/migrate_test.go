package db_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/goslo/goslo/db"
	"github.com/goslo/goslo/db/internal/testmodel"
)

func TestMigrations(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		url := b.url(t)
		d := open(t, url)

		// A new database: too old, and the check says what to run.
		err := d.CheckSchema(ctx, testmodel.Migrations)
		var se *db.SchemaError
		if !errors.As(err, &se) || se.Current != 0 || se.Known != 1 || !strings.Contains(err.Error(), `run "goslo-test db sync"`) {
			t.Fatalf("fresh database: %v", err)
		}
		// Up to version 1 only.
		applied, err := d.Sync(ctx, testmodel.Migrations, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 2 || applied[0].Version != 1 || applied[1].Version != 1 ||
			!strings.HasSuffix(applied[1].Source, "00001_widgets.sql") {
			t.Fatalf("applied %+v", applied)
		}
		cur, known, err := d.SchemaVersion(ctx, testmodel.Migrations)
		if err != nil || cur != 1 || known != 2 {
			t.Fatalf("version %d of %d, %v", cur, known, err)
		}
		err = d.CheckSchema(ctx, testmodel.Migrations)
		if !errors.As(err, &se) || se.Current != 1 || se.Known != 2 || !strings.Contains(err.Error(), "older than this program needs (2)") {
			t.Fatalf("half-synced: %v", err)
		}
		// The rest; syncing again does nothing.
		if applied, err = d.Sync(ctx, testmodel.Migrations, 0); err != nil || len(applied) != 1 || applied[0].Version != 2 {
			t.Fatalf("applied %+v, %v", applied, err)
		}
		if applied, err = d.Sync(ctx, testmodel.Migrations, 0); err != nil || len(applied) != 0 {
			t.Fatalf("second sync applied %+v, %v", applied, err)
		}
		if err := d.CheckSchema(ctx, testmodel.Migrations); err != nil {
			t.Fatal(err)
		}
		// The tables work.
		newCounter(t, d, "after-sync", 1)
		// No downgrades, no unknown versions.
		if _, err := d.Sync(ctx, testmodel.Migrations, 1); err == nil || !strings.Contains(err.Error(), "downgrades are not supported") {
			t.Errorf("downgrade: %v", err)
		}
		if _, err := d.Sync(ctx, testmodel.Migrations, 9); err == nil || !strings.Contains(err.Error(), "no migration 9") {
			t.Errorf("unknown version: %v", err)
		}

		// A newer release upgrades the database: this one refuses to run on
		// it and names both versions.
		if _, err := d.Sync(ctx, testmodel.Newer, 0); err != nil {
			t.Fatal(err)
		}
		err = d.CheckSchema(ctx, testmodel.Migrations)
		if !errors.As(err, &se) || se.Current != 3 || se.Known != 2 {
			t.Fatalf("newer schema: %v", err)
		}
		for _, want := range []string{"version 3", "newer than this program knows (2)"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%q lacks %q", err, want)
			}
		}
		if err := d.CheckSchema(ctx, testmodel.Newer); err != nil {
			t.Errorf("the newer release's own check: %v", err)
		}
	})
}

func TestMigrationFailureReportsTheFile(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		d := open(t, b.url(t))
		bad := db.Migrations{FS: fstest.MapFS{
			"00001_ok.sql":  {Data: []byte("-- +goose Up\nCREATE TABLE ok (id INTEGER);\n-- +goose Down\nDROP TABLE ok;\n")},
			"00002_bad.sql": {Data: []byte("-- +goose Up\nCREATE TABLE ok (id INTEGER);\n-- +goose Down\nSELECT 1;\n")},
		}}
		applied, err := d.Sync(ctx, bad, 0)
		if err == nil || !strings.Contains(err.Error(), "00002_bad.sql") {
			t.Fatalf("err = %v", err)
		}
		if len(applied) == 0 || applied[len(applied)-1].Version != 1 {
			t.Errorf("applied %+v", applied)
		}
		if cur, _, _ := d.SchemaVersion(ctx, bad); cur != 1 {
			t.Errorf("version after the failure: %d, want 1 (the failed migration rolled back)", cur)
		}
	})
}
