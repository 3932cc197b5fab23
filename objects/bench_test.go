package objects_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/goslo/goslo/objects"
	"github.com/goslo/goslo/objects/objectstest"
)

// The benchmarks use the conformance set's full Server (every field type,
// a nested Flavor); testdata/pybench.py times the same operations with
// oslo.versionedobjects.

func benchServer(b *testing.B) (*objects.Registry, *objects.Object) {
	b.Helper()
	data, err := os.ReadFile(filepath.Join(oracleDir, "cases", "server_full_roundtrip.json"))
	if err != nil {
		b.Fatal(err)
	}
	reg := objectstest.NewRegistry()
	obj, err := reg.FromJSON(data)
	if err != nil {
		b.Fatal(err)
	}
	return reg, obj
}

// BenchmarkRoundTrip is object -> primitive JSON -> object (Python:
// json.loads(json.dumps(obj.obj_to_primitive())) then obj_from_primitive).
func BenchmarkRoundTrip(b *testing.B) {
	reg, obj := benchServer(b)
	b.ReportAllocs()
	defer reportCPU(b, processCPU())
	for b.Loop() {
		data, err := obj.ToJSON("")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := reg.FromJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRoundTripMaps goes through the map form (ToPrimitive) both ways.
func BenchmarkRoundTripMaps(b *testing.B) {
	reg, obj := benchServer(b)
	b.ReportAllocs()
	defer reportCPU(b, processCPU())
	for b.Loop() {
		p, err := obj.ToPrimitive("")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := reg.FromPrimitive(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkToJSON(b *testing.B) {
	_, obj := benchServer(b)
	b.ReportAllocs()
	defer reportCPU(b, processCPU())
	for b.Loop() {
		if _, err := obj.ToJSON(""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFromJSON(b *testing.B) {
	reg, obj := benchServer(b)
	data, _ := obj.ToJSON("")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	defer reportCPU(b, processCPU())
	for b.Loop() {
		if _, err := reg.FromJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}

func benchList(b *testing.B, n int) *objects.Object {
	b.Helper()
	reg, srv := benchServer(b)
	objs := make([]*objects.Object, n)
	for i := range objs {
		objs[i] = srv.Clone()
	}
	list := reg.Class("ServerList").New()
	if err := list.Set("objects", objs); err != nil {
		b.Fatal(err)
	}
	return list
}

// BenchmarkBackportList1000 backports a ServerList of 1000 full servers to
// 1.0 (every Server to 1.0: flavor and tags dropped), as
// obj_to_primitive(target_version="1.0") does.
func BenchmarkBackportList1000(b *testing.B) {
	list := benchList(b, 1000)
	b.ReportAllocs()
	defer reportCPU(b, processCPU())
	for b.Loop() {
		if _, err := list.ToPrimitive("1.0"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBackportList1000JSON is the same backport written as JSON.
func BenchmarkBackportList1000JSON(b *testing.B) {
	list := benchList(b, 1000)
	b.ReportAllocs()
	defer reportCPU(b, processCPU())
	for b.Loop() {
		if _, err := list.ToJSON("1.0"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSet sets a String field and an Integer field, converting the
// values as Set does.
func BenchmarkSet(b *testing.B) {
	_, obj := benchServer(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := obj.Set("name", "web-02"); err != nil {
			b.Fatal(err)
		}
		if err := obj.Set("id", int64(102)); err != nil {
			b.Fatal(err)
		}
	}
}
