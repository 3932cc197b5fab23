package objects

import (
	"errors"
	"fmt"

	"github.com/goslo/goslo/internal/py"
)

// The error types below mirror oslo.versionedobjects' exceptions. Every
// error the package returns is one of them (possibly wrapped), so callers
// can test for a kind with errors.As.

// UnsupportedObjectError means a primitive names an object type the
// registry does not know, or another project namespace
// (UnsupportedObjectError).
type UnsupportedObjectError struct {
	// Type is the name as the primitive gave it, prefixed with its
	// namespace when that was the problem ("nova.Server").
	Type string
}

func (e *UnsupportedObjectError) Error() string {
	return "objects: unsupported object type " + e.Type
}

// IncompatibleVersionError means no registered class can load the version
// a primitive carries: another major version, or a newer minor one
// (IncompatibleObjectVersion).
type IncompatibleVersionError struct {
	Name      string // the object type
	Version   string // the version in the primitive
	Supported string // the newest registered version
}

func (e *IncompatibleVersionError) Error() string {
	return fmt.Sprintf("objects: version %s of %s is not supported, supported version is %s",
		e.Version, e.Name, e.Supported)
}

// InvalidTargetVersionError means an object was asked for a version newer
// than its own (InvalidTargetVersion).
type InvalidTargetVersionError struct {
	Name    string
	Version string // the requested target
	Current string // the object's version
}

func (e *InvalidTargetVersionError) Error() string {
	return fmt.Sprintf("objects: %s: invalid target version %s (object is version %s)",
		e.Name, e.Version, e.Current)
}

// VersionError means a version string is not a dotted list of integers (or,
// where oslo asks packaging to compare versions, not a PEP 440 version).
type VersionError struct {
	Version string
	Err     error
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("objects: bad version %q: %v", e.Version, e.Err)
}

func (e *VersionError) Unwrap() error { return e.Err }

// FieldError reports a value that a field cannot take: the object, the
// field (with the index or key inside a list or dict, as in
// "metadata[owner]"), the offending value and why (ValueError or
// TypeError in Python).
type FieldError struct {
	Object string // object type, e.g. "Server"
	Field  string // e.g. "id", "tags[2]"
	Value  any    // the value as given (a primitive or a Go value)
	Err    error
}

func (e *FieldError) Error() string {
	if e.Value == nil {
		return fmt.Sprintf("objects: %s.%s: %v", e.Object, e.Field, e.Err)
	}
	return fmt.Sprintf("objects: %s.%s: bad value %s: %v", e.Object, e.Field, describeValue(e.Value), e.Err)
}

func (e *FieldError) Unwrap() error { return e.Err }

// ReadOnlyFieldError means a read-only field that is already set was given
// a different value (ReadOnlyFieldError).
type ReadOnlyFieldError struct {
	Object, Field string
}

func (e *ReadOnlyFieldError) Error() string {
	return fmt.Sprintf("objects: %s.%s: cannot modify read-only field", e.Object, e.Field)
}

// PrimitiveError means a primitive lacks one of the keys of the wire format
// (KeyError in Python) or is not a JSON object at all.
type PrimitiveError struct {
	Key string // the missing key, e.g. "versioned_object.data"; "" when not an object
	Err error
}

func (e *PrimitiveError) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("objects: bad primitive: %v", e.Err)
	}
	return fmt.Sprintf("objects: bad primitive: key %q: %v", e.Key, e.Err)
}

func (e *PrimitiveError) Unwrap() error { return e.Err }

// ActionError means a backport could not be done, for instance because an
// object field has no entry in Relationships (ObjectActionError).
type ActionError struct {
	Object, Action, Reason string
}

func (e *ActionError) Error() string {
	return fmt.Sprintf("objects: %s: %s failed: %s", e.Object, e.Action, e.Reason)
}

// ErrNotSet is returned (wrapped in a FieldError) when an unset field is
// read and the class has no LoadAttr hook that could load it.
var ErrNotSet = errors.New("field is not set")

// ErrUnknownField is returned (wrapped in a FieldError) for a field name
// the class does not declare.
var ErrUnknownField = errors.New("no such field")

var errMissing = errors.New("missing")

// describeValue renders a value for an error message, shortened.
func describeValue(v any) string {
	var s string
	switch v := v.(type) {
	case *pval:
		s = v.pyRepr()
	case string:
		s = py.StrRepr(v)
	default:
		s = pyStr(v)
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// tooDeep reports objects nested deeper than maxDepth (a cycle of objects
// holding each other, say).
func tooDeep(o *Object) error {
	return &ActionError{Object: o.class.Name, Action: "obj_to_primitive", Reason: "objects are nested too deeply"}
}
