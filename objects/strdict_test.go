package objects_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/goslo/goslo/objects"
)

func dictRegistry() *objects.Registry {
	reg := objects.NewRegistry("dicts")
	reg.MustRegister(&objects.Class{Name: "Dicts", Version: "1.0", Fields: []objects.Field{
		{Name: "strs", Type: objects.DictOf(objects.String), Nullable: true},
		{Name: "nstrs", Type: objects.DictOf(objects.Nullable(objects.String)), Nullable: true},
		{Name: "enums", Type: objects.DictOf(objects.Enum("a", "b")), Nullable: true},
		{Name: "nenums", Type: objects.DictOf(objects.Nullable(objects.Enum("a", "b"))), Nullable: true},
	}})
	return reg
}

func dictsPrimitive(data string) []byte {
	return []byte(`{"versioned_object.name":"Dicts","versioned_object.namespace":"dicts","versioned_object.version":"1.0","versioned_object.data":` +
		data + `,"versioned_object.changes":["nstrs","strs"]}`)
}

// TestFastDictsSameAsReference: the fast path keeps a dict of strings as
// its sorted members until the map is asked for (see strDict). What it
// writes before and after, and the map it gives, must be the reference
// path's, whatever order and repeats the keys come in.
func TestFastDictsSameAsReference(t *testing.T) {
	var many, manyNull strings.Builder
	for i := range 70 {
		if i > 0 {
			many.WriteByte(',')
			manyNull.WriteByte(',')
		}
		fmt.Fprintf(&many, `"k%02d":"v%d"`, 69-i, i)
		fmt.Fprintf(&manyNull, `"k%02d":null`, i)
	}
	for _, tc := range []struct{ name, data string }{
		{"empty", `{"strs":{},"nstrs":{}}`},
		{"sorted", `{"strs":{"a":"1","b":"2"},"nstrs":{"owner":null,"role":"web"}}`},
		{"unsorted", `{"strs":{"b":"2","a":"1","c":"3"},"nstrs":{"role":"web","owner":null}}`},
		{"repeated keys take the last value", `{"strs":{"b":"2","a":"1","b":"3","a":"0"},"nstrs":{"x":null,"x":"y","z":"1","z":null}}`},
		{"escapes", `{"strs":{"q\"k":"v\n","\u00e9":"\u20ac","a\\b":""},"nstrs":{"\ud83d\ude00":null}}`},
		{"nine members", `{"strs":{"i":"9","h":"8","g":"7","f":"6","e":"5","d":"4","c":"3","b":"2","a":"1"}}`},
		{"seventy members", `{"strs":{` + many.String() + `},"nstrs":{` + manyNull.String() + `}}`},
		{"enums", `{"enums":{"y":"b","x":"a"},"nenums":{"y":null,"x":"b"}}`},
		{"null dicts", `{"strs":null,"nstrs":null}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := dictRegistry()
			in := dictsPrimitive(tc.data)
			ref, err := reg.LoadReference(in)
			if err != nil {
				t.Fatalf("reference path: %v", err)
			}
			want, err := ref.ToJSON("")
			if err != nil {
				t.Fatal(err)
			}
			fast, ok := reg.LoadFast(in)
			if !ok {
				t.Fatalf("the fast path gave up on %s", in)
			}
			// Written before anything asks for a map, then after.
			if got, err := fast.ToJSON(""); err != nil || !bytes.Equal(got, want) {
				t.Fatalf("ToJSON before Get:\n got  %s (%v)\n want %s", got, err, want)
			}
			for _, f := range fast.Class().Fields {
				a, aErr := fast.Get(f.Name)
				b, bErr := ref.Get(f.Name)
				if (aErr == nil) != (bErr == nil) || !reflect.DeepEqual(a, b) {
					t.Errorf("Get(%q) = %#v, %v; the reference path gives %#v, %v", f.Name, a, aErr, b, bErr)
				}
			}
			if got, err := fast.ToJSON(""); err != nil || !bytes.Equal(got, want) {
				t.Errorf("ToJSON after Get:\n got  %s (%v)\n want %s", got, err, want)
			}
			if !fast.Equal(ref) || fast.String() != ref.String() {
				t.Errorf("objects differ:\n fast %s\n ref  %s", fast, ref)
			}
		})
	}
}

// TestFastDictIsTheFieldsMap: Get gives the same map every time, and a
// change made to it is the object's (as for a map given to Set), before
// and after a clone.
func TestFastDictIsTheFieldsMap(t *testing.T) {
	reg := dictRegistry()
	in := dictsPrimitive(`{"strs":{"a":"1"},"nstrs":{"b":null}}`)
	for _, clone := range []bool{false, true} {
		t.Run(fmt.Sprint("clone=", clone), func(t *testing.T) {
			o, ok := reg.LoadFast(in)
			if !ok {
				t.Fatal("the fast path gave up")
			}
			var orig *objects.Object
			if clone {
				orig, o = o, o.Clone()
			}
			m, err := objects.Get[map[string]string](o, "strs")
			if err != nil {
				t.Fatal(err)
			}
			m["z"] = "26"
			n, err := objects.Get[map[string]any](o, "nstrs")
			if err != nil {
				t.Fatal(err)
			}
			n["b"] = "set"
			again, _ := objects.Get[map[string]string](o, "strs")
			if again["z"] != "26" {
				t.Errorf("a second Get gives another map: %v", again)
			}
			out, err := o.ToJSON("")
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{`"strs":{"a":"1","z":"26"}`, `"nstrs":{"b":"set"}`} {
				if !bytes.Contains(out, []byte(want)) {
					t.Errorf("ToJSON = %s, want it to hold %s", out, want)
				}
			}
			if orig != nil {
				out, _ := orig.ToJSON("")
				if !bytes.Contains(out, []byte(`"strs":{"a":"1"}`)) || !bytes.Contains(out, []byte(`"nstrs":{"b":null}`)) {
					t.Errorf("changing the clone's maps changed the original: %s", out)
				}
			}
			// A clone taken once the map exists copies the map.
			c := o.Clone()
			m["y"] = "25"
			cm, _ := objects.Get[map[string]string](c, "strs")
			if _, ok := cm["y"]; ok || cm["z"] != "26" {
				t.Errorf("clone's map = %v, want the map as it was when cloned", cm)
			}
		})
	}
}

// TestFastDictConcurrentGet: goroutines reading one object's dict at the
// same time all get the one map (run with -race).
func TestFastDictConcurrentGet(t *testing.T) {
	reg := dictRegistry()
	o, ok := reg.LoadFast(dictsPrimitive(`{"strs":{"a":"1","b":"2"}}`))
	if !ok {
		t.Fatal("the fast path gave up")
	}
	const n = 4
	maps := make(chan map[string]string, n)
	for range n {
		go func() {
			m, _ := objects.Get[map[string]string](o, "strs")
			maps <- m
		}()
	}
	first := <-maps
	for range n - 1 {
		if m := <-maps; reflect.ValueOf(m).UnsafePointer() != reflect.ValueOf(first).UnsafePointer() {
			t.Error("two goroutines got different maps")
		}
	}
}
