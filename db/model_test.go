package db_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goslo/goslo/db"
	"github.com/goslo/goslo/db/internal/testmodel"
	"github.com/goslo/goslo/objects"
)

var ctx = context.Background()

func mustSet(t testing.TB, o *objects.Object, values map[string]any) {
	t.Helper()
	if err := o.Update(values); err != nil {
		t.Fatal(err)
	}
}

func part(t testing.TB, sku string, qty int64, made any) *objects.Object {
	p, err := testmodel.Part.NewWith(map[string]any{"sku": sku, "qty": qty, "made": made})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fullWidget sets every field of a widget to a value that is not the
// type's zero.
func fullWidget(t testing.TB, name string) *objects.Object {
	w := testmodel.Widget.New()
	ist := time.FixedZone("+05:30", 5*3600+1800)
	mustSet(t, w, map[string]any{
		"name": name, "secret": "s3cr3t \"quoted\" ' and ünïcode ✓", "count": int64(-1 << 40), "nni": int64(7),
		"ratio": -1.5e-7, "nnf": 3.25, "flag": true, "flex": "yes",
		"uuid":  "4f1d2c9e-0a3b-4c5d-8e6f-7a8b9c0d1e2f",
		"born":  time.Date(2024, 2, 29, 23, 59, 58, 123456000, time.UTC),
		"color": "green", "mac": "aa:bb:cc:dd:ee:ff",
		"ip": "2001:db8::1", "ip4": "192.0.2.7", "ip6": "fe80::1", "ip46": "10.1.2.3",
		"net": "10.0.0.0/8", "net4": "192.168.0.0/16", "net6": "2001:db8::/48",
		"tags":  []any{"a", "b <&> c", ""},
		"nums":  []any{int64(1), int64(-2), int64(1 << 53)},
		"dates": []any{time.Date(2020, 1, 2, 3, 4, 5, 600000000, time.UTC), time.Date(2021, 6, 7, 8, 9, 10, 0, ist)},
		"meta":  map[string]any{"k": "v", "z": "<tag>"},
		"nmeta": map[string]any{"set": "x", "unset": nil},
		"ports": []any{int64(443), int64(80), int64(22)},
		"addrs": []any{"10.0.0.1", "::1"},
		"part":  part(t, "p-1", 3, time.Date(2019, 5, 6, 7, 8, 9, 0, time.UTC)),
		"parts": []*objects.Object{part(t, "p-2", 1, nil), part(t, "p-3", 2, "2018-01-01T00:00:00Z")},
	})
	return w
}

// fields returns a map of the object's set fields, for comparisons.
func fields(t testing.TB, o *objects.Object) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, f := range o.Class().Fields {
		if !o.IsSet(f.Name) {
			continue
		}
		v, err := o.Get(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = v
	}
	return out
}

var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
	cmp.Comparer(func(a, b *objects.Object) bool { return a.Equal(b) }),
}

func TestModelRoundTripEveryFieldType(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		d, _ := synced(t, b)
		m := testmodel.Widgets
		w := fullWidget(t, "full")
		want := fields(t, w)
		if err := m.Create(ctx, d, w); err != nil {
			t.Fatal(err)
		}
		if len(w.Changed()) != 0 {
			t.Errorf("changes after create: %v", w.Changed())
		}
		id, _ := objects.Get[int64](w, "id")
		if id <= 0 {
			t.Fatalf("id after create = %d", id)
		}
		got, err := m.Get(ctx, d, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Changed()) != 0 {
			t.Errorf("changes after load: %v", got.Changed())
		}
		have := fields(t, got)
		for _, f := range append(append([]string{}, testmodel.ScalarFields...), testmodel.JSONFields...) {
			if d := cmp.Diff(want[f], have[f], cmpOpts); d != "" {
				t.Errorf("field %s (-saved +loaded):\n%s", f, d)
			}
		}
		// The object as created and as loaded are the same object, model
		// fields included.
		if !w.Equal(got) {
			t.Errorf("created and loaded objects differ:\n%s\n%s", w, got)
		}
		if rev, _ := objects.Get[int64](got, "revision"); rev != 1 {
			t.Errorf("revision = %d, want 1", rev)
		}
		if del, _ := objects.Get[bool](got, "deleted"); del {
			t.Error("deleted is true")
		}
		if c, _ := objects.Get[time.Time](got, "created_at"); c.IsZero() {
			t.Error("created_at not set")
		}
		if u, _ := got.Get("updated_at"); u != nil {
			t.Errorf("updated_at = %v on a new row", u)
		}
		// A datetime column keeps the instant (stored as UTC); a datetime in
		// a JSON column keeps its offset.
		dates, _ := objects.Get[[]any](got, "dates")
		if _, off := dates[1].(time.Time).Zone(); off != 5*3600+1800 {
			t.Errorf("offset in a JSON column: %d", off)
		}
	})
}

