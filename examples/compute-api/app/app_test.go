package app_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.uber.org/goleak"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/db"
	"github.com/goslo/goslo/examples/compute-api/api"
	"github.com/goslo/goslo/examples/compute-api/app"
	"github.com/goslo/goslo/examples/compute-api/resources"
	"github.com/goslo/goslo/examples/compute-api/store"
	"github.com/goslo/goslo/manager"
	"github.com/goslo/goslo/objects"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// load loads a configuration file of text with every option of the
// service.
func load(t *testing.T, text string) (*config.Config, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "compute-api.conf")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	conf := config.New()
	if err := app.RegisterOptions(conf); err != nil {
		t.Fatal(err)
	}
	return conf, conf.Load([]string{"--config-file", path}, config.LoadOptions{Prog: "test",
		DefaultConfigDirs: []string{}, IgnoreEnv: true})
}

// TestWSGIOptionsCheckedAtLoad: the compute_api service's options are the
// service's own, so a bad value is refused at start-up with its line.
func TestWSGIOptionsCheckedAtLoad(t *testing.T) {
	cases := []struct {
		name, text, err string
	}{
		{"port out of range", "[DEFAULT]\ncompute_api_listen_port = 99999\n", ":2: [DEFAULT] compute_api_listen_port: invalid value \"99999\""},
		{"no workers", "[DEFAULT]\n\ncompute_api_workers = 0\n", ":3: [DEFAULT] compute_api_workers: invalid value \"0\""},
		{"bad strategy", "[api]\nauth_strategy = ldap\n", ":2: [api] auth_strategy: invalid value \"ldap\""},
		{"bad purge interval", "[compute]\npurge_interval = 0\n", ":2: [compute] purge_interval"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := load(t, c.text)
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("error %v, want one containing %q", err, c.err)
			}
		})
	}
	conf, err := load(t, "[DEFAULT]\ncompute_api_listen = 127.0.0.1\ncompute_api_listen_port = 9999\ncompute_api_workers = 3\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := []any{app.APIListen.Get(conf), app.APIListenPort.Get(conf), app.APIWorkers.Get(conf)}; got[0] != "127.0.0.1" || got[1] != 9999 || got[2] != 3 {
		t.Errorf("listen, port, workers: %v", got)
	}
}

// TestListOptsAreRegistered: every option ListOpts lists (the sample's
// compute-api namespace) is one RegisterOptions registers, in its group.
func TestListOptsAreRegistered(t *testing.T) {
	conf, err := load(t, "")
	if err != nil {
		t.Fatal(err)
	}
	registered := map[string]bool{}
	for _, e := range conf.Entries() {
		registered[e.Group+"."+e.Name] = true
	}
	nss, err := config.ListOpts("compute-api")
	if err != nil {
		t.Fatal(err)
	}
	var sample strings.Builder
	if err := config.WriteSample(&sample, nss, config.SampleOptions{}); err != nil {
		t.Fatal(err)
	}
	group, n := "", 0
	for _, l := range strings.Split(sample.String(), "\n") {
		if strings.HasPrefix(l, "[") {
			group = strings.Trim(l, "[]")
		} else if m := optionRE.FindStringSubmatch(l); m != nil {
			n++
			if name := m[1]; !registered[group+"."+name] {
				t.Errorf("[%s] %s is listed but not registered", group, name)
			}
		}
	}
	if n < 15 { // the 15 of this writing
		t.Errorf("only %d options in the compute-api namespace's sample:\n%s", n, sample.String())
	}
}

// optionRE matches an option of a sample: "#name = default".
var optionRE = regexp.MustCompile(`^#([a-z0-9_]+) =( |$)`)

// capture records log messages.
type capture struct {
	mu   sync.Mutex
	msgs []string
}

func (c *capture) Enabled(context.Context, slog.Level) bool { return true }
func (c *capture) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs = append(c.msgs, r.Message)
	return nil
}
func (c *capture) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *capture) WithGroup(string) slog.Handler      { return c }

func (c *capture) count(prefix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, m := range c.msgs {
		if strings.HasPrefix(m, prefix) {
			n++
		}
	}
	return n
}

// instance is one instance's configuration (its own host) on a shared
// database.
func instance(t *testing.T, dbPath, host string) *config.Config {
	t.Helper()
	conf, err := load(t, "[DEFAULT]\nhost = "+host+"\nstate_path = "+filepath.Dir(dbPath)+
		"\n[compute]\nbuild_delay = 60\npurge_deleted_age = 0\n[database]\nconnection = sqlite:///"+dbPath+"\n")
	if err != nil {
		t.Fatal(err)
	}
	return conf
}

func openStore(t *testing.T, conf *config.Config) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := app.OpenStore(ctx, conf) // creates the schema of a new SQLite file
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(ctx); err != nil {
			t.Error(err)
		}
	})
	return st
}

