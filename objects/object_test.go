package objects_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goslo/goslo/objects"
	"github.com/goslo/goslo/objects/objectstest"
)

func newServer(t *testing.T, reg *objects.Registry) *objects.Object {
	t.Helper()
	return reg.Class("Server").New()
}

func TestSetCoercion(t *testing.T) {
	reg := objectstest.NewRegistry()
	ist := time.FixedZone("IST", 5*3600+1800)
	tests := []struct {
		field string
		in    any
		want  any    // natural value
		err   string // substring of the error, "" for none
	}{
		{"id", 42, int64(42), ""},
		{"id", "42", int64(42), ""},
		{"id", " 1_000 ", int64(1000), ""},
		{"id", 7.99, int64(7), ""},
		{"id", -7.99, int64(-7), ""},
		{"id", true, int64(1), ""},
		{"id", uint8(200), int64(200), ""},
		{"id", json.Number("12"), int64(12), ""},
		{"id", "abc", nil, `Server.id: bad value 'abc': invalid literal for int()`},
		{"id", "12.0", nil, "invalid literal"},
		{"id", uint64(1 << 63), nil, "out of range"},
		{"id", []int{1}, nil, "int() argument"},
		{"id", nil, nil, "Server.id: cannot be None"},
		{"power", 3, 3.0, ""},
		{"power", "-1e3", -1000.0, ""},
		{"power", "fast", nil, "could not convert"},
		{"name", 12345, "12345", ""},
		{"name", 1.5, "1.5", ""},
		{"name", 1e16, "1e+16", ""},
		{"name", true, "True", ""},
		{"name", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "2024-01-02 03:04:05+00:00", ""},
		{"name", []string{"a"}, nil, "a string is required"},
		{"locked", "false", true, ""},
		{"locked", "", false, ""},
		{"locked", []any{}, false, ""},
		{"locked", nil, false, ""}, // the default
		{"uuid", "Not-A-UUID", "Not-A-UUID", ""},
		{"uuid", []any{1, "a"}, "[1, 'a']", ""},
		{"status", "ACTIVE", "ACTIVE", ""},
		{"status", "active", nil, "not one of ACTIVE, BUILD, ERROR, DELETED"},
		{"status", nil, "BUILD", ""},
		{"created_at", "2024-02-29T23:59:59.5+05:30", time.Date(2024, 2, 29, 23, 59, 59, 5e8, time.FixedZone("+05:30", 19800)), ""},
		{"created_at", time.Date(2024, 1, 1, 0, 0, 0, 1, ist), time.Date(2024, 1, 1, 0, 0, 0, 0, time.FixedZone("+05:30", 19800)), ""},
		{"created_at", time.Date(2024, 1, 1, 0, 0, 0, 1500, time.UTC), time.Date(2024, 1, 1, 0, 0, 0, 1000, time.UTC), ""},
		{"created_at", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), nil, "year 10000 is out of range"},
		{"created_at", "yesterday", nil, "unable to parse date string"},
		{"created_at", 5, nil, "a datetime is required"},
		{"created_at", nil, nil, ""},
		{"access_ip_v4", "192.0.2.1", netip.MustParseAddr("192.0.2.1"), ""},
		{"access_ip_v4", 167772161, netip.MustParseAddr("10.0.0.1"), ""},
		{"access_ip_v4", "::1", nil, "not an IPv4 address"},
		{"access_ip_v4", "10.0.0.256", nil, "failed to detect a valid IP address"},
		{"host_ip", "2001:DB8::1", netip.MustParseAddr("2001:db8::1"), ""},
		{"host_ip", netip.MustParseAddr("fe80::1%eth0"), nil, "failed to detect"},
		{"metadata", map[string]string{"a": "b"}, map[string]any{"a": "b"}, ""},
		{"metadata", map[string]any{"n": 5, "z": nil}, map[string]any{"n": "5", "z": nil}, ""},
		{"metadata", map[string]any{"a": []int{1}}, nil, "Server.metadata[a]: bad value [1]: a string is required"},
		{"metadata", []string{"a"}, nil, "a dict is required"},
		{"pinned_cpus", []int{3, 1, 3, 0}, []int64{0, 1, 3}, ""},
		{"pinned_cpus", map[int]bool{2: true, 1: true}, []int64{1, 2}, ""},
		{"pinned_cpus", []string{"2", " 1"}, []int64{1, 2}, ""},
		{"pinned_cpus", []any{"x"}, nil, "invalid literal"},
		{"tags", []string{"a", "b"}, []string{"a", "b"}, ""},
		{"tags", []any{"a", 5, 1.5, true}, []string{"a", "5", "1.5", "True"}, ""},
		{"tags", []any{"a", nil}, nil, "Server.tags[1]: cannot be None"},
		{"tags", "ab", nil, "a list is required"},
		{"tags", nil, []string{}, ""},
		{"flavor", reg.Class("Server").New(), nil, "an object of type Flavor is required, not a Server"},
		{"flavor", "x", nil, "an object of type Flavor is required"},
		{"nope", 1, nil, "no such field"},
	}
	for _, tt := range tests {
		t.Run(tt.field+"="+strings.ReplaceAll(describe(tt.in), "/", "_"), func(t *testing.T) {
			o := newServer(t, reg)
			err := o.Set(tt.field, tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Set(%s, %#v) = %v, want an error containing %q", tt.field, tt.in, err, tt.err)
				}
				var fe *objects.FieldError
				if !errors.As(err, &fe) || !strings.HasPrefix(fe.Field, tt.field) {
					t.Errorf("error %v does not name the field %s", err, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatalf("Set(%s, %#v): %v", tt.field, tt.in, err)
			}
			got, err := o.Get(tt.field)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b time.Time) bool {
				an, ao := a.Zone()
				bn, bo := b.Zone()
				return a.Equal(b) && an == bn && ao == bo
			}), cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); d != "" {
				t.Errorf("Set(%s, %#v) stored (-want +got):\n%s", tt.field, tt.in, d)
			}
			if ch := o.Changed(); len(ch) != 1 || ch[0] != tt.field {
				t.Errorf("Changed() = %v, want [%s]", ch, tt.field)
			}
		})
	}
}

