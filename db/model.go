package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/goslo/goslo/objects"
)

// The columns every OpenStack model has (oslo.db's TimestampMixin and
// SoftDeleteMixin): the store fills them, and fills the object fields of
// the same names when the class declares them.
const (
	ColCreatedAt = "created_at"
	ColUpdatedAt = "updated_at"
	ColDeletedAt = "deleted_at"
	ColDeleted   = "deleted"
)

// Column maps one object field to the table: a column of its own (named
// like the field unless Name is given), or with JSON set, a text or
// json/jsonb column holding the value as JSON (lists, dicts, sets, and
// nested objects as their oslo primitives).
type Column struct {
	Field string
	Name  string
	JSON  bool
}

// Model maps an object class to a table, explicitly: the service lists
// the fields that are stored and how; nothing is inferred. The table
// (created by the service's migrations) has the key column, one column
// per Column, the revision column if any, and created_at, updated_at,
// deleted_at (timestamps) and deleted (an integer: 0, or the row's id
// once soft-deleted, so that unique constraints that include deleted let
// a name be reused, as in oslo's SoftDeleteMixin).
//
// Optimistic concurrency: Update writes only if the row is still as it
// was loaded, else it fails with ErrConflict, so that of two workers
// saving the same row, the second learns it and can reload and retry;
// no update is lost. The store compares the Revision field (an Integer
// the store sets to 1 on create and increments on each update) when one
// is named, else the object's updated_at field, which the store keeps
// strictly increasing for each row. A class with neither cannot be
// mapped.
//
// A Model must not be changed once used; its methods are safe for
// concurrent use.
type Model struct {
	// Table is the table's name.
	Table string
	// Class is the objects' class (the newest version the service knows).
	Class *objects.Class
	// Registry loads the objects of Object and ListOfObjects fields held
	// in JSON columns; needed only when there are such fields.
	Registry *objects.Registry
	// Key is the primary key: an Integer field and its column ("id" when
	// empty). Create lets the database number a new object that has none.
	Key string
	// Columns are the fields stored besides the key, the revision and the
	// model columns. A changed field that is not listed makes Update fail
	// rather than drop the change.
	Columns []Column
	// Revision names the Integer field (and column) used for optimistic
	// concurrency; empty: the updated_at field is compared.
	Revision string
	// DefaultSort is List's order when none is asked for; the key,
	// ascending, by default. The key is always added last, so that the
	// order is total and markers are exact.
	DefaultSort []Sort

	once        sync.Once
	err         error
	c           *compiled
	projections sync.Map // strings.Join(ListOptions.Fields, ",") -> *projection
}

type col struct {
	field   string // the object field, or "" when the class has none
	name    string // the column
	quoted  string // the column, quoted
	kind    colKind
	boolFld bool // the deleted column read into a Boolean field
	// plainString: the field is a String, which takes a Go string as it
	// is (filterArg need not coerce it through an object).
	plainString bool
}

// sqliteSelect is how SQLite selects the column: a time column as
// +"col", an expression of the same value without the declared type, so
// that the driver hands over the stored text and parseTime reads it.
func (k *col) sqliteSelect() string {
	if k.kind == kTime {
		return "+" + k.quoted
	}
	return k.quoted
}

type compiled struct {
	cols      []*col // in select order: key, Columns, revision, model columns
	byField   map[string]*col
	byName    map[string]*col
	key       *col
	revision  *col // nil: compare updated_at
	createdAt *col
	updatedAt *col
	deletedAt *col
	deleted   *col
	table     string          // quoted
	allProj   *projection     // every column
	stored    map[string]bool // fields that Update may write
}

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func quoteIdent(s string) string { return `"` + s + `"` }

// Check validates the mapping against the class; the other methods call
// it and fail with its error.
func (m *Model) Check() error {
	m.once.Do(func() { m.c, m.err = m.compile() })
	return m.err
}

