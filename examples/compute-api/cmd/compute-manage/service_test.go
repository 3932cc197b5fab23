package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goslo/goslo/db"
)

// syncedConf returns a configuration with a synced database, and that
// database open.
func syncedConf(t *testing.T, extra ...string) (string, *db.DB) {
	t.Helper()
	path := newConf(t, extra...)
	if r := manageRun(t, "--config-file", path, "db", "sync"); r.code != 0 {
		t.Fatalf("db sync: exit %d: %s", r.code, r.stderr)
	}
	ctx := context.Background()
	d, err := db.Open(ctx, loadConf(t, "--config-file", path))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Close(ctx); err != nil {
			t.Error(err)
		}
	})
	return path, d
}

var columnsRE = regexp.MustCompile(`\s{2,}`)

// serviceTable parses service list's output: a row per line, the columns
// without ID and Updated At (which the test cannot know), the heartbeat
// time checked to be a time.
func serviceTable(t *testing.T, out string) [][]string {
	t.Helper()
	var rows [][]string
	for i, l := range lines(out) {
		cols := columnsRE.Split(strings.TrimSpace(l), -1)
		if len(cols) != 7 {
			t.Fatalf("line %d has %d columns: %q", i+1, len(cols), l)
		}
		if i > 0 {
			if _, err := time.Parse("2006-01-02T15:04:05.000000", cols[5]); err != nil {
				t.Errorf("line %d: Updated At %q: %v", i+1, cols[5], err)
			}
		}
		rows = append(rows, []string{cols[1], cols[2], cols[3], cols[4], cols[6]})
	}
	return rows
}

func TestServiceList(t *testing.T) {
	ctx := context.Background()
	path, d := syncedConf(t, "service_down_time = 60")
	for _, host := range []string{"host-a", "host-b", "host-c", "host-d"} {
		if _, err := d.RegisterService(ctx, host, "compute-api", "compute"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ReportState(ctx, host, "compute-api", "compute"); err != nil {
			t.Fatal(err)
		}
	}
	// host-b stopped reporting an hour ago (by the database's clock).
	now, err := d.Now(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stale := d.TimeArg(now.Add(-time.Hour))
	if err := d.Tx(ctx, func(ctx context.Context, tx *db.Tx) error {
		_, err := tx.Exec(ctx, "UPDATE goslo_services SET last_seen_up = ?, updated_at = ? WHERE host = ?", stale, stale, "host-b")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := d.UpdateService(ctx, "host-c", "compute-api", true, "maintenance", false); err != nil {
		t.Fatal(err)
	}
	if err := d.UpdateService(ctx, "host-d", "compute-api", false, "", true); err != nil {
		t.Fatal(err)
	}

	r := manageRun(t, "--config-file", path, "service", "list")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := [][]string{
		{"Binary", "Host", "Status", "State", "Disabled Reason"},
		{"compute-api", "host-a", "enabled", "up", "-"},
		{"compute-api", "host-b", "enabled", "down", "-"},
		{"compute-api", "host-c", "disabled", "up", "maintenance"},
		{"compute-api", "host-d", "enabled", "down", "-"},
	}
	if diff := cmp.Diff(want, serviceTable(t, r.stdout)); diff != "" {
		t.Errorf("service list (-want +got):\n%s\n%s", diff, r.stdout)
	}
	if row := lines(r.stdout)[2]; !strings.Contains(row, now.Add(-time.Hour).UTC().Format("2006-01-02T15:04:05")) {
		t.Errorf("host-b's Updated At is not its last heartbeat, %s: %q", now.Add(-time.Hour), row)
	}

	// The same heartbeat is up with a service_down_time longer than its age.
	longer := filepath.Join(t.TempDir(), "longer.conf")
	if err := os.WriteFile(longer, []byte("[DEFAULT]\nservice_down_time = 7200\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = manageRun(t, "--config-file", path, "--config-file", longer, "service", "list")
	if got := serviceTable(t, r.stdout); r.code != 0 || len(got) != 5 || got[2][3] != "up" {
		t.Errorf("with service_down_time = 7200, host-b is not up: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestServiceListErrors(t *testing.T) {
	t.Run("no database", func(t *testing.T) {
		r := manageRun(t, "--config-file", newConf(t), "service", "list")
		if r.code != exitFailure || !strings.Contains(r.stderr, "no database at") || r.stdout != "" {
			t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("no schema", func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "empty.sqlite")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		path := newConf(t, "[database]", "connection = sqlite:///"+file)
		r := manageRun(t, "--config-file", path, "service", "list")
		if r.code != exitFailure || !strings.Contains(r.stderr, "compute-manage db sync") || r.stdout != "" {
			t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("empty", func(t *testing.T) {
		path, _ := syncedConf(t)
		r := manageRun(t, "--config-file", path, "service", "list")
		if diff := cmp.Diff([][]string{{"Binary", "Host", "Status", "State", "Disabled Reason"}}, serviceTable(t, r.stdout)); r.code != 0 || diff != "" {
			t.Errorf("exit %d, stderr %q, table (-want +got):\n%s", r.code, r.stderr, diff)
		}
	})
}