func TestModelRoundTripNulls(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		d, _ := synced(t, b)
		m := testmodel.Widgets
		w := testmodel.Widget.New()
		values := map[string]any{}
		for _, f := range append(append([]string{}, testmodel.ScalarFields...), testmodel.JSONFields...) {
			values[f] = nil
		}
		mustSet(t, w, values)
		if err := m.Create(ctx, d, w); err != nil {
			t.Fatal(err)
		}
		id, _ := objects.Get[int64](w, "id")
		got, err := m.Get(ctx, d, id)
		if err != nil {
			t.Fatal(err)
		}
		for f := range values {
			v, err := got.Get(f)
			if err != nil || v != nil {
				t.Errorf("%s = %v, %v; want nil", f, v, err)
			}
		}
		// Empty collections are not NULL.
		w2 := testmodel.Widget.New()
		mustSet(t, w2, map[string]any{"tags": []any{}, "meta": map[string]any{}, "parts": []*objects.Object{}, "name": ""})
		if err := m.Create(ctx, d, w2); err != nil {
			t.Fatal(err)
		}
		id2, _ := objects.Get[int64](w2, "id")
		got2, err := m.Get(ctx, d, id2)
		if err != nil {
			t.Fatal(err)
		}
		loaded := fields(t, got2)
		for f, v := range fields(t, w2) {
			if diff := cmp.Diff(v, loaded[f], cmpOpts); diff != "" {
				t.Errorf("%s (-saved +loaded):\n%s", f, diff)
			}
		}
	})
}

func newCounter(t testing.TB, d db.Querier, name string, value int64) *objects.Object {
	t.Helper()
	c, err := testmodel.Counter.NewWith(map[string]any{"name": name, "value": value})
	if err != nil {
		t.Fatal(err)
	}
	if err := testmodel.Counters.Create(ctx, d, c); err != nil {
		t.Fatal(err)
	}
	return c
}

func key(o *objects.Object) int64 {
	v, _ := objects.Get[int64](o, "id")
	return v
}

func TestModelUpdateOnlyChangedFields(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		d, _ := synced(t, b)
		m := testmodel.Widgets
		w := fullWidget(t, "before")
		if err := m.Create(ctx, d, w); err != nil {
			t.Fatal(err)
		}
		// Two copies: one changes the name, the other (loaded after the
		// first saved) changes the count; both changes survive because each
		// UPDATE writes only its own changed field.
		a, _ := m.Get(ctx, d, key(w))
		mustSet(t, a, map[string]any{"name": "after"})
		if err := m.Update(ctx, d, a); err != nil {
			t.Fatal(err)
		}
		if rev, _ := objects.Get[int64](a, "revision"); rev != 2 {
			t.Errorf("revision after update = %d, want 2", rev)
		}
		if u, _ := objects.Get[time.Time](a, "updated_at"); u.IsZero() {
			t.Error("updated_at not set by update")
		}
		b2, _ := m.Get(ctx, d, key(w))
		mustSet(t, b2, map[string]any{"count": int64(99), "tags": []any{"x"}})
		if err := m.Update(ctx, d, b2); err != nil {
			t.Fatal(err)
		}
		got, _ := m.Get(ctx, d, key(w))
		if name, _ := objects.Get[string](got, "name"); name != "after" {
			t.Errorf("name = %q", name)
		}
		if n, _ := objects.Get[int64](got, "count"); n != 99 {
			t.Errorf("count = %d", n)
		}
		if tags, _ := objects.Get[[]string](got, "tags"); !slices.Equal(tags, []string{"x"}) {
			t.Errorf("tags = %v", tags)
		}
		if !got.Equal(b2) {
			t.Errorf("saved object and row differ:\n%s\n%s", b2, got)
		}
		// Nothing changed: no write, the revision stays.
		if err := m.Update(ctx, d, got); err != nil {
			t.Fatal(err)
		}
		if rev, _ := objects.Get[int64](got, "revision"); rev != 3 {
			t.Errorf("revision = %d, want 3", rev)
		}
	})
}