func describe(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "value"
	}
	if len(b) > 30 {
		b = b[:30]
	}
	return string(b)
}

func TestDateTimeWire(t *testing.T) {
	reg := objectstest.NewRegistry()
	tests := []struct {
		in   any
		want string
	}{
		{time.Date(2024, 3, 1, 10, 20, 30, 999, time.UTC), "2024-03-01T10:20:30Z"},
		{time.Date(2024, 3, 1, 10, 20, 30, 0, time.FixedZone("CET", 3600)), "2024-03-01T10:20:30+01:00"},
		{time.Date(2024, 3, 1, 10, 20, 30, 0, time.FixedZone("UTC", 0)), "2024-03-01T10:20:30Z"},
		{"2024-01-02T03:04:05+00:00", "2024-01-02T03:04:05+00:00"},
		{"2024-01-02T03:04:05-00:00", "2024-01-02T03:04:05-00:00"},
		{"2024-01-02", "2024-01-02T00:00:00Z"},
		{"2024-01-02T03:4", "2024-01-02T03:00:04Z"},
		{"20240102T0304+0530", "2024-01-02T03:04:00+05:30"},
	}
	for _, tt := range tests {
		o := newServer(t, reg)
		if err := o.Set("created_at", tt.in); err != nil {
			t.Fatalf("%v: %v", tt.in, err)
		}
		p, err := o.ToPrimitive("")
		if err != nil {
			t.Fatal(err)
		}
		got := p["versioned_object.data"].(map[string]any)["created_at"]
		if got != tt.want {
			t.Errorf("%v: wire form %v, want %s", tt.in, got, tt.want)
		}
	}
}

