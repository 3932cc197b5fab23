package soak

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goslo/goslo/internal/proctest"
)

// The load: N clients, half on keep-alive connections and half opening a
// connection per request, each in a loop of creates (POST, a quarter of
// the requests) and reads (the list, the detailed list, and a show of the
// client's own last server, which must never be missing). Every request
// is sent once and its outcome counted; every acknowledged create (a 202
// with its id) is remembered and checked at the end against the list the
// API returns.

// maxRequestsPerClient bounds the load in count; the waits of the
// scenarios bound it in time.
const maxRequestsPerClient = 200000

type span struct{ start, end time.Time }

type load struct {
	t       testing.TB
	addr    string
	name    string
	clients int

	stop     chan struct{}
	stopOnce sync.Once
	noFresh  atomic.Bool // from now on no client opens a connection
	wg       sync.WaitGroup
	fresh    atomic.Int64 // clients without keep-alive still running
	running  atomic.Int64

	sent, ok, failed, refused atomic.Int64
	creates, creating         atomic.Int64   // sent, and in flight
	perClient                 []atomic.Int64 // successes

	mu      sync.Mutex
	acked   map[string]string // id -> name
	spans   []span            // of the acknowledged creates
	unacked []string          // names of the creates that got no 202
	errs    map[string]int
}

// startLoad starts clients clients on addr; the servers they make are
// named name-cI-N.
func startLoad(t testing.TB, addr, name string, clients int) *load {
	l := &load{t: t, addr: addr, name: name, clients: clients, stop: make(chan struct{}),
		perClient: make([]atomic.Int64, clients), acked: map[string]string{}, errs: map[string]int{}}
	for i := range clients {
		keepAlive := i%2 == 0
		l.wg.Add(1)
		l.running.Add(1)
		if !keepAlive {
			l.fresh.Add(1)
		}
		go l.client(i, keepAlive)
	}
	t.Cleanup(l.halt)
	return l
}

func (l *load) client(i int, keepAlive bool) {
	defer l.wg.Done()
	defer l.running.Add(-1)
	if !keepAlive {
		defer l.fresh.Add(-1)
	}
	k := &conn{addr: l.addr, keepAlive: keepAlive}
	defer k.close()
	last := ""
	for n := range maxRequestsPerClient {
		select {
		case <-l.stop:
			return
		default:
		}
		if k.c == nil && l.noFresh.Load() {
			return
		}
		var (
			method, path, op string
			body             []byte
			name             string
			want             = http.StatusOK
		)
		switch (n + i) % 4 {
		case 0:
			op, method, path, want = "create", "POST", "/v2.1/servers", http.StatusAccepted
			name = fmt.Sprintf("%s-c%d-%d", l.name, i, n)
			body = createBody(name)
			l.creates.Add(1)
		case 1:
			op, method, path = "list", "GET", "/v2.1/servers?limit=10"
		case 2:
			op, method, path = "show", "GET", "/v2.1/servers/"+last
			if last == "" {
				op, path = "flavors", "/v2.1/flavors"
			}
		default:
			op, method, path = "detail", "GET", "/v2.1/servers/detail?limit=5"
		}
		start := time.Now()
		if op == "create" {
			l.creating.Add(1)
		}
		r, err := k.do(method, path, body)
		if op == "create" {
			l.creating.Add(-1)
		}
		l.sent.Add(1)
		switch {
		case err != nil:
			l.fail(op, errClass(err), name)
			continue
		case r.status != want:
			l.fail(op, fmt.Sprintf("status %d: %.200s", r.status, r.body), name)
			continue
		}
		if op == "create" {
			id, _, err := serverID(r.body)
			if err != nil {
				l.fail(op, err.Error(), name)
				continue
			}
			last = id
			l.mu.Lock()
			l.acked[id] = name
			l.spans = append(l.spans, span{start, time.Now()})
			l.mu.Unlock()
		}
		l.ok.Add(1)
		l.perClient[i].Add(1)
	}
}

func (l *load) fail(op, why, createName string) {
	l.failed.Add(1)
	if strings.Contains(why, "refused") {
		l.refused.Add(1)
	}
	l.mu.Lock()
	l.errs[op+": "+why]++
	if createName != "" {
		l.unacked = append(l.unacked, createName)
	}
	l.mu.Unlock()
}

// waitOK waits for n more successful requests.
func (l *load) waitOK(n int64) {
	l.t.Helper()
	target := l.ok.Load() + n
	proctest.WaitFor(l.t, 2*time.Minute, fmt.Sprintf("%d more successful requests (%d so far)", n, l.ok.Load()), func() bool {
		return l.ok.Load() >= target || l.running.Load() == 0
	})
	if l.ok.Load() < target {
		l.t.Fatalf("the load stopped after %d successful requests: %s", l.ok.Load(), l.errSummary())
	}
}

