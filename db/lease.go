package db

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Now returns the time by the database's clock: the PostgreSQL server's,
// which every host of a cluster shares, or for SQLite (one host) the
// local one. Leases and heartbeats are stamped and judged by it, so
// hosts whose clocks disagree still agree on who holds a lease and who
// is up.
func (d *DB) Now(ctx context.Context) (time.Time, error) {
	var t time.Time
	err := d.ReadTx(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		t, err = tx.Now(ctx)
		return err
	})
	return t, err
}

// Now is DB.Now inside a transaction.
func (t *Tx) Now(ctx context.Context) (time.Time, error) {
	if t.db.backend != PostgreSQL {
		return now(), nil
	}
	var v time.Time
	if err := t.QueryRow(ctx, "SELECT clock_timestamp() AT TIME ZONE 'UTC'").Scan(&v); err != nil {
		return time.Time{}, classify(err)
	}
	return v.UTC().Truncate(time.Microsecond), nil
}

// ErrLeaseLost is returned by Renew when the lease expired or another
// owner took it: stop the work the lease guarded.
var ErrLeaseLost = errors.New("lease lost")

// Lease is a named lease in the database (the goslo_leases table, made by
// Sync): at most one owner holds it at a time, until it expires. Acquire
// takes it when it is free or expired, or extends it for its holder;
// Renew extends it; Release gives it up. A holder that dies stops
// renewing, and the lease moves to the next owner to ask once it
// expires. Each change of hands increases the lease's Token, which work
// done under the lease can record to fence off a holder that lost it.
//
// Run-once-per-cluster periodic task: every instance runs the task's
// timer, and each tick does
//
//	info, err := lease.Acquire(ctx)
//	if err != nil || !info.Held {
//		return // another instance holds it
//	}
//	... the task's work ...
//
// with a TTL a little longer than the interval (1.5×): the holder's tick
// extends the lease before it expires, so it alone runs the task, once
// per interval; when it dies the lease expires within a TTL and the next
// tick of another instance takes over. Times are the database's (Now).
type Lease struct {
	db    *DB
	name  string
	owner string
	ttl   time.Duration
}

// LeaseInfo describes a lease as the database holds it.
type LeaseInfo struct {
	Name  string
	Owner string
	// Token counts the lease's changes of hands (1 for its first owner).
	Token      int64
	AcquiredAt time.Time // when Owner took it
	ExpiresAt  time.Time
	// Now is the database's time when the lease was read.
	Now time.Time
	// Held reports whether the Lease asking holds it.
	Held bool
}

// Lease returns a handle on the named lease for owner (a name unique to
// the process, such as host:pid). ttl is how long each Acquire or Renew
// holds it.
func (d *DB) Lease(name, owner string, ttl time.Duration) *Lease {
	return &Lease{db: d, name: name, owner: owner, ttl: ttl}
}

const leaseUpsert = `INSERT INTO goslo_leases (name, owner, token, acquired_at, expires_at) VALUES (?, ?, 1, ?, ?)
ON CONFLICT (name) DO UPDATE SET
    token = CASE WHEN goslo_leases.owner = excluded.owner AND goslo_leases.expires_at > excluded.acquired_at
        THEN goslo_leases.token ELSE goslo_leases.token + 1 END,
    acquired_at = CASE WHEN goslo_leases.owner = excluded.owner AND goslo_leases.expires_at > excluded.acquired_at
        THEN goslo_leases.acquired_at ELSE excluded.acquired_at END,
    owner = excluded.owner,
    expires_at = excluded.expires_at
WHERE goslo_leases.owner = excluded.owner OR goslo_leases.expires_at <= excluded.acquired_at
RETURNING token, acquired_at, expires_at`

