package objects_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/goslo/goslo/objects"
)

var utf8Head = `{"versioned_object.name":"Bytes","versioned_object.namespace":"utf8","versioned_object.version":"1.0","versioned_object.data":`

func utf8Registry() *objects.Registry {
	reg := objects.NewRegistry("utf8")
	reg.MustRegister(&objects.Class{Name: "Bytes", Version: "1.0", Fields: []objects.Field{
		{Name: "set", Type: objects.SetOf(objects.String), Nullable: true},
		{Name: "uuids", Type: objects.SetOf(objects.UUID), Nullable: true},
		{Name: "nset", Type: objects.SetOf(objects.Nullable(objects.String)), Nullable: true},
		{Name: "sets", Type: objects.ListOf(objects.SetOf(objects.String)), Nullable: true},
		{Name: "dsets", Type: objects.DictOf(objects.SetOf(objects.String)), Nullable: true},
		{Name: "list", Type: objects.ListOf(objects.String), Nullable: true},
		{Name: "dict", Type: objects.DictOf(objects.String), Nullable: true},
		{Name: "ndict", Type: objects.DictOf(objects.Nullable(objects.String)), Nullable: true},
		{Name: "str", Type: objects.String, Nullable: true},
	}})
	return reg
}

// utf8Cases are primitives of Bytes (or not even that), with their first
// bytes that are not UTF-8 ("" for none).
type utf8Case struct{ name, in, at string }

var utf8Cases = []utf8Case{
	{"string", utf8Head + "{\"str\":\"a\xffb\"}}", "\xff"},
	{"dict key", utf8Head + "{\"dict\":{\"k\xc0\":\"v\"}}", "\xc0"},
	{"dict value", utf8Head + "{\"ndict\":{\"k\":\"\x80\"}}", "\x80"},
	{"set member", utf8Head + "{\"set\":[\"a\",\"\xfe\"]}}", "\xfe"},
	{"escaped string", utf8Head + "{\"str\":\"\\n\xff\"}}", "\xff"},
	{"field name", utf8Head + "{\"st\xffr\":1}}", "\xff"},
	{"value of an unknown field", utf8Head + "{\"other\":[\"\xff\"]}}", "\xff"},
	{"after the primitive", utf8Head + "{}}\xff", "\xff"},
	{"outside a string", utf8Head + "{\"str\":\xff}}", "\xff"},
	{"truncated", utf8Head + "{\"str\":\"\xe2\x82\"}}", "\xe2\x82"},
	{"at the end", utf8Head + "{\"str\":\"\xe2\x82", "\xe2\x82"},
	{"overlong", utf8Head + "{\"str\":\"\xc0\x80\"}}", "\xc0\x80"},
	{"surrogate", utf8Head + "{\"str\":\"\xed\xa0\x80\"}}", "\xed\xa0\x80"},
	{"beyond U+10FFFF", utf8Head + "{\"str\":\"\xf4\x90\x80\x80\"}}", "\xf4\x90"},
	{"not JSON either", "{\"a\xff", "\xff"},
	{"valid", utf8Head + "{\"str\":\"\u00e9\u20ac\U0001F600\uFFFD\",\"dict\":{\"\u00e9\":\"\u20ac\"},\"set\":[\"\u0800\",\"a\"]}}", ""},
	{"valid escapes", utf8Head + "{\"str\":\"\\u00e9\\ud83d\\ude00\\n\u20ac\"}}", ""},
}

// bad returns the offset of the case's first byte that is not UTF-8, -1
// for none.
func (tc *utf8Case) bad() int {
	if tc.at == "" {
		return -1
	}
	return strings.Index(tc.in, tc.at)
}

// TestFromJSONRejectsInvalidUTF8: JSON text that is not UTF-8 is refused
// with a PrimitiveError naming the offset of the first byte that is not,
// on the fast and the reference path, whatever else is wrong with it: as
// oslo's jsonutils.loads, which decodes the bytes first, raises
// UnicodeDecodeError.
func TestFromJSONRejectsInvalidUTF8(t *testing.T) {
	reg := utf8Registry()
	for _, tc := range utf8Cases {

		for _, path := range []struct {
			name string
			load func([]byte) (*objects.Object, error)
		}{{"FromJSON", reg.FromJSON}, {"reference", reg.LoadReference}} {
			t.Run(tc.name+"/"+path.name, func(t *testing.T) {
				o, err := path.load([]byte(tc.in))
				if tc.bad() < 0 {
					if err != nil {
						t.Fatalf("load %q: %v", tc.in, err)
					}
					out, err := o.ToJSON("")
					if err != nil {
						t.Fatal(err)
					}
					if again := writeRead(t, path.load, out); !bytes.Equal(out, again) {
						t.Errorf("writing what was read gives other bytes:\n %s\n %s", out, again)
					}
					return
				}
				var pe *objects.PrimitiveError
				if !errors.As(err, &pe) {
					t.Fatalf("load %q = %v, want a PrimitiveError", tc.in, err)
				}
				if want := fmt.Sprintf("byte 0x%02x at offset %d", tc.in[tc.bad()], tc.bad()); !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			})
		}
	}
	if _, ok := reg.LoadFast([]byte(utf8Cases[len(utf8Cases)-2].in)); !ok {
		t.Error("the fast path gave up on UTF-8 text that is not ASCII")
	}
}

