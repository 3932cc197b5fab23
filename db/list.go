package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/goslo/goslo/objects"
)

// Sort is one sort key of a list: a field mapped to a column (or a model
// column) and a direction, "asc" or "desc", optionally followed by
// "-nullsfirst" or "-nullslast" (oslo.db's paginate_query).
type Sort struct {
	Key string
	Dir string
}

// Cond is one condition of a list: Field Op Value, with Op one of =, !=,
// <, <=, >, >=, in, not in. A nil Value with = or != tests IS NULL / IS NOT
// NULL; in and not in take a slice.
type Cond struct {
	Field string
	Op    string
	Value any
}

// ListOptions select, order and page a list, the way OpenStack APIs page
// their collections: Limit rows after the Marker, the last row of the
// previous page, in a total order.
type ListOptions struct {
	// Filters match fields exactly: a nil value matches NULL, a slice
	// any of its values.
	Filters map[string]any
	// Where adds other conditions.
	Where []Cond
	// Sort orders the rows; Model.DefaultSort when empty. The key is
	// added last when missing, in the first key's direction.
	Sort []Sort
	// Limit caps the number of rows; 0 for none.
	Limit int
	// Marker is the MarkerField value (the key when empty; a UUID field,
	// say, for an API's markers) of the last row of the previous page.
	// A marker that matches no row is ErrMarkerNotFound.
	Marker      any
	MarkerField string
	// ReadDeleted is ReadDeletedNo (the default), Yes or Only.
	ReadDeleted string
	// Fields, when not empty, loads only these fields, as SQLAlchemy's
	// load_only: each object also holds its key and what Update compares
	// (the revision, or updated_at), so that it can be saved, and leaves
	// the other fields unset (Get fails with objects.ErrNotSet). A list
	// that shows a few fields then reads and converts only their columns.
	// Filters, sorts and markers may use any field.
	Fields []string
}

// ErrMarkerNotFound is returned by List for a marker no row has
// (nova's MarkerNotFound, a 400 in the API). ErrInvalidSortKey, for a
// sort key that is not a column (InvalidSortKey).
var (
	ErrMarkerNotFound = errors.New("marker not found")
	ErrInvalidSortKey = errors.New("invalid sort key")
	ErrInvalidFilter  = errors.New("invalid filter")
)

type sortCol struct {
	k         *col
	desc      bool
	nullOrder string // "", "nullsfirst", "nullslast"
}

// List returns the objects that match opts, in order.
func (m *Model) List(ctx context.Context, q Querier, opts ListOptions) ([]*objects.Object, error) {
	if err := m.check(nil); err != nil {
		return nil, err
	}
	proj, err := m.project(opts.Fields)
	if err != nil {
		return nil, wrapOp(m.op("list", nil), &Error{Kind: ErrInvalidFilter, Op: "fields", Err: err})
	}
	var out []*objects.Object
	read := func(ctx context.Context, tx *Tx) error {
		out = out[:0]
		query, args, err := m.listQuery(ctx, tx, opts, proj)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		sc := m.scanner(proj)
		for rows.Next() {
			// The statement may run without ctx's end (DB.readOne).
			if err := tx.ctx.Err(); err != nil {
				return err
			}
			o, err := sc.scan(rows)
			if err != nil {
				return err
			}
			out = append(out, o)
		}
		return classify(rows.Err())
	}
	if opts.Marker == nil {
		err = q.withRead1(ctx, read)
	} else {
		// The marker's row is read first: both statements must see the
		// same data.
		err = q.withTx(ctx, false, read)
	}
	if err != nil {
		return nil, wrapOp(m.op("list", nil), err)
	}
	return out, nil
}