// Acquire takes the lease if it is free, expired or already ours (then
// it is extended), in one atomic statement. Info.Held tells whether we
// hold it; when we do not, info describes the holder.
func (l *Lease) Acquire(ctx context.Context) (LeaseInfo, error) {
	var info LeaseInfo
	err := l.db.Tx(ctx, func(ctx context.Context, tx *Tx) error {
		t, err := tx.Now(ctx)
		if err != nil {
			return err
		}
		info = LeaseInfo{Name: l.name, Now: t}
		var acquired, expires any
		err = tx.QueryRow(ctx, leaseUpsert, l.name, l.owner, tx.db.TimeArg(t), tx.db.TimeArg(t.Add(l.ttl))).
			Scan(&info.Token, &acquired, &expires)
		switch {
		case err == nil:
			info.Owner, info.Held = l.owner, true
			return info.setTimes(acquired, expires)
		case errors.Is(err, sql.ErrNoRows):
			return l.read(ctx, tx, &info)
		}
		return classify(err)
	})
	if err != nil {
		return LeaseInfo{}, wrapOp("lease "+l.name+": acquire", err)
	}
	return info, nil
}

func (info *LeaseInfo) setTimes(acquired, expires any) error {
	var err1, err2 error
	info.AcquiredAt, _, err1 = parseTime(acquired)
	info.ExpiresAt, _, err2 = parseTime(expires)
	return errors.Join(err1, err2)
}

func (l *Lease) read(ctx context.Context, tx *Tx, info *LeaseInfo) error {
	var acquired, expires any
	err := tx.QueryRow(ctx, "SELECT owner, token, acquired_at, expires_at FROM goslo_leases WHERE name = ?", l.name).
		Scan(&info.Owner, &info.Token, &acquired, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return &Error{Kind: ErrNotFound}
	}
	if err != nil {
		return classify(err)
	}
	if err := info.setTimes(acquired, expires); err != nil {
		return err
	}
	info.Held = info.Owner == l.owner && info.ExpiresAt.After(info.Now)
	return nil
}

// Renew extends the lease we hold by the TTL from now; ErrLeaseLost if it
// expired or is someone else's (Acquire may then take it again, with a
// new token).
func (l *Lease) Renew(ctx context.Context) error {
	err := l.db.Tx(ctx, func(ctx context.Context, tx *Tx) error {
		t, err := tx.Now(ctx)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "UPDATE goslo_leases SET expires_at = ? WHERE name = ? AND owner = ? AND expires_at > ?",
			tx.db.TimeArg(t.Add(l.ttl)), l.name, l.owner, tx.db.TimeArg(t))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return classify(err)
		}
		if n == 0 {
			return ErrLeaseLost
		}
		return nil
	})
	if err != nil {
		return wrapOp("lease "+l.name+": renew", err)
	}
	return nil
}

// Release gives the lease up if we hold it (it expires now), so another
// owner need not wait for the TTL. Releasing a lease we do not hold does
// nothing.
func (l *Lease) Release(ctx context.Context) error {
	err := l.db.Tx(ctx, func(ctx context.Context, tx *Tx) error {
		t, err := tx.Now(ctx)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE goslo_leases SET expires_at = ? WHERE name = ? AND owner = ? AND expires_at > ?",
			tx.db.TimeArg(t), l.name, l.owner, tx.db.TimeArg(t))
		return err
	})
	if err != nil {
		return wrapOp("lease "+l.name+": release", err)
	}
	return nil
}

// Info reads the lease; ErrNotFound if no one ever took it.
func (l *Lease) Info(ctx context.Context) (LeaseInfo, error) {
	var info LeaseInfo
	err := l.db.ReadTx(ctx, func(ctx context.Context, tx *Tx) error {
		t, err := tx.Now(ctx)
		if err != nil {
			return err
		}
		info = LeaseInfo{Name: l.name, Now: t}
		return l.read(ctx, tx, &info)
	})
	if err != nil {
		return LeaseInfo{}, wrapOp("lease "+l.name, err)
	}
	return info, nil
}