// TestInvalidUTF8AsPython: the cases refused above are the ones oslo's
// jsonutils.loads refuses with UnicodeDecodeError, at the same offset.
func TestInvalidUTF8AsPython(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping Python in -short mode")
	}
	if out, err := exec.Command(python, "-c", "import oslo_serialization.jsonutils").CombinedOutput(); err != nil {
		t.Skipf("skipping: %s cannot import oslo_serialization (%v: %s)", python, err, bytes.TrimSpace(out))
	}
	var ins []string
	for _, tc := range utf8Cases {
		ins = append(ins, hex.EncodeToString([]byte(tc.in)))
	}
	req, _ := json.Marshal(ins)
	const script = `
import json, sys
from oslo_serialization import jsonutils
out = []
for h in json.load(sys.stdin):
    try:
        jsonutils.loads(bytes.fromhex(h))
        out.append(-1)
    except UnicodeDecodeError as e:
        out.append(e.start)
    except ValueError:
        out.append(-1)  # valid UTF-8, not a valid document
print(json.dumps(out))
`
	cmd := exec.Command(python, "-c", script)
	cmd.Stdin = bytes.NewReader(req)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	var starts []int
	if err := json.Unmarshal(out, &starts); err != nil || len(starts) != len(utf8Cases) {
		t.Fatalf("python answered %s (%v)", out, err)
	}
	for i, tc := range utf8Cases {
		if starts[i] != tc.bad() {
			t.Errorf("%s: Python's first byte that is not UTF-8 is at %d, the case says %d", tc.name, starts[i], tc.bad())
		}
	}
}

// TestInvalidUTF8WritesStable: strings that are not UTF-8 can no longer
// come from JSON, but still from Go (FromPrimitive, Set). They are written
// with U+FFFD for each such byte, so they read back as other strings,
// which may sort elsewhere or equal another element. Writing what was read
// must still give the same text: ToJSON -> FromJSON -> ToJSON gives
// identical bytes, on the fast and the reference path, for sets (written
// sorted) and dict keys, and for lists and dict values (whose order does
// not depend on their values).
func TestInvalidUTF8WritesStable(t *testing.T) {
	reg := utf8Registry()
	// "\xc0" sorts before U+0800 by its bytes, but its U+FFFD after it;
	// "a\xff" and "a\xfe" both read back as "a\uFFFD".
	for _, tc := range []struct {
		name string
		data map[string]any
	}{
		{"set reorders", map[string]any{"set": []any{"\xc0", "\u0800", "z"}}},
		{"set alike", map[string]any{"set": []any{"a\xff", "a\xfe", "a"}}},
		{"set alike and reorders", map[string]any{"set": []any{"a\xff", "a\xfe", "a\u0800", "a\uFFFD"}}},
		{"uuid set", map[string]any{"uuids": []any{"\xc0", "\u0800", "a\xff", "a\xfe"}}},
		{"nullable set", map[string]any{"nset": []any{nil, "\xc0", "\u0800", "a\xff", "a\xfe"}}},
		{"list of sets", map[string]any{"sets": []any{[]any{"\xc0", "\u0800"}, []any{"a\xff", "a\xfe"}}}},
		{"dict of sets", map[string]any{"dsets": map[string]any{"k": []any{"\xc0", "\u0800", "a\xff", "a\xfe"}}}},
		{"list", map[string]any{"list": []any{"\xc0", "\u0800", "a\xff", "a\xfe"}}},
		{"dict values", map[string]any{"dict": map[string]any{"a": "\xc0", "b": "\u0800", "c": "a\xff", "d": "a\xfe"}}},
		{"dict keys", map[string]any{"dict": map[string]any{"a\xff": "1", "a\xfe": "2", "\xc0": "3", "\u0800": "4", "a": "5"}}},
		{"nullable dict keys", map[string]any{"ndict": map[string]any{"a\xff": nil, "a\xfe": "2", "\xc0": "3", "\u0800": nil}}},
	} {
		prim := map[string]any{
			"versioned_object.name": "Bytes", "versioned_object.namespace": "utf8",
			"versioned_object.version": "1.0", "versioned_object.data": tc.data,
		}
		o, err := reg.FromPrimitive(prim)
		if err != nil {
			t.Fatalf("%s: FromPrimitive: %v", tc.name, err)
		}
		set := reg.Class("Bytes").New()
		for k, v := range tc.data {
			if err := set.Set(k, v); err != nil {
				t.Fatalf("%s: Set(%q): %v", tc.name, k, err)
			}
		}
		for _, from := range []struct {
			name string
			o    *objects.Object
		}{{"FromPrimitive", o}, {"Set", set}} {
			first, err := from.o.ToJSON("")
			if err != nil {
				t.Fatal(err)
			}
			for _, path := range []struct {
				name string
				load func([]byte) (*objects.Object, error)
			}{{"FromJSON", reg.FromJSON}, {"reference", reg.LoadReference}} {
				t.Run(tc.name+"/"+from.name+"/"+path.name, func(t *testing.T) {
					second := writeRead(t, path.load, first)
					if !bytes.Equal(first, second) {
						t.Errorf("writing what was read gives other bytes:\n first  %q\n second %q", first, second)
					}
				})
			}
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
