// Package store persists the compute API's resources with goslo's db
// package: SQLite by default, PostgreSQL when [database] connection says
// so. Every call is one transaction, retried on deadlocks and
// disconnections as oslo.db does; an update that lost a race with another
// worker fails with api.ErrConflict instead of overwriting it.
package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/db"
	"github.com/goslo/goslo/examples/compute-api/api"
	"github.com/goslo/goslo/examples/compute-api/resources"
	"github.com/goslo/goslo/objects"
)

//go:embed migrations
var migrationFiles embed.FS

// Migrations are the schema versions of the service, applied by
// "compute-manage db sync".
var Migrations = db.Migrations{FS: db.Sub(migrationFiles, "migrations"), SyncCommand: "compute-manage db sync"}

var flavors = &db.Model{
	Table: "flavors", Class: resources.Flavor,
	Columns: []db.Column{
		{Field: "name"}, {Field: "vcpus"}, {Field: "memory_mb"}, {Field: "root_gb"},
		{Field: "is_public"}, {Field: "extra_specs", JSON: true}, {Field: "description"},
	},
}

var servers = &db.Model{
	Table: "servers", Class: resources.Server,
	Columns: []db.Column{
		{Field: "uuid"}, {Field: "name"}, {Field: "description"}, {Field: "status"},
		{Field: "project_id"}, {Field: "user_id"}, {Field: "flavor_id"},
		{Field: "metadata", JSON: true}, {Field: "access_ip_v4"}, {Field: "launched_at"},
	},
}

// Store implements api.Store.
type Store struct {
	DB *db.DB
}

// Open connects to [database] connection and checks that the schema is the
// one this binary knows (a newer or older schema is an error that says to
// run "compute-manage db sync").
func Open(ctx context.Context, conf *config.Config) (*Store, error) {
	d, err := db.Open(ctx, conf)
	if err != nil {
		return nil, err
	}
	if err := d.CheckSchema(ctx, Migrations); err != nil {
		d.Close(ctx)
		return nil, err
	}
	return &Store{DB: d}, nil
}

// Close waits for the transactions in flight, then closes the pool.
func (s *Store) Close(ctx context.Context) error { return s.DB.Close(ctx) }

func mapErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, db.ErrNotFound), errors.Is(err, db.ErrMarkerNotFound):
		return fmt.Errorf("%w: %w", api.ErrNotFound, err)
	case errors.Is(err, db.ErrConflict), errors.Is(err, db.ErrDuplicate):
		return fmt.Errorf("%w: %w", api.ErrConflict, err)
	}
	return err
}

func pageOptions(q api.Query, markerField string) (db.ListOptions, error) {
	o := db.ListOptions{Limit: q.Limit, Filters: map[string]any{}, Fields: q.Fields}
	for k, v := range q.Filters {
		o.Filters[k] = v
	}
	if q.Marker != "" {
		o.MarkerField = markerField
		o.Marker = q.Marker
		if markerField == "" {
			id, err := strconv.ParseInt(q.Marker, 10, 64)
			if err != nil {
				return o, fmt.Errorf("%w: marker %q", api.ErrNotFound, q.Marker)
			}
			o.Marker = id
		}
	}
	return o, nil
}

// ListFlavors implements api.Store.
func (s *Store) ListFlavors(ctx context.Context, q api.Query) ([]*objects.Object, error) {
	o, err := pageOptions(q, "")
	if err != nil {
		return nil, err
	}
	list, err := flavors.List(ctx, s.DB, o)
	return list, mapErr(err)
}

// GetFlavor implements api.Store.
func (s *Store) GetFlavor(ctx context.Context, id int64) (*objects.Object, error) {
	f, err := flavors.Get(ctx, s.DB, id)
	return f, mapErr(err)
}

// CreateFlavor implements api.Store.
func (s *Store) CreateFlavor(ctx context.Context, f *objects.Object) error {
	return mapErr(flavors.Create(ctx, s.DB, f))
}

// UpdateFlavor implements api.Store.
func (s *Store) UpdateFlavor(ctx context.Context, f *objects.Object) error {
	return mapErr(flavors.Update(ctx, s.DB, f))
}

