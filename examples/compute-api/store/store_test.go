package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.uber.org/goleak"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/db"
	"github.com/goslo/goslo/db/dbtest"
	"github.com/goslo/goslo/examples/compute-api/api"
	"github.com/goslo/goslo/examples/compute-api/resources"
	"github.com/goslo/goslo/examples/compute-api/store"
	"github.com/goslo/goslo/objects"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// backends are the databases the store runs on: a SQLite file, and a
// schema of the test's own on the PostgreSQL test server (skipped, with
// the reason, when there is none).
var backends = []struct {
	name string
	url  func(t *testing.T) string
}{
	{"sqlite", func(t *testing.T) string { return "sqlite:///" + filepath.Join(t.TempDir(), "compute.sqlite") }},
	{"postgresql", pgURL},
}

// pgURL is a schema of the test's own on the PostgreSQL test server.
func pgURL(t *testing.T) string { return dbtest.PostgreSQLURL(t, "store") }

func forEachBackend(t *testing.T, f func(t *testing.T, url string)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { f(t, b.url(t)) })
	}
}

// confFor is a configuration whose database is url.
func confFor(t *testing.T, url string) *config.Config {
	t.Helper()
	conf := config.New()
	if err := db.RegisterOptions(conf); err != nil {
		t.Fatal(err)
	}
	if err := conf.Load(nil, config.LoadOptions{Prog: "test", DefaultConfigFiles: []string{},
		DefaultConfigDirs: []string{}, IgnoreEnv: true}); err != nil {
		t.Fatal(err)
	}
	if err := db.Connection.Override(conf, url); err != nil {
		t.Fatal(err)
	}
	if err := db.SQLiteSynchronous.Override(conf, false); err != nil {
		t.Fatal(err)
	}
	return conf
}

// syncTo brings url's schema to version (0: the latest).
func syncTo(t *testing.T, conf *config.Config, version int64) {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, conf)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	if _, err := d.Sync(ctx, store.Migrations, version); err != nil {
		t.Fatal(err)
	}
}

