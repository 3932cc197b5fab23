package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goslo/goslo/db"
	"github.com/goslo/goslo/db/dbtest"
)

// The cluster test: two instances of the service (two processes on
// different ports stand in for two hosts) on one PostgreSQL database.
//
// It needs a PostgreSQL server (GOSLO_TEST_PG_DSN; .ci/run starts one, or
// eval "$(db/testdata/postgres.sh start)") and builds the service's binary
// (with -race when the test runs with it).

// Timings of the cluster: short, so the test sees many periods.
const (
	purgeInterval   = 2 * time.Second // [compute] purge_interval
	leaseTTL        = purgeInterval * 3 / 2
	reportInterval  = 1 * time.Second // [DEFAULT] report_interval
	serviceDownTime = 3 * time.Second // [DEFAULT] service_down_time
)

var (
	buildOnce sync.Once
	buildDir  string
	buildPath string
	buildErr  error
)

// serviceBinary builds the compute-api command once per test run.
func serviceBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "compute-api-cluster")
		if buildErr != nil {
			return
		}
		buildPath = filepath.Join(buildDir, "compute-api")
		args := []string{"build", "-o", buildPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
		out, err := exec.Command(goBin, append(args, "github.com/goslo/goslo/examples/compute-api")...).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildPath
}

// pgSchema is a schema of the test's own on the PostgreSQL test server.
func pgSchema(t *testing.T) string { return dbtest.PostgreSQLURL(t, "cluster") }

// logLine is one JSON log record of an instance.
type logLine struct {
	at    time.Time
	msg   string
	extra map[string]any
}

// instance is one running compute-api process and what it logged.
type instance struct {
	host string
	conf string
	cmd  *exec.Cmd

	mu      sync.Mutex
	lines   []logLine
	raw     []string
	changed chan struct{} // closed and replaced at each line
	port    int

	readDone chan struct{} // the log reader ended (the process and its pipe closed)
	exited   chan struct{} // Wait returned
	waitErr  error
}

var listeningRE = regexp.MustCompile(`^compute_api listening on 127\.0\.0\.1:(\d+)$`)

// startInstance starts the service with conf and reads its log.
func startInstance(t *testing.T, bin, host, conf string) *instance {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	in := &instance{host: host, conf: conf, changed: make(chan struct{}),
		readDone: make(chan struct{}), exited: make(chan struct{})}
	in.cmd = exec.Command(bin, "--config-file", conf)
	in.cmd.Stdout, in.cmd.Stderr = w, w
	if err := in.cmd.Start(); err != nil {
		r.Close()
		w.Close()
		t.Fatal(err)
	}
	w.Close()
	go in.read(r)
	go func() {
		in.waitErr = in.cmd.Wait()
		close(in.exited)
	}()
	t.Cleanup(func() { in.stop(t) })
	return in
}

func (in *instance) read(r io.ReadCloser) {
	defer close(in.readDone)
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		text := strings.TrimSuffix(sc.Text(), "\x1b[00m") // oslo's ColorHandler resets the color, JSON lines too
		var rec struct {
			Message string         `json:"message"`
			Created float64        `json:"created"`
			Extra   map[string]any `json:"extra"`
		}
		in.mu.Lock()
		in.raw = append(in.raw, text)
		if json.Unmarshal([]byte(text), &rec) == nil {
			sec, frac := math.Modf(rec.Created)
			l := logLine{at: time.Unix(int64(sec), int64(frac*1e9)), msg: rec.Message, extra: rec.Extra}
			in.lines = append(in.lines, l)
			if m := listeningRE.FindStringSubmatch(l.msg); m != nil {
				in.port, _ = strconv.Atoi(m[1])
			}
		}
		close(in.changed)
		in.changed = make(chan struct{})
		in.mu.Unlock()
	}
}

// stop ends the process (SIGTERM, then SIGKILL) and waits for it and its
// log reader.
func (in *instance) stop(t *testing.T) {
	select {
	case <-in.exited:
	default:
		in.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-in.exited:
		case <-time.After(20 * time.Second):
			t.Errorf("%s did not stop within 20 s of SIGTERM", in.host)
			in.cmd.Process.Kill()
			<-in.exited
		}
	}
	<-in.readDone
	if t.Failed() {
		in.mu.Lock()
		tail := in.raw[max(0, len(in.raw)-40):]
		in.mu.Unlock()
		t.Logf("the last lines of %s's log:\n%s", in.host, strings.Join(tail, "\n"))
	}
}