func TestReadOnly(t *testing.T) {
	reg := objects.NewRegistry("test")
	cls := reg.MustRegister(&objects.Class{Name: "Thing", Version: "1.0", Fields: []objects.Field{
		{Name: "id", Type: objects.Integer, ReadOnly: true},
	}})
	o := cls.New()
	if err := o.Set("id", 1); err != nil {
		t.Fatal(err)
	}
	o.ResetChanges()
	if err := o.Set("id", "1"); err != nil {
		t.Errorf("setting the same value again: %v", err)
	}
	if len(o.Changed()) != 0 {
		t.Errorf("setting the same read-only value marked it changed: %v", o.Changed())
	}
	var ro *objects.ReadOnlyFieldError
	if err := o.Set("id", 2); !errors.As(err, &ro) {
		t.Errorf("Set of a different value = %v, want ReadOnlyFieldError", err)
	}
	if v, _ := objects.Get[int64](o, "id"); v != 1 {
		t.Errorf("id = %d after a refused change", v)
	}
}

func TestChangeTracking(t *testing.T) {
	reg := objectstest.NewRegistry()
	flavor, err := reg.Class("Flavor").NewWith(map[string]any{"id": 1, "name": "m1"})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := reg.Class("Server").NewWith(map[string]any{"id": 7, "flavor": flavor})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"id", "flavor"}, srv.Changed()); d != "" {
		t.Errorf("Changed (-want +got):\n%s", d)
	}
	srv.ResetChanges()
	if d := cmp.Diff([]string{"flavor"}, srv.Changed()); d != "" {
		t.Errorf("nested changes must show after a shallow reset (-want +got):\n%s", d)
	}
	srv.ResetChangesRecursive()
	if ch := srv.Changed(); len(ch) != 0 {
		t.Errorf("after a recursive reset: %v", ch)
	}
	if err := flavor.Set("vcpus", 2); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]any{"flavor": flavor}, srv.Changes(), cmp.Comparer(func(a, b *objects.Object) bool { return a == b })); d != "" {
		t.Errorf("Changes (-want +got):\n%s", d)
	}
	srv.ResetChanges("id")
	if len(srv.Changed()) != 1 {
		t.Errorf("ResetChanges(id) touched flavor: %v", srv.Changed())
	}

	list := reg.Class("ServerList").New()
	if !list.IsSet("objects") || len(list.Changed()) != 0 {
		t.Errorf("a new list: objects set=%v, changed=%v", list.IsSet("objects"), list.Changed())
	}
	if err := list.Set("objects", []*objects.Object{srv}); err != nil {
		t.Fatal(err)
	}
	list.ResetChanges()
	if d := cmp.Diff([]string{"objects"}, list.Changed()); d != "" {
		t.Errorf("a list with a changed element (-want +got):\n%s", d)
	}
	list.ResetChangesRecursive()
	if len(list.Changed()) != 0 || len(srv.Changed()) != 0 || len(flavor.Changed()) != 0 {
		t.Errorf("recursive reset left changes: %v %v %v", list.Changed(), srv.Changed(), flavor.Changed())
	}
}

func TestLoadAttr(t *testing.T) {
	reg := objects.NewRegistry("test")
	calls := 0
	cls := reg.MustRegister(&objects.Class{Name: "Lazy", Version: "1.0",
		Fields: []objects.Field{{Name: "id", Type: objects.Integer}, {Name: "blob", Type: objects.String}},
		LoadAttr: func(ctx context.Context, o *objects.Object, field string) error {
			calls++
			if field != "blob" {
				return errors.New("cannot load " + field)
			}
			return o.Set(field, "loaded")
		},
	})
	o := cls.New()
	if _, err := o.Get("blob"); !errors.Is(err, objects.ErrNotSet) {
		t.Errorf("Get of an unset field = %v, want ErrNotSet", err)
	}
	v, err := o.Load(context.Background(), "blob")
	if err != nil || v != "loaded" {
		t.Fatalf("Load = %v, %v", v, err)
	}
	if _, err := o.Load(context.Background(), "blob"); err != nil || calls != 1 {
		t.Errorf("second Load called the hook again (%d calls), err %v", calls, err)
	}
	if _, err := o.Load(context.Background(), "id"); err == nil || !strings.Contains(err.Error(), "cannot load id") {
		t.Errorf("Load of an unloadable field = %v", err)
	}
	plain := objectstest.NewRegistry().Class("Flavor").New()
	if _, err := plain.Load(context.Background(), "id"); !errors.Is(err, objects.ErrNotSet) {
		t.Errorf("Load without a hook = %v, want ErrNotSet", err)
	}
}

