package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"regexp"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// The kinds of database errors, oslo.db's exception classes. Test a
// returned error with errors.Is(err, db.ErrDeadlock); errors.As gives the
// *Error with the details.
var (
	// ErrDeadlock is DBDeadlock: the transaction lost a lock conflict and
	// may succeed if run again. It covers PostgreSQL's deadlock_detected
	// (40P01) and serialization_failure (40001) and SQLite's BUSY and
	// LOCKED (another connection holds the write lock past busy_timeout).
	ErrDeadlock = errors.New("deadlock")
	// ErrDisconnect is DBConnectionError: the database could not be
	// reached, or the connection broke.
	ErrDisconnect = errors.New("database connection error")
	// ErrDuplicate is DBDuplicateEntry: a unique constraint was violated;
	// Error.Columns names the columns when the database says.
	ErrDuplicate = errors.New("duplicate entry")
	// ErrReference is DBReferenceError: a foreign key constraint was
	// violated.
	ErrReference = errors.New("foreign key constraint violated")
	// ErrNotFound is returned when a row asked for does not exist (or is
	// soft-deleted).
	ErrNotFound = errors.New("not found")
	// ErrConflict is returned by Model.Update when another writer changed
	// the row since it was loaded: reload, reapply, save again (wrap it in
	// RetryRequest to let Retry do that).
	ErrConflict = errors.New("concurrent update")
	// ErrCommitUnknown is returned when the connection broke during
	// COMMIT: the transaction may or may not have been committed, so it is
	// not retried.
	ErrCommitUnknown = errors.New("connection lost during commit: the outcome is unknown")
	// ErrPoolTimeout is returned when no connection came free within
	// pool_timeout (SQLAlchemy's pool TimeoutError); it is not retried.
	ErrPoolTimeout = errors.New("no connection available within pool_timeout")
	// ErrClosed is returned for work started after Close.
	ErrClosed = errors.New("database is closed")
)

// Error is a database error with its kind (one of the Err variables
// above), what was being done, and the driver's error.
type Error struct {
	Kind    error
	Op      string   // e.g. "servers: update id=7"; may be empty
	Columns []string // ErrDuplicate: the columns of the violated constraint, when known
	Err     error    // the driver's error; may be nil
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("db: ")
	if e.Op != "" {
		b.WriteString(e.Op + ": ")
	}
	b.WriteString(e.Kind.Error())
	if len(e.Columns) > 0 {
		b.WriteString(" (" + strings.Join(e.Columns, ", ") + ")")
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap gives both the kind and the driver's error to errors.Is/As.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// IsDeadlock reports an ErrDeadlock, or a driver error that is one.
func IsDeadlock(err error) bool { return errors.Is(classify(err), ErrDeadlock) }

// IsDisconnect reports an ErrDisconnect, or a driver error that is one.
func IsDisconnect(err error) bool { return errors.Is(classify(err), ErrDisconnect) }

// IsDuplicate reports an ErrDuplicate, or a driver error that is one.
func IsDuplicate(err error) bool { return errors.Is(classify(err), ErrDuplicate) }

// Classify turns a driver error into an *Error of the right kind, as
// oslo.db's exception filters do; other errors (and nil) are returned
// unchanged. The package's functions return classified errors already.
func Classify(err error) error { return classify(err) }

// SQLite result codes (sqlite3.h), primary codes and the extended codes
// of constraint errors.
const (
	sqliteBusy       = 5
	sqliteLocked     = 6
	sqliteConstraint = 19

	sqliteConstraintForeignKey = 787
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

var (
	sqliteUniqueColumns = regexp.MustCompile(`UNIQUE\s+constraint\s+failed:\s+(.+)$`)
	pgKeyColumns        = regexp.MustCompile(`^Key \((.*)\)=\(`)
)

func classify(err error) error {
	if err == nil {
		return nil
	}
	var de *Error
	if errors.As(err, &de) {
		return err
	}
	// A cancelled or expired context is the caller's doing, whatever the
	// driver made of it.
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		code := se.Code()
		switch code & 0xff {
		case sqliteBusy, sqliteLocked:
			return &Error{Kind: ErrDeadlock, Err: err}
		case sqliteConstraint:
			switch code {
			case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
				e := &Error{Kind: ErrDuplicate, Err: err}
				if m := sqliteUniqueColumns.FindStringSubmatch(se.Error()); m != nil {
					e.Columns = columnNames(strings.Split(strings.TrimRight(m[1], ")"), ", "))
				}
				return e
			case sqliteConstraintForeignKey:
				return &Error{Kind: ErrReference, Err: err}
			}
		}
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "40P01", pe.Code == "40001":
			return &Error{Kind: ErrDeadlock, Err: err}
		case pe.Code == "23505":
			e := &Error{Kind: ErrDuplicate, Err: err}
			if m := pgKeyColumns.FindStringSubmatch(pe.Detail); m != nil {
				e.Columns = columnNames(strings.Split(m[1], ", "))
			}
			return e
		case pe.Code == "23503":
			return &Error{Kind: ErrReference, Err: err}
		case strings.HasPrefix(pe.Code, "08"), // connection_exception
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", // admin/crash shutdown, cannot connect now
			pe.Code == "53300": // too_many_connections
			return &Error{Kind: ErrDisconnect, Err: err}
		}
		return err
	}
	if isConnectionError(err) {
		return &Error{Kind: ErrDisconnect, Err: err}
	}
	return err
}

// columnNames strips table prefixes ("servers.uuid" is "uuid") as
// oslo's duplicate-entry filter does.
func columnNames(cols []string) []string {
	out := make([]string, 0, len(cols))
	for _, c := range cols {
		c = strings.TrimSpace(c)
		if i := strings.LastIndexByte(c, '.'); i >= 0 {
			c = c[i+1:]
		}
		out = append(out, strings.Trim(c, `"`))
	}
	return out
}

// isConnectionError reports errors of the transport: the server could not
// be reached or the connection broke.
func isConnectionError(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce),
		errors.Is(err, driver.ErrBadConn),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED),
		errors.As(err, &ne):
		return true
	}
	// pgx reports a connection it closed after an earlier failure so.
	return strings.Contains(err.Error(), "conn closed")
}
