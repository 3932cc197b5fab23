package objects_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/goslo/goslo/objects"
	"github.com/goslo/goslo/objects/objectstest"
)

// TestFromJSONReusedBuffer checks that a loaded object owns its values:
// FromJSON reads the caller's bytes in place, and the caller may overwrite
// them as soon as it returns (as a message reader reusing its buffer does).
func TestFromJSONReusedBuffer(t *testing.T) {
	inputs := map[string]string{
		"escapes":     `{"versioned_object.name": "Flavor", "versioned_object.namespace": "goslo", "versioned_object.version": "1.1", "versioned_object.data": {"id": 1, "name": "m1\u00e9\"x", "extra_specs": {"k\n": "v\t", "plain": "value"}, "description": null}}`,
		"old version": `{"versioned_object.name": "Flavor", "versioned_object.namespace": "goslo", "versioned_object.version": "1.0", "versioned_object.data": {"id": 1, "name": "m1.tiny", "extra_specs": {"hw:cpu_policy": "dedicated"}}, "versioned_object.changes": ["name"]}`,
		"zone":        `{"versioned_object.name": "Server", "versioned_object.namespace": "goslo", "versioned_object.version": "1.3", "versioned_object.data": {"id": 7, "status": "ERROR", "created_at": "2024-03-01T10:20:30+07:13", "launched_at": "2024-03-01T10:20:30.5-02:41", "tags": ["a", "bb"], "metadata": {"k": "v", "n": null}}}`,
	}
	cases, _ := filepath.Glob(filepath.Join(oracleDir, "cases", "*.json"))
	for _, c := range cases {
		b, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(c)] = string(b)
	}
	g := &gen{r: rand.New(rand.NewPCG(7, 7))}
	for i := range 100 {
		inputs["generated "+string(rune('a'+i/26))+string(rune('a'+i%26))] = g.primitive()
	}
	reg := objectstest.NewRegistry()
	loaded := 0
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			buf := []byte(in)
			obj, err := reg.FromJSON(buf)
			if err != nil {
				return // errors are tested elsewhere; only loaded objects keep values
			}
			loaded++
			before, err := obj.ToJSON("")
			if err != nil {
				return
			}
			for i := range buf {
				buf[i] = 'X'
			}
			after, err := obj.ToJSON("")
			if err != nil {
				t.Fatalf("after overwriting the input: %v", err)
			}
			if !bytes.Equal(before, after) {
				t.Errorf("the object changed when its input was overwritten:\n before: %s\n after:  %s", before, after)
			}
		})
	}
	if loaded < len(inputs)/2 {
		t.Errorf("only %d of %d inputs loaded: the test checks too little", loaded, len(inputs))
	}
}

// TestFastPathSameObject loads each input on FromJSON's fast path and on
// the reference path and compares the objects through the public API:
// the fast path keeps some values in another form (strings, numbers,
// times and IPv4 addresses unboxed), which must not show.
func TestFastPathSameObject(t *testing.T) {
	var inputs []string
	cases, _ := filepath.Glob(filepath.Join(oracleDir, "cases", "*.json"))
	for _, c := range cases {
		b, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, string(b))
	}
	g := &gen{r: rand.New(rand.NewPCG(11, 11))}
	for range 300 {
		inputs = append(inputs, g.primitive())
	}
	reg := objectstest.NewRegistry()
	fast := 0
	for i, in := range inputs {
		obj, ok := reg.LoadFast([]byte(in))
		if !ok {
			continue
		}
		fast++
		ref, err := reg.LoadReference([]byte(in))
		if err != nil {
			t.Fatalf("input %d: the fast path loaded what the reference path refuses (%v):\n%s", i, err, in)
		}
		if !obj.Equal(ref) || !ref.Equal(obj) {
			t.Errorf("input %d: objects not Equal:\n fast: %s\n ref:  %s", i, obj, ref)
		}
		if obj.String() != ref.String() {
			t.Errorf("input %d: String differs:\n fast: %s\n ref:  %s", i, obj, ref)
		}
		for _, f := range obj.Class().Fields {
			a, aErr := obj.Get(f.Name)
			b, bErr := ref.Get(f.Name)
			if (aErr == nil) != (bErr == nil) || !sameValue(a, b) {
				t.Errorf("input %d: Get(%q) = %#v, %v on the fast path, %#v, %v on the reference path", i, f.Name, a, aErr, b, bErr)
			}
		}
		for _, target := range []string{"", "1.0"} {
			ja, aErr := obj.ToJSON(target)
			jb, bErr := ref.ToJSON(target)
			if (aErr == nil) != (bErr == nil) || !bytes.Equal(ja, jb) {
				t.Errorf("input %d: ToJSON(%q) differs:\n fast: %s (%v)\n ref:  %s (%v)", i, target, ja, aErr, jb, bErr)
			}
			pa, aErr := obj.ToPrimitive(target)
			pb, bErr := ref.ToPrimitive(target)
			if (aErr == nil) != (bErr == nil) || !reflect.DeepEqual(pa, pb) {
				t.Errorf("input %d: ToPrimitive(%q) differs:\n fast: %v (%v)\n ref:  %v (%v)", i, target, pa, aErr, pb, bErr)
			}
		}
		if c, r := obj.Clone(), ref.Clone(); !c.Equal(r) || c.String() != r.String() {
			t.Errorf("input %d: clones differ:\n fast: %s\n ref:  %s", i, c, r)
		}
	}
	if fast < 50 {
		t.Errorf("only %d of %d inputs took the fast path: the test checks too little", fast, len(inputs))
	}
}