func TestCloneAndEqual(t *testing.T) {
	reg := objectstest.NewRegistry()
	in := []byte(`{"versioned_object.name":"Server","versioned_object.namespace":"goslo","versioned_object.version":"1.0",
	 "versioned_object.data":{"id":1,"tags":["a"],"metadata":{"k":"v"},"flavor":{"versioned_object.name":"Flavor",
	 "versioned_object.namespace":"goslo","versioned_object.version":"1.1","versioned_object.data":{"id":2}}},
	 "versioned_object.changes":["tags"]}`)
	srv, err := reg.FromJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Clone()
	if c.Version() != "1.3" {
		t.Errorf("clone version %s: oslo's copy takes the class version", c.Version())
	}
	if d := cmp.Diff([]string{"tags"}, c.Changed()); d != "" {
		t.Errorf("clone lost or gained changes (-want +got):\n%s", d)
	}
	srv2, _ := reg.FromJSON(in)
	if !srv.Equal(srv2) {
		t.Error("two loads of one primitive differ")
	}
	tags, _ := objects.Get[[]string](c, "tags")
	tags[0] = "changed"
	md, _ := objects.Get[map[string]any](c, "metadata")
	md["k"] = "changed"
	fl, _ := objects.Get[*objects.Object](c, "flavor")
	if err := fl.Set("id", 3); err != nil {
		t.Fatal(err)
	}
	if !srv.Equal(srv2) {
		t.Error("changing the clone changed the original")
	}
	if srv.Equal(c) {
		t.Error("Equal ignores field values")
	}
}

func TestGetTyped(t *testing.T) {
	reg := objectstest.NewRegistry()
	o := newServer(t, reg)
	if err := o.Update(map[string]any{"id": "5", "launched_at": nil}); err != nil {
		t.Fatal(err)
	}
	if id, err := objects.Get[int64](o, "id"); err != nil || id != 5 {
		t.Errorf("Get[int64] = %d, %v", id, err)
	}
	if _, err := objects.Get[string](o, "id"); err == nil || !strings.Contains(err.Error(), "holds a int64, not a string") {
		t.Errorf("Get with the wrong type = %v", err)
	}
	if v, err := objects.Get[time.Time](o, "launched_at"); err != nil || !v.IsZero() {
		t.Errorf("Get of None = %v, %v; want the zero value", v, err)
	}
	if err := o.Update(map[string]any{"id": 1, "bogus": 2}); err == nil || o.IsSet("bogus") {
		t.Errorf("Update with an unknown field = %v", err)
	}
	if err := o.Unset("id"); err != nil || o.IsSet("id") {
		t.Errorf("Unset: %v, still set %v", err, o.IsSet("id"))
	}
}

// TestSetTakesPlainValuesAsIs checks that a string set on a String or a
// UUID, an int64 set on an Integer and a UTC time to the microsecond set
// on a DateTime are stored as they are, without an allocation: a
// database read sets such fields on every row.
func TestSetTakesPlainValuesAsIs(t *testing.T) {
	reg := objectstest.NewRegistry()
	s := newServer(t, reg)
	for _, tc := range []struct {
		field string
		in    any
	}{
		{"id", int64(1 << 40)},
		{"uuid", "4f1d2c9e-0a3b-4c5d-8e6f-7a8b9c0d1e2f"},
		{"name", "a name that is not interned"},
		{"created_at", time.Date(2024, 2, 29, 23, 59, 58, 123456000, time.UTC)},
	} {
		t.Run(tc.field, func(t *testing.T) {
			allocs := testing.AllocsPerRun(100, func() {
				if err := s.Set(tc.field, tc.in); err != nil {
					t.Fatal(err)
				}
			})
			if got, err := s.Get(tc.field); err != nil || got != tc.in {
				t.Errorf("%s = %v, %v; want %v", tc.field, got, err, tc.in)
			}
			if !slices.Contains(s.Changed(), tc.field) {
				t.Errorf("%s not marked changed", tc.field)
			}
			if allocs != 0 {
				t.Errorf("Set(%q, %T) allocates %v times, want 0", tc.field, tc.in, allocs)
			}
		})
	}
}

