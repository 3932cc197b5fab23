package objects

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

// Field declares one field of a class (an entry of oslo's "fields" dict).
type Field struct {
	Name string
	Type Type
	// Nullable lets the field be set to None (nil).
	Nullable bool
	// Default is used by SetDefaults, and when a primitive carries null
	// for a field that is not nullable. nil means no default; Null means
	// None (for a nullable field). It is converted like any value set.
	Default any
	// ReadOnly forbids changing the value once set (setting the same
	// value again is allowed).
	ReadOnly bool
}

type nullDefault struct{}

func (nullDefault) String() string { return "None" }

// Null as a Field's Default means "default None".
var Null any = nullDefault{}

// Class declares an object type at one version: oslo's VersionedObject
// subclass. Declare it once, register it in a Registry, and create objects
// with New. A Class must not be changed after it is registered.
type Class struct {
	// Name is the object type on the wire (obj_name()), e.g. "Server".
	Name string
	// Version is the class version, "1.3".
	Version string
	// Fields in declaration order.
	Fields []Field

	// Relationships is oslo's obj_relationships: for each Object or
	// ListOfObjects field, the (version of this class, version of the
	// child) pairs, oldest first. A backport to a version before the first
	// pair drops the field; otherwise the child is backported to the child
	// version of the newest pair at or below the target.
	Relationships map[string][][2]string

	// List marks a list class (oslo's ObjectListBase): it has one field,
	// "objects", a ListOfObjects; a new object starts with an empty list.
	List bool
	// ChildVersions is a list class's child_versions: (list version,
	// element version) pairs, oldest first. A target between two listed
	// versions is an error, as it is in oslo; list every version.
	ChildVersions [][2]string

	// MakeCompatible is the obj_make_compatible hook. It runs after the
	// default backport of object fields (Relationships, ChildVersions)
	// when an object is written for an older target, and edits data, the
	// primitive's fields: typically data.Delete("field") for the fields
	// added after target.
	MakeCompatible func(o *Object, data *Data, target Version) error

	// LoadAttr is the lazy-load hook (obj_load_attr): Object.Load calls it
	// for a field that is not set; it should set the field.
	LoadAttr func(ctx context.Context, o *Object, field string) error

	reg        *Registry
	index      map[string]int
	vt         []int64
	ver        versionInfo // vt, shared by the objects at this version
	pep        *pep440
	byName     []int      // field indexes sorted by name
	defaults   []any      // coerced defaults (nil when none)
	isObjects  int        // index of "objects" for a list class
	jsonNames  []string   // `"name":` of each field
	readNames  []string   // each field's literalJSON, matched in place by the fast path
	ctxs       []fieldCtx // each field's error context (shared, never changed)
	jsonHead   string     // a primitive's start, up to the version's value
	jsonVer    string     // the class version as a JSON string
	relPairs   map[string][]versionPair
	childPairs []versionPair
	sizeHint   int64 // length of the last JSON written (atomic), to size the next buffer
}

// literalJSON returns s as a JSON string when that spelling is s's own
// bytes between quotes (nothing escaped or replaced), else "". FromJSON's
// fast path matches such a spelling in place: the bytes it matches then
// read as s on the reference path too.
func literalJSON(s string) string {
	if q := string(appendJSONString(nil, s)); len(q) == len(s)+2 {
		return q
	}
	return ""
}

// quotedName returns field i's name as a JSON string.
func (c *Class) quotedName(i int) string {
	return c.jsonNames[i][:len(c.jsonNames[i])-1]
}

// field returns the index of a field, or -1.
func (c *Class) field(name string) int {
	if len(c.Fields) <= 16 {
		for i := range c.Fields {
			if n := c.Fields[i].Name; len(n) == len(name) && n == name {
				return i
			}
		}
		return -1
	}
	if i, ok := c.index[name]; ok {
		return i
	}
	return -1
}