// DeleteFlavor implements api.Store.
func (s *Store) DeleteFlavor(ctx context.Context, id int64) error {
	return mapErr(flavors.SoftDelete(ctx, s.DB, id))
}

// ListServers implements api.Store.
func (s *Store) ListServers(ctx context.Context, q api.Query) ([]*objects.Object, error) {
	o, err := pageOptions(q, "uuid")
	if err != nil {
		return nil, err
	}
	if q.Project == "" || q.Marker == "" {
		if q.Project != "" {
			o.Filters["project_id"] = q.Project
		}
		list, err := servers.List(ctx, s.DB, o)
		return list, mapErr(err)
	}
	o.Filters["project_id"] = q.Project
	// The marker must be one of the project's servers (deleted since the
	// previous page, maybe): another project's is not found, as in nova,
	// rather than telling that it exists. The check and the page read one
	// snapshot.
	var list []*objects.Object
	err = s.DB.ReadTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		_, err := servers.Find(ctx, tx, db.ListOptions{ReadDeleted: db.ReadDeletedYes, Fields: []string{"uuid"},
			Filters: map[string]any{"uuid": q.Marker, "project_id": q.Project}})
		if err != nil {
			if errors.Is(err, db.ErrNotFound) {
				err = fmt.Errorf("%w: marker %q", api.ErrNotFound, q.Marker)
			}
			return err
		}
		list, err = servers.List(ctx, tx, o)
		return err
	})
	return list, mapErr(err)
}

func (s *Store) findServer(ctx context.Context, q db.Querier, project, uuid string) (*objects.Object, error) {
	f := map[string]any{"uuid": uuid}
	if project != "" {
		f["project_id"] = project
	}
	return servers.Find(ctx, q, db.ListOptions{Filters: f})
}

// GetServer implements api.Store: a server of project (any project when
// project is "").
func (s *Store) GetServer(ctx context.Context, project, uuid string) (*objects.Object, error) {
	srv, err := s.findServer(ctx, s.DB, project, uuid)
	return srv, mapErr(err)
}

// CreateServer implements api.Store.
func (s *Store) CreateServer(ctx context.Context, srv *objects.Object) error {
	return mapErr(servers.Create(ctx, s.DB, srv))
}

// UpdateServer implements api.Store.
func (s *Store) UpdateServer(ctx context.Context, srv *objects.Object) error {
	return mapErr(servers.Update(ctx, s.DB, srv))
}

// DeleteServer implements api.Store: a soft delete, as nova's.
func (s *Store) DeleteServer(ctx context.Context, project, uuid string) error {
	return mapErr(s.DB.Tx(ctx, func(ctx context.Context, tx *db.Tx) error {
		srv, err := s.findServer(ctx, tx, project, uuid)
		if err != nil {
			return err
		}
		id, err := objects.Get[int64](srv, "id")
		if err != nil {
			return err
		}
		return servers.SoftDelete(ctx, tx, id)
	}))
}

// ActivateBuilt moves servers that have been in BUILD since before cutoff
// to ACTIVE, as a compute host would once a server is up. It returns how
// many it moved. A server another worker changed meanwhile is skipped (it
// is seen again on the next run).
func (s *Store) ActivateBuilt(ctx context.Context, cutoff time.Time) (int, error) {
	list, err := servers.List(ctx, s.DB, db.ListOptions{
		Filters: map[string]any{"status": resources.StatusBuild},
		Where:   []db.Cond{{Field: "created_at", Op: "<", Value: cutoff}},
		Limit:   500,
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, srv := range list {
		if err := srv.Set("status", resources.StatusActive); err != nil {
			return n, err
		}
		if err := srv.Set("launched_at", time.Now().UTC()); err != nil {
			return n, err
		}
		switch err := servers.Update(ctx, s.DB, srv); {
		case err == nil:
			n++
		case errors.Is(err, db.ErrConflict):
		default:
			return n, err
		}
	}
	return n, nil
}

// PurgeDeleted removes the rows soft-deleted more than age ago.
func (s *Store) PurgeDeleted(ctx context.Context, age time.Duration) (int64, error) {
	a, err := servers.Purge(ctx, s.DB, age)
	if err != nil {
		return a, err
	}
	b, err := flavors.Purge(ctx, s.DB, age)
	return a + b, err
}