func TestSetDefaults(t *testing.T) {
	reg := objectstest.NewRegistry()
	o := newServer(t, reg)
	if err := o.Set("locked", true); err != nil {
		t.Fatal(err)
	}
	if err := o.SetDefaults(); err != nil {
		t.Fatal(err)
	}
	got := map[string]any{}
	for _, f := range []string{"status", "locked", "metadata", "pinned_cpus", "tags"} {
		got[f], _ = o.Get(f)
	}
	want := map[string]any{"status": "BUILD", "locked": true, "metadata": map[string]any{}, "pinned_cpus": []int64{}, "tags": []string{}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("after SetDefaults (-want +got):\n%s", d)
	}
	var ae *objects.ActionError
	if err := o.SetDefaults("id"); !errors.As(err, &ae) {
		t.Errorf("SetDefaults of a field without default = %v", err)
	}
	md, _ := objects.Get[map[string]any](o, "metadata")
	md["x"] = "y"
	o2 := newServer(t, reg)
	if err := o2.SetDefaults("metadata"); err != nil {
		t.Fatal(err)
	}
	if v, _ := objects.Get[map[string]any](o2, "metadata"); len(v) != 0 {
		t.Errorf("objects share a default dict: %v", v)
	}
}

func TestRegistry(t *testing.T) {
	reg := objects.NewRegistry("test", objects.SerialNamespace("test_object"))
	for _, v := range []string{"1.0", "1.4", "2.1"} {
		reg.MustRegister(&objects.Class{Name: "Thing", Version: v, Fields: []objects.Field{{Name: "id", Type: objects.Integer}}})
	}
	tests := []struct{ version, class, err string }{
		{"1.0", "1.0", ""},
		{"1.4", "1.4", ""},
		{"1.2", "1.4", ""},
		{"1.3.0", "1.4", ""},
		{"1.5", "", "version 1.5 of Thing is not supported, supported version is 2.1"},
		{"2.0", "2.1", ""},
		{"3.0", "", "not supported"},
		{"x", "", "bad version"},
	}
	for _, tt := range tests {
		c, err := reg.Lookup("Thing", tt.version)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Lookup(%s) = %v, want error %q", tt.version, err, tt.err)
			}
			continue
		}
		if err != nil || c.Version != tt.class {
			t.Errorf("Lookup(%s) = %v, %v; want class %s", tt.version, c, err, tt.class)
		}
	}
	o, err := reg.FromJSON([]byte(`{"test_object.name":"Thing","test_object.namespace":"test","test_object.version":"1.2","test_object.data":{"id":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	if o.Version() != "1.2" || o.Class().Version != "1.4" {
		t.Errorf("loaded version %s by class %s, want 1.2 by 1.4", o.Version(), o.Class().Version)
	}
	out, _ := o.ToJSON("")
	if !strings.Contains(string(out), `"test_object.version":"1.2"`) {
		t.Errorf("serial namespace or version lost: %s", out)
	}
	var unsupported *objects.UnsupportedObjectError
	if _, err := reg.FromJSON([]byte(`{"test_object.name":"Nope","test_object.namespace":"test","test_object.version":"1.0","test_object.data":{}}`)); !errors.As(err, &unsupported) {
		t.Errorf("unknown name: %v", err)
	}

	bad := []struct {
		name string
		c    objects.Class
		err  string
	}{
		{"no name", objects.Class{Version: "1.0"}, "no name"},
		{"bad version", objects.Class{Name: "X", Version: "1.a"}, "bad version"},
		{"duplicate field", objects.Class{Name: "X", Version: "1.0", Fields: []objects.Field{{Name: "a", Type: objects.String}, {Name: "a", Type: objects.String}}}, "declared twice"},
		{"no type", objects.Class{Name: "X", Version: "1.0", Fields: []objects.Field{{Name: "a"}}}, "no type"},
		{"bad default", objects.Class{Name: "X", Version: "1.0", Fields: []objects.Field{{Name: "a", Type: objects.Integer, Default: "x"}}}, "default"},
		{"null default", objects.Class{Name: "X", Version: "1.0", Fields: []objects.Field{{Name: "a", Type: objects.Integer, Default: objects.Null}}}, "nullable"},
		{"relationship", objects.Class{Name: "X", Version: "1.0", Fields: []objects.Field{{Name: "a", Type: objects.Integer}}, Relationships: map[string][][2]string{"a": {{"1.0", "1.0"}}}}, "not an object field"},
		{"list", objects.Class{Name: "X", Version: "1.0", List: true}, "objects field"},
	}
	for _, tt := range bad {
		c := tt.c
		if err := reg.Register(&c); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: Register = %v, want %q", tt.name, err, tt.err)
		}
	}
}

func TestBackportHooks(t *testing.T) {
	reg := objects.NewRegistry("test")
	var seen []string
	reg.MustRegister(&objects.Class{Name: "Child", Version: "1.2", Fields: []objects.Field{{Name: "a", Type: objects.Integer}, {Name: "b", Type: objects.Integer}},
		MakeCompatible: func(o *objects.Object, data *objects.Data, target objects.Version) error {
			seen = append(seen, "Child "+target.String())
			if target.Before("1.2") {
				data.Delete("b")
			}
			return nil
		}})
	parent := reg.MustRegister(&objects.Class{Name: "Parent", Version: "2.0",
		Fields:        []objects.Field{{Name: "child", Type: objects.ObjectOf("Child")}, {Name: "other", Type: objects.ObjectOf("Child"), Nullable: true}},
		Relationships: map[string][][2]string{"child": {{"1.0", "1.0"}, {"1.5", "1.2"}}},
	})
	child := reg.Class("Child").New()
	_ = child.Update(map[string]any{"a": 1, "b": 2})
	p := parent.New()
	_ = p.Set("child", child)
	prim, err := p.ToPrimitive("1.4")
	if err != nil {
		t.Fatal(err)
	}
	c := prim["versioned_object.data"].(map[string]any)["child"].(map[string]any)
	if c["versioned_object.version"] != "1.0" || len(c["versioned_object.data"].(map[string]any)) != 1 {
		t.Errorf("child backported to %v: %v", c["versioned_object.version"], c)
	}
	if d := cmp.Diff([]string{"Child 1.0"}, seen); d != "" {
		t.Errorf("hook calls (-want +got):\n%s", d)
	}
	if _, err := p.ToPrimitive("0.9"); err != nil {
		t.Errorf("backport below the first relationship: %v", err)
	}
	_ = p.Set("other", child)
	var ae *objects.ActionError
	if _, err := p.ToPrimitive("1.4"); !errors.As(err, &ae) || !strings.Contains(err.Error(), "no rule for other") {
		t.Errorf("backport with a missing relationship = %v", err)
	}
	var it *objects.InvalidTargetVersionError
	if _, err := p.ToPrimitive("2.1"); !errors.As(err, &it) {
		t.Errorf("target newer than the object = %v", err)
	}
}

func TestFingerprints(t *testing.T) {
	decl := func(fields ...objects.Field) *objects.Registry {
		reg := objects.NewRegistry("test")
		reg.MustRegister(&objects.Class{Name: "Thing", Version: "1.0", Fields: fields})
		return reg
	}
	base := decl(objects.Field{Name: "id", Type: objects.Integer})
	want := base.Fingerprints()
	if !strings.HasPrefix(want["Thing"], "1.0-") || len(want["Thing"]) != len("1.0-")+32 {
		t.Fatalf("fingerprint %q", want["Thing"])
	}
	if err := base.CheckFingerprints(want); err != nil {
		t.Errorf("unchanged registry: %v", err)
	}
	changes := map[string]*objects.Registry{
		"type":     decl(objects.Field{Name: "id", Type: objects.String}),
		"nullable": decl(objects.Field{Name: "id", Type: objects.Integer, Nullable: true}),
		"default":  decl(objects.Field{Name: "id", Type: objects.Integer, Default: 1}),
		"new":      decl(objects.Field{Name: "id", Type: objects.Integer}, objects.Field{Name: "x", Type: objects.ListOf(objects.String)}),
		"order":    decl(objects.Field{Name: "x", Type: objects.ListOf(objects.String)}, objects.Field{Name: "id", Type: objects.Integer}),
	}
	for name, reg := range changes {
		err := reg.CheckFingerprints(want)
		if err == nil || !strings.Contains(err.Error(), "without a version bump") {
			t.Errorf("%s: CheckFingerprints = %v", name, err)
		}
	}
	if changes["new"].Fingerprints()["Thing"] != changes["order"].Fingerprints()["Thing"] {
		t.Error("field order changed the fingerprint")
	}
	err := decl().CheckFingerprints(map[string]string{"Thing": want["Thing"], "Gone": "1.0-x"})
	if err == nil || !strings.Contains(err.Error(), "Gone: recorded") || !strings.Contains(err.Error(), `"Thing": "1.0-`) {
		t.Errorf("CheckFingerprints = %v", err)
	}
}

