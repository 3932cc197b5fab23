package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/goslo/goslo/db"
	"github.com/goslo/goslo/examples/compute-api/app"
	"github.com/goslo/goslo/examples/compute-api/store"
)

// serviceList prints the heartbeat table as "openstack compute service
// list" does: an instance is up while its last heartbeat is within
// service_down_time of the database's clock (nova's servicegroup DB
// driver), and down once it stopped reporting or was forced down.
func serviceList(ctx context.Context, m *manage, _ []string) (err error) {
	d, err := openDB(ctx, m, false)
	if err != nil {
		return err
	}
	defer closeDB(ctx, d, &err)
	if err := d.CheckSchema(ctx, store.Migrations); err != nil {
		return err
	}
	records, err := d.Services(ctx, db.ServiceFilter{})
	if err != nil {
		return err
	}
	now, err := d.Now(ctx)
	if err != nil {
		return err
	}
	downTime := time.Duration(app.ServiceDownTime.Get(m.conf)) * time.Second
	tw := tabwriter.NewWriter(m.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tBinary\tHost\tStatus\tState\tUpdated At\tDisabled Reason")
	for _, r := range records {
		status, state, reason := "enabled", "down", r.DisabledReason
		if r.Disabled {
			status = "disabled"
		}
		if r.IsUp(now, downTime) {
			state = "up"
		}
		if reason == "" {
			reason = "-"
		}
		updated := "-"
		if t := r.LastHeartbeat(); !t.IsZero() {
			updated = t.UTC().Format("2006-01-02T15:04:05.000000")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Binary, r.Host, status, state, updated, reason)
	}
	return tw.Flush()
}