func open(t *testing.T, url string) *store.Store {
	t.Helper()
	conf := confFor(t, url)
	syncTo(t, conf, 0)
	st, err := store.Open(context.Background(), conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return st
}

func newServer(t *testing.T, project, name string) *objects.Object {
	t.Helper()
	s, err := resources.Server.NewWith(map[string]any{"uuid": uuid.NewString(), "name": name, "status": resources.StatusBuild,
		"project_id": project, "user_id": "u", "flavor_id": int64(1)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func create(t *testing.T, st *store.Store, project, name string) string {
	t.Helper()
	s := newServer(t, project, name)
	if err := st.CreateServer(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return field[string](t, s, "uuid")
}

func field[T any](t *testing.T, o *objects.Object, name string) T {
	t.Helper()
	v, err := objects.Get[T](o, name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func uuids(t *testing.T, list []*objects.Object) []string {
	t.Helper()
	var out []string
	for _, s := range list {
		out = append(out, field[string](t, s, "uuid"))
	}
	return out
}

func TestOpenChecksTheSchema(t *testing.T) {
	forEachBackend(t, func(t *testing.T, url string) {
		ctx := context.Background()
		conf := confFor(t, url)
		for _, c := range []struct {
			name    string
			version int64 // -1: never synced
		}{{"empty", -1}, {"older", 1}} {
			t.Run(c.name, func(t *testing.T) {
				if c.version > 0 {
					syncTo(t, conf, c.version)
				}
				st, err := store.Open(ctx, conf)
				if err == nil {
					st.Close(ctx)
					t.Fatal("Open accepted a schema older than the store's")
				}
				var se *db.SchemaError
				if !errors.As(err, &se) || !strings.Contains(err.Error(), "compute-manage db sync") {
					t.Errorf("error %v, want a SchemaError naming compute-manage db sync", err)
				}
			})
		}
	})
}

func TestServers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, url string) {
		ctx := context.Background()
		st := open(t, url)
		a := []string{create(t, st, "pa", "a0"), create(t, st, "pa", "a1"), create(t, st, "pa", "a2")}
		b := create(t, st, "pb", "b0")

		list, err := st.ListServers(ctx, api.Query{Project: "pa", Limit: 10})
		if err != nil || !slices.Equal(uuids(t, list), a) {
			t.Errorf("pa's servers: %v %v, want %v", uuids(t, list), err, a)
		}
		list, err = st.ListServers(ctx, api.Query{Limit: 10})
		if err != nil || !slices.Equal(uuids(t, list), append(slices.Clone(a), b)) {
			t.Errorf("every server: %v %v", uuids(t, list), err)
		}
		list, err = st.ListServers(ctx, api.Query{Project: "pa", Limit: 1, Marker: a[0]})
		if err != nil || !slices.Equal(uuids(t, list), a[1:2]) {
			t.Errorf("the page after %s: %v %v", a[0], uuids(t, list), err)
		}
		list, err = st.ListServers(ctx, api.Query{Project: "pa", Limit: 10, Filters: map[string]string{"name": "a2"}})
		if err != nil || !slices.Equal(uuids(t, list), a[2:]) {
			t.Errorf("name=a2: %v %v", uuids(t, list), err)
		}

		// Markers: another project's server is not found; a server deleted
		// since the previous page still pages.
		if _, err := st.ListServers(ctx, api.Query{Project: "pa", Limit: 10, Marker: b}); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("pa paging from pb's server: %v, want ErrNotFound", err)
		}
		if _, err := st.ListServers(ctx, api.Query{Project: "pa", Limit: 10, Marker: uuid.NewString()}); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("an unknown marker: %v, want ErrNotFound", err)
		}
		if err := st.DeleteServer(ctx, "pa", a[0]); err != nil {
			t.Fatal(err)
		}
		list, err = st.ListServers(ctx, api.Query{Project: "pa", Limit: 10, Marker: a[0]})
		if err != nil || !slices.Equal(uuids(t, list), a[1:]) {
			t.Errorf("paging from a deleted server: %v %v", uuids(t, list), err)
		}

		// Get and delete are scoped to the project ("" is any).
		if _, err := st.GetServer(ctx, "pb", a[1]); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("pb getting pa's server: %v", err)
		}
		if err := st.DeleteServer(ctx, "pb", a[1]); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("pb deleting pa's server: %v", err)
		}
		if s, err := st.GetServer(ctx, "", a[1]); err != nil || field[string](t, s, "project_id") != "pa" {
			t.Errorf("any project's get: %v", err)
		}
		if _, err := st.GetServer(ctx, "pa", a[0]); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("a deleted server: %v", err)
		}
		if err := st.DeleteServer(ctx, "pa", a[0]); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("deleting twice: %v", err)
		}

		// A duplicate uuid is a conflict.
		dup := newServer(t, "pa", "dup")
		if err := dup.Set("uuid", a[1]); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateServer(ctx, dup); !errors.Is(err, api.ErrConflict) {
			t.Errorf("a duplicate uuid: %v, want ErrConflict", err)
		}
	})
}

func TestFlavors(t *testing.T) {
	forEachBackend(t, func(t *testing.T, url string) {
		ctx := context.Background()
		st := open(t, url)
		list, err := st.ListFlavors(ctx, api.Query{Limit: 2, Marker: "2"})
		if err != nil || len(list) != 2 || field[int64](t, list[0], "id") != 3 {
			t.Errorf("the page after flavor 2: %v %v", list, err)
		}
		for _, marker := range []string{"99", "x"} {
			if _, err := st.ListFlavors(ctx, api.Query{Limit: 2, Marker: marker}); !errors.Is(err, api.ErrNotFound) {
				t.Errorf("marker %s: %v, want ErrNotFound", marker, err)
			}
		}
		f, err := resources.Flavor.NewWith(map[string]any{"name": "m1.tiny", "vcpus": int64(1), "memory_mb": int64(1)})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateFlavor(ctx, f); !errors.Is(err, api.ErrConflict) {
			t.Errorf("a duplicate name: %v, want ErrConflict", err)
		}
		if err := st.DeleteFlavor(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetFlavor(ctx, 1); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("a deleted flavor: %v", err)
		}
		// The name is free again once the flavor is deleted.
		f, err = resources.Flavor.NewWith(map[string]any{"name": "m1.tiny", "vcpus": int64(1), "memory_mb": int64(1)})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateFlavor(ctx, f); err != nil {
			t.Errorf("reusing a deleted flavor's name: %v", err)
		}
	})
}

