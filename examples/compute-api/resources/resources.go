// Package resources declares the compute API's resources as versioned
// objects: Flavor and Server, in the "compute" project namespace. They are
// what the API reads and writes, what the database stores, and what one
// service would send another.
package resources

import (
	"github.com/goslo/goslo/objects"
)

// Namespace is the project namespace of the objects.
const Namespace = "compute"

// Server statuses.
const (
	StatusBuild   = "BUILD"
	StatusActive  = "ACTIVE"
	StatusError   = "ERROR"
	StatusDeleted = "DELETED"
)

// Registry holds every resource class.
var Registry = objects.NewRegistry(Namespace)

// timestamps are the fields of nova's TimestampedObject and
// SoftDeleteObject mixins.
var timestamps = []objects.Field{
	{Name: "created_at", Type: objects.DateTime, Nullable: true},
	{Name: "updated_at", Type: objects.DateTime, Nullable: true},
	{Name: "deleted_at", Type: objects.DateTime, Nullable: true},
	{Name: "deleted", Type: objects.Boolean, Default: false},
}

// Flavor is a size servers are made with.
//
// Version 1.0: initial version.
// Version 1.1: added description.
var Flavor = Registry.MustRegister(&objects.Class{
	Name:    "Flavor",
	Version: "1.1",
	Fields: append([]objects.Field{
		{Name: "id", Type: objects.Integer},
		{Name: "name", Type: objects.String},
		{Name: "vcpus", Type: objects.Integer},
		{Name: "memory_mb", Type: objects.Integer},
		{Name: "root_gb", Type: objects.Integer, Default: int64(0)},
		{Name: "is_public", Type: objects.Boolean, Default: true},
		{Name: "extra_specs", Type: objects.DictOf(objects.String), Default: map[string]any{}},
		{Name: "description", Type: objects.String, Nullable: true},
	}, timestamps...),
	MakeCompatible: func(_ *objects.Object, data *objects.Data, target objects.Version) error {
		if target.Before("1.1") {
			data.Delete("description")
		}
		return nil
	},
})

// Server is a server a project asked for.
//
// Version 1.0: initial version.
// Version 1.1: added description.
// Version 1.2: added access_ip_v4.
var Server = Registry.MustRegister(&objects.Class{
	Name:    "Server",
	Version: "1.2",
	Fields: append([]objects.Field{
		{Name: "id", Type: objects.Integer},
		{Name: "uuid", Type: objects.UUID},
		{Name: "name", Type: objects.String},
		{Name: "description", Type: objects.String, Nullable: true},
		{Name: "status", Type: objects.Enum(StatusBuild, StatusActive, StatusError, StatusDeleted), Default: StatusBuild},
		{Name: "project_id", Type: objects.String},
		{Name: "user_id", Type: objects.String},
		{Name: "flavor_id", Type: objects.Integer},
		{Name: "metadata", Type: objects.DictOf(objects.String), Default: map[string]any{}},
		{Name: "access_ip_v4", Type: objects.IPV4Address, Nullable: true},
		{Name: "launched_at", Type: objects.DateTime, Nullable: true},
	}, timestamps...),
	MakeCompatible: func(_ *objects.Object, data *objects.Data, target objects.Version) error {
		if target.Before("1.2") {
			data.Delete("access_ip_v4")
		}
		if target.Before("1.1") {
			data.Delete("description")
		}
		return nil
	},
})
