package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ServiceRecord is a row of the service heartbeat table (goslo_services,
// made by Sync), as nova's services table: one per (host, binary) of each
// running instance, with its heartbeat.
type ServiceRecord struct {
	ID             int64
	Host           string
	Binary         string
	Topic          string
	ReportCount    int64
	Disabled       bool
	DisabledReason string
	ForcedDown     bool
	CreatedAt      time.Time
	UpdatedAt      time.Time // zero: never updated
	LastSeenUp     time.Time // zero: never reported
}

// LastHeartbeat is the time IsUp judges by: last_seen_up, else
// updated_at, else created_at (nova's DB servicegroup driver).
func (s ServiceRecord) LastHeartbeat() time.Time {
	switch {
	case !s.LastSeenUp.IsZero():
		return s.LastSeenUp
	case !s.UpdatedAt.IsZero():
		return s.UpdatedAt
	}
	return s.CreatedAt
}

// IsUp is nova's servicegroup is_up: a service forced down is down;
// otherwise it is up when its last heartbeat is within downTime
// (service_down_time) of now, in either direction. Take now from DB.Now,
// the clock the heartbeats were stamped with.
func (s ServiceRecord) IsUp(now time.Time, downTime time.Duration) bool {
	if s.ForcedDown {
		return false
	}
	elapsed := now.Sub(s.LastHeartbeat())
	if elapsed < 0 {
		elapsed = -elapsed
	}
	return elapsed <= downTime
}

const serviceCols = `id, host, "binary", topic, report_count, disabled, disabled_reason, forced_down, created_at, updated_at, last_seen_up`

func scanService(row interface{ Scan(...any) error }) (ServiceRecord, error) {
	var s ServiceRecord
	var topic, reason sql.NullString
	var disabled, forced, created, updated, seen any
	if err := row.Scan(&s.ID, &s.Host, &s.Binary, &topic, &s.ReportCount, &disabled, &reason, &forced,
		&created, &updated, &seen); err != nil {
		return s, err
	}
	s.Topic, s.DisabledReason = topic.String, reason.String
	s.Disabled, s.ForcedDown = truthy(disabled), truthy(forced)
	var err1, err2, err3 error
	s.CreatedAt, _, err1 = parseTime(created)
	s.UpdatedAt, _, err2 = parseTime(updated)
	s.LastSeenUp, _, err3 = parseTime(seen)
	return s, errors.Join(err1, err2, err3)
}

func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case int64:
		return x != 0
	}
	return false
}

// RegisterService returns the live record of (host, binary), creating it
// (with topic, a report count of 0, enabled) if there is none: what a
// service does as it starts (nova's Service.create or
// get_by_host_and_binary).
func (d *DB) RegisterService(ctx context.Context, host, binary, topic string) (ServiceRecord, error) {
	var s ServiceRecord
	err := d.Tx(ctx, func(ctx context.Context, tx *Tx) error {
		t, err := tx.Now(ctx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO goslo_services (host, "binary", topic, created_at, deleted)
VALUES (?, ?, ?, ?, 0) ON CONFLICT (host, "binary", deleted) DO NOTHING`, host, binary, topic, tx.db.TimeArg(t)); err != nil {
			return err
		}
		s, err = scanService(tx.QueryRow(ctx, "SELECT "+serviceCols+` FROM goslo_services WHERE host = ? AND "binary" = ? AND deleted = 0`, host, binary))
		return classify(err)
	})
	if err != nil {
		return ServiceRecord{}, wrapOp(fmt.Sprintf("service %s/%s: register", host, binary), err)
	}
	return s, nil
}

// ReportState is one heartbeat (nova's _report_state): report_count + 1,
// updated_at and last_seen_up set to the database's now. A record
// deleted meanwhile is registered again.
func (d *DB) ReportState(ctx context.Context, host, binary, topic string) (ServiceRecord, error) {
	var s ServiceRecord
	err := d.Tx(ctx, func(ctx context.Context, tx *Tx) error {
		t, err := tx.Now(ctx)
		if err != nil {
			return err
		}
		at := tx.db.TimeArg(t)
		if _, err := tx.Exec(ctx, `INSERT INTO goslo_services (host, "binary", topic, created_at, deleted)
VALUES (?, ?, ?, ?, 0) ON CONFLICT (host, "binary", deleted) DO NOTHING`, host, binary, topic, at); err != nil {
			return err
		}
		s, err = scanService(tx.QueryRow(ctx, `UPDATE goslo_services SET report_count = report_count + 1,
updated_at = ?, last_seen_up = ? WHERE host = ? AND "binary" = ? AND deleted = 0 RETURNING `+serviceCols,
			at, at, host, binary))
		return classify(err)
	})
	if err != nil {
		return ServiceRecord{}, wrapOp(fmt.Sprintf("service %s/%s: report state", host, binary), err)
	}
	return s, nil
}

// ServiceFilter selects service records; empty fields match all.
type ServiceFilter struct {
	Host, Binary string
}

// Services lists the live service records by host and binary (for a
// "service list" command; judge each with IsUp against DB.Now).
func (d *DB) Services(ctx context.Context, f ServiceFilter) ([]ServiceRecord, error) {
	where := []string{"deleted = 0"}
	var args []any
	if f.Host != "" {
		where, args = append(where, "host = ?"), append(args, f.Host)
	}
	if f.Binary != "" {
		where, args = append(where, `"binary" = ?`), append(args, f.Binary)
	}
	var out []ServiceRecord
	err := d.ReadTx(ctx, func(ctx context.Context, tx *Tx) error {
		out = out[:0]
		rows, err := tx.Query(ctx, "SELECT "+serviceCols+" FROM goslo_services WHERE "+strings.Join(where, " AND ")+
			` ORDER BY host, "binary"`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			s, err := scanService(rows)
			if err != nil {
				return classify(err)
			}
			out = append(out, s)
		}
		return classify(rows.Err())
	})
	if err != nil {
		return nil, wrapOp("services: list", err)
	}
	return out, nil
}

// UpdateService changes a live record's disabled state and reason and
// its forced_down flag (nova's service disable / force-down).
func (d *DB) UpdateService(ctx context.Context, host, binary string, disabled bool, reason string, forcedDown bool) error {
	err := d.Tx(ctx, func(ctx context.Context, tx *Tx) error {
		t, err := tx.Now(ctx)
		if err != nil {
			return err
		}
		var r any
		if reason != "" {
			r = reason
		}
		res, err := tx.Exec(ctx, `UPDATE goslo_services SET disabled = ?, disabled_reason = ?, forced_down = ?, updated_at = ?
WHERE host = ? AND "binary" = ? AND deleted = 0`, disabled, r, forcedDown, tx.db.TimeArg(t), host, binary)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return classify(err)
		} else if n == 0 {
			return &Error{Kind: ErrNotFound}
		}
		return nil
	})
	return wrapOpIf(fmt.Sprintf("service %s/%s: update", host, binary), err)
}

// DeleteService soft-deletes the live record of (host, binary).
func (d *DB) DeleteService(ctx context.Context, host, binary string) error {
	err := d.Tx(ctx, func(ctx context.Context, tx *Tx) error {
		t, err := tx.Now(ctx)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE goslo_services SET deleted = id, deleted_at = ? WHERE host = ? AND "binary" = ? AND deleted = 0`,
			tx.db.TimeArg(t), host, binary)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return classify(err)
		} else if n == 0 {
			return &Error{Kind: ErrNotFound}
		}
		return nil
	})
	return wrapOpIf(fmt.Sprintf("service %s/%s: delete", host, binary), err)
}