func TestModelConflict(t *testing.T) {
	for _, m := range []*db.Model{testmodel.Counters, testmodel.Notes} {
		t.Run(m.Table, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, b backend) {
				d, _ := synced(t, b)
				var o *objects.Object
				switch m {
				case testmodel.Counters:
					o = newCounter(t, d, "c", 0)
				default:
					o, _ = testmodel.Note.NewWith(map[string]any{"title": "t"})
					if err := m.Create(ctx, d, o); err != nil {
						t.Fatal(err)
					}
				}
				field := map[*db.Model]string{testmodel.Counters: "value", testmodel.Notes: "hits"}[m]
				first, _ := m.Get(ctx, d, key(o))
				second, _ := m.Get(ctx, d, key(o))
				for i := range 3 { // also after updated_at was set once
					mustSet(t, first, map[string]any{field: int64(10 + i)})
					if err := m.Update(ctx, d, first); err != nil {
						t.Fatal(err)
					}
					mustSet(t, second, map[string]any{field: int64(20 + i)})
					err := m.Update(ctx, d, second)
					if !errors.Is(err, db.ErrConflict) {
						t.Fatalf("second writer: %v, want ErrConflict", err)
					}
					if !strings.Contains(err.Error(), m.Table+": update id=") {
						t.Errorf("error does not say what: %v", err)
					}
					// The loser reloads and reapplies: both are now level.
					second, _ = m.Get(ctx, d, key(o))
					if v, _ := objects.Get[int64](second, field); v != int64(10+i) {
						t.Fatalf("%s = %d after the first writer saved %d", field, v, 10+i)
					}
				}
			})
		})
	}
}

func TestModelSoftDeleteAndPurge(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		d, _ := synced(t, b)
		m := testmodel.Counters
		c := newCounter(t, d, "dup", 1)
		stale, _ := m.Get(ctx, d, key(c))
		if err := m.SoftDelete(ctx, d, key(c)); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Get(ctx, d, key(c)); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("get after soft delete: %v", err)
		}
		if err := m.SoftDelete(ctx, d, key(c)); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("second soft delete: %v", err)
		}
		mustSet(t, stale, map[string]any{"value": int64(5)})
		if err := m.Update(ctx, d, stale); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("update of a deleted row: %v, want ErrNotFound", err)
		}
		// deleted holds the id: the name can be used again.
		c2 := newCounter(t, d, "dup", 2)
		// ... but not twice among live rows.
		dup, _ := testmodel.Counter.NewWith(map[string]any{"name": "dup"})
		err := m.Create(ctx, d, dup)
		var de *db.Error
		if !errors.As(err, &de) || de.Kind != db.ErrDuplicate {
			t.Fatalf("duplicate create: %v", err)
		}
		if !slices.Contains(de.Columns, "name") {
			t.Errorf("duplicate columns = %v", de.Columns)
		}
		deleted, err := m.List(ctx, d, db.ListOptions{ReadDeleted: db.ReadDeletedOnly})
		if err != nil || len(deleted) != 1 {
			t.Fatalf("read_deleted=only: %v %v", deleted, err)
		}
		if del, _ := objects.Get[bool](deleted[0], "deleted"); !del {
			t.Error("deleted field false on a deleted row")
		}
		if da, _ := objects.Get[time.Time](deleted[0], "deleted_at"); da.IsZero() {
			t.Error("deleted_at not set")
		}
		all, _ := m.List(ctx, d, db.ListOptions{ReadDeleted: db.ReadDeletedYes})
		if len(all) != 2 {
			t.Errorf("read_deleted=yes: %d rows", len(all))
		}
		// Purge: not younger rows, and never live ones.
		if n, err := m.Purge(ctx, d, time.Hour); err != nil || n != 0 {
			t.Fatalf("purge older than an hour: %d, %v", n, err)
		}
		if n, err := m.Purge(ctx, d, -time.Hour); err != nil || n != 1 {
			t.Fatalf("purge: %d, %v", n, err)
		}
		all, _ = m.List(ctx, d, db.ListOptions{ReadDeleted: db.ReadDeletedYes})
		if len(all) != 1 || key(all[0]) != key(c2) {
			t.Errorf("after purge: %v", all)
		}
		if err := m.Delete(ctx, d, key(c2)); err != nil {
			t.Fatal(err)
		}
		if err := m.Delete(ctx, d, key(c2)); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("second delete: %v", err)
		}
	})
}