// snapshot returns the lines so far and a channel closed at the next one.
func (in *instance) snapshot() ([]logLine, chan struct{}) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]logLine(nil), in.lines...), in.changed
}

func (in *instance) url(path string) string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return fmt.Sprintf("http://127.0.0.1:%d%s", in.port, path)
}

// waitLog waits until cond holds for the instance's lines, the process
// exits, or the timeout passes.
func (in *instance) waitLog(t *testing.T, timeout time.Duration, what string, cond func([]logLine) bool) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		lines, changed := in.snapshot()
		if cond(lines) {
			return
		}
		select {
		case <-changed:
		case <-in.exited:
			if lines, _ := in.snapshot(); cond(lines) {
				return
			}
			t.Fatalf("%s exited (%v) before %s", in.host, in.waitErr, what)
		case <-deadline.C:
			t.Fatalf("%s: no %s within %s", in.host, what, timeout)
		}
	}
}

// poll re-checks a condition on the database or the API every 100 ms
// until it holds or the timeout passes, and returns when it held.
func poll(t *testing.T, timeout time.Duration, what string, cond func() bool) time.Time {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if cond() {
			return time.Now()
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("no %s within %s", what, timeout)
		}
	}
}

// purge is one run of the run-once-per-cluster task, from a log line.
type purge struct {
	host  string
	at    time.Time
	token int64
}

func (in *instance) purges(after time.Time) []purge {
	lines, _ := in.snapshot()
	var out []purge
	for _, l := range lines {
		if !strings.HasPrefix(l.msg, "purged ") || l.at.Before(after) {
			continue
		}
		tok, _ := l.extra["lease_token"].(float64)
		out = append(out, purge{in.host, l.at, int64(tok)})
	}
	return out
}

// allPurges merges the instances' purges in time order.
func allPurges(after time.Time, ins ...*instance) []purge {
	var all []purge
	for _, in := range ins {
		all = append(all, in.purges(after)...)
	}
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].at.Before(all[j-1].at); j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	return all
}

// checkOnePerInterval checks the purges of a period when no instance
// died: one holder at a time, so runs are at least half an interval
// apart and at most one per interval; a change of token (of holder) only
// after the previous holder's lease expired.
func checkOnePerInterval(t *testing.T, ps []purge) {
	t.Helper()
	owner := map[int64]string{}
	for i, p := range ps {
		if h, ok := owner[p.token]; ok && h != p.host {
			t.Errorf("token %d used by %s and %s: two holders of one lease", p.token, h, p.host)
		}
		owner[p.token] = p.host
		if i == 0 {
			continue
		}
		prev := ps[i-1]
		gap := p.at.Sub(prev.at)
		if gap < purgeInterval/2 {
			t.Errorf("two purges %s apart (%s token %d, then %s token %d): the task ran twice in one interval",
				gap, prev.host, prev.token, p.host, p.token)
		}
		if p.token < prev.token {
			t.Errorf("the lease token went back from %d to %d", prev.token, p.token)
		}
		if p.token != prev.token && gap < leaseTTL-500*time.Millisecond {
			t.Errorf("the lease changed hands (%s token %d to %s token %d) %s after the last purge, before it expired (%s)",
				prev.host, prev.token, p.host, p.token, gap, leaseTTL)
		}
	}
	if len(ps) > 1 {
		span := ps[len(ps)-1].at.Sub(ps[0].at)
		if max := int(span/purgeInterval) + 2; len(ps) > max {
			t.Errorf("%d purges in %s: more than one per %s", len(ps), span, purgeInterval)
		}
	}
}

// serviceStates runs compute-manage service list and returns each
// host's State.
func serviceStates(t *testing.T, conf string) map[string]string {
	t.Helper()
	r := manageRun(t, "--config-file", conf, "service", "list")
	if r.code != 0 {
		t.Fatalf("service list: exit %d: %s", r.code, r.stderr)
	}
	states := map[string]string{}
	for _, row := range serviceTable(t, r.stdout)[1:] {
		states[row[1]] = row[3]
	}
	return states
}

// call sends a request to an instance as project p1.
func call(t *testing.T, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Project-Id", "p1")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, data)
		}
	}
	return resp.StatusCode, doc
}