func newServer(t *testing.T, st *store.Store, name string, created time.Time) string {
	t.Helper()
	id := uuid.NewString()
	s, err := resources.Server.NewWith(map[string]any{"uuid": id, "name": name, "status": resources.StatusBuild,
		"project_id": "p", "user_id": "u", "flavor_id": int64(1), "created_at": created})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateServer(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestComputeManager runs two instances' managers on one database: both
// register and report their heartbeat, the old BUILD server becomes
// ACTIVE, and only the lease holder purges.
func TestComputeManager(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "compute.sqlite")
	confA, confB := instance(t, path, "host-a"), instance(t, path, "host-b")
	stA, stB := openStore(t, confA), openStore(t, confB)

	old := newServer(t, stA, "old", time.Now().UTC().Add(-time.Hour))
	fresh := newServer(t, stA, "fresh", time.Now().UTC())
	gone := newServer(t, stA, "gone", time.Now().UTC())
	if err := stA.DeleteServer(ctx, "p", gone); err != nil {
		t.Fatal(err)
	}

	logA, logB := &capture{}, &capture{}
	mA, err := app.NewComputeManager(confA, stA, slog.New(logA))
	if err != nil {
		t.Fatal(err)
	}
	mB, err := app.NewComputeManager(confB, stB, slog.New(logB))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []*app.ComputeManager{mA, mB} {
		if err := m.InitHost(ctx); err != nil {
			t.Fatal(err)
		}
		// The first run runs every task (run_immediately).
		if _, err := m.PeriodicTasks().RunPeriodicTasks(ctx, true); err != nil {
			t.Fatal(err)
		}
		// The heartbeat has its own timer, started with the service; its
		// first report is immediate.
		if err := m.PostStartHook(ctx); err != nil {
			t.Fatal(err)
		}
		defer m.CleanupHost(ctx)
	}

	if n := logA.count("purged ") + logB.count("purged "); n != 1 || logA.count("purged 1 ") != 1 {
		t.Errorf("purges: host-a %v, host-b %v; want one, by host-a, of the deleted row", logA.msgs, logB.msgs)
	}
	info, err := stA.DB.Lease("compute._purge_deleted_rows", "nobody", time.Second).Info(ctx)
	if err != nil || !strings.HasPrefix(info.Owner, "host-a:") || info.Token != 1 {
		t.Errorf("the purge lease: %+v, %v; want host-a's, token 1", info, err)
	}
	if _, err := stA.GetServer(ctx, "", gone); !errors.Is(err, api.ErrNotFound) {
		t.Errorf("the deleted server: %v", err)
	}

	for id, want := range map[string]string{old: resources.StatusActive, fresh: resources.StatusBuild} {
		s, err := stB.GetServer(ctx, "", id)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := objects.Get[string](s, "status"); got != want {
			t.Errorf("server %s: %s, want %s", id, got, want)
		}
	}

	var services []db.ServiceRecord
	for deadline := time.Now().Add(10 * time.Second); ; {
		services, err = stA.DB.Services(ctx, db.ServiceFilter{Binary: app.Binary})
		if err != nil {
			t.Fatal(err)
		}
		if len(services) == 2 && services[0].ReportCount >= 1 && services[1].ReportCount >= 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	now, err := stA.DB.Now(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(services) != 2 {
		t.Fatalf("services: %+v", services)
	}
	for i, host := range []string{"host-a", "host-b"} {
		s := services[i]
		if s.Host != host || s.ReportCount != 1 || !s.IsUp(now, time.Minute) {
			t.Errorf("service %d: %+v, want %s, reported once, up", i, s, host)
		}
	}
}

func TestManagerFromOption(t *testing.T) {
	conf, err := load(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := manager.FromOption(conf, app.ComputeManagerOpt, "not a store"); err == nil ||
		!strings.Contains(err.Error(), "needs the database (*store.Store), not string") {
		t.Errorf("the compute manager without its store: %v", err)
	}
	bad, err := load(t, "[DEFAULT]\ncompute_manager = nova.compute.manager.ComputeManager\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.NewManagerService(bad, nil); err == nil || !strings.Contains(err.Error(), "nova.compute.manager.ComputeManager") {
		t.Errorf("an unknown manager class: %v, want an error naming it", err)
	}
}

// TestStoreOpensAtStart: main checks the database before the launch
// (creating the schema of a new one when auto_create_schema is set) on a
// connection it closes, and the pool the API and the manager use opens
// only when the services start, so the supervising parent of a
// multi-worker launch, which never starts them, holds no connection.
// goleak (TestMain) checks that the check's pool is closed.
func TestStoreOpensAtStart(t *testing.T) {
	cases := []struct {
		name       string
		autoCreate bool
		start      bool
		checkErr   bool // CheckStore fails with a *db.SchemaError
	}{
		{name: "new database, started", autoCreate: true, start: true},
		{name: "new database, never started (the parent)", autoCreate: true},
		{name: "empty database without auto_create_schema", autoCreate: false, checkErr: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			path := filepath.Join(dir, "compute.sqlite")
			text := "[DEFAULT]\nstate_path = " + dir + "\n[database]\nconnection = sqlite:///" + path + "\n"
			if !c.autoCreate {
				text += "auto_create_schema = false\n"
			}
			conf, err := load(t, text)
			if err != nil {
				t.Fatal(err)
			}
			err = app.CheckStore(ctx, conf)
			var se *db.SchemaError
			if c.checkErr {
				if !errors.As(err, &se) || se.Current != 0 {
					t.Fatalf("CheckStore of an empty database = %v, want a *db.SchemaError at version 0", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			st := &store.Store{}
			hook := app.StoreService(conf, st)
			if st.DB != nil {
				t.Fatal("StoreService opened the pool before the services started")
			}
			if c.start {
				if err := hook.Start(ctx); err != nil {
					t.Fatal(err)
				}
				if st.DB == nil {
					t.Fatal("the pool is not open after Start")
				}
				// The schema CheckStore created is the one the store reads.
				if _, err := st.ListFlavors(ctx, api.Query{Limit: 1}); err != nil {
					t.Fatalf("ListFlavors after Start: %v", err)
				}
			}
			if err := hook.Stop(ctx); err != nil {
				t.Fatalf("Stop: %v", err)
			}
			if c.start {
				if _, err := st.ListFlavors(ctx, api.Query{Limit: 1}); !errors.Is(err, db.ErrClosed) {
					t.Fatalf("ListFlavors after Stop = %v, want db.ErrClosed", err)
				}
			} else if st.DB != nil {
				t.Fatal("Stop without Start opened the pool")
			}
		})
	}
}
