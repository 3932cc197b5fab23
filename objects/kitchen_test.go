package objects_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/goslo/goslo/objects"
	"github.com/goslo/goslo/objects/objectstest"
)

// kitchenRegistry is the conformance registry plus Kitchen, the Go twin of
// testdata/kitchen.py: one field of each type the conformance classes do
// not use.
func kitchenRegistry() *objects.Registry {
	reg := objectstest.NewRegistry()
	n := func(name string, t objects.Type) objects.Field {
		return objects.Field{Name: name, Type: t, Nullable: true}
	}
	reg.MustRegister(&objects.Class{
		Name: "Kitchen", Version: "1.0",
		Fields: []objects.Field{
			n("ipv6", objects.IPV6Address),
			n("v46", objects.IPV4AndV6Address),
			n("net", objects.IPNetwork),
			n("net4", objects.IPV4Network),
			n("net6", objects.IPV6Network),
			n("mac", objects.MACAddress),
			n("nni", objects.NonNegativeInteger),
			n("nnf", objects.NonNegativeFloat),
			n("flex", objects.FlexibleBoolean),
			n("secret", objects.SensitiveString),
			n("ints", objects.ListOf(objects.Integer)),
			n("floats", objects.ListOf(objects.Float)),
			n("bools", objects.ListOf(objects.Boolean)),
			n("dates", objects.ListOf(objects.DateTime)),
			n("nstrs", objects.ListOf(objects.Nullable(objects.String))),
			n("dictints", objects.DictOf(objects.Integer)),
			n("dictlists", objects.DictOf(objects.ListOf(objects.String))),
			n("setstr", objects.SetOf(objects.String)),
			n("setfloat", objects.SetOf(objects.Float)),
			n("setdt", objects.SetOf(objects.DateTime)),
			n("setip", objects.SetOf(objects.IPAddress)),
			n("listsets", objects.ListOf(objects.SetOf(objects.Integer))),
			n("ldicts", objects.ListOf(objects.DictOf(objects.Nullable(objects.String)))),
			n("enums", objects.ListOf(objects.Enum("a", "b", "c"))),
			n("uuids", objects.ListOf(objects.UUID)),
			n("child", objects.ObjectOf("Kitchen")),
			n("children", objects.ListOfObjects("Kitchen")),
		},
		Relationships: map[string][][2]string{"child": {{"1.0", "1.0"}}, "children": {{"1.0", "1.0"}}},
	})
	return reg
}

var kitchenFields = []fieldGen{
	{"ipv6", []string{`"2001:db8::1"`, `"::ffff:1.2.3.4"`, `"::1"`, `"FE80::A"`, `18446744073709551616`, `"::192.168.0.1"`}, []string{`"1.2.3.4"`, `5`, `"x"`}},
	{"v46", []string{`"1.2.3.4"`, `"::1"`, `167772161`, `"1.2.3"`}, []string{`"::1/64"`}},
	{"net", []string{`"10.0.0.0/8"`, `"10.0.0.1/8"`, `"::1/64"`, `"10.1/255.255.0.0"`, `"10.0.0.0/0.0.255.255"`, `"10"`, `"10.0.0.0/ 8"`,
		`"::ffff:1.2.3.4/120"`, `"1.2.3/24"`, `"010.0.0.0/8"`, `"2001:DB8::/32"`, `"0.0.0.0/0"`, `"1.2.3.4/32"`, `"1.2.3.4/255.255.255.255"`},
		[]string{`"1.2.3.4/33"`, `"10.0.0.0/255.0.255.0"`, `"x"`, `5`, `"10.0.0.0/"`}},
	{"net4", []string{`"192.168.0.0/16"`, `"10"`, `"10.1.2"`, `"172.16.0.0/255.240.0.0"`}, []string{`"::1/128"`}},
	{"net6", []string{`"2001:db8::/48"`, `"::/0"`, `"fe80::1/64"`, `"::1"`}, []string{`"10.0.0.0/8"`}},
	{"mac", []string{`"AA-BB-CC-DD-EE-FF"`, `"00:11:22:33:44:55"`, `"aa:bb:cc:dd:ee:ff"`}, []string{`"aabbccddeeff"`, `5`, `"AA:BB"`}},
	{"nni", []string{`0`, `5`, `"7"`, `3.9`, `true`}, []string{`-1`, `"-2"`}},
	{"nnf", []string{`0.5`, `0`, `"2.5"`, `-0.0`, `1e300`}, []string{`-0.1`, `"-1"`}},
	{"flex", []string{`"yes"`, `"no"`, `"TRUE"`, `" on "`, `1`, `0`, `"1"`, `"t"`, `true`, `false`, `"maybe"`, `1.0`, `[]`, `{}`}, nil},
	{"secret", []string{`"s3cr3t"`, `12`, `1.5`}, []string{`[]`}},
	{"ints", []string{`[1,2,3]`, `["4"," 5",6.7,true]`, `"123"`, `{"7":1}`, `[]`}, []string{`[null]`, `["x"]`, `5`}},
	{"floats", []string{`[1.5,2,"3.5","-1e3"]`, `[]`, `[true,-0.0]`}, []string{`["x"]`, `[null]`}},
	{"bools", []string{`[true,0,"",[],"x",{}]`, `"ab"`, `[]`}, []string{`[null]`}},
	{"dates", []string{`["2024-01-02T03:04:05Z","2024-01-02T03:04:05+05:30","2024"]`, `[]`}, []string{`["x"]`, `[5]`}},
	{"nstrs", []string{`["a",null,5,1.5]`, `[null]`, `"xy"`}, []string{`[[]]`}},
	{"dictints", []string{`{"a":1,"b":"2","c":3.5,"d":true}`, `{}`}, []string{`{"a":null}`, `{"a":"x"}`, `[]`}},
	{"dictlists", []string{`{"a":["x","y"],"b":"zz","c":[]}`, `{"a":{"k":1}}`}, []string{`{"a":null}`, `{"a":5}`}},
	{"setstr", []string{`["b","a","b"]`, `[1,1.0,true,"1"]`, `"hello"`, `{"x":1,"y":2}`, `[]`, `[1.5,"1.5",2]`}, []string{`[[1]]`, `[null]`}},
	{"setfloat", []string{`[1,1.0,-0.0,0]`, `[3,2.5,"2.5"]`, `[]`}, []string{`["x"]`}},
	{"setdt", []string{`["2024-01-02T03:04:05Z","2024-01-02T08:34:05+05:30","2024-01-02"]`, `[]`}, []string{`["x"]`, `[5]`}},
	{"setip", []string{`["10.0.0.1","10.0.0.1 ","::1",167772161,"0:0::1"]`, `[]`}, []string{`["x"]`}},
	{"listsets", []string{`[[3,1,3],[],"12"]`, `[]`}, []string{`[5]`, `[[[1]]]`}},
	{"ldicts", []string{`[{"a":"x","b":null},{}]`, `[{"n":5}]`, `[]`}, []string{`[[]]`, `[{"a":[]}]`}},
	{"enums", []string{`["a","c"]`, `"abc"`, `[]`}, []string{`["d"]`, `[null]`}},
	{"uuids", []string{`["x",1,[2]]`, `[]`, `"ab"`}, []string{`[null]`}},
	{"child", nil, nil},
	{"children", nil, nil},
}