// Registry holds the registered classes of one project namespace (oslo's
// VersionedObjectRegistry together with OBJ_PROJECT_NAMESPACE and
// OBJ_SERIAL_NAMESPACE). It is safe for concurrent use; lookups take no
// lock.
type Registry struct {
	namespace string
	serial    string

	mu      sync.Mutex                          // serializes Register
	classes atomic.Pointer[map[string][]*Class] // newest version first; replaced, never changed

	keyName, keyNamespace, keyVersion, keyData, keyChanges      string
	keys                                                        [nKeys]string // the five keys' literalJSON, in the order above
	jsonName, jsonNamespace, jsonVersion, jsonData, jsonChanges string
}

// Option configures a Registry.
type Option func(*Registry)

// SerialNamespace sets the prefix of the primitive's keys (oslo's
// OBJ_SERIAL_NAMESPACE); the default is "versioned_object". Nova uses
// "nova_object".
func SerialNamespace(ns string) Option { return func(r *Registry) { r.serial = ns } }

// NewRegistry returns an empty registry for the project namespace ns (the
// "versioned_object.namespace" of its primitives, e.g. "nova").
func NewRegistry(ns string, opts ...Option) *Registry {
	r := &Registry{namespace: ns, serial: "versioned_object"}
	r.classes.Store(&map[string][]*Class{})
	for _, o := range opts {
		o(r)
	}
	r.keyName = r.serial + ".name"
	r.keyNamespace = r.serial + ".namespace"
	r.keyVersion = r.serial + ".version"
	r.keyData = r.serial + ".data"
	r.keyChanges = r.serial + ".changes"
	q := func(k string) string { return string(appendJSONString(nil, k)) + ":" }
	for i, k := range []string{r.keyName, r.keyNamespace, r.keyVersion, r.keyData, r.keyChanges} {
		r.keys[i] = literalJSON(k)
	}
	r.jsonName = "{" + q(r.keyName)
	r.jsonNamespace = "," + q(r.keyNamespace)
	r.jsonVersion = "," + q(r.keyVersion)
	r.jsonData = "," + q(r.keyData)
	r.jsonChanges = "," + q(r.keyChanges)
	return r
}

// Namespace returns the project namespace.
func (r *Registry) Namespace() string { return r.namespace }

// Register checks c and adds it. Registering a class whose name and
// version are already registered replaces the older declaration; several
// versions of one name may be registered, and a primitive is loaded by the
// exact version or else the newest compatible one.
func (r *Registry) Register(c *Class) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.prepare(c); err != nil {
		return fmt.Errorf("objects: register %s %s: %w", c.Name, c.Version, err)
	}
	old := *r.classes.Load()
	classes := make(map[string][]*Class, len(old)+1)
	for k, v := range old {
		classes[k] = v
	}
	list := slices.Clone(old[c.Name])
	replaced := false
	for i, o := range list {
		if o.Version == c.Version {
			list[i], replaced = c, true
		}
	}
	if !replaced {
		list = append(list, c)
		slices.SortStableFunc(list, func(a, b *Class) int { return -compareTuples(a.vt, b.vt) })
	}
	classes[c.Name] = list
	r.classes.Store(&classes)
	return nil
}

// MustRegister is Register for package-level declarations: it panics if
// the declaration is wrong, and returns c.
func (r *Registry) MustRegister(c *Class) *Class {
	if err := r.Register(c); err != nil {
		panic(err)
	}
	return c
}

