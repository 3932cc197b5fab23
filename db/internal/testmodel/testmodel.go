// Package testmodel declares the object classes, models and migrations
// that package db's tests, benchmarks and multi-process test program
// share: Widget (a field of every type package objects has), Part (an
// object nested in a widget), Counter (optimistic concurrency through a
// revision) and Note (through updated_at).
package testmodel

import (
	"context"
	"embed"
	"errors"
	"sync/atomic"
	"time"

	"github.com/goslo/goslo/db"
	"github.com/goslo/goslo/objects"
)

// Registry holds the classes.
var Registry = objects.NewRegistry("goslotest")

// Colors are the values of Widget.color.
var Colors = []string{"red", "green", "blue"}

// Part is an object held whole in a widget's JSON columns.
var Part = Registry.MustRegister(&objects.Class{
	Name: "Part", Version: "1.0",
	Fields: []objects.Field{
		{Name: "sku", Type: objects.String},
		{Name: "qty", Type: objects.Integer},
		{Name: "made", Type: objects.DateTime, Nullable: true},
	},
})

func n(name string, t objects.Type) objects.Field {
	return objects.Field{Name: name, Type: t, Nullable: true}
}

// Widget has one field of each type.
var Widget = Registry.MustRegister(&objects.Class{
	Name: "Widget", Version: "1.0",
	Fields: []objects.Field{
		{Name: "id", Type: objects.Integer},
		{Name: "revision", Type: objects.Integer},
		n("created_at", objects.DateTime), n("updated_at", objects.DateTime), n("deleted_at", objects.DateTime),
		{Name: "deleted", Type: objects.Boolean, Default: false},
		n("name", objects.String), n("secret", objects.SensitiveString),
		n("count", objects.Integer), n("nni", objects.NonNegativeInteger),
		n("ratio", objects.Float), n("nnf", objects.NonNegativeFloat),
		n("flag", objects.Boolean), n("flex", objects.FlexibleBoolean),
		n("uuid", objects.UUID), n("born", objects.DateTime),
		n("color", objects.Enum(Colors...)), n("mac", objects.MACAddress),
		n("ip", objects.IPAddress), n("ip4", objects.IPV4Address), n("ip6", objects.IPV6Address),
		n("ip46", objects.IPV4AndV6Address),
		n("net", objects.IPNetwork), n("net4", objects.IPV4Network), n("net6", objects.IPV6Network),
		n("tags", objects.ListOf(objects.String)), n("nums", objects.ListOf(objects.Integer)),
		n("dates", objects.ListOf(objects.DateTime)),
		n("meta", objects.DictOf(objects.String)), n("nmeta", objects.DictOf(objects.Nullable(objects.String))),
		n("ports", objects.SetOf(objects.Integer)), n("addrs", objects.SetOf(objects.IPAddress)),
		n("part", objects.ObjectOf("Part")), n("parts", objects.ListOfObjects("Part")),
	},
	Relationships: map[string][][2]string{"part": {{"1.0", "1.0"}}, "parts": {{"1.0", "1.0"}}},
})

// ScalarFields are Widget's fields stored in columns of their own.
var ScalarFields = []string{"name", "secret", "count", "nni", "ratio", "nnf", "flag", "flex", "uuid", "born",
	"color", "mac", "ip", "ip4", "ip6", "ip46", "net", "net4", "net6"}

// JSONFields are Widget's fields stored as JSON.
var JSONFields = []string{"tags", "nums", "dates", "meta", "nmeta", "ports", "addrs", "part", "parts"}

// Widgets maps Widget to the widgets table.
var Widgets = func() *db.Model {
	m := &db.Model{Table: "widgets", Class: Widget, Registry: Registry, Revision: "revision"}
	for _, f := range ScalarFields {
		m.Columns = append(m.Columns, db.Column{Field: f})
	}
	for _, f := range JSONFields {
		m.Columns = append(m.Columns, db.Column{Field: f, JSON: true})
	}
	return m
}()