func (m *Model) compile() (*compiled, error) {
	fail := func(format string, args ...any) (*compiled, error) {
		return nil, fmt.Errorf("db: model %s: %s", m.Table, fmt.Sprintf(format, args...))
	}
	if !identRe.MatchString(m.Table) {
		return fail("table name %q is not an identifier", m.Table)
	}
	if m.Class == nil {
		return fail("no Class")
	}
	fields := map[string]objects.Field{}
	for _, f := range m.Class.Fields {
		fields[f.Name] = f
	}
	c := &compiled{byField: map[string]*col{}, byName: map[string]*col{}, table: quoteIdent(m.Table), stored: map[string]bool{}}
	add := func(k *col) error {
		if !identRe.MatchString(k.name) {
			return fmt.Errorf("column name %q is not an identifier", k.name)
		}
		if _, dup := c.byName[k.name]; dup {
			return fmt.Errorf("column %s is mapped twice", k.name)
		}
		if k.field != "" {
			if _, dup := c.byField[k.field]; dup {
				return fmt.Errorf("field %s is mapped twice", k.field)
			}
			c.byField[k.field] = k
		}
		k.quoted = quoteIdent(k.name)
		c.byName[k.name] = k
		c.cols = append(c.cols, k)
		return nil
	}
	key := m.Key
	if key == "" {
		key = "id"
	}
	kf, ok := fields[key]
	if !ok {
		return fail("class %s has no key field %s", m.Class.Name, key)
	}
	if t := kf.Type.String(); t != "Integer" && t != "NonNegativeInteger" {
		return fail("key field %s is %s, not an Integer (soft delete stores the key in deleted)", key, t)
	}
	c.key = &col{field: key, name: key, kind: kInt}
	if err := add(c.key); err != nil {
		return fail("%v", err)
	}
	managed := map[string]bool{ColCreatedAt: true, ColUpdatedAt: true, ColDeletedAt: true, ColDeleted: true, m.Revision: m.Revision != ""}
	for _, mc := range m.Columns {
		f, ok := fields[mc.Field]
		if !ok {
			return fail("class %s has no field %s", m.Class.Name, mc.Field)
		}
		if managed[mc.Field] || mc.Field == key {
			return fail("field %s is filled by the store: do not list it in Columns", mc.Field)
		}
		name := mc.Name
		if name == "" {
			name = mc.Field
		}
		if managed[name] || name == key {
			return fail("column %s is the store's own", name)
		}
		k, err := kindOf(f.Type, mc.JSON)
		if err != nil {
			return fail("field %s: %v", mc.Field, err)
		}
		if (k == kObject || k == kObjectList) && m.Registry == nil {
			return fail("field %s holds objects: set Model.Registry to load them", mc.Field)
		}
		if err := add(&col{field: mc.Field, name: name, kind: k, plainString: k == kString && f.Type.String() == "String"}); err != nil {
			return fail("%v", err)
		}
		c.stored[mc.Field] = true
	}
	if m.Revision != "" {
		f, ok := fields[m.Revision]
		if !ok {
			return fail("class %s has no revision field %s", m.Class.Name, m.Revision)
		}
		if t := f.Type.String(); t != "Integer" && t != "NonNegativeInteger" {
			return fail("revision field %s is %s, not an Integer", m.Revision, t)
		}
		c.revision = &col{field: m.Revision, name: m.Revision, kind: kInt}
		if err := add(c.revision); err != nil {
			return fail("%v", err)
		}
	}
	modelCol := func(name string, k colKind) (*col, error) {
		mc := &col{name: name, kind: k}
		if f, ok := fields[name]; ok {
			mc.field = name
			switch t := f.Type.String(); {
			case name == ColDeleted && (t == "Boolean" || t == "FlexibleBoolean"):
				mc.boolFld = true
			case name == ColDeleted && (t == "Integer" || t == "NonNegativeInteger"):
			case k == kTime && t == "DateTime":
			default:
				return nil, fmt.Errorf("field %s is %s, which the %s column cannot fill", name, t, name)
			}
		}
		return mc, add(mc)
	}
	var err error
	if c.createdAt, err = modelCol(ColCreatedAt, kTime); err != nil {
		return fail("%v", err)
	}
	if c.updatedAt, err = modelCol(ColUpdatedAt, kTime); err != nil {
		return fail("%v", err)
	}
	if c.deletedAt, err = modelCol(ColDeletedAt, kTime); err != nil {
		return fail("%v", err)
	}
	if c.deleted, err = modelCol(ColDeleted, kInt); err != nil {
		return fail("%v", err)
	}
	if c.revision == nil && c.updatedAt.field == "" {
		return fail("class %s has neither a Revision field nor an updated_at field: "+
			"concurrent updates could be lost", m.Class.Name)
	}
	c.allProj = c.all()
	return c, nil
}