// sameValue compares field values, objects with Equal (their insides
// may be held differently).
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case *objects.Object:
		y, ok := b.(*objects.Object)
		return ok && (x == nil) == (y == nil) && (x == nil || x.Equal(y))
	case []*objects.Object:
		y, ok := b.([]*objects.Object)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// TestFastPathOddNames: the fast path matches a field name (or a
// primitive key) in place only where its JSON spelling is its own bytes.
// A name with an escaped character, or with a byte that is not UTF-8
// (which a writer spells U+FFFD), must read as the reference path reads it;
// the name's raw bytes are not JSON (not UTF-8) and are refused.
func TestFastPathOddNames(t *testing.T) {
	reg := objects.NewRegistry("odd", objects.SerialNamespace("v\u00e9\"o"))
	reg.MustRegister(&objects.Class{Name: "Odd", Version: "1.0", Fields: []objects.Field{
		{Name: "a\xffb", Type: objects.Integer, Nullable: true},
		{Name: `q"uote`, Type: objects.Integer, Nullable: true},
		{Name: "plain", Type: objects.Integer, Nullable: true},
	}})
	head := `{"v\u00e9\"o.name":"Odd","v\u00e9\"o.namespace":"odd","v\u00e9\"o.version":"1.0","v\u00e9\"o.data":`
	raw := head + `{"a` + "\xff" + `b":1,"q\"uote":2,"plain":3},"v\u00e9\"o.changes":["a` + "\xff" + `b","q\"uote"]}`
	if _, ok := reg.LoadFast([]byte(raw)); ok {
		t.Error("the fast path read a name that is not UTF-8")
	}
	if _, err := reg.FromJSON([]byte(raw)); err == nil {
		t.Error("FromJSON read a name that is not UTF-8")
	}
	for name, in := range map[string]string{
		"replacement": head + `{"a` + "\uFFFD" + `b":1,"q\"uote":2,"plain":3},"v\u00e9\"o.changes":["a` + "\uFFFD" + `b","plain"]}`,
		"written":     "",
	} {
		t.Run(name, func(t *testing.T) {
			if in == "" {
				o := reg.Class("Odd").New()
				for i, f := range o.Class().Fields {
					if err := o.Set(f.Name, i+1); err != nil {
						t.Fatal(err)
					}
				}
				b, err := o.ToJSON("")
				if err != nil {
					t.Fatal(err)
				}
				in = string(b)
			}
			ref, err := reg.LoadReference([]byte(in))
			if err != nil {
				t.Fatalf("reference path: %v\n%s", err, in)
			}
			fast, ok := reg.LoadFast([]byte(in))
			if !ok {
				return // the fast path may leave it to the reference path
			}
			for _, f := range ref.Class().Fields {
				a, aErr := fast.Get(f.Name)
				b, bErr := ref.Get(f.Name)
				if (aErr == nil) != (bErr == nil) || a != b {
					t.Errorf("Get(%q) = %v, %v on the fast path, %v, %v on the reference path", f.Name, a, aErr, b, bErr)
				}
			}
			if a, b := fmt.Sprint(fast.Changed()), fmt.Sprint(ref.Changed()); a != b {
				t.Errorf("Changed() = %s on the fast path, %s on the reference path", a, b)
			}
		})
	}
}

// TestFastPathSharedChunks: the fast path keeps the strings of lists,
// sets and dicts, and the integers of lists and sets, in chunks shared by
// the whole primitive. The slices Get gives must behave as slices of their
// own: writing their elements changes that field only, appending copies.
// The same edits on the reference path's object must write the same text.
func TestFastPathSharedChunks(t *testing.T) {
	reg := objectstest.NewRegistry()
	in := []byte(`{"versioned_object.name":"Server","versioned_object.namespace":"goslo","versioned_object.version":"1.3",
	 "versioned_object.data":{"id":1,"uuid":"8a9e2f3c-6c1d-4b7e-9f0a-2d3c4b5a6e7f","name":"n","metadata":{"b":"2","a":null},
	 "pinned_cpus":[3,1,2],"tags":["x","y"],"host_ip":"2001:db8::1","flavor":{"versioned_object.name":"Flavor",
	 "versioned_object.namespace":"goslo","versioned_object.version":"1.1","versioned_object.data":{"id":2,"extra_specs":{"k":"v"}}}}}`)
	fast, ok := reg.LoadFast(in)
	if !ok {
		t.Fatal("the fast path gave up")
	}
	ref, err := reg.LoadReference(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []*objects.Object{fast, ref} {
		tags, err := objects.Get[[]string](o, "tags")
		if err != nil {
			t.Fatal(err)
		}
		pins, err := objects.Get[[]int64](o, "pinned_cpus")
		if err != nil {
			t.Fatal(err)
		}
		more := append(tags, "z")
		more[0] = "appended"
		morePins := append(pins, 9)
		morePins[0] = 99
		for i := range tags {
			tags[i] += "!"
		}
		for i := range pins {
			pins[i] = -pins[i]
		}
	}
	a, errA := fast.ToJSON("")
	b, errB := ref.ToJSON("")
	if errA != nil || errB != nil || !bytes.Equal(a, b) {
		t.Errorf("after the same edits:\n fast %s (%v)\n ref  %s (%v)", a, errA, b, errB)
	}
	if !bytes.Contains(a, []byte(`"pinned_cpus":[-1,-2,-3]`)) || !bytes.Contains(a, []byte(`"tags":["x!","y!"]`)) {
		t.Errorf("the edits did not take: %s", a)
	}
}
