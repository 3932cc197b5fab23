package db_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/db"
)

// TestSampleAgainstOsloConfigGenerator compares the sample of the oslo.db
// namespace with oslo-config-generator's: names, deprecated names,
// defaults, types, bounds and help.
func TestSampleAgainstOsloConfigGenerator(t *testing.T) {
	needPython(t, "oslo_db.options")
	want, err := exec.Command(pythonPath, "-c",
		"from oslo_config import generator; generator.main(['--namespace', 'oslo.db'])").Output()
	if err != nil {
		t.Skipf("oslo-config-generator failed: %v", err)
	}
	nss, err := config.ListOpts("oslo.db")
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := config.WriteSample(&got, nss, config.SampleOptions{}); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), got.String()); d != "" {
		t.Errorf("sample (-oslo +goslo):\n%s", d)
	}
}

func loadConf(t *testing.T, text string) *config.Config {
	t.Helper()
	file := filepath.Join(t.TempDir(), "test.conf")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := config.New()
	if err := db.RegisterOptions(conf); err != nil {
		t.Fatal(err)
	}
	if err := conf.Load([]string{"--config-file", file}, config.LoadOptions{DefaultConfigFiles: []string{}, IgnoreEnv: true}); err != nil {
		t.Fatal(err)
	}
	return conf
}

func TestOptionsFrom(t *testing.T) {
	tests := []struct {
		name, file string
		want       db.Options
	}{
		{"defaults", "", func() db.Options { o := db.DefaultOptions(""); return o }()},
		{"set", `[database]
connection = sqlite:////var/lib/x/x.db
max_pool_size = 0
max_overflow = -1
pool_timeout = 7
connection_recycle_time = 60
max_retries = -1
retry_interval = 2
db_retry_interval = 3
db_inc_retry_interval = false
db_max_retry_interval = 4
db_max_retries = 5
sqlite_synchronous = false
connection_debug = 100
connection_parameters = a=1&b=2
`, db.Options{Connection: "sqlite:////var/lib/x/x.db", ConnectionParameters: "a=1&b=2", MaxPoolSize: 0, MaxOverflow: -1,
			PoolTimeout: 7 * time.Second, ConnectionRecycleTime: time.Minute, MaxRetries: -1, RetryInterval: 2 * time.Second,
			Retry: db.RetryPolicy{Interval: 3 * time.Second, MaxInterval: 4 * time.Second, MaxRetries: 5}, ConnectionDebug: 100}},
		// oslo.db's deprecated names still work.
		{"deprecated", `[DEFAULT]
sql_connection = postgresql://old@h/db
sql_max_retries = 3
sql_retry_interval = 4
sqlite_synchronous = false
[DATABASE]
sqlalchemy_max_overflow = 9
sqlalchemy_pool_timeout = 11
`, func() db.Options {
			o := db.DefaultOptions("postgresql://old@h/db")
			o.MaxRetries, o.RetryInterval, o.MaxOverflow, o.PoolTimeout = 3, 4*time.Second, 9, 11*time.Second
			o.SQLiteSynchronous = false
			return o
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := db.OptionsFrom(loadConf(t, tc.file))
			if d := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b func(error) bool) bool { return a == nil && b == nil })); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestOpenFromConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "from-conf.db")
	conf := loadConf(t, "[database]\nconnection = sqlite:///"+path+"\nmax_retries = 1\n")
	d, err := db.Open(ctx, conf)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	if d.Backend() != db.SQLite {
		t.Errorf("backend %s", d.Backend())
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the database file was not made: %v", err)
	}
	if _, err := db.Open(ctx, loadConf(t, "")); err == nil || !strings.Contains(err.Error(), "[database] connection is not set") {
		t.Errorf("Open without a connection: %v", err)
	}
	_, err = db.Open(ctx, loadConf(t, "[database]\n\nconnection = sqlite:/x.db\n"))
	if err == nil || !strings.Contains(err.Error(), "[database] connection (") || !strings.Contains(err.Error(), "test.conf:3)") {
		t.Errorf("a bad URL: %v", err)
	}
	_, err = db.Open(ctx, loadConf(t, "[database]\nconnection = sqlite:///"+filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")+"\n"))
	if err == nil || db.IsDisconnect(err) || !strings.Contains(err.Error(), "no such file or directory") {
		t.Errorf("a database in a missing directory: %v", err)
	}
}
