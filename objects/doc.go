// Package objects is oslo.versionedobjects for Go: versioned objects that
// travel between services as primitives, wire-compatible with the Python
// library (oslo.versionedobjects 3.x), so a Go service and a Python one can
// exchange them.
//
// # Declaring objects
//
// A Class is declared once, with its name, version and fields, and
// registered in a Registry for a project namespace:
//
//	var registry = objects.NewRegistry("compute")
//
//	var Flavor = registry.MustRegister(&objects.Class{
//		Name:    "Flavor",
//		Version: "1.1", // 1.1: added description
//		Fields: []objects.Field{
//			{Name: "id", Type: objects.Integer},
//			{Name: "name", Type: objects.String},
//			{Name: "extra_specs", Type: objects.DictOf(objects.String), Default: map[string]any{}},
//			{Name: "description", Type: objects.String, Nullable: true},
//		},
//		MakeCompatible: func(o *objects.Object, data *objects.Data, target objects.Version) error {
//			if target.Before("1.1") {
//				data.Delete("description")
//			}
//			return nil
//		},
//	})
//
// Field types are oslo's (see Type): String, Integer, Float, Boolean, UUID,
// DateTime, Enum, the IP address and network types, ListOf, DictOf and
// SetOf any type, ObjectOf and ListOfObjects; a Field may be nullable,
// have a default and be read-only. Object fields name their class; how a
// child's version follows the parent's is declared in Relationships
// (obj_relationships), or ChildVersions for a list class (ObjectListBase).
//
// # Using objects
//
// An Object holds a value per field, in the field type's natural Go form
// (int64, string, time.Time, netip.Addr, *Object, []string,
// map[string]string, ...; see Type). Set converts what it is given the way oslo's coerce does ("42"
// for an Integer is 42, 12345 for a String is "12345") and reports a value
// it cannot take with a FieldError naming the object, the field and the
// value. Get and the generic Get[T] read values back; Changed, Changes and
// ResetChanges track what changed (including inside nested objects); Load
// calls the class's LoadAttr hook for fields loaded lazily; Clone and
// Equal copy and compare. A project can wrap an Object in its own struct
// with typed accessors:
//
//	type Server struct{ *objects.Object }
//
//	func (s Server) Name() (string, error) { return objects.Get[string](s.Object, "name") }
//
// # The wire format
//
// ToPrimitive and ToJSON write the primitive oslo's obj_to_primitive
// writes ({"versioned_object.name", ".namespace", ".version", ".data",
// ".changes"}), backported to an older target version when asked: object
// fields follow Relationships (dropped before they existed, else written at
// the child version), then the class's MakeCompatible hook edits the data.
// Registry.FromJSON and FromPrimitive load primitives as obj_from_primitive
// does: the class is found by name and version (the exact version, else
// the newest compatible one), the object keeps the version it was sent at,
// and every field is converted as Set converts it. FromJSON takes UTF-8
// text, as oslo's jsonutils.loads decodes what it is given: bytes that are
// not UTF-8 are a PrimitiveError naming the offset of the first one (a
// string that is not UTF-8 given in Go is written with U+FFFD for each
// such byte). Errors mirror oslo's exceptions: UnsupportedObjectError,
// IncompatibleVersionError, InvalidTargetVersionError, FieldError,
// ReadOnlyFieldError.
//
// Registry.CheckFingerprints is oslo's ObjectVersionChecker: a project's
// test records each object's fingerprint and fails when fields change
// without a version bump.
//
// # Why hand-written
//
// The primitive is a wire format shared with Python, and its details come
// from Python itself: oslo's fields convert with int(), float(), str() and
// truthiness, datetimes are read by the iso8601 package and written with
// their original offset to the second, IP addresses are read by netaddr
// (inet_aton, inet_pton) and written by inet_ntop, versions are compared as
// integer tuples for backports and by PEP 440 for lookups, and the JSON
// must keep integers apart from floats and keep key order. No Go library
// reproduces these rules, so the package implements them (with a JSON
// reader of its own, which also makes FromJSON fast); its tests compare it
// with the Python library on thousands of generated primitives.
//
// FromJSON's fast path uses package unsafe in a few narrow ways, for
// speed (the round trip is the figure issue 7 measures): it reads the
// caller's bytes in place as a string while it parses (nothing it keeps
// points into them: every kept string is copied into append-only chunks,
// so the caller may reuse its buffer at once; TestFromJSONReusedBuffer),
// it keeps the integers of a list or a set in the same chunks, 8-aligned,
// as a []int64 (TestFastPathSharedChunks), and an object's slot holds a
// string, a []string or a []int64 as a pointer to its first byte or
// element and a length, which keeps a slot at 32 bytes.
// TestFastPathSameObject checks that an object loaded this way is the
// object the reference path builds.
package objects