// Querier is where a Model works: a *DB (each call is a transaction of
// its own, retried by the database's policy) or a *Tx (the call is part
// of the caller's transaction).
type Querier interface {
	withTx(ctx context.Context, write bool, fn func(ctx context.Context, tx *Tx) error) error
	// withRead1 is withTx for a read that runs one statement.
	withRead1(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error
}

func (d *DB) withRead1(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	return d.readOne(ctx, fn)
}

func (t *Tx) withRead1(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	return fn(ctx, t)
}

func (d *DB) withTx(ctx context.Context, write bool, fn func(ctx context.Context, tx *Tx) error) error {
	if write {
		return d.Tx(ctx, fn)
	}
	return d.ReadTx(ctx, fn)
}

func (t *Tx) withTx(ctx context.Context, write bool, fn func(ctx context.Context, tx *Tx) error) error {
	if write && !t.write {
		return errors.New("db: a write in a read-only transaction (use DB.Tx)")
	}
	return fn(ctx, t)
}

// op names an operation in errors.
func (m *Model) op(verb string, key any) string {
	if key == nil {
		return m.Table + ": " + verb
	}
	return fmt.Sprintf("%s: %s %s=%v", m.Table, verb, m.c.key.name, key)
}

// now is the time the store writes in created_at, updated_at and
// deleted_at: the local clock, as oslo's timeutils.utcnow.
var now = func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Create inserts a new object: its set fields, created_at (the object's
// own if set, else now), deleted 0 and revision 1. Without a key the
// database gives the next one. On success the object holds its key and
// the model fields, and has no changes. A unique constraint violated is
// ErrDuplicate.
func (m *Model) Create(ctx context.Context, q Querier, o *objects.Object) error {
	if err := m.check(o); err != nil {
		return err
	}
	c := m.c
	var names, marks []string
	var args []any
	var given, keyVal any // the key the object has, and the key it got
	if o.IsSet(c.key.field) {
		given, _ = o.Get(c.key.field)
		keyVal = given
	}
	created := now()
	if c.createdAt.field != "" && o.IsSet(c.createdAt.field) {
		if v, _ := o.Get(c.createdAt.field); v != nil {
			created = v.(time.Time).UTC().Truncate(time.Microsecond)
		}
	}
	err := q.withTx(ctx, true, func(ctx context.Context, tx *Tx) error {
		names, marks, args = names[:0], marks[:0], args[:0]
		put := func(k *col, v any) error {
			a, err := tx.db.arg(k.kind, v)
			if err != nil {
				return fmt.Errorf("field %s: %w", k.field, err)
			}
			names, marks, args = append(names, k.quoted), append(marks, "?"), append(args, a)
			return nil
		}
		if given != nil {
			if err := put(c.key, given); err != nil {
				return err
			}
		}
		for _, k := range c.cols {
			if k == c.key || k.field == "" || k == c.revision || k == c.createdAt || k == c.updatedAt ||
				k == c.deletedAt || k == c.deleted || !o.IsSet(k.field) {
				continue
			}
			v, _ := o.Get(k.field)
			if err := put(k, v); err != nil {
				return err
			}
		}
		if c.revision != nil {
			names, marks, args = append(names, c.revision.quoted), append(marks, "?"), append(args, int64(1))
		}
		names, marks, args = append(names, c.createdAt.quoted, c.deleted.quoted), append(marks, "?", "?"),
			append(args, tx.db.TimeArg(created), int64(0))
		query := "INSERT INTO " + c.table + " (" + strings.Join(names, ", ") + ") VALUES (" +
			strings.Join(marks, ", ") + ") RETURNING " + c.key.quoted
		var id int64
		if err := tx.QueryRow(ctx, query, args...).Scan(&id); err != nil {
			return classify(err)
		}
		keyVal = id
		return nil
	})
	if err != nil {
		return wrapOp(m.op("create", keyVal), err)
	}
	sets := map[string]any{c.key.field: keyVal}
	if c.revision != nil {
		sets[c.revision.field] = int64(1)
	}
	m.setModelFields(sets, created, nil, nil, 0)
	if err := m.apply(o, sets); err != nil {
		return wrapOp(m.op("create", keyVal), err)
	}
	o.ResetChangesRecursive()
	return nil
}

// setModelFields adds the model columns' values for the fields the class
// has.
func (m *Model) setModelFields(sets map[string]any, created time.Time, updated, deletedAt *time.Time, deleted int64) {
	c := m.c
	if c.createdAt.field != "" {
		sets[c.createdAt.field] = created
	}
	timeOrNil := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return *t
	}
	if c.updatedAt.field != "" {
		sets[c.updatedAt.field] = timeOrNil(updated)
	}
	if c.deletedAt.field != "" {
		sets[c.deletedAt.field] = timeOrNil(deletedAt)
	}
	if c.deleted.field != "" {
		if c.deleted.boolFld {
			sets[c.deleted.field] = deleted != 0
		} else {
			sets[c.deleted.field] = deleted
		}
	}
}

func (m *Model) apply(o *objects.Object, sets map[string]any) error {
	for _, f := range o.Class().Fields {
		if v, ok := sets[f.Name]; ok {
			if err := o.Set(f.Name, v); err != nil {
				return err
			}
		}
	}
	return nil
}

func wrapOp(op string, err error) error {
	var de *Error
	if errors.As(err, &de) {
		if de.Op == "" {
			e := *de
			e.Op = op
			return &e
		}
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("db: %s: %w", op, err)
	}
	return fmt.Errorf("db: %s: %w", op, err)
}

func (m *Model) check(o *objects.Object) error {
	if err := m.Check(); err != nil {
		return err
	}
	if o != nil && o.Class() != m.Class && o.Name() != m.Class.Name {
		return fmt.Errorf("db: model %s: an object of class %s is not a %s", m.Table, o.Name(), m.Class.Name)
	}
	return nil
}

// projection is the columns a read selects, in select order, and its
// select list.
type projection struct {
	cols       []*col
	selectList string
	// sqliteList is selectList for SQLite: its time columns are selected
	// as +"col", an expression of the same value that has no declared
	// type, so that the driver hands over the text and parseTime reads
	// the form the column is written in, instead of the driver trying
	// its own time layouts on each value.
	sqliteList string

	mu sync.RWMutex
	// queries are the statements of lists by the shape of their filters
	// (listQuery).
	queries map[string]string
}

// newProjection returns the projection of cols.
func newProjection(cols []*col) *projection {
	names := make([]string, len(cols))
	lite := make([]string, len(cols))
	for i, k := range cols {
		names[i], lite[i] = k.quoted, k.sqliteSelect()
	}
	return &projection{cols: cols, selectList: strings.Join(names, ", "), sqliteList: strings.Join(lite, ", ")}
}

// list returns the select list for d's backend.
func (p *projection) list(d *DB) string {
	if d.backend == SQLite {
		return p.sqliteList
	}
	return p.selectList
}

// all is the projection of every column.
func (c *compiled) all() *projection { return newProjection(c.cols) }

// project returns the projection that loads fields (ListOptions.Fields):
// the key, what Update compares, and the columns of fields, in the
// compiled order so that the same fields make the same statement. Each
// set of fields is computed once.
func (m *Model) project(fields []string) (*projection, error) {
	c := m.c
	if len(fields) == 0 {
		return c.allProj, nil
	}
	id := strings.Join(fields, ",")
	if p, ok := m.projections.Load(id); ok {
		return p.(*projection), nil
	}
	want := map[*col]bool{c.key: true}
	if c.revision != nil {
		want[c.revision] = true
	} else {
		want[c.updatedAt] = true
	}
	for _, f := range fields {
		k, ok := c.byField[f]
		if !ok {
			return nil, fmt.Errorf("field %q is not stored in %s", f, m.Table)
		}
		want[k] = true
	}
	var cols []*col
	for _, k := range c.cols {
		if want[k] {
			cols = append(cols, k)
		}
	}
	got, _ := m.projections.LoadOrStore(id, newProjection(cols))
	return got.(*projection), nil
}

// scanner reads rows of one projection into objects, with one buffer
// for all of them.
type scanner struct {
	m    *Model
	p    *projection
	vals []any
	ptrs []any
}

func (m *Model) scanner(p *projection) *scanner {
	s := &scanner{m: m, p: p, vals: make([]any, len(p.cols)), ptrs: make([]any, len(p.cols))}
	for i := range s.vals {
		s.ptrs[i] = &s.vals[i]
	}
	return s
}

// scan reads one row (the projection's select list) into a new object
// with no changes.
func (s *scanner) scan(rows interface{ Scan(...any) error }) (*objects.Object, error) {
	m, c := s.m, s.m.c
	clear(s.vals)
	if err := rows.Scan(s.ptrs...); err != nil {
		return nil, classify(err)
	}
	o := m.Class.New()
	var key any
	for i, k := range s.p.cols {
		if k.field == "" {
			continue
		}
		v := s.vals[i]
		var err error
		if k == c.deleted {
			n, ok := v.(int64)
			if !ok && v != nil {
				return nil, fmt.Errorf("column %s holds a %T", k.name, v)
			}
			if k.boolFld {
				v = n != 0
			} else {
				v = n
			}
		} else if v, err = m.value(k.kind, v); err != nil {
			return nil, fmt.Errorf("%s=%v: column %s: %w", c.key.name, key, k.name, err)
		}
		if k == c.key {
			key = v
		}
		if err := o.Set(k.field, v); err != nil {
			return nil, fmt.Errorf("%s=%v: column %s: %w", c.key.name, key, k.name, err)
		}
	}
	o.ResetChangesRecursive()
	return o, nil
}

// ReadDeleted values: which rows reads see (oslo's read_deleted).
const (
	ReadDeletedNo   = "no"   // live rows only (the default)
	ReadDeletedYes  = "yes"  // live and soft-deleted rows
	ReadDeletedOnly = "only" // soft-deleted rows only
)

func (m *Model) deletedClause(readDeleted string) (string, error) {
	switch readDeleted {
	case "", ReadDeletedNo:
		return m.c.deleted.quoted + " = 0", nil
	case ReadDeletedYes:
		return "", nil
	case ReadDeletedOnly:
		return m.c.deleted.quoted + " != 0", nil
	}
	return "", fmt.Errorf("read_deleted must be no, yes or only, not %q", readDeleted)
}

// Get loads the live (not soft-deleted) object with the given key;
// ErrNotFound if there is none.
func (m *Model) Get(ctx context.Context, q Querier, key int64) (*objects.Object, error) {
	if err := m.check(nil); err != nil {
		return nil, err
	}
	var o *objects.Object
	err := q.withRead1(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		o, err = m.scanner(m.c.allProj).scan(tx.QueryRow(ctx, "SELECT "+m.c.allProj.list(tx.db)+" FROM "+m.c.table+" WHERE "+
			m.c.key.quoted+" = ? AND "+m.c.deleted.quoted+" = 0", key))
		if errors.Is(err, sql.ErrNoRows) {
			return &Error{Kind: ErrNotFound}
		}
		return err
	})
	if err != nil {
		return nil, wrapOp(m.op("get", key), err)
	}
	return o, nil
}

