package db_test

import (
	"context"
	"errors"
	"fmt"
	"testing/fstest"
	"time"

	"github.com/goslo/goslo/db"
	"github.com/goslo/goslo/objects"
)

// The service's object and its table.
var (
	registry = objects.NewRegistry("example")
	flavor   = registry.MustRegister(&objects.Class{
		Name: "Flavor", Version: "1.0",
		Fields: []objects.Field{
			{Name: "id", Type: objects.Integer},
			{Name: "created_at", Type: objects.DateTime, Nullable: true},
			{Name: "updated_at", Type: objects.DateTime, Nullable: true},
			{Name: "name", Type: objects.String},
			{Name: "vcpus", Type: objects.Integer},
			{Name: "extra_specs", Type: objects.DictOf(objects.String), Default: map[string]any{}},
		},
	})
	flavors = &db.Model{Table: "flavors", Class: flavor, Columns: []db.Column{
		{Field: "name"}, {Field: "vcpus"}, {Field: "extra_specs", JSON: true},
	}}
	// In a service: //go:embed migrations, and db.Sub(files, "migrations").
	migrations = db.Migrations{FS: fstest.MapFS{"00001_flavors.sql": {Data: []byte(`
-- +goose Up
CREATE TABLE flavors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at DATETIME, updated_at DATETIME, deleted_at DATETIME, deleted INTEGER NOT NULL DEFAULT 0,
    name VARCHAR(255) NOT NULL, vcpus INTEGER NOT NULL, extra_specs TEXT,
    UNIQUE (name, deleted)
);
-- +goose Down
DROP TABLE flavors;
`)}}, SyncCommand: "example-manage db sync"}
)

func Example() {
	ctx := context.Background()
	d, err := db.OpenURL(ctx, "sqlite://")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close(ctx)

	// Start-up refuses a database that is not at the program's schema.
	fmt.Println(d.CheckSchema(ctx, migrations))
	// example-manage db sync:
	if _, err := d.Sync(ctx, migrations, 0); err != nil {
		fmt.Println(err)
		return
	}

	f, _ := flavor.NewWith(map[string]any{"name": "m1.small", "vcpus": 1, "extra_specs": map[string]any{"hw:cpu_policy": "shared"}})
	if err := flavors.Create(ctx, d, f); err != nil {
		fmt.Println(err)
		return
	}
	id, _ := objects.Get[int64](f, "id")

	// Two workers load the flavor; the first saves, the second learns
	// that it lost.
	a, _ := flavors.Get(ctx, d, id)
	b, _ := flavors.Get(ctx, d, id)
	a.Set("vcpus", 2)
	fmt.Println(flavors.Update(ctx, d, a))
	b.Set("vcpus", 4)
	err = flavors.Update(ctx, d, b)
	fmt.Println(errors.Is(err, db.ErrConflict))

	list, _ := flavors.List(ctx, d, db.ListOptions{Filters: map[string]any{"name": "m1.small"}})
	vcpus, _ := objects.Get[int64](list[0], "vcpus")
	fmt.Println(len(list), vcpus)

	fmt.Println(flavors.SoftDelete(ctx, d, id))
	_, err = flavors.Get(ctx, d, id)
	fmt.Println(errors.Is(err, db.ErrNotFound))
	// Output:
	// db: the database schema is at version 0 (goslo_db_version), older than this program needs (1): run "example-manage db sync" first
	// <nil>
	// true
	// 1 2
	// <nil>
	// true
}

// A periodic task that runs once per cluster: every instance ticks, the
// lease holder runs it.
func ExampleLease() {
	ctx := context.Background()
	d, _ := db.OpenURL(ctx, "sqlite://")
	defer d.Close(ctx)
	d.Sync(ctx, migrations, 0)

	interval := time.Minute
	hostA := d.Lease("purge-deleted", "host-a:1234", interval*3/2)
	hostB := d.Lease("purge-deleted", "host-b:5678", interval*3/2)
	for _, l := range []*db.Lease{hostA, hostB, hostA} {
		info, err := l.Acquire(ctx)
		if err != nil {
			fmt.Println(err)
			return
		}
		if info.Held {
			fmt.Println("run by", info.Owner, "term", info.Token)
		} else {
			fmt.Println("skipped: held by", info.Owner)
		}
	}
	// Output:
	// run by host-a:1234 term 1
	// skipped: held by host-a:1234
	// run by host-a:1234 term 1
}

func ExampleParseURL() {
	u, err := db.ParseURL("postgresql+psycopg2://nova:s3cr%40t@db.example.com:5432/nova?sslmode=require")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u.Backend(), u.Username, u.Password, u.Host, u.Port, u.Database, u.Get("sslmode"))
	fmt.Println(u)
	// Output:
	// postgresql nova s3cr@t db.example.com 5432 nova [require]
	// postgresql+psycopg2://nova:***@db.example.com:5432/nova?sslmode=require
}