func TestModelList(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		d, _ := synced(t, b)
		m := testmodel.Widgets
		colors := []string{"red", "green", "blue"}
		var ids []int64
		for i := range 10 {
			w := testmodel.Widget.New()
			vals := map[string]any{"name": fmt.Sprintf("w%02d", i), "count": int64(i % 3), "color": colors[i%3],
				"ip": fmt.Sprintf("10.0.0.%d", i)}
			if i%4 == 0 {
				vals["ratio"] = nil
			} else {
				vals["ratio"] = float64(i)
			}
			mustSet(t, w, vals)
			if err := m.Create(ctx, d, w); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, key(w))
		}
		names := func(l []*objects.Object) []string {
			var out []string
			for _, o := range l {
				n, _ := objects.Get[string](o, "name")
				out = append(out, n)
			}
			return out
		}
		tests := []struct {
			name string
			opts db.ListOptions
			want []string
		}{
			{"all", db.ListOptions{}, []string{"w00", "w01", "w02", "w03", "w04", "w05", "w06", "w07", "w08", "w09"}},
			{"filter", db.ListOptions{Filters: map[string]any{"color": "green"}}, []string{"w01", "w04", "w07"}},
			{"filter coerced", db.ListOptions{Filters: map[string]any{"count": "2"}}, []string{"w02", "w05", "w08"}},
			{"filter address canonical", db.ListOptions{Filters: map[string]any{"ip": "10.0.0.003"}}, []string{"w03"}},
			{"filter in", db.ListOptions{Filters: map[string]any{"name": []string{"w03", "w09", "nope"}}}, []string{"w03", "w09"}},
			{"filter null", db.ListOptions{Filters: map[string]any{"ratio": nil}}, []string{"w00", "w04", "w08"}},
			// The same filters with other shapes: another statement each.
			{"filter not null", db.ListOptions{Filters: map[string]any{"ratio": 5.0}}, []string{"w05"}},
			{"filter in two", db.ListOptions{Filters: map[string]any{"name": []any{"w01", "w02"}}}, []string{"w01", "w02"}},
			{"filter in none", db.ListOptions{Filters: map[string]any{"name": []string{}}}, nil},
			{"filter and limit", db.ListOptions{Filters: map[string]any{"color": "green"}, Limit: 2}, []string{"w01", "w04"}},
			{"filters", db.ListOptions{Filters: map[string]any{"color": "green", "count": int64(1)}, ReadDeleted: db.ReadDeletedYes},
				[]string{"w01", "w04", "w07"}},
			{"filters in", db.ListOptions{Filters: map[string]any{"color": []string{"red", "blue"}, "count": []int64{0, 2}}},
				[]string{"w00", "w02", "w03", "w05", "w06", "w08", "w09"}},
			{"filter and in", db.ListOptions{Filters: map[string]any{"name": "w01", "count": []any{1, "2"}}}, []string{"w01"}},
			{"filters in two", db.ListOptions{Filters: map[string]any{"name": []any{"w01", "w02"}, "color": []string{"red", "green"}}},
				[]string{"w01"}},
			{"where", db.ListOptions{Where: []db.Cond{{Field: "count", Op: ">=", Value: 1}, {Field: "name", Op: "<", Value: "w05"}}},
				[]string{"w01", "w02", "w04"}},
			{"where created_at", db.ListOptions{Where: []db.Cond{{Field: "created_at", Op: "<=", Value: time.Now().Add(time.Hour)},
				{Field: "count", Op: "=", Value: 0}}}, []string{"w00", "w03", "w06", "w09"}},
			{"where created_at later", db.ListOptions{Where: []db.Cond{{Field: "created_at", Op: ">", Value: "2999-01-01T00:00:00Z"}}}, nil},
			{"where not in", db.ListOptions{Where: []db.Cond{{Field: "color", Op: "not in", Value: []string{"red", "green"}}}},
				[]string{"w02", "w05", "w08"}},
			{"sort desc", db.ListOptions{Sort: []db.Sort{{Key: "count", Dir: "desc"}}, Limit: 4},
				[]string{"w08", "w05", "w02", "w07"}},
			{"limit", db.ListOptions{Limit: 3}, []string{"w00", "w01", "w02"}},
			{"marker", db.ListOptions{Limit: 3, Marker: ids[2]}, []string{"w03", "w04", "w05"}},
			{"marker by name", db.ListOptions{Limit: 2, Marker: "w06", MarkerField: "name"}, []string{"w07", "w08"}},
			{"marker compound", db.ListOptions{Sort: []db.Sort{{Key: "count", Dir: "asc"}, {Key: "name", Dir: "desc"}},
				Marker: ids[6], Limit: 4}, []string{"w03", "w00", "w07", "w04"}},
			{"nullslast", db.ListOptions{Sort: []db.Sort{{Key: "ratio", Dir: "desc-nullslast"}}},
				[]string{"w09", "w07", "w06", "w05", "w03", "w02", "w01", "w08", "w04", "w00"}},
			{"nullsfirst", db.ListOptions{Sort: []db.Sort{{Key: "ratio", Dir: "asc-nullsfirst"}}, Limit: 5},
				[]string{"w00", "w04", "w08", "w01", "w02"}},
			{"nullslast marker", db.ListOptions{Sort: []db.Sort{{Key: "ratio", Dir: "asc-nullslast"}}, Marker: ids[9]},
				[]string{"w00", "w04", "w08"}},
		}
		// Each list runs twice: the second finds the statement of its
		// shape kept (and other lists of the same shape ran between).
		for _, pass := range []string{"made", "kept"} {
			for _, tc := range tests {
				t.Run(pass+"/"+tc.name, func(t *testing.T) {
					got, err := m.List(ctx, d, tc.opts)
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(tc.want, names(got)); diff != "" {
						t.Errorf("(-want +got):\n%s", diff)
					}
				})
			}
		}
		// Paging through everything in pages of 3 visits each row once.
		var seen []string
		var marker any
		for {
			page, err := m.List(ctx, d, db.ListOptions{Sort: []db.Sort{{Key: "color"}}, Limit: 3, Marker: marker})
			if err != nil {
				t.Fatal(err)
			}
			seen = append(seen, names(page)...)
			if len(page) < 3 {
				break
			}
			marker = key(page[len(page)-1])
		}
		slices.Sort(seen)
		if len(seen) != 10 || slices.Compact(slices.Clone(seen)) == nil || len(slices.Compact(seen)) != 10 {
			t.Errorf("paging saw %v", seen)
		}
		errs := []struct {
			name string
			opts db.ListOptions
			kind error
		}{
			{"bad marker", db.ListOptions{Marker: int64(999999)}, db.ErrMarkerNotFound},
			{"bad sort key", db.ListOptions{Sort: []db.Sort{{Key: "nope"}}}, db.ErrInvalidSortKey},
			{"json sort key", db.ListOptions{Sort: []db.Sort{{Key: "tags"}}}, db.ErrInvalidSortKey},
			{"bad sort dir", db.ListOptions{Sort: []db.Sort{{Key: "name", Dir: "up"}}}, db.ErrInvalidSortKey},
			{"bad filter", db.ListOptions{Filters: map[string]any{"nope": 1}}, db.ErrInvalidFilter},
			// A shape whose statement is kept, with a bad value.
			{"bad filter value", db.ListOptions{Filters: map[string]any{"color": "purple"}}, db.ErrInvalidFilter},
			{"bad filter in value", db.ListOptions{Filters: map[string]any{"name": "w01", "count": []any{"x", 1}}}, db.ErrInvalidFilter},
			{"bad filter list value", db.ListOptions{Filters: map[string]any{"name": []any{"w01", "w02"}, "color": []string{"red", "mauve"}}}, db.ErrInvalidFilter},
			{"bad read_deleted", db.ListOptions{ReadDeleted: "maybe"}, db.ErrInvalidFilter},
		}
		for _, pass := range []string{"made", "kept"} {
			for _, tc := range errs {
				t.Run(pass+"/"+tc.name, func(t *testing.T) {
					_, err := m.List(ctx, d, tc.opts)
					if !errors.Is(err, tc.kind) {
						t.Errorf("error %v, want %v", err, tc.kind)
					}
				})
			}
		}
		found, err := m.Find(ctx, d, db.ListOptions{Filters: map[string]any{"name": "w05"}})
		if err != nil || key(found) != ids[5] {
			t.Errorf("find: %v %v", found, err)
		}
		if _, err := m.Find(ctx, d, db.ListOptions{Filters: map[string]any{"name": "none"}}); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("find none: %v", err)
		}
		if _, err := m.Find(ctx, d, db.ListOptions{Filters: map[string]any{"color": "red"}}); err == nil {
			t.Error("find of several rows succeeded")
		}
	})
}

