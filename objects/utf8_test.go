package objects_test

import (
	"bytes"
	"testing"

	"github.com/goslo/goslo/objects"
)

// TestInvalidUTF8WritesStable: a string that is not UTF-8 is written with
// U+FFFD for each such byte, so it reads back as another string, which may
// sort elsewhere or equal another element. Writing what was read must
// still give the same text: FromJSON -> ToJSON -> FromJSON -> ToJSON gives
// identical bytes, on the fast and the reference path, for sets (which are
// written sorted), and for lists and dict values (whose order does not
// depend on their values).
func TestInvalidUTF8WritesStable(t *testing.T) {
	reg := objects.NewRegistry("utf8")
	reg.MustRegister(&objects.Class{Name: "Bytes", Version: "1.0", Fields: []objects.Field{
		{Name: "set", Type: objects.SetOf(objects.String), Nullable: true},
		{Name: "uuids", Type: objects.SetOf(objects.UUID), Nullable: true},
		{Name: "nset", Type: objects.SetOf(objects.Nullable(objects.String)), Nullable: true},
		{Name: "sets", Type: objects.ListOf(objects.SetOf(objects.String)), Nullable: true},
		{Name: "dsets", Type: objects.DictOf(objects.SetOf(objects.String)), Nullable: true},
		{Name: "list", Type: objects.ListOf(objects.String), Nullable: true},
		{Name: "dict", Type: objects.DictOf(objects.String), Nullable: true},
	}})
	head := `{"versioned_object.name":"Bytes","versioned_object.namespace":"utf8","versioned_object.version":"1.0","versioned_object.data":`
	// "\xc0" sorts before U+0800 by its bytes, but its U+FFFD after it;
	// "a\xff" and "a\xfe" both read back as "a\uFFFD".
	for _, tc := range []struct{ name, data string }{
		{"set reorders", "{\"set\":[\"\xc0\",\"\u0800\",\"z\"]}"},
		{"set alike", "{\"set\":[\"a\xff\",\"a\xfe\",\"a\"]}"},
		{"set alike and reorders", "{\"set\":[\"a\xff\",\"a\xfe\",\"a\u0800\",\"a\uFFFD\"]}"},
		{"uuid set", "{\"uuids\":[\"\xc0\",\"\u0800\",\"a\xff\",\"a\xfe\"]}"},
		{"nullable set", "{\"nset\":[null,\"\xc0\",\"\u0800\",\"a\xff\",\"a\xfe\"]}"},
		{"list of sets", "{\"sets\":[[\"\xc0\",\"\u0800\"],[\"a\xff\",\"a\xfe\"]]}"},
		{"dict of sets", "{\"dsets\":{\"k\":[\"\xc0\",\"\u0800\",\"a\xff\",\"a\xfe\"]}}"},
		{"list", "{\"list\":[\"\xc0\",\"\u0800\",\"a\xff\",\"a\xfe\"]}"},
		{"dict values", "{\"dict\":{\"a\":\"\xc0\",\"b\":\"\u0800\",\"c\":\"a\xff\",\"d\":\"a\xfe\"}}"},
	} {
		in := []byte(head + tc.data + "}")
		for _, path := range []struct {
			name string
			load func([]byte) (*objects.Object, error)
		}{{"FromJSON", reg.FromJSON}, {"reference", reg.LoadReference}} {
			t.Run(tc.name+"/"+path.name, func(t *testing.T) {
				first := writeRead(t, path.load, in)
				second := writeRead(t, path.load, first)
				if !bytes.Equal(first, second) {
					t.Errorf("writing what was read gives other bytes:\n in     %q\n first  %q\n second %q", in, first, second)
				}
			})
		}
	}
}

// TestInvalidUTF8SetFromGo: a set given in Go with strings that are not
// UTF-8 is written as it reads back.
func TestInvalidUTF8SetFromGo(t *testing.T) {
	reg := objects.NewRegistry("utf8")
	reg.MustRegister(&objects.Class{Name: "Bytes", Version: "1.0", Fields: []objects.Field{
		{Name: "set", Type: objects.SetOf(objects.String)},
	}})
	o := reg.Class("Bytes").New()
	if err := o.Set("set", []string{"\xc0", "\u0800", "a\xff", "a\xfe"}); err != nil {
		t.Fatal(err)
	}
	first, err := o.ToJSON("")
	if err != nil {
		t.Fatal(err)
	}
	if second := writeRead(t, reg.FromJSON, first); !bytes.Equal(first, second) {
		t.Errorf("writing what was read gives other bytes:\n first  %q\n second %q", first, second)
	}
	want := "\"set\":[\"a\uFFFD\",\"\u0800\",\"\uFFFD\"]"
	if !bytes.Contains(first, []byte(want)) {
		t.Errorf("ToJSON = %s, want it to hold %s", first, want)
	}
}

// writeRead loads data with load and writes it back.
func writeRead(t *testing.T, load func([]byte) (*objects.Object, error), data []byte) []byte {
	t.Helper()
	o, err := load(data)
	if err != nil {
		t.Fatalf("load %q: %v", data, err)
	}
	out, err := o.ToJSON("")
	if err != nil {
		t.Fatalf("ToJSON: %v", err)
	}
	return out
}