func (r *Registry) prepare(c *Class) error {
	if c.reg != nil {
		return errors.New("class is already registered")
	}
	if c.Name == "" {
		return errors.New("class has no name")
	}
	vt, err := versionTuple(c.Version)
	if err != nil {
		return err
	}
	pep, err := parsePEP440(c.Version)
	if err != nil {
		return err
	}
	c.vt, c.pep = vt, pep
	c.ver = versionInfo{vt: vt}
	c.index = make(map[string]int, len(c.Fields))
	c.defaults = make([]any, len(c.Fields))
	c.isObjects = -1
	for i := range c.Fields {
		f := &c.Fields[i]
		if f.Name == "" {
			return fmt.Errorf("field %d has no name", i)
		}
		if _, dup := c.index[f.Name]; dup {
			return fmt.Errorf("field %s is declared twice", f.Name)
		}
		if f.Type == nil {
			return fmt.Errorf("field %s has no type", f.Name)
		}
		if n, ok := f.Type.(nullableType); ok {
			f.Type, f.Nullable = n.inner, true
		}
		c.index[f.Name] = i
		switch {
		case f.Default == nil:
		case f.Default == Null:
			if !f.Nullable {
				return fmt.Errorf("field %s: default None needs a nullable field", f.Name)
			}
		default:
			ctx := &fieldCtx{reg: r, obj: c.Name, attr: f.Name}
			v, err := f.Type.coerce(ctx, f.Default)
			if err != nil {
				return fmt.Errorf("default: %w", err)
			}
			c.defaults[i] = v
		}
	}
	c.jsonHead = r.jsonName + string(appendJSONString(nil, c.Name)) +
		r.jsonNamespace + string(appendJSONString(nil, r.namespace)) + r.jsonVersion
	c.jsonVer = string(appendJSONString(nil, c.Version))
	c.ctxs = make([]fieldCtx, len(c.Fields))
	for i, f := range c.Fields {
		c.ctxs[i] = fieldCtx{reg: r, obj: c.Name, attr: f.Name}
	}
	c.readNames = make([]string, len(c.Fields))
	for i, f := range c.Fields {
		c.readNames[i] = literalJSON(f.Name)
	}
	c.jsonNames = make([]string, len(c.Fields))
	for i, f := range c.Fields {
		c.jsonNames[i] = string(appendJSONString(nil, f.Name)) + ":"
	}
	c.byName = make([]int, len(c.Fields))
	for i := range c.byName {
		c.byName[i] = i
	}
	slices.SortFunc(c.byName, func(a, b int) int {
		return compareStrings(c.Fields[a].Name, c.Fields[b].Name)
	})
	c.relPairs = make(map[string][]versionPair, len(c.Relationships))
	for name, pairs := range c.Relationships {
		i, ok := c.index[name]
		if !ok || !isObjectField(c.Fields[i].Type) {
			return fmt.Errorf("relationships: %s is not an object field", name)
		}
		if c.relPairs[name], err = parsePairs(pairs); err != nil {
			return fmt.Errorf("relationships of %s: %w", name, err)
		}
	}
	if c.List {
		i, ok := c.index["objects"]
		if !ok || !isObjectListField(c.Fields[i].Type) {
			return errors.New("a list class needs an objects field of type ListOfObjects")
		}
		c.isObjects = i
	}
	if c.childPairs, err = parsePairs(c.ChildVersions); err != nil {
		return fmt.Errorf("child versions: %w", err)
	}
	c.reg = r
	return nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// isObjectField reports an Object or ListOfObjects type: the fields the
// default backport looks after.
func isObjectField(t Type) bool {
	switch x := t.(type) {
	case objectType:
		return true
	case listType:
		_, ok := x.elem.(objectType)
		return ok
	}
	return false
}

func isObjectListField(t Type) bool {
	l, ok := t.(listType)
	return ok && l.kind == ekObject
}

// Lookup returns the class that loads version v of the object type name,
// as oslo's obj_class_from_name does: the exact version, else the newest
// registered class of the same major version that is not older than v
// (PEP 440 ordering). The object keeps version v.
func (r *Registry) Lookup(name, v string) (*Class, error) {
	list := (*r.classes.Load())[name]
	if len(list) == 0 {
		return nil, &UnsupportedObjectError{Type: name}
	}
	for _, c := range list {
		if c.Version == v {
			return c, nil
		}
	}
	req, err := parsePEP440(v)
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		if req.release[0] == c.pep.release[0] && c.pep.compare(req) >= 0 {
			return c, nil
		}
	}
	return nil, &IncompatibleVersionError{Name: name, Version: v, Supported: list[0].Version}
}

// Class returns the newest registered class of a name, or nil.
func (r *Registry) Class(name string) *Class {
	if list := (*r.classes.Load())[name]; len(list) > 0 {
		return list[0]
	}
	return nil
}

// Classes returns every registered class, by name, newest version first.
func (r *Registry) Classes() []*Class {
	classes := *r.classes.Load()
	var out []*Class
	for _, name := range sortedKeys(classes) {
		out = append(out, classes[name]...)
	}
	return out
}