// TestModelListFields checks ListOptions.Fields: only the fields asked
// for (with the key and what Update compares) are loaded, the others are
// unset, such an object saves its changes without touching the rest of
// the row, and a field that is not stored is refused.
func TestModelListFields(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		d, _ := synced(t, b)
		for _, tc := range []struct {
			name   string
			m      *db.Model
			class  *objects.Class
			set    map[string]any
			fields []string
			loaded []string // besides the fields: the key and the compared field
			change map[string]any
		}{
			{"revision", testmodel.Widgets, testmodel.Widget,
				map[string]any{"name": "w", "count": int64(3), "color": "blue", "tags": []any{"a"}},
				[]string{"color", "name"}, []string{"id", "revision"}, map[string]any{"name": "w2"}},
			{"updated_at", testmodel.Notes, testmodel.Note,
				map[string]any{"title": "t", "body": "b", "hits": int64(4)},
				[]string{"title"}, []string{"id", "updated_at"}, map[string]any{"title": "t2"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				o := tc.class.New()
				mustSet(t, o, tc.set)
				if err := tc.m.Create(ctx, d, o); err != nil {
					t.Fatal(err)
				}
				list, err := tc.m.List(ctx, d, db.ListOptions{Fields: tc.fields, Filters: map[string]any{"id": key(o)}})
				if err != nil || len(list) != 1 {
					t.Fatal(len(list), err)
				}
				p := list[0]
				want := append(slices.Clone(tc.fields), tc.loaded...)
				for _, f := range tc.class.Fields {
					if got := p.IsSet(f.Name); got != slices.Contains(want, f.Name) {
						t.Errorf("field %s set %v, want %v", f.Name, got, !got)
					}
				}
				for _, f := range tc.fields {
					w, _ := o.Get(f)
					g, _ := p.Get(f)
					if !cmp.Equal(w, g) {
						t.Errorf("field %s = %v, want %v", f, g, w)
					}
				}
				mustSet(t, p, tc.change)
				if err := tc.m.Update(ctx, d, p); err != nil {
					t.Fatal(err)
				}
				full, err := tc.m.Get(ctx, d, key(o))
				if err != nil {
					t.Fatal(err)
				}
				for f := range tc.set {
					v, _ := o.Get(f)
					if nv, ok := tc.change[f]; ok {
						v = nv
					}
					g, _ := full.Get(f)
					if !cmp.Equal(v, g) {
						t.Errorf("after saving the partial object, %s = %v, want %v", f, g, v)
					}
				}
			})
		}
		for _, tc := range []struct {
			fields []string
			ok     bool
		}{
			{[]string{"name", "id"}, true},    // the key is always loaded; naming it is no error
			{[]string{"deleted_at"}, true},    // a model column the class has
			{[]string{"name", "nope"}, false}, // no such field
		} {
			_, err := testmodel.Widgets.List(ctx, d, db.ListOptions{Fields: tc.fields})
			switch {
			case tc.ok && err != nil:
				t.Errorf("fields %v: %v", tc.fields, err)
			case !tc.ok && (!errors.Is(err, db.ErrInvalidFilter) || !strings.Contains(fmt.Sprint(err), `"nope"`)):
				t.Errorf("fields %v: error %v, want ErrInvalidFilter naming the field", tc.fields, err)
			}
		}
	})
}