func TestMarshalJSONEmbeds(t *testing.T) {
	reg := objectstest.NewRegistry()
	f, _ := reg.Class("Flavor").NewWith(map[string]any{"id": 1, "name": "m1.tiny"})
	doc, err := json.Marshal(map[string]any{"flavor": f})
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Flavor json.RawMessage `json:"flavor"`
	}
	if err := json.Unmarshal(doc, &back); err != nil {
		t.Fatal(err)
	}
	g, err := reg.FromJSON(back.Flavor)
	if err != nil || !g.Equal(f) {
		t.Errorf("embedded object came back as %v (%v)", g, err)
	}
	// A primitive decoded by encoding/json (numbers as json.Number).
	d := json.NewDecoder(strings.NewReader(string(back.Flavor)))
	d.UseNumber()
	var p any
	if err := d.Decode(&p); err != nil {
		t.Fatal(err)
	}
	h, err := reg.FromPrimitive(p)
	if err != nil || !h.Equal(f) {
		t.Errorf("FromPrimitive gave %v (%v)", h, err)
	}
}

func TestString(t *testing.T) {
	reg := objectstest.NewRegistry()
	f, _ := reg.Class("Flavor").NewWith(map[string]any{"id": 1, "name": "m1", "description": nil})
	want := "Flavor(description=None,extra_specs=<?>,id=1,is_public=<?>,memory_mb=<?>,name='m1',vcpus=<?>)"
	if got := f.String(); got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
}