// Counter is a named counter that concurrent workers increment.
var Counter = Registry.MustRegister(&objects.Class{
	Name: "Counter", Version: "1.0",
	Fields: []objects.Field{
		{Name: "id", Type: objects.Integer},
		{Name: "revision", Type: objects.Integer},
		n("created_at", objects.DateTime), n("updated_at", objects.DateTime), n("deleted_at", objects.DateTime),
		{Name: "deleted", Type: objects.Boolean, Default: false},
		{Name: "name", Type: objects.String},
		{Name: "value", Type: objects.Integer, Default: 0},
	},
})

// Counters maps Counter to the counters table.
var Counters = &db.Model{Table: "counters", Class: Counter, Revision: "revision",
	Columns: []db.Column{{Field: "name"}, {Field: "value"}}}

// Note is compared by updated_at (it has no revision).
var Note = Registry.MustRegister(&objects.Class{
	Name: "Note", Version: "1.0",
	Fields: []objects.Field{
		{Name: "id", Type: objects.Integer},
		n("created_at", objects.DateTime), n("updated_at", objects.DateTime), n("deleted_at", objects.DateTime),
		{Name: "deleted", Type: objects.Boolean, Default: false},
		n("title", objects.String), n("body", objects.String),
		{Name: "hits", Type: objects.Integer, Default: 0},
	},
})

// Notes maps Note to the notes table.
var Notes = &db.Model{Table: "notes", Class: Note,
	Columns: []db.Column{{Field: "title"}, {Field: "body"}, {Field: "hits"}}}

//go:embed migrations newer
var files embed.FS

// Migrations create the tables (versions 1 and 2).
var Migrations = db.Migrations{FS: db.Sub(files, "migrations"), SyncCommand: "goslo-test db sync"}

// Newer are the same migrations and a version 3: a database synced with
// them is newer than Migrations know.
var Newer = db.Migrations{FS: db.Sub(files, "newer"), SyncCommand: "goslo-test db sync"}

// ConflictPolicy retries a load-change-save that lost to another writer:
// soon, with jitter so that the losers do not collide again, for as long
// as the context allows.
var ConflictPolicy = db.RetryPolicy{Interval: time.Millisecond, IncInterval: true, MaxInterval: 20 * time.Millisecond,
	MaxRetries: -1, Jitter: true}

// Increment adds one to a counter as a service saves an object: load it,
// change it, save it; a save that finds the row changed since the load
// (ErrConflict) starts again from the load. conflicts counts those.
func Increment(ctx context.Context, d *db.DB, id int64, conflicts *atomic.Int64) error {
	return db.Retry(ctx, ConflictPolicy, func(ctx context.Context) error {
		c, err := Counters.Get(ctx, d, id)
		if err != nil {
			return err
		}
		v, err := objects.Get[int64](c, "value")
		if err != nil {
			return err
		}
		if err := c.Set("value", v+1); err != nil {
			return err
		}
		err = Counters.Update(ctx, d, c)
		if errors.Is(err, db.ErrConflict) {
			conflicts.Add(1)
			return db.RetryRequest(err)
		}
		return err
	})
}

// RunOnce is one tick of a run-once-per-cluster task: if the lease is
// held (taken or extended), the run is recorded in lease_runs with the
// lease's token and times. It reports whether it ran.
func RunOnce(ctx context.Context, d *db.DB, l *db.Lease) (bool, error) {
	info, err := l.Acquire(ctx)
	if err != nil || !info.Held {
		return false, err
	}
	err = d.Tx(ctx, func(ctx context.Context, tx *db.Tx) error {
		now, err := tx.Now(ctx)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO lease_runs (name, owner, token, acquired_at, expires_at, ran_at) VALUES (?, ?, ?, ?, ?, ?)",
			info.Name, info.Owner, info.Token, d.TimeArg(info.AcquiredAt), d.TimeArg(info.ExpiresAt), d.TimeArg(now))
		return err
	})
	return err == nil, err
}