// Find loads the one object that opts' filters match (by uuid, say):
// ErrNotFound if none does, an error if several do.
func (m *Model) Find(ctx context.Context, q Querier, opts ListOptions) (*objects.Object, error) {
	opts.Limit = 2
	opts.Marker = nil
	list, err := m.List(ctx, q, opts)
	switch {
	case err != nil:
		return nil, err
	case len(list) == 0:
		return nil, &Error{Kind: ErrNotFound, Op: m.op("find", nil)}
	case len(list) > 1:
		return nil, fmt.Errorf("db: %s: find: more than one row matches", m.Table)
	}
	return list[0], nil
}

// Update saves the object's changed fields (Changed) in one UPDATE,
// with updated_at set to now, if the row is still live and unchanged
// since the object was loaded (the revision or updated_at compare, see
// Model). It fails with ErrNotFound if the row is gone or soft-deleted,
// and with ErrConflict if another writer saved it first: reload, reapply
// and save again, for instance inside Retry with RetryRequest. On success
// the object holds the new revision and updated_at and has no changes.
// An object without changes is not written.
func (m *Model) Update(ctx context.Context, q Querier, o *objects.Object) error {
	if err := m.check(o); err != nil {
		return err
	}
	c := m.c
	if !o.IsSet(c.key.field) {
		return fmt.Errorf("db: %s: update: the object has no %s", m.Table, c.key.field)
	}
	keyAny, _ := o.Get(c.key.field)
	key := keyAny.(int64)
	changed := o.Changed()
	var fields []string
	for _, f := range changed {
		switch {
		case c.stored[f]:
			fields = append(fields, f)
		case f == c.key.field, c.revision != nil && f == c.revision.field,
			f == c.createdAt.field, f == c.updatedAt.field, f == c.deletedAt.field, f == c.deleted.field:
			return fmt.Errorf("db: %s: update %s=%d: field %s is kept by the store and cannot be changed",
				m.Table, c.key.name, key, f)
		default:
			return fmt.Errorf("db: %s: update %s=%d: field %s changed but has no column: "+
				"map it in Model.Columns or ResetChanges it", m.Table, c.key.name, key, f)
		}
	}
	if len(fields) == 0 {
		return nil
	}
	// The compare-and-swap token.
	var oldRev int64
	var oldUpdated *time.Time
	if c.revision != nil {
		v, err := o.Get(c.revision.field)
		if err != nil || v == nil {
			return fmt.Errorf("db: %s: update %s=%d: the object has no %s (load it before saving)",
				m.Table, c.key.name, key, c.revision.field)
		}
		oldRev = v.(int64)
	} else {
		v, err := o.Get(c.updatedAt.field)
		if err != nil {
			return fmt.Errorf("db: %s: update %s=%d: the object has no updated_at (load it before saving)",
				m.Table, c.key.name, key)
		}
		if v != nil {
			t := v.(time.Time).UTC()
			oldUpdated = &t
		}
	}
	updated := now()
	if oldUpdated != nil && !updated.After(*oldUpdated) {
		// Strictly increasing per row: the compare stays exact even when
		// clocks differ or stand still.
		updated = oldUpdated.Add(time.Microsecond)
	}
	err := q.withTx(ctx, true, func(ctx context.Context, tx *Tx) error {
		var sets []string
		var args []any
		for _, f := range fields {
			k := c.byField[f]
			v, _ := o.Get(f)
			a, err := tx.db.arg(k.kind, v)
			if err != nil {
				return fmt.Errorf("field %s: %w", f, err)
			}
			sets, args = append(sets, k.quoted+" = ?"), append(args, a)
		}
		sets, args = append(sets, c.updatedAt.quoted+" = ?"), append(args, tx.db.TimeArg(updated))
		where := c.key.quoted + " = ? AND " + c.deleted.quoted + " = 0"
		args = append(args, key)
		switch {
		case c.revision != nil:
			sets = append(sets, c.revision.quoted+" = "+c.revision.quoted+" + 1")
			where += " AND " + c.revision.quoted + " = ?"
			args = append(args, oldRev)
		case oldUpdated == nil:
			where += " AND " + c.updatedAt.quoted + " IS NULL"
		default:
			where += " AND " + c.updatedAt.quoted + " = ?"
			args = append(args, tx.db.TimeArg(*oldUpdated))
		}
		update := "UPDATE " + c.table + " SET " + strings.Join(sets, ", ") + " WHERE " + where
		res, err := tx.Exec(ctx, update, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return classify(err)
		}
		if n == 1 {
			return nil
		}
		// Gone, or changed under us? SQLite compares updated_at as
		// text: a row whose time another program wrote in another
		// spelling (CURRENT_TIMESTAMP's, ISO 8601) differs from ours
		// although it is the same instant. Read it as stored.
		sqliteTime := c.revision == nil && oldUpdated != nil && tx.db.backend == SQLite
		var deleted int64
		var stored sql.NullString
		cols, dest := c.deleted.quoted, []any{&deleted}
		if sqliteTime {
			cols, dest = cols+", "+c.updatedAt.sqliteSelect(), append(dest, &stored)
		}
		err = tx.QueryRow(ctx, "SELECT "+cols+" FROM "+c.table+" WHERE "+c.key.quoted+" = ?", key).Scan(dest...)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && deleted != 0) {
			return &Error{Kind: ErrNotFound}
		}
		if err != nil {
			return classify(err)
		}
		if sqliteTime && stored.Valid {
			if t, ok, perr := parseTime(stored.String); perr == nil && ok && t.Equal(*oldUpdated) {
				// Unchanged since loaded: compare with the stored text
				// itself, in this write transaction.
				args[len(args)-1] = stored.String
				if res, err = tx.Exec(ctx, update, args...); err != nil {
					return err
				}
				if n, err = res.RowsAffected(); err != nil {
					return classify(err)
				}
				if n == 1 {
					return nil
				}
			}
		}
		return &Error{Kind: ErrConflict}
	})
	if err != nil {
		return wrapOp(m.op("update", key), err)
	}
	sets := map[string]any{c.updatedAt.field: updated}
	if c.revision != nil {
		sets[c.revision.field] = oldRev + 1
	}
	delete(sets, "")
	if err := m.apply(o, sets); err != nil {
		return wrapOp(m.op("update", key), err)
	}
	o.ResetChangesRecursive()
	return nil
}

