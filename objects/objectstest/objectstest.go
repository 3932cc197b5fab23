// Package objectstest declares the object classes of goslo's objects
// conformance set (testdata/conformance/objects/testobjects.py): Flavor
// 1.1, Server 1.3 and ServerList 1.3 in the project namespace "goslo",
// field for field as the Python classes declare them. goslo's tests and the
// goslo-conformance command load primitives through them, and they are a
// worked example of declaring classes with package objects.
package objectstest

import (
	"github.com/goslo/goslo/objects"
)

// Namespace is the project namespace of the conformance classes.
const Namespace = "goslo"

// ServerStatuses are the values of Server.status.
var ServerStatuses = []string{"ACTIVE", "BUILD", "ERROR", "DELETED"}

// NewRegistry returns a registry holding Flavor, Server and ServerList.
func NewRegistry() *objects.Registry {
	reg := objects.NewRegistry(Namespace)

	// Version 1.0: initial version
	// Version 1.1: added description
	reg.MustRegister(&objects.Class{
		Name:    "Flavor",
		Version: "1.1",
		Fields: []objects.Field{
			{Name: "id", Type: objects.Integer},
			{Name: "name", Type: objects.String},
			{Name: "vcpus", Type: objects.Integer},
			{Name: "memory_mb", Type: objects.Integer},
			{Name: "is_public", Type: objects.Boolean, Default: true},
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

	// Version 1.0: initial version
	// Version 1.1: added tags
	// Version 1.2: added flavor (a Flavor 1.0)
	// Version 1.3: Flavor bumped to 1.1 (no field change in Server itself)
	reg.MustRegister(&objects.Class{
		Name:    "Server",
		Version: "1.3",
		Fields: []objects.Field{
			{Name: "id", Type: objects.Integer},
			{Name: "uuid", Type: objects.UUID},
			{Name: "name", Type: objects.String},
			{Name: "status", Type: objects.Enum(ServerStatuses...), Default: "BUILD"},
			{Name: "created_at", Type: objects.DateTime, Nullable: true},
			{Name: "launched_at", Type: objects.DateTime, Nullable: true},
			{Name: "access_ip_v4", Type: objects.IPV4Address, Nullable: true},
			{Name: "host_ip", Type: objects.IPAddress, Nullable: true},
			{Name: "metadata", Type: objects.DictOf(objects.Nullable(objects.String)), Default: map[string]any{}},
			{Name: "power", Type: objects.Float},
			{Name: "locked", Type: objects.Boolean, Default: false},
			{Name: "pinned_cpus", Type: objects.SetOf(objects.Integer), Default: []any{}},
			{Name: "tags", Type: objects.ListOf(objects.String), Default: []any{}},
			{Name: "flavor", Type: objects.ObjectOf("Flavor"), Nullable: true},
		},
		// (Server version, Flavor version), oldest first.
		Relationships: map[string][][2]string{
			"flavor": {{"1.2", "1.0"}, {"1.3", "1.1"}},
		},
		MakeCompatible: func(_ *objects.Object, data *objects.Data, target objects.Version) error {
			if target.Before("1.1") {
				data.Delete("tags")
			}
			return nil
		},
	})

	// Version 1.0: Server 1.0 ... Version 1.3: Server 1.3
	reg.MustRegister(&objects.Class{
		Name:    "ServerList",
		Version: "1.3",
		List:    true,
		Fields: []objects.Field{
			{Name: "objects", Type: objects.ListOfObjects("Server")},
		},
		ChildVersions: [][2]string{{"1.0", "1.0"}, {"1.1", "1.1"}, {"1.2", "1.2"}, {"1.3", "1.3"}},
	})
	return reg
}