func (m *Model) sortCols(sorts []Sort) ([]sortCol, error) {
	if len(sorts) == 0 {
		sorts = m.DefaultSort
	}
	var out []sortCol
	seen := map[*col]bool{}
	for _, s := range sorts {
		k, err := m.columnFor(s.Key)
		if err != nil {
			return nil, &Error{Kind: ErrInvalidSortKey, Op: fmt.Sprintf("sort key %q", s.Key), Err: err}
		}
		dir, null, _ := strings.Cut(s.Dir, "-")
		sc := sortCol{k: k, nullOrder: null}
		switch dir {
		case "", "asc":
		case "desc":
			sc.desc = true
		default:
			return nil, &Error{Kind: ErrInvalidSortKey, Op: fmt.Sprintf("sort direction %q", s.Dir),
				Err: errors.New("must be one of: asc, desc, asc-nullsfirst, asc-nullslast, desc-nullsfirst, desc-nullslast")}
		}
		switch null {
		case "", "nullsfirst", "nullslast":
		default:
			return nil, &Error{Kind: ErrInvalidSortKey, Op: fmt.Sprintf("sort direction %q", s.Dir),
				Err: errors.New("must be one of: asc, desc, asc-nullsfirst, asc-nullslast, desc-nullsfirst, desc-nullslast")}
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, sc)
	}
	if !seen[m.c.key] {
		desc := len(out) > 0 && out[0].desc
		out = append(out, sortCol{k: m.c.key, desc: desc})
	}
	return out, nil
}

func (m *Model) listQuery(ctx context.Context, tx *Tx, opts ListOptions, proj *projection) (string, []any, error) {
	// A list without conditions, sorts or marker of its own (most of an
	// API's) has a statement that depends only on the shape of its filters:
	// the projection keeps the text made the first time, and the filters
	// give only their arguments.
	var kb [192]byte
	shape, cacheable := filterShape(kb[:0], tx.db, opts)
	if cacheable {
		proj.mu.RLock()
		query, ok := proj.queries[string(shape)]
		proj.mu.RUnlock()
		if ok {
			args, err := m.filterArgs(tx.db, opts)
			return query, args, err
		}
	}
	query, args, err := m.buildListQuery(ctx, tx, opts, proj)
	if err != nil || !cacheable {
		return query, args, err
	}
	query = tx.db.rebind(query)
	proj.mu.Lock()
	if proj.queries == nil {
		proj.queries = map[string]string{}
	}
	if len(proj.queries) < maxListShapes {
		proj.queries[string(shape)] = query
	}
	proj.mu.Unlock()
	return query, args, nil
}

// maxListShapes bounds the statements a projection keeps (the lengths of
// "in" filters make shapes without end).
const maxListShapes = 64

// maxShapeFilters is the most filters a list whose statement is kept
// may have.
const maxShapeFilters = 8

// filterShape appends to b what the statement of a list without Where,
// Sort and Marker depends on besides its projection: the backend,
// ReadDeleted, each filter's name (sorted) and whether its value is
// NULL, a list of so many values or one value, and whether there is a
// limit. false: the list's statement is not kept.
func filterShape(b []byte, d *DB, opts ListOptions) ([]byte, bool) {
	if len(opts.Where) > 0 || len(opts.Sort) > 0 || opts.Marker != nil || len(opts.Filters) > maxShapeFilters {
		return b, false
	}
	var kk [maxShapeFilters]string
	keys := kk[:0]
	for f := range opts.Filters {
		keys = append(keys, f)
	}
	slices.Sort(keys)
	b = append(b, d.backend...)
	b = append(b, 0)
	b = append(b, opts.ReadDeleted...)
	for _, f := range keys {
		b = append(b, 0)
		b = append(b, f...)
		b = append(b, 0)
		switch v := opts.Filters[f]; {
		case v == nil:
			b = append(b, 'n')
		default:
			if n, isList := listLen(v); isList {
				b = append(b, 'l')
				b = strconv.AppendInt(b, int64(n), 10)
			} else {
				b = append(b, 'v')
			}
		}
	}
	if opts.Limit > 0 {
		b = append(b, 0, 'L')
	}
	return b, true
}

// filterArgs returns the arguments of the filters of a list whose
// statement is kept (see filterShape), in the order buildListQuery
// gives them.
func (m *Model) filterArgs(d *DB, opts ListOptions) ([]any, error) {
	args := make([]any, 0, len(opts.Filters)+1)
	for _, f := range sortedKeys(opts.Filters) {
		var err error
		if args, err = m.condArgs(d, filterCond(f, opts.Filters[f]), args); err != nil {
			return nil, &Error{Kind: ErrInvalidFilter, Op: fmt.Sprintf("filter %s", f), Err: err}
		}
	}
	if opts.Limit > 0 {
		args = append(args, opts.Limit)
	}
	return args, nil
}

