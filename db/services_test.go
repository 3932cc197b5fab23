package db_test

import (
	"errors"
	"testing"
	"time"

	"github.com/goslo/goslo/db"
)

func TestServiceHeartbeats(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		d, _ := synced(t, b)
		s, err := d.RegisterService(ctx, "host-a", "compute-api", "compute")
		if err != nil {
			t.Fatal(err)
		}
		if s.ID == 0 || s.ReportCount != 0 || s.Disabled || s.CreatedAt.IsZero() || !s.UpdatedAt.IsZero() || !s.LastSeenUp.IsZero() {
			t.Errorf("registered: %+v", s)
		}
		again, err := d.RegisterService(ctx, "host-a", "compute-api", "compute")
		if err != nil || again.ID != s.ID {
			t.Errorf("registering twice made %+v, %v", again, err)
		}
		for i := 1; i <= 3; i++ {
			r, err := d.ReportState(ctx, "host-a", "compute-api", "compute")
			if err != nil {
				t.Fatal(err)
			}
			if r.ReportCount != int64(i) || r.LastSeenUp.IsZero() || !r.UpdatedAt.Equal(r.LastSeenUp) {
				t.Errorf("report %d: %+v", i, r)
			}
		}
		if _, err := d.ReportState(ctx, "host-b", "compute-api", "compute"); err != nil {
			t.Fatal(err)
		}
		now, err := d.Now(ctx)
		if err != nil {
			t.Fatal(err)
		}
		list, err := d.Services(ctx, db.ServiceFilter{})
		if err != nil || len(list) != 2 || list[0].Host != "host-a" || list[1].Host != "host-b" {
			t.Fatalf("list: %+v, %v", list, err)
		}
		for _, s := range list {
			if !s.IsUp(now, time.Minute) {
				t.Errorf("%s is down right after reporting: %+v (now %v)", s.Host, s, now)
			}
		}
		if err := d.UpdateService(ctx, "host-b", "compute-api", true, "maintenance", true); err != nil {
			t.Fatal(err)
		}
		list, _ = d.Services(ctx, db.ServiceFilter{Host: "host-b"})
		if len(list) != 1 || !list[0].Disabled || list[0].DisabledReason != "maintenance" || !list[0].ForcedDown || list[0].IsUp(now, time.Minute) {
			t.Errorf("disabled and forced down: %+v", list)
		}
		if err := d.UpdateService(ctx, "nowhere", "x", false, "", false); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("update of no service: %v", err)
		}
		if err := d.DeleteService(ctx, "host-b", "compute-api"); err != nil {
			t.Fatal(err)
		}
		if list, _ = d.Services(ctx, db.ServiceFilter{}); len(list) != 1 {
			t.Errorf("after delete: %+v", list)
		}
		// A deleted service that reports again comes back as a new record.
		back, err := d.ReportState(ctx, "host-b", "compute-api", "compute")
		if err != nil || back.ReportCount != 1 {
			t.Errorf("re-registered: %+v, %v", back, err)
		}
	})
}

// TestServiceIsUp is nova's rule: the last heartbeat is last_seen_up, else
// updated_at, else created_at; up within service_down_time either way.
func TestServiceIsUp(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	down := 60 * time.Second
	tests := []struct {
		name string
		s    db.ServiceRecord
		now  time.Time
		want bool
	}{
		{"fresh", db.ServiceRecord{CreatedAt: t0, LastSeenUp: t0}, t0.Add(10 * time.Second), true},
		{"at the limit", db.ServiceRecord{LastSeenUp: t0}, t0.Add(down), true},
		{"just over", db.ServiceRecord{LastSeenUp: t0}, t0.Add(down + time.Microsecond), false},
		{"clock ahead", db.ServiceRecord{LastSeenUp: t0.Add(30 * time.Second)}, t0, true},
		{"far ahead", db.ServiceRecord{LastSeenUp: t0.Add(2 * down)}, t0, false},
		{"updated_at when never seen", db.ServiceRecord{CreatedAt: t0.Add(-time.Hour), UpdatedAt: t0}, t0, true},
		{"created_at last", db.ServiceRecord{CreatedAt: t0.Add(-time.Hour)}, t0, false},
		{"forced down", db.ServiceRecord{LastSeenUp: t0, ForcedDown: true}, t0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.IsUp(tc.now, down); got != tc.want {
				t.Errorf("IsUp = %v", got)
			}
		})
	}
}