func TestModelCheck(t *testing.T) {
	c := testmodel.Widget
	tests := []struct {
		name  string
		model *db.Model
		want  string
	}{
		{"no table", &db.Model{Class: c, Revision: "revision"}, "table name"},
		{"bad field", &db.Model{Table: "w", Class: c, Revision: "revision", Columns: []db.Column{{Field: "nope"}}}, "no field nope"},
		{"list in a column", &db.Model{Table: "w", Class: c, Revision: "revision", Columns: []db.Column{{Field: "tags"}}}, "needs a JSON column"},
		{"objects without registry", &db.Model{Table: "w", Class: c, Revision: "revision", Columns: []db.Column{{Field: "part", JSON: true}}}, "Registry"},
		{"managed field listed", &db.Model{Table: "w", Class: c, Revision: "revision", Columns: []db.Column{{Field: "created_at"}}}, "filled by the store"},
		{"twice", &db.Model{Table: "w", Class: c, Revision: "revision", Columns: []db.Column{{Field: "name"}, {Field: "secret", Name: "name"}}}, "mapped twice"},
		{"no revision", &db.Model{Table: "p", Class: testmodel.Part, Key: "qty"}, "neither a Revision field nor an updated_at"},
		{"string key", &db.Model{Table: "p", Class: testmodel.Part, Key: "sku"}, "not an Integer"},
		{"bad column name", &db.Model{Table: "w", Class: c, Revision: "revision", Columns: []db.Column{{Field: "name", Name: "na me"}}}, "not an identifier"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.model.Check()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Check() = %v, want an error with %q", err, tc.want)
			}
		})
	}
	for _, m := range []*db.Model{testmodel.Widgets, testmodel.Counters, testmodel.Notes} {
		if err := m.Check(); err != nil {
			t.Errorf("%s: %v", m.Table, err)
		}
	}
}