// SoftDelete marks the live row with the key deleted, as oslo's
// soft_delete does: deleted = the key, deleted_at = now, updated_at kept
// (and the revision advanced, so a concurrent Update of the loaded object
// fails). ErrNotFound if there is no live row.
func (m *Model) SoftDelete(ctx context.Context, q Querier, key int64) error {
	if err := m.check(nil); err != nil {
		return err
	}
	c := m.c
	err := q.withTx(ctx, true, func(ctx context.Context, tx *Tx) error {
		sets := c.deleted.quoted + " = " + c.key.quoted + ", " + c.deletedAt.quoted + " = ?"
		if c.revision != nil {
			sets += ", " + c.revision.quoted + " = " + c.revision.quoted + " + 1"
		}
		res, err := tx.Exec(ctx, "UPDATE "+c.table+" SET "+sets+" WHERE "+c.key.quoted+" = ? AND "+
			c.deleted.quoted+" = 0", tx.db.TimeArg(now()), key)
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
	return wrapOpIf(m.op("soft delete", key), err)
}

// Delete removes the row with the key, live or soft-deleted, for good;
// ErrNotFound if there is none.
func (m *Model) Delete(ctx context.Context, q Querier, key int64) error {
	if err := m.check(nil); err != nil {
		return err
	}
	c := m.c
	err := q.withTx(ctx, true, func(ctx context.Context, tx *Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM "+c.table+" WHERE "+c.key.quoted+" = ?", key)
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
	return wrapOpIf(m.op("delete", key), err)
}

// Purge removes the rows soft-deleted more than age ago (nova-manage db
// purge --before) and returns how many it removed.
func (m *Model) Purge(ctx context.Context, q Querier, age time.Duration) (int64, error) {
	if err := m.check(nil); err != nil {
		return 0, err
	}
	c := m.c
	before := now().Add(-age)
	var n int64
	err := q.withTx(ctx, true, func(ctx context.Context, tx *Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM "+c.table+" WHERE "+c.deleted.quoted+" != 0 AND "+
			c.deletedAt.quoted+" < ?", tx.db.TimeArg(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return classify(err)
	})
	if err != nil {
		return 0, wrapOp(m.op("purge", nil), err)
	}
	return n, nil
}

func wrapOpIf(op string, err error) error {
	if err == nil {
		return nil
	}
	return wrapOp(op, err)
}

// columnFor returns the column a filter or sort key names: a field
// mapped to a column of its own, the key, or a model column.
func (m *Model) columnFor(name string) (*col, error) {
	k, ok := m.c.byField[name]
	if !ok {
		k, ok = m.c.byName[name]
	}
	if !ok {
		return nil, fmt.Errorf("%s is not a column", name)
	}
	if k.kind == kJSON || k.kind == kObject || k.kind == kObjectList {
		return nil, fmt.Errorf("%s is a JSON column", name)
	}
	return k, nil
}

// filterArg converts a filter value for column k: through the field's
// type when the class has the field (so "42" finds 42 and an address is
// written canonically), else a time or integer as given.
func (m *Model) filterArg(d *DB, k *col, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if s, ok := v.(string); ok && k.plainString {
		return s, nil
	}
	if k.field != "" && k != m.c.deleted {
		tmp := m.Class.New()
		if err := tmp.Set(k.field, v); err != nil {
			return nil, err
		}
		nv, _ := tmp.Get(k.field)
		return d.arg(k.kind, nv)
	}
	if k.kind == kTime {
		switch x := v.(type) {
		case time.Time:
			return d.TimeArg(x), nil
		case string:
			t, _, err := parseTime(x)
			if err != nil {
				return nil, err
			}
			return d.TimeArg(t), nil
		}
		return nil, fmt.Errorf("a %T is not a time", v)
	}
	return v, nil
}
