package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"
)

// The SQLite driver parses every statement it runs; parsing is about a
// third of the time a load takes. These wrappers let each SQLite
// connection keep the statements it prepared, by text, and run them
// again. (pgx caches PostgreSQL's statements itself.)

// maxCachedStmts bounds the statements a connection keeps: a model's are
// a few, the filters of lists can make more.
const maxCachedStmts = 256

// sqliteConn is what the SQLite driver's connections implement.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachingConnector opens SQLite connections that keep their statements.
type cachingConnector struct {
	drv driver.Driver
	dsn string
}

func (c *cachingConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(sqliteConn)
	if !ok {
		conn.Close()
		return nil, errors.New("the sqlite driver's connection lacks an interface db needs")
	}
	return &cachingConn{inner: sc, stmts: map[string]*cachedStmt{}}, nil
}

func (c *cachingConnector) Driver() driver.Driver { return c.drv }

// cachingConn is a SQLite connection with its statement cache. It does
// not implement ExecerContext and QueryerContext, so that database/sql
// prepares each statement, and the cache answers. database/sql uses a
// connection from one goroutine at a time.
type cachingConn struct {
	inner sqliteConn
	stmts map[string]*cachedStmt
}

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if s, ok := c.stmts[query]; ok && !s.inUse {
		s.inUse = true
		return s, nil
	}
	st, err := c.inner.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s := &cachedStmt{Stmt: st}
	// A statement in use (rows still open) is not shared: this one is
	// used once. Scripts of several statements are not kept.
	if _, taken := c.stmts[query]; !taken && len(c.stmts) < maxCachedStmts && !strings.Contains(query, ";") {
		s.cached, s.inUse = true, true
		c.stmts[query] = s
	}
	return s, nil
}

func (c *cachingConn) Close() error {
	var errs []error
	for _, s := range c.stmts {
		errs = append(errs, s.Stmt.Close())
	}
	c.stmts = nil
	errs = append(errs, c.inner.Close())
	return errors.Join(errs...)
}

func (c *cachingConn) Begin() (driver.Tx, error) {
	return c.inner.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.inner.BeginTx(ctx, opts)
}

func (c *cachingConn) Ping(ctx context.Context) error { return c.inner.Ping(ctx) }

func (c *cachingConn) ResetSession(ctx context.Context) error { return c.inner.ResetSession(ctx) }

func (c *cachingConn) IsValid() bool { return c.inner.IsValid() }

// cachedStmt is a statement that Close gives back to its connection's
// cache rather than finalizes.
type cachedStmt struct {
	driver.Stmt
	cached bool // kept by the connection
	inUse  bool // handed out and not closed yet
}

func (s *cachedStmt) Close() error {
	if s.cached {
		s.inUse = false
		return nil
	}
	return s.Stmt.Close()
}

func (s *cachedStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if ec, ok := s.Stmt.(driver.StmtExecContext); ok {
		return ec.ExecContext(ctx, args)
	}
	return nil, errors.New("the sqlite driver's statement lacks ExecContext")
}

func (s *cachedStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if qc, ok := s.Stmt.(driver.StmtQueryContext); ok {
		return qc.QueryContext(ctx, args)
	}
	return nil, errors.New("the sqlite driver's statement lacks QueryContext")
}