func TestModelUpdateRefusesUnstoredChanges(t *testing.T) {
	d, _ := synced(t, backends()[0])
	m := &db.Model{Table: "counters", Class: testmodel.Counter, Revision: "revision", Columns: []db.Column{{Field: "name"}}}
	c, _ := testmodel.Counter.NewWith(map[string]any{"name": "x"})
	if err := m.Create(ctx, d, c); err != nil {
		t.Fatal(err)
	}
	mustSet(t, c, map[string]any{"value": int64(3)})
	if err := m.Update(ctx, d, c); err == nil || !strings.Contains(err.Error(), "field value changed but has no column") {
		t.Errorf("update with an unmapped change: %v", err)
	}
	c.ResetChanges()
	mustSet(t, c, map[string]any{"revision": int64(7)})
	if err := m.Update(ctx, d, c); err == nil || !strings.Contains(err.Error(), "kept by the store") {
		t.Errorf("update of the revision: %v", err)
	}
}

// TestModelReadsStoredTimeForms writes a SQLite time column in each form
// SQLite's date functions, CURRENT_TIMESTAMP, other programs or an older
// goslo may have left in it, and reads it back through Get, List and a
// List of some fields: every form is the same instant, whatever reads it
// (the select lists hand SQLite's time columns over as text).
func TestModelReadsStoredTimeForms(t *testing.T) {
	d, _ := synced(t, backend{db.SQLite, sqliteURL})
	want := time.Date(2024, 2, 29, 23, 59, 58, 0, time.UTC)
	for _, tc := range []struct{ stored string }{
		{"2024-02-29 23:59:58.000000"},
		{"2024-02-29 23:59:58"},
		{"2024-02-29T23:59:58"},
		{"2024-02-29T23:59:58Z"},
		{"2024-03-01 00:59:58+01:00"},
		{"2024-02-29 23:59:58 +0000 UTC"},
	} {
		t.Run(tc.stored, func(t *testing.T) {
			n := testmodel.Note.New()
			mustSet(t, n, map[string]any{"title": tc.stored})
			if err := testmodel.Notes.Create(ctx, d, n); err != nil {
				t.Fatal(err)
			}
			if _, err := d.SQL().ExecContext(ctx, "UPDATE notes SET created_at = ?, updated_at = ? WHERE id = ?",
				tc.stored, tc.stored, key(n)); err != nil {
				t.Fatal(err)
			}
			got, err := testmodel.Notes.Get(ctx, d, key(n))
			if err != nil {
				t.Fatal(err)
			}
			list, err := testmodel.Notes.List(ctx, d, db.ListOptions{Filters: map[string]any{"id": key(n)}})
			if err != nil || len(list) != 1 {
				t.Fatal(len(list), err)
			}
			some, err := testmodel.Notes.List(ctx, d, db.ListOptions{Fields: []string{"title"}, Filters: map[string]any{"id": key(n)}})
			if err != nil || len(some) != 1 {
				t.Fatal(len(some), err)
			}
			for _, r := range []struct {
				name   string
				o      *objects.Object
				fields []string
			}{{"get", got, []string{"created_at", "updated_at"}}, {"list", list[0], []string{"created_at", "updated_at"}},
				{"list of some fields", some[0], []string{"updated_at"}}} {
				for _, f := range r.fields {
					v, err := objects.Get[time.Time](r.o, f)
					if err != nil || !v.Equal(want) {
						t.Errorf("%s: %s = %v, %v; want %v", r.name, f, v, err, want)
					}
				}
			}
			// The object read saves (the compare is of the stored
			// instant, whatever its spelling); the other copy, loaded
			// before that save, then conflicts.
			mustSet(t, got, map[string]any{"title": "saved"})
			if err := testmodel.Notes.Update(ctx, d, got); err != nil {
				t.Errorf("update of a row whose updated_at is %q: %v", tc.stored, err)
			}
			mustSet(t, list[0], map[string]any{"title": "stale"})
			if err := testmodel.Notes.Update(ctx, d, list[0]); !errors.Is(err, db.ErrConflict) {
				t.Errorf("update of the stale copy: %v, want ErrConflict", err)
			}
		})
	}
	t.Run("not a time", func(t *testing.T) {
		n := testmodel.Note.New()
		if err := testmodel.Notes.Create(ctx, d, n); err != nil {
			t.Fatal(err)
		}
		if _, err := d.SQL().ExecContext(ctx, "UPDATE notes SET updated_at = 'soon' WHERE id = ?", key(n)); err != nil {
			t.Fatal(err)
		}
		_, err := testmodel.Notes.Get(ctx, d, key(n))
		if err == nil || !strings.Contains(err.Error(), "updated_at") || !strings.Contains(err.Error(), `"soon"`) {
			t.Errorf("reading updated_at 'soon': %v, want an error naming the column and the value", err)
		}
	})
}