// filterCond is the condition of a filter: = its value, or in its list.
func filterCond(f string, v any) Cond {
	if _, isList := listLen(v); isList {
		return Cond{Field: f, Op: "in", Value: v}
	}
	return Cond{Field: f, Op: "=", Value: v}
}

func (m *Model) buildListQuery(ctx context.Context, tx *Tx, opts ListOptions, proj *projection) (string, []any, error) {
	c := m.c
	var where []string
	var args []any
	if dc, err := m.deletedClause(opts.ReadDeleted); err != nil {
		return "", nil, &Error{Kind: ErrInvalidFilter, Err: err}
	} else if dc != "" {
		where = append(where, dc)
	}
	conds := make([]Cond, 0, len(opts.Filters)+len(opts.Where))
	for _, f := range sortedKeys(opts.Filters) {
		conds = append(conds, filterCond(f, opts.Filters[f]))
	}
	conds = append(conds, opts.Where...)
	for _, cd := range conds {
		w, a, err := m.condition(tx.db, cd)
		if err != nil {
			return "", nil, &Error{Kind: ErrInvalidFilter, Op: fmt.Sprintf("filter %s", cd.Field), Err: err}
		}
		where, args = append(where, w), append(args, a...)
	}
	sorts, err := m.sortCols(opts.Sort)
	if err != nil {
		return "", nil, err
	}
	if opts.Marker != nil {
		w, a, err := m.markerCriteria(ctx, tx, opts, sorts)
		if err != nil {
			return "", nil, err
		}
		if w != "" {
			where, args = append(where, w), append(args, a...)
		}
	}
	var b strings.Builder
	b.WriteString("SELECT " + proj.list(tx.db) + " FROM " + c.table)
	if len(where) > 0 {
		b.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	b.WriteString(" ORDER BY ")
	for i, s := range sorts {
		if i > 0 {
			b.WriteString(", ")
		}
		switch s.nullOrder {
		case "nullsfirst":
			b.WriteString("(" + s.k.quoted + " IS NULL) DESC, ")
		case "nullslast":
			b.WriteString("(" + s.k.quoted + " IS NOT NULL) DESC, ")
		}
		b.WriteString(s.k.quoted)
		if s.desc {
			b.WriteString(" DESC")
		} else {
			b.WriteString(" ASC")
		}
	}
	if opts.Limit > 0 {
		b.WriteString(" LIMIT ?")
		args = append(args, opts.Limit)
	}
	return b.String(), args, nil
}

// condition returns the SQL of cd and its arguments.
func (m *Model) condition(d *DB, cd Cond) (string, []any, error) {
	k, op, err := m.condOp(cd)
	if err != nil {
		return "", nil, err
	}
	args, err := m.condArgs(d, cd, nil)
	if err != nil {
		return "", nil, err
	}
	switch op {
	case "=", "!=":
		if cd.Value == nil {
			if op == "=" {
				return k.quoted + " IS NULL", nil, nil
			}
			return k.quoted + " IS NOT NULL", nil, nil
		}
		return k.quoted + " " + op + " ?", args, nil
	case "<", "<=", ">", ">=":
		return k.quoted + " " + op + " ?", args, nil
	}
	// in, not in
	if len(args) == 0 {
		if op == "in" {
			return "1 = 0", nil, nil
		}
		return "1 = 1", nil, nil
	}
	marks := strings.Repeat(", ?", len(args))[2:]
	return k.quoted + " " + strings.ToUpper(op) + " (" + marks + ")", args, nil
}

// condOp returns the column of cd and its operator: =, !=, <, <=, >,
// >=, in or not in.
func (m *Model) condOp(cd Cond) (*col, string, error) {
	k, err := m.columnFor(cd.Field)
	if err != nil {
		return nil, "", err
	}
	switch op := strings.ToLower(strings.TrimSpace(cd.Op)); op {
	case "==":
		return k, "=", nil
	case "<>":
		return k, "!=", nil
	case "=", "!=", "<", "<=", ">", ">=":
		return k, op, nil
	case "in", "not in":
		if _, ok := listLen(cd.Value); !ok {
			return nil, "", fmt.Errorf("%s takes a list, not a %T", op, cd.Value)
		}
		return k, op, nil
	}
	return nil, "", fmt.Errorf("unknown operator %q", cd.Op)
}

// condArgs appends the arguments of cd to args: none for a NULL test,
// one per value of a list, else one.
func (m *Model) condArgs(d *DB, cd Cond, args []any) ([]any, error) {
	k, op, err := m.condOp(cd)
	if err != nil {
		return nil, err
	}
	if op == "in" || op == "not in" {
		vals, _ := listValues(cd.Value)
		for _, v := range vals {
			a, err := m.filterArg(d, k, v)
			if err != nil {
				return nil, err
			}
			args = append(args, a)
		}
		return args, nil
	}
	if cd.Value == nil && (op == "=" || op == "!=") {
		return args, nil
	}
	a, err := m.filterArg(d, k, cd.Value)
	if err != nil {
		return nil, err
	}
	return append(args, a), nil
}

// listLen returns the length of the slice types a filter may hold.
func listLen(v any) (int, bool) {
	switch x := v.(type) {
	case []any:
		return len(x), true
	case []string:
		return len(x), true
	case []int64:
		return len(x), true
	case []int:
		return len(x), true
	}
	return 0, false
}

// listValues returns the elements of the slice types a filter may hold.
func listValues(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case []string:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out, true
	case []int64:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out, true
	case []int:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out, true
	}
	return nil, false
}