func (g *gen) kitchen(depth int) string {
	fields := slices.Clone(kitchenFields)
	for i := range fields {
		switch fields[i].name {
		case "child":
			if depth < 2 && g.chance(0.3) {
				fields[i].pool = []string{g.kitchen(depth + 1)}
			} else {
				fields[i].pool = []string{`null`}
			}
		case "children":
			if depth < 2 && g.chance(0.3) {
				fields[i].pool = []string{"[" + g.kitchen(depth+1) + "," + g.kitchen(depth+1) + "]"}
			} else {
				fields[i].pool = []string{`[]`}
			}
		}
	}
	return g.object("Kitchen", `"1.0"`, fields, depth)
}

// sortSetsInLists sorts the inner lists of listsets, which the oracle's
// normalization leaves in Python's set order.
func sortSetsInLists(doc []byte) []byte {
	v, err := decodeNumbers(doc)
	if err != nil {
		return doc
	}
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			for k, e := range x {
				if l, ok := e.([]any); ok && k == "listsets" {
					for _, inner := range l {
						if s, ok := inner.([]any); ok {
							slices.SortFunc(s, func(a, b any) int {
								return strings.Compare(fmt.Sprintf("%020s", a), fmt.Sprintf("%020s", b))
							})
						}
					}
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	out, err := json.Marshal(v)
	if err != nil {
		return doc
	}
	return out
}

// TestDifferentialKitchen compares the field types outside the
// conformance classes with oslo.versionedobjects.
func TestDifferentialKitchen(t *testing.T) {
	o := startOracle(t)
	reg := kitchenRegistry()
	g := &gen{r: rand.New(rand.NewPCG(*diffSeed, 6))}
	failures, values := 0, 0
	for i := 0; i < *diffCases && failures < 20; i++ {
		input := []byte(g.kitchen(0))
		for _, args := range [][]string{{"roundtrip"}, {"changes"}, {"backport", g.pick([]string{"1.0", "0.9"})}} {
			want, ok := o.ask(t, args, input)
			if !ok {
				continue
			}
			if !isErrorJSON(want) {
				values++
			}
			got := goAnswer(reg, args, input)
			if d := compareAnswers(sortSetsInLists(got), sortSetsInLists(want)); d != "" {
				failures++
				t.Errorf("case %d %v: %s\n input: %s\n python: %s\n goslo: %s", i, args, d, input, want, got)
			}
		}
	}
	t.Logf("%d value answers", values)
	if values < *diffCases/2 {
		t.Errorf("only %d answers were values: the generator makes too many errors", values)
	}
}