// TestModelListKeptStatementsAcrossConnectionsAndSchemaChanges runs the
// same lists (whose statement text the model keeps, and which each SQLite
// connection keeps prepared) on connections that are recycled after each
// use, and across a change of the table's schema made by another
// connection: each list sees exactly the committed rows, every time.
func TestModelListKeptStatementsAcrossConnectionsAndSchemaChanges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		d, url := synced(t, b)
		o := testOptions(url)
		o.ConnectionRecycleTime = time.Nanosecond // a new connection for each use
		recycled := openWith(t, o)
		var ids []int64
		for i := range 3 {
			n := testmodel.Note.New()
			mustSet(t, n, map[string]any{"title": fmt.Sprintf("n%d", i), "hits": int64(i)})
			if err := testmodel.Notes.Create(ctx, d, n); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, key(n))
		}
		check := func(t *testing.T, step string, want map[int64]string) {
			t.Helper()
			for _, q := range []*db.DB{d, recycled} {
				for id, title := range want {
					for _, fields := range [][]string{nil, {"title"}} {
						l, err := testmodel.Notes.List(ctx, q, db.ListOptions{Filters: map[string]any{"title": title}, Fields: fields, Limit: 5})
						if err != nil || len(l) != 1 || key(l[0]) != id {
							t.Fatalf("%s: list title %q (fields %v): %d rows, %v; want note %d", step, title, fields, len(l), err, id)
						}
					}
				}
				l, err := testmodel.Notes.List(ctx, q, db.ListOptions{Filters: map[string]any{"id": ids}})
				if err != nil || len(l) != len(want) {
					t.Fatalf("%s: list of all: %d rows, %v; want %d", step, len(l), err, len(want))
				}
			}
		}
		want := map[int64]string{ids[0]: "n0", ids[1]: "n1", ids[2]: "n2"}
		check(t, "first", want)
		check(t, "again", want)
		// Another connection changes the schema: the statements kept
		// by the pooled connections are prepared again by SQLite.
		if _, err := d.SQL().ExecContext(ctx, "ALTER TABLE notes ADD COLUMN extra VARCHAR(10)"); err != nil {
			t.Fatal(err)
		}
		check(t, "after ALTER TABLE", want)
		// A committed write is seen by the next list on every pool.
		l, err := testmodel.Notes.List(ctx, recycled, db.ListOptions{Filters: map[string]any{"title": "n1"}})
		if err != nil || len(l) != 1 {
			t.Fatal(len(l), err)
		}
		mustSet(t, l[0], map[string]any{"title": "renamed"})
		if err := testmodel.Notes.Update(ctx, recycled, l[0]); err != nil {
			t.Fatal(err)
		}
		want[ids[1]] = "renamed"
		check(t, "after an update", want)
		for _, q := range []*db.DB{d, recycled} {
			if l, err := testmodel.Notes.List(ctx, q, db.ListOptions{Filters: map[string]any{"title": "n1"}}); err != nil || len(l) != 0 {
				t.Errorf("the old title still lists: %d rows, %v", len(l), err)
			}
		}
	})
}