// markerCriteria loads the marker row's sort values and returns the
// condition "after the marker in this order", as paginate_query builds
// it: (k1 > v1) OR (k1 = v1 AND k2 > v2) OR ..., with < for descending
// keys, NULL marker values skipped, and NULLs let through where the
// null ordering puts them after the marker.
func (m *Model) markerCriteria(ctx context.Context, tx *Tx, opts ListOptions, sorts []sortCol) (string, []any, error) {
	field := opts.MarkerField
	if field == "" {
		field = m.c.key.field
	}
	mk, err := m.columnFor(field)
	if err != nil {
		return "", nil, &Error{Kind: ErrInvalidFilter, Op: "marker field " + field, Err: err}
	}
	ma, err := m.filterArg(tx.db, mk, opts.Marker)
	if err != nil {
		return "", nil, &Error{Kind: ErrMarkerNotFound, Op: fmt.Sprintf("marker %v", opts.Marker), Err: err}
	}
	names := make([]string, len(sorts))
	vals := make([]any, len(sorts))
	ptrs := make([]any, len(sorts))
	for i, s := range sorts {
		names[i] = s.k.quoted
		ptrs[i] = &vals[i]
	}
	// The marker may be soft-deleted since the previous page: look it up
	// among all rows, as nova does.
	err = tx.QueryRow(ctx, "SELECT "+strings.Join(names, ", ")+" FROM "+m.c.table+" WHERE "+
		mk.quoted+" = ? LIMIT 1", ma).Scan(ptrs...)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, &Error{Kind: ErrMarkerNotFound, Op: fmt.Sprintf("marker %v", opts.Marker)}
	}
	if err != nil {
		return "", nil, classify(err)
	}
	for i, s := range sorts {
		// Back to an argument of the column's type: SQLite may give a time
		// it parsed, which must be compared as the text it stores.
		if b, ok := vals[i].([]byte); ok {
			vals[i] = string(b)
		}
		if s.k.kind == kTime && vals[i] != nil {
			t, _, err := parseTime(vals[i])
			if err != nil {
				return "", nil, fmt.Errorf("marker %v: column %s: %w", opts.Marker, s.k.name, err)
			}
			vals[i] = tx.db.TimeArg(t)
		}
	}
	var ors []string
	var args []any
	for i, s := range sorts {
		if vals[i] == nil {
			continue
		}
		var ands []string
		for j := 0; j < i; j++ {
			if vals[j] != nil {
				ands = append(ands, sorts[j].k.quoted+" = ?")
				args = append(args, vals[j])
			}
		}
		var crit string
		if s.desc {
			crit = s.k.quoted + " < ?"
			if s.nullOrder == "nullsfirst" {
				crit = "(" + crit + " OR " + s.k.quoted + " IS NULL)"
			}
		} else {
			crit = s.k.quoted + " > ?"
			if s.nullOrder == "nullslast" {
				crit = "(" + crit + " OR " + s.k.quoted + " IS NULL)"
			}
		}
		args = append(args, vals[i])
		ands = append(ands, crit)
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	if len(ors) == 0 {
		return "", nil, nil
	}
	return "(" + strings.Join(ors, " OR ") + ")", args, nil
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