// TestNoLostUpdates has many writers add a metadata item each to one
// server, each loading it, adding its item and saving, again on a
// conflict: every item is there at the end. Without the store's
// compare-and-swap a writer would save a stale copy over another's item.
func TestNoLostUpdates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, url string) {
		ctx := context.Background()
		st := open(t, url)
		id := create(t, st, "p", "shared")
		const writers = 12
		var conflicts atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for attempt := 0; ; attempt++ {
					if attempt == 1000 {
						errs <- fmt.Errorf("writer %d: still conflicting after 1000 attempts", i)
						return
					}
					s, err := st.GetServer(ctx, "p", id)
					if err != nil {
						errs <- err
						return
					}
					meta, _ := objects.Get[map[string]string](s, "metadata")
					meta = maps(meta)
					meta[fmt.Sprint("writer-", i)] = "here"
					if err := s.Set("metadata", meta); err != nil {
						errs <- err
						return
					}
					err = st.UpdateServer(ctx, s)
					if errors.Is(err, api.ErrConflict) {
						conflicts.Add(1)
						continue
					}
					if err != nil {
						errs <- err
					}
					return
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		s, err := st.GetServer(ctx, "p", id)
		if err != nil {
			t.Fatal(err)
		}
		meta := field[map[string]string](t, s, "metadata")
		if len(meta) != writers {
			t.Errorf("%d of %d items saved: %v", len(meta), writers, meta)
		}
		t.Logf("%d writers, %d conflicts retried", writers, conflicts.Load())
	})
}

func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestStaleUpdateConflicts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, url string) {
		ctx := context.Background()
		st := open(t, url)
		id := create(t, st, "p", "s")
		first, err := st.GetServer(ctx, "p", id)
		if err != nil {
			t.Fatal(err)
		}
		second, err := st.GetServer(ctx, "p", id)
		if err != nil {
			t.Fatal(err)
		}
		first.Set("name", "first")
		second.Set("name", "second")
		if err := st.UpdateServer(ctx, first); err != nil {
			t.Fatal(err)
		}
		if err := st.UpdateServer(ctx, second); !errors.Is(err, api.ErrConflict) {
			t.Errorf("saving a stale copy: %v, want ErrConflict", err)
		}
		if err := st.DeleteServer(ctx, "p", id); err != nil {
			t.Fatal(err)
		}
		first.Set("name", "after delete")
		if err := st.UpdateServer(ctx, first); err == nil {
			t.Errorf("updating a deleted server succeeded")
		}
	})
}

func TestActivateBuilt(t *testing.T) {
	forEachBackend(t, func(t *testing.T, url string) {
		ctx := context.Background()
		st := open(t, url)
		old := newServer(t, "p", "old")
		if err := old.Set("created_at", time.Now().UTC().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateServer(ctx, old); err != nil {
			t.Fatal(err)
		}
		fresh := create(t, st, "p", "fresh")
		n, err := st.ActivateBuilt(ctx, time.Now().UTC().Add(-time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("ActivateBuilt: %d, %v; want 1", n, err)
		}
		s, err := st.GetServer(ctx, "p", field[string](t, old, "uuid"))
		if err != nil {
			t.Fatal(err)
		}
		if field[string](t, s, "status") != resources.StatusActive || !s.IsSet("launched_at") {
			t.Errorf("the old server: %v", s)
		}
		if s, _ := st.GetServer(ctx, "p", fresh); field[string](t, s, "status") != resources.StatusBuild {
			t.Errorf("the fresh server was activated")
		}
		if n, err := st.ActivateBuilt(ctx, time.Now().UTC().Add(-time.Minute)); n != 0 || err != nil {
			t.Errorf("a second run: %d, %v; want 0", n, err)
		}
	})
}

func TestPurgeDeleted(t *testing.T) {
	forEachBackend(t, func(t *testing.T, url string) {
		ctx := context.Background()
		st := open(t, url)
		gone := create(t, st, "p", "gone")
		kept := create(t, st, "p", "kept")
		if err := st.DeleteServer(ctx, "p", gone); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteFlavor(ctx, 5); err != nil {
			t.Fatal(err)
		}
		if n, err := st.PurgeDeleted(ctx, time.Hour); n != 0 || err != nil {
			t.Errorf("purging rows deleted over an hour ago: %d, %v; want 0", n, err)
		}
		if n, err := st.PurgeDeleted(ctx, 0); n != 2 || err != nil {
			t.Errorf("purging every deleted row: %d, %v; want 2", n, err)
		}
		var rows int
		if err := st.DB.SQL().QueryRowContext(ctx, "SELECT count(*) FROM servers").Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows != 1 {
			t.Errorf("%d server rows after the purge, want 1 (%s)", rows, kept)
		}
		if n, err := st.PurgeDeleted(ctx, 0); n != 0 || err != nil {
			t.Errorf("a second purge: %d, %v; want 0", n, err)
		}
	})
}