func TestUnregisteredClass(t *testing.T) {
	c := &objects.Class{Name: "Loose", Version: "1.0", Fields: []objects.Field{{Name: "id", Type: objects.Integer}}}
	o := c.New()
	if _, err := o.ToJSON(""); err == nil || !strings.Contains(err.Error(), "not registered") {
		t.Errorf("ToJSON of an unregistered class = %v", err)
	}
	if _, err := o.ToPrimitive(""); err == nil {
		t.Error("ToPrimitive of an unregistered class succeeded")
	}
}

// TestConcurrentUse shares one registry between goroutines that each load
// and write their own objects (run with -race).
func TestConcurrentUse(t *testing.T) {
	reg := objectstest.NewRegistry()
	in := []byte(`{"versioned_object.name":"Server","versioned_object.namespace":"goslo","versioned_object.version":"1.3",
	 "versioned_object.data":{"id":1,"created_at":"2024-01-02T03:04:05+05:30","tags":["a"],"flavor":{"versioned_object.name":"Flavor",
	 "versioned_object.namespace":"goslo","versioned_object.version":"1.1","versioned_object.data":{"id":2}}}}`)
	want, err := reg.FromJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func() {
			for i := 0; i < 200; i++ {
				o, err := reg.FromJSON(in)
				if err != nil {
					done <- err
					return
				}
				if _, err := o.ToJSON("1.1"); err != nil {
					done <- err
					return
				}
				if !o.Equal(want) {
					done <- errors.New("a concurrent load differs")
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestDataHook checks what a MakeCompatible hook can do with Data, and
// that ToJSON and ToPrimitive write the same backport.
func TestDataHook(t *testing.T) {
	reg := objects.NewRegistry("test")
	reg.MustRegister(&objects.Class{Name: "Child", Version: "1.1", Fields: []objects.Field{
		{Name: "a", Type: objects.Integer}, {Name: "b", Type: objects.Integer},
	}})
	var names []string
	parent := reg.MustRegister(&objects.Class{Name: "Parent", Version: "2.0",
		Fields: []objects.Field{
			{Name: "new_name", Type: objects.String},
			{Name: "tags", Type: objects.ListOf(objects.String)},
			{Name: "child", Type: objects.ObjectOf("Child")},
			{Name: "unset", Type: objects.String},
		},
		Relationships: map[string][][2]string{"child": {{"1.0", "1.0"}, {"2.0", "1.1"}}},
		MakeCompatible: func(o *objects.Object, data *objects.Data, target objects.Version) error {
			if !target.Before("2.0") {
				return nil
			}
			// 2.0 renamed old_name to new_name.
			v, ok := data.Get("new_name")
			if !ok || !data.Has("new_name") {
				return errors.New("new_name missing")
			}
			data.Delete("new_name")
			data.Set("old_name", v)
			// Older peers want upper-case tags.
			tags, _ := data.Get("tags")
			for i, tag := range tags.([]any) {
				tags.([]any)[i] = strings.ToUpper(tag.(string))
			}
			// And no "b" in the child, already relabelled 1.0.
			c, _ := data.Get("child")
			cm := c.(map[string]any)
			if cm["versioned_object.version"] != "1.0" {
				return fmt.Errorf("child at %v", cm["versioned_object.version"])
			}
			delete(cm["versioned_object.data"].(map[string]any), "b")
			if data.Has("unset") {
				return errors.New("an unset field is in the data")
			}
			names = data.Names()
			return nil
		},
	})
	child, _ := reg.Class("Child").NewWith(map[string]any{"a": 1, "b": 2})
	p, err := parent.NewWith(map[string]any{"new_name": "n", "tags": []string{"x", "y"}, "child": child})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"versioned_object.changes":["child","tags"],"versioned_object.data":{"child":{"versioned_object.changes":["a","b"],` +
		`"versioned_object.data":{"a":1},"versioned_object.name":"Child","versioned_object.namespace":"test","versioned_object.version":"1.0"},` +
		`"old_name":"n","tags":["X","Y"]},"versioned_object.name":"Parent","versioned_object.namespace":"test","versioned_object.version":"1.5"}`
	fromJSON, err := p.ToJSON("1.5")
	if err != nil {
		t.Fatal(err)
	}
	if d := compareAnswers(fromJSON, []byte(want)); d != "" {
		t.Errorf("ToJSON: %s\n got %s", d, fromJSON)
	}
	prim, err := p.ToPrimitive("1.5")
	if err != nil {
		t.Fatal(err)
	}
	fromMaps, _ := json.Marshal(prim)
	if d := compareAnswers(fromMaps, []byte(want)); d != "" {
		t.Errorf("ToPrimitive: %s\n got %s", d, fromMaps)
	}
	if d := cmp.Diff([]string{"child", "old_name", "tags"}, names); d != "" {
		t.Errorf("Names (-want +got):\n%s", d)
	}
	// The object itself is untouched.
	if tags, _ := objects.Get[[]string](p, "tags"); tags[0] != "x" {
		t.Errorf("the hook changed the object: %v", tags)
	}
	if own, _ := p.ToJSON(""); !strings.Contains(string(own), `"new_name":"n"`) || !strings.Contains(string(own), `"b":2`) {
		t.Errorf("own version after a backport: %s", own)
	}
}

func TestCycleIsAnError(t *testing.T) {
	reg := objects.NewRegistry("test")
	node := reg.MustRegister(&objects.Class{Name: "Node", Version: "1.0", Fields: []objects.Field{
		{Name: "next", Type: objects.ObjectOf("Node"), Nullable: true},
	}, Relationships: map[string][][2]string{"next": {{"1.0", "1.0"}}}})
	a, b := node.New(), node.New()
	_ = a.Set("next", b)
	_ = b.Set("next", a)
	var ae *objects.ActionError
	if _, err := a.ToJSON(""); !errors.As(err, &ae) {
		t.Errorf("ToJSON of a cycle = %v", err)
	}
	if _, err := a.ToPrimitive(""); !errors.As(err, &ae) {
		t.Errorf("ToPrimitive of a cycle = %v", err)
	}
	_ = a.Changed()
	_ = a.Clone()
}
