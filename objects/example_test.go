package objects_test

import (
	"fmt"
	"time"

	"github.com/goslo/goslo/objects"
)

// registry and the two classes below are how a service declares its
// objects: once, at package level.
var registry = objects.NewRegistry("compute")

var flavorClass = registry.MustRegister(&objects.Class{
	Name: "Flavor",
	// Version 1.0: initial version
	// Version 1.1: added description
	Version: "1.1",
	Fields: []objects.Field{
		{Name: "id", Type: objects.Integer, ReadOnly: true},
		{Name: "name", Type: objects.String},
		{Name: "vcpus", Type: objects.Integer},
		{Name: "extra_specs", Type: objects.DictOf(objects.String), Default: map[string]any{}},
		{Name: "description", Type: objects.String, Nullable: true},
	},
	MakeCompatible: func(_ *objects.Object, data *objects.Data, target objects.Version) error {
		if target.Before("1.1") {
			data.Delete("description")
		}
		return nil
	},
})

var serverClass = registry.MustRegister(&objects.Class{
	Name: "Server",
	// Version 1.0: initial version, with a Flavor 1.0
	// Version 1.1: Flavor 1.1
	Version: "1.1",
	Fields: []objects.Field{
		{Name: "uuid", Type: objects.UUID},
		{Name: "name", Type: objects.String},
		{Name: "status", Type: objects.Enum("ACTIVE", "BUILD", "ERROR"), Default: "BUILD"},
		{Name: "created_at", Type: objects.DateTime, Nullable: true},
		{Name: "tags", Type: objects.ListOf(objects.String), Default: []any{}},
		{Name: "flavor", Type: objects.ObjectOf("Flavor")},
	},
	Relationships: map[string][][2]string{"flavor": {{"1.0", "1.0"}, {"1.1", "1.1"}}},
})

// Server wraps an object with typed accessors.
type Server struct{ *objects.Object }

// Name returns the server's name.
func (s Server) Name() (string, error) { return objects.Get[string](s.Object, "name") }

// Flavor returns the server's flavor.
func (s Server) Flavor() (*objects.Object, error) {
	return objects.Get[*objects.Object](s.Object, "flavor")
}

func Example() {
	flavor, err := flavorClass.NewWith(map[string]any{
		"id": 1, "name": "m1.small", "vcpus": "2", "description": "Small",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv, err := serverClass.NewWith(map[string]any{
		"uuid":       "8a9e2f3c-6c1d-4b7e-9f0a-2d3c4b5a6e7f",
		"name":       "web-01",
		"created_at": time.Date(2024, 3, 1, 10, 20, 30, 0, time.UTC),
		"tags":       []string{"prod"},
		"flavor":     flavor,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv.ResetChangesRecursive()
	if err := srv.Set("status", "ACTIVE"); err != nil {
		fmt.Println(err)
		return
	}

	name, _ := Server{srv}.Name()
	fmt.Println(name, srv.Changed())

	// The primitive a Python service running oslo.versionedobjects reads.
	wire, _ := srv.ToJSON("")
	fmt.Println(string(wire))

	// For a peer that only knows Server 1.0 (hence Flavor 1.0).
	old, _ := srv.ToJSON("1.0")
	fmt.Println(string(old))
	// Output:
	// web-01 [status]
	// {"versioned_object.name":"Server","versioned_object.namespace":"compute","versioned_object.version":"1.1","versioned_object.data":{"uuid":"8a9e2f3c-6c1d-4b7e-9f0a-2d3c4b5a6e7f","name":"web-01","status":"ACTIVE","created_at":"2024-03-01T10:20:30Z","tags":["prod"],"flavor":{"versioned_object.name":"Flavor","versioned_object.namespace":"compute","versioned_object.version":"1.1","versioned_object.data":{"id":1,"name":"m1.small","vcpus":2,"description":"Small"}}},"versioned_object.changes":["status"]}
	// {"versioned_object.name":"Server","versioned_object.namespace":"compute","versioned_object.version":"1.0","versioned_object.data":{"uuid":"8a9e2f3c-6c1d-4b7e-9f0a-2d3c4b5a6e7f","name":"web-01","status":"ACTIVE","created_at":"2024-03-01T10:20:30Z","tags":["prod"],"flavor":{"versioned_object.name":"Flavor","versioned_object.namespace":"compute","versioned_object.version":"1.0","versioned_object.data":{"id":1,"name":"m1.small","vcpus":2}}},"versioned_object.changes":["status"]}
}

func ExampleRegistry_FromJSON() {
	obj, err := registry.FromJSON([]byte(`{
		"versioned_object.name": "Flavor",
		"versioned_object.namespace": "compute",
		"versioned_object.version": "1.0",
		"versioned_object.data": {"id": "42", "name": 12345, "extra_specs": null},
		"versioned_object.changes": ["name"]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	id, _ := objects.Get[int64](obj, "id")
	name, _ := objects.Get[string](obj, "name")
	specs, _ := obj.Get("extra_specs")
	fmt.Println(obj.Name(), obj.Version(), id, name, specs, obj.Changed())

	_, err = registry.FromJSON([]byte(`{
		"versioned_object.name": "Flavor",
		"versioned_object.namespace": "compute",
		"versioned_object.version": "1.1",
		"versioned_object.data": {"vcpus": "two"}}`))
	fmt.Println(err)
	// Output:
	// Flavor 1.0 42 12345 map[] [name]
	// objects: Flavor.vcpus: bad value 'two': invalid literal for int() with base 10: 'two'
}

func ExampleObject_Set() {
	f := flavorClass.New()
	fmt.Println(f.Set("vcpus", 4.0), f.Set("id", 7), f.Set("id", 8))
	fmt.Println(f.Set("extra_specs", map[string]any{"hw:cpu_policy": []string{"x"}}))
	fmt.Println(f)
	// Output:
	// <nil> <nil> objects: Flavor.id: cannot modify read-only field
	// objects: Flavor.extra_specs[hw:cpu_policy]: bad value ['x']: a string is required, not a []string
	// Flavor(description=<?>,extra_specs=<?>,id=7,name=<?>,vcpus=4)
}

func ExampleRegistry_CheckFingerprints() {
	// In a project's tests, with the fingerprints recorded when the
	// objects last changed version:
	recorded := map[string]string{
		"Flavor": flavorClass.Fingerprint(),
		"Server": "1.1-00000000000000000000000000000000",
	}
	err := registry.CheckFingerprints(recorded)
	fmt.Println(err != nil)
	// Output:
	// true
}
