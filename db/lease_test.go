package db_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goslo/goslo/db"
)

// waitFor polls cond until it holds, failing the test if it does not
// within a minute (a bound for a stuck test, not a timing assertion).
func waitFor(t testing.TB, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		ok, err := cond()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLeaseTwoContenders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		d, _ := synced(t, b)
		// A long TTL: nothing expires while the test looks.
		a, bb := d.Lease("periodic", "host-a", time.Hour), d.Lease("periodic", "host-b", time.Hour)
		if _, err := a.Info(ctx); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("info of a new lease: %v", err)
		}
		ia, err := a.Acquire(ctx)
		if err != nil || !ia.Held || ia.Token != 1 || ia.Owner != "host-a" {
			t.Fatalf("a: %+v, %v", ia, err)
		}
		ib, err := bb.Acquire(ctx)
		if err != nil || ib.Held || ib.Owner != "host-a" || ib.Token != 1 {
			t.Fatalf("b while a holds it: %+v, %v", ib, err)
		}
		// The holder's Acquire extends it, keeping the token.
		ia2, err := a.Acquire(ctx)
		if err != nil || !ia2.Held || ia2.Token != 1 || ia2.ExpiresAt.Before(ia.ExpiresAt) || !ia2.AcquiredAt.Equal(ia.AcquiredAt) {
			t.Fatalf("a again: %+v (was %+v), %v", ia2, ia, err)
		}
		if err := a.Renew(ctx); err != nil {
			t.Fatal(err)
		}
		if err := bb.Renew(ctx); !errors.Is(err, db.ErrLeaseLost) {
			t.Errorf("renew by a non-holder: %v", err)
		}
		if err := bb.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if info, _ := a.Info(ctx); !info.Held || info.Owner != "host-a" {
			t.Errorf("a non-holder's release freed the lease: %+v", info)
		}
		// Released: b takes it at once, with the next token.
		if err := a.Release(ctx); err != nil {
			t.Fatal(err)
		}
		ib, err = bb.Acquire(ctx)
		if err != nil || !ib.Held || ib.Token != 2 {
			t.Fatalf("b after a released: %+v, %v", ib, err)
		}
		if err := a.Renew(ctx); !errors.Is(err, db.ErrLeaseLost) {
			t.Errorf("renew after losing: %v", err)
		}
	})
}

// TestLeaseExpiringHolder: a holder that stops renewing loses the lease
// when it expires, and only then: the next owner's term starts after the
// last moment the old one held it.
func TestLeaseExpiringHolder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		d, _ := synced(t, b)
		a, bb := d.Lease("short", "host-a", 50*time.Millisecond), d.Lease("short", "host-b", 50*time.Millisecond)
		ia, err := a.Acquire(ctx)
		if err != nil || !ia.Held {
			t.Fatalf("a: %+v %v", ia, err)
		}
		var ib db.LeaseInfo
		waitFor(t, "b to take the expired lease", func() (bool, error) {
			var err error
			ib, err = bb.Acquire(ctx)
			return ib.Held, err
		})
		if ib.Token != ia.Token+1 {
			t.Errorf("token %d after %d", ib.Token, ia.Token)
		}
		if ib.AcquiredAt.Before(ia.ExpiresAt) {
			t.Errorf("b acquired at %v, before a's lease expired at %v", ib.AcquiredAt, ia.ExpiresAt)
		}
		if err := a.Renew(ctx); !errors.Is(err, db.ErrLeaseLost) {
			t.Errorf("the old holder renewed: %v", err)
		}
	})
}

// TestLeaseRace: many contenders ask for a free lease at once; one gets it.
func TestLeaseRace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		d, _ := synced(t, b)
		const n = 8
		var wg sync.WaitGroup
		infos := make([]db.LeaseInfo, n)
		errs := make([]error, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				infos[i], errs[i] = d.Lease("race", fmt.Sprintf("owner-%d", i), time.Hour).Acquire(ctx)
			}()
		}
		close(start)
		wg.Wait()
		held := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if infos[i].Held {
				held++
			}
		}
		if held != 1 {
			t.Errorf("%d holders", held)
		}
	})
}

type leaseRun struct {
	owner      string
	token      int64
	acquiredAt time.Time
	expiresAt  time.Time
	ranAt      time.Time
}