func TestTwoInstancesOnePostgreSQL(t *testing.T) {
	url := pgSchema(t)
	bin := serviceBinary(t)
	paste, err := filepath.Abs("../../etc/api-paste.ini")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeConf := func(name, host string) string {
		path := filepath.Join(dir, name+".conf")
		text := fmt.Sprintf(`[DEFAULT]
host = %s
state_path = %s
compute_api_listen = 127.0.0.1
compute_api_listen_port = 0
compute_api_workers = 1
api_paste_config = %s
use_json = true
report_interval = %d
service_down_time = %d
periodic_fuzzy_delay = 0
graceful_shutdown_timeout = 10

[compute]
purge_interval = %d
purge_deleted_age = 0
build_delay = 1

[database]
connection = %s
auto_create_schema = false
`, host, filepath.Join(dir, name), paste, int(reportInterval.Seconds()), int(serviceDownTime.Seconds()),
			int(purgeInterval.Seconds()), url)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	manageConf := writeConf("manage", "manage")
	if r := manageRun(t, "--config-file", manageConf, "db", "sync"); r.code != 0 {
		t.Fatalf("db sync: exit %d: %s", r.code, r.stderr)
	}

	// Two instances; each is ready once it listens and answers.
	a := startInstance(t, bin, "host-a", writeConf("a", "host-a"))
	b := startInstance(t, bin, "host-b", writeConf("b", "host-b"))
	for _, in := range []*instance{a, b} {
		in.waitLog(t, 60*time.Second, "listening line", func([]logLine) bool { return in.url("") != "http://127.0.0.1:0" })
		poll(t, 30*time.Second, in.host+" answering", func() bool {
			resp, err := http.Get(in.url("/"))
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		})
	}
	bothUp := time.Now()

	t.Run("both serve the same data", func(t *testing.T) {
		code, d := call(t, "POST", a.url("/v2.1/servers"), `{"server": {"name": "made-on-a", "flavorRef": "1"}}`)
		if code != http.StatusAccepted {
			t.Fatalf("create on a: %d %v", code, d)
		}
		id := d["server"].(map[string]any)["id"].(string)
		if code, d := call(t, "GET", b.url("/v2.1/servers/"+id), ""); code != http.StatusOK || d["server"].(map[string]any)["name"] != "made-on-a" {
			t.Errorf("read on b: %d %v", code, d)
		}
		if code, d := call(t, "PUT", b.url("/v2.1/servers/"+id), `{"server": {"name": "renamed-on-b"}}`); code != http.StatusOK {
			t.Errorf("update on b: %d %v", code, d)
		}
		if code, d := call(t, "GET", a.url("/v2.1/servers/"+id), ""); code != http.StatusOK || d["server"].(map[string]any)["name"] != "renamed-on-b" {
			t.Errorf("read on a after the update on b: %d %v", code, d)
		}
		// build_delay: either instance's manager makes it ACTIVE.
		poll(t, 20*time.Second, "ACTIVE server", func() bool {
			_, d := call(t, "GET", b.url("/v2.1/servers/"+id), "")
			return d["server"].(map[string]any)["status"] == "ACTIVE"
		})
		if code, _ := call(t, "DELETE", b.url("/v2.1/servers/"+id), ""); code != http.StatusNoContent {
			t.Errorf("delete on b: %d", code)
		}
		if code, _ := call(t, "GET", a.url("/v2.1/servers/"+id), ""); code != http.StatusNotFound {
			t.Errorf("read on a after the delete on b: %d", code)
		}
	})

	t.Run("service list shows both up", func(t *testing.T) {
		poll(t, 15*time.Second, "both up in service list", func() bool {
			s := serviceStates(t, manageConf)
			return s["host-a"] == "up" && s["host-b"] == "up"
		})
	})

	// The purge runs once per interval across both: watch five intervals.
	var holder, survivor *instance
	var lastToken int64
	var killed time.Time
	t.Run("the purge runs once per interval", func(t *testing.T) {
		const periods = 5
		deadline := purgeInterval*periods*2 + 20*time.Second
		start := time.Now()
		poll(t, deadline, fmt.Sprintf("%d purges", periods+1), func() bool { return len(allPurges(bothUp, a, b)) > periods })
		ps := allPurges(bothUp, a, b)
		checkOnePerInterval(t, ps)
		changes := 0
		for i := 1; i < len(ps); i++ {
			if ps[i].token != ps[i-1].token {
				changes++
			}
		}
		last := ps[len(ps)-1]
		lastToken = last.token
		holder, survivor = a, b
		if last.host == b.host {
			holder, survivor = b, a
		}
		t.Logf("%d purges in %s (waited %s), %d changes of holder while both ran; %s holds token %d",
			len(ps), ps[len(ps)-1].at.Sub(ps[0].at).Round(time.Millisecond), time.Since(start).Round(time.Millisecond),
			changes, holder.host, lastToken)
	})
	if holder == nil {
		t.FailNow()
	}

	// A row deleted now is purged (purge_deleted_age = 0) by whoever holds the lease.
	code, d := call(t, "POST", survivor.url("/v2.1/servers"), `{"server": {"name": "to-purge", "flavorRef": "1"}}`)
	if code != http.StatusAccepted {
		t.Fatalf("create: %d %v", code, d)
	}
	doomed := d["server"].(map[string]any)["id"].(string)
	if code, _ := call(t, "DELETE", survivor.url("/v2.1/servers/"+doomed), ""); code != http.StatusNoContent {
		t.Fatalf("delete: %d", code)
	}

	t.Run("the other takes over when the holder dies, which service list shows down", func(t *testing.T) {
		lastByHolder := holder.purges(bothUp)
		killed = time.Now()
		if err := holder.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-holder.exited
		// Meanwhile its heartbeat stops: service list shows it down after
		// service_down_time, the survivor still up.
		down := poll(t, serviceDownTime+20*time.Second, holder.host+" down", func() bool {
			return serviceStates(t, manageConf)[holder.host] == "down"
		})
		if s := serviceStates(t, manageConf); s[survivor.host] != "up" {
			t.Errorf("the survivor %s is %q", survivor.host, s[survivor.host])
		}
		t.Logf("%s shown down %s after its SIGKILL (service_down_time %s, report_interval %s)", holder.host,
			down.Sub(killed).Round(time.Millisecond), serviceDownTime, reportInterval)
		var first purge
		survivor.waitLog(t, leaseTTL+purgeInterval+20*time.Second, "purge under a new token", func([]logLine) bool {
			for _, p := range survivor.purges(killed) {
				if p.token > lastToken {
					first = p
					return true
				}
			}
			return false
		})
		lastRun := lastByHolder[len(lastByHolder)-1].at
		t.Logf("take-over: %s after the SIGKILL, %s after the dead holder's last purge (lease %s, interval %s); token %d -> %d",
			first.at.Sub(killed).Round(time.Millisecond), first.at.Sub(lastRun).Round(time.Millisecond), leaseTTL,
			purgeInterval, lastToken, first.token)
		if gap := first.at.Sub(lastRun); gap < leaseTTL-500*time.Millisecond {
			t.Errorf("%s took over %s after %s's last purge, before its lease expired (%s)", survivor.host, gap, holder.host, leaseTTL)
		}
		// From then on, the survivor alone, once per interval.
		survivor.waitLog(t, 3*purgeInterval+20*time.Second, "two more purges", func([]logLine) bool {
			return len(survivor.purges(first.at)) >= 3
		})
		ps := allPurges(first.at, holder, survivor)
		checkOnePerInterval(t, ps)
		for _, p := range ps {
			if p.host != survivor.host || p.token != first.token {
				t.Errorf("after the take-over: a purge by %s with token %d", p.host, p.token)
			}
		}
	})

	t.Run("the deleted row is purged", func(t *testing.T) {
		ctx := context.Background()
		d, err := db.Open(ctx, loadConf(t, "--config-file", manageConf))
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close(ctx)
		poll(t, 2*purgeInterval+20*time.Second, "purge of the deleted server", func() bool {
			n := -1
			err := d.ReadTx(ctx, func(ctx context.Context, tx *db.Tx) error {
				return tx.QueryRow(ctx, "SELECT count(*) FROM servers WHERE uuid = ?", doomed).Scan(&n)
			})
			return err == nil && n == 0
		})
	})

	t.Run("the survivor stops cleanly", func(t *testing.T) {
		if err := survivor.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		select {
		case <-survivor.exited:
			if survivor.waitErr != nil {
				t.Errorf("%s after SIGTERM: %v", survivor.host, survivor.waitErr)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("%s did not stop within 20 s of SIGTERM", survivor.host)
		}
	})
}