// waitEveryClient waits until every client has had a response, so that
// each keep-alive client holds a connection the service accepted.
func (l *load) waitEveryClient() {
	l.t.Helper()
	proctest.WaitFor(l.t, 2*time.Minute, "a response for every client", func() bool {
		for i := range l.perClient {
			if l.perClient[i].Load() == 0 {
				return false
			}
		}
		return true
	})
}

// stopFresh stops opening connections: the clients without keep-alive
// stop (waited for), the others go on until the service closes their
// connection.
func (l *load) stopFresh() {
	l.t.Helper()
	l.noFresh.Store(true)
	proctest.WaitFor(l.t, 2*time.Minute, "the clients without keep-alive to stop", func() bool { return l.fresh.Load() == 0 })
}

// halt stops every client and waits for them (each request is bounded by
// requestTimeout).
func (l *load) halt() {
	l.stopOnce.Do(func() { close(l.stop) })
	l.wg.Wait()
}

// result is a scenario's figures.
type result struct {
	scenario                          string
	sent, ok, failed, refused         int64
	creates, acked, lost, unackedKept int64
	note                              string
}

func (r result) String() string {
	s := fmt.Sprintf("%s: sent %d, succeeded %d, failed %d (refused %d); creates %d, acknowledged %d, lost %d, unacknowledged but stored %d",
		r.scenario, r.sent, r.ok, r.failed, r.refused, r.creates, r.acked, r.lost, r.unackedKept)
	if r.note != "" {
		s += "; " + r.note
	}
	return s
}

var (
	resultsMu sync.Mutex
	results   []result
)

// finish stops the load and returns its figures (lost writes not yet
// checked).
func (l *load) finish() result {
	l.halt()
	l.mu.Lock()
	defer l.mu.Unlock()
	return result{scenario: l.t.Name(), sent: l.sent.Load(), ok: l.ok.Load(), failed: l.failed.Load(),
		refused: l.refused.Load(), creates: l.creates.Load(), acked: int64(len(l.acked))}
}

// errSummary lists the failures by kind, most frequent first.
func (l *load) errSummary() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	type kv struct {
		k string
		n int
	}
	var all []kv
	for k, n := range l.errs {
		all = append(all, kv{k, n})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].n > all[j].n || all[i].n == all[j].n && all[i].k < all[j].k })
	var b strings.Builder
	for i, e := range all {
		if i == 10 {
			fmt.Fprintf(&b, "; ... %d more kinds", len(all)-10)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%d x %s", e.n, e.k)
	}
	return b.String()
}

// waitedOut counts the acknowledged creates that were in flight at t
// (sent before it and answered after it), and returns the longest time
// one of them took.
func (l *load) waitedOut(t time.Time) (int, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, longest := 0, time.Duration(0)
	for _, s := range l.spans {
		if s.start.Before(t) && s.end.After(t) {
			n++
			longest = max(longest, s.end.Sub(s.start))
		}
	}
	return n, longest
}

// verify checks every acknowledged create against the servers the API
// lists on addr (the same database, possibly after a restart) and fills
// r's lost and unacknowledged-but-stored counts, then records r. extra
// are other acknowledged creates (id -> name) to check.
func (l *load) verify(addr string, r *result, extra map[string]string) {
	l.t.Helper()
	stored, err := listAll(addr)
	if err != nil {
		l.t.Fatalf("listing the servers to check the writes: %v", err)
	}
	l.mu.Lock()
	acked := make(map[string]string, len(l.acked)+len(extra))
	for id, name := range l.acked {
		acked[id] = name
	}
	unacked := append([]string(nil), l.unacked...)
	l.mu.Unlock()
	for id, name := range extra {
		acked[id] = name
	}
	var lost []string
	for id, name := range acked {
		if got, ok := stored[id]; !ok || got != name {
			lost = append(lost, fmt.Sprintf("%s (%s) -> %q", id, name, got))
		}
	}
	names := make(map[string]bool, len(stored))
	for _, n := range stored {
		names[n] = true
	}
	for _, n := range unacked {
		if names[n] {
			r.unackedKept++
		}
	}
	r.acked = int64(len(acked))
	r.lost = int64(len(lost))
	sort.Strings(lost)
	if len(lost) > 0 {
		l.t.Errorf("%d acknowledged creates are lost, e.g. %v", len(lost), lost[:min(len(lost), 5)])
	}
	l.t.Logf("soak %s", r)
	if r.failed > 0 {
		l.t.Logf("failures: %s", l.errSummary())
	}
	resultsMu.Lock()
	results = append(results, *r)
	resultsMu.Unlock()
}

// expectNoFailure checks the goal of most scenarios: no request failed,
// none was refused, some succeeded.
func expectNoFailure(t testing.TB, l *load, r result) {
	t.Helper()
	if r.failed > 0 {
		t.Errorf("%d of %d requests failed: %s", r.failed, r.sent, l.errSummary())
	}
	if r.ok == 0 {
		t.Error("no request succeeded")
	}
}