func leaseRuns(t testing.TB, d *db.DB, name string) []leaseRun {
	t.Helper()
	var runs []leaseRun
	err := d.ReadTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		runs = runs[:0]
		rows, err := tx.Query(ctx, "SELECT owner, token, acquired_at, expires_at, ran_at FROM lease_runs WHERE name = ? ORDER BY id", name)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r leaseRun
			var a, e, ran any
			if err := rows.Scan(&r.owner, &r.token, &a, &e, &ran); err != nil {
				return err
			}
			r.acquiredAt, r.expiresAt, r.ranAt = parseAny(t, a), parseAny(t, e), parseAny(t, ran)
			runs = append(runs, r)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

func parseAny(t testing.TB, v any) time.Time {
	switch x := v.(type) {
	case time.Time:
		return x.UTC()
	case string:
		tm, err := time.Parse("2006-01-02 15:04:05.999999", x)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	t.Fatalf("a %T is not a time", v)
	return time.Time{}
}

// checkOneHolderAtATime checks the lease's promise on the recorded runs:
// each token has one owner, tokens only grow, and a new owner's term
// starts no earlier than the previous owner's last term ended.
func checkOneHolderAtATime(t *testing.T, runs []leaseRun) (owners map[string]int) {
	t.Helper()
	owners = map[string]int{}
	tokenOwner := map[int64]string{}
	for i, r := range runs {
		owners[r.owner]++
		if o, ok := tokenOwner[r.token]; ok && o != r.owner {
			t.Errorf("token %d held by %s and %s", r.token, o, r.owner)
		}
		tokenOwner[r.token] = r.owner
		if r.ranAt.Before(r.acquiredAt) {
			t.Errorf("run %d at %v before its term began at %v", i, r.ranAt, r.acquiredAt)
		}
		if i == 0 {
			continue
		}
		p := runs[i-1]
		if r.token < p.token {
			t.Errorf("token went back from %d to %d", p.token, r.token)
		}
		if r.owner != p.owner && r.acquiredAt.Before(p.expiresAt) {
			t.Errorf("%s took the lease at %v while %s held it until %v", r.owner, r.acquiredAt, p.owner, p.expiresAt)
		}
	}
	return owners
}

// TestRunOncePerClusterAcrossProcesses: three processes tick a
// run-once-per-cluster task; one holder runs it at a time, and when the
// holder is killed the lease moves to another process.
func TestRunOncePerClusterAcrossProcesses(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		d, url := synced(t, b)
		bin := worker(t)
		const name = "cluster-task"
		type proc struct {
			cmd   *exec.Cmd
			stdin io.WriteCloser
			out   bytes.Buffer
		}
		procs := map[string]*proc{}
		var order []string
		for i := range 3 {
			owner := fmt.Sprintf("host-%d", i)
			p := &proc{cmd: exec.Command(bin, "lease", "-url", url, "-name", name, "-owner", owner,
				"-ttl", "300ms", "-interval", "100ms")}
			p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
			var err error
			if p.stdin, err = p.cmd.StdinPipe(); err != nil {
				t.Fatal(err)
			}
			if err := p.cmd.Start(); err != nil {
				t.Fatal(err)
			}
			procs[owner] = p
			order = append(order, owner)
		}
		stopped := map[string]bool{}
		stop := func(owner string, kill bool) {
			p := procs[owner]
			if stopped[owner] {
				return
			}
			stopped[owner] = true
			if kill {
				p.cmd.Process.Kill()
			} else {
				p.stdin.Close()
			}
			err := p.cmd.Wait()
			if !kill && err != nil {
				t.Errorf("%s: %v\n%s", owner, err, p.out.String())
			}
		}
		defer func() {
			for _, o := range order {
				stop(o, true)
			}
		}()

		waitFor(t, "a few runs", func() (bool, error) { return len(leaseRuns(t, d, name)) >= 5, nil })
		first := leaseRuns(t, d, name)
		holder := first[len(first)-1].owner
		stop(holder, true) // dies without releasing
		waitFor(t, "another owner to take over", func() (bool, error) {
			runs := leaseRuns(t, d, name)
			return runs[len(runs)-1].owner != holder && len(runs) >= len(first)+3, nil
		})
		for _, o := range order {
			stop(o, false)
		}
		runs := leaseRuns(t, d, name)
		owners := checkOneHolderAtATime(t, runs)
		if len(owners) < 2 {
			t.Errorf("the lease never moved: %v", owners)
		}
		keys := make([]string, 0, len(owners))
		for o, n := range owners {
			keys = append(keys, fmt.Sprintf("%s:%d", o, n))
		}
		sort.Strings(keys)
		t.Logf("%d runs by %s; killed %s", len(runs), strings.Join(keys, " "), holder)
	})
}
