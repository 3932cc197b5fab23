package objects

import (
	"context"
	"fmt"
	"maps"
	"math"
	"net/netip"
	"reflect"
	"slices"
	"time"
	"unsafe"
)

// Object is one versioned object: its class, its version and the values of
// its fields, each set or not, with the set of fields changed since the
// last ResetChanges. An Object is not safe for concurrent use.
type Object struct {
	class   *Class
	version string
	ver     *versionInfo // the class's own for the class version
	slots   []slot
}

// versionInfo is an object's version as a tuple, or why it is not one. It
// is kept behind a pointer (shared with the class in the usual case) so
// that an Object header stays small: a 14-field object then fits the
// allocator's 512-byte class.
type versionInfo struct {
	vt  []int64 // nil with err set when the version is not a tuple
	err error
}

// setVersion gives o a version other than its class's.
func (o *Object) setVersion(v string) {
	vt, err := versionTuple(v)
	o.version, o.ver = v, &versionInfo{vt: vt, err: err}
}

// slot holds one field. Strings and numbers are kept unboxed so that
// reading an object does not allocate for each of them. A string is held
// as a pointer to its bytes (in v: a pointer goes in an interface without
// an allocation) and its length (in n), which keeps a slot at 32 bytes:
// objects are allocated whole, so their size is most of what loading one
// costs.
//
// The fast path of FromJSON also keeps a DateTime field's time.Time (as
// Unix seconds in n, nanoseconds in ns, the *time.Location in v), an IPv4
// address (in n) and an IPv6 address without a zone (its 16 bytes, copied
// next to the strings it keeps, in v) unboxed, when the value rebuilt from
// them is identical to the original, and a dict of strings as a *strDict
// (in v), which builds its map when first asked for it.
type slot struct {
	v       any      // the value (kind inAny), a string's *byte (inString), a *time.Location (inTime), a *[16]byte (inIPv6), a *strDict (inDict)
	n       uint64   // kind inInt (an int64), inFloat (float64 bits), inString (length), inTime (Unix seconds), inIPv4 (the address)
	ns      uint32   // kind inTime: nanoseconds (in what would be padding)
	kind    slotKind //
	set     bool
	changed bool
}

// stringSlot returns a set slot holding the string x.
func stringSlot(x string) slot {
	return slot{v: unsafe.StringData(x), n: uint64(len(x)), kind: inString, set: true}
}

// str returns the string of a slot of kind inString.
func (s *slot) str() string {
	return unsafe.String(s.v.(*byte), int(s.n))
}

type slotKind uint8

const (
	inAny slotKind = iota
	inString
	inInt
	inFloat
	inTime    // only for a DateTime field
	inIPv4    // only for an IP address field
	inIPv6    // only for an IP address field
	inStrings // only for a List or Set field holding a []string
	inInts    // only for a List or Set field holding a []int64
	inDict    // only for a Dict(String) or Dict(Nullable(String)) field: a *strDict
)

// value returns the slot's value in its natural form.
func (s *slot) value() any {
	switch s.kind {
	case inString:
		return s.str()
	case inInt:
		return int64(s.n)
	case inFloat:
		return math.Float64frombits(s.n)
	case inAny:
		return s.v
	}
	return s.unboxedValue()
}

// unboxedValue is value for the kinds only FromJSON makes (kept apart so
// that value stays small enough to inline, which lets callers avoid
// boxing).
func (s *slot) unboxedValue() any {
	switch s.kind {
	case inTime:
		return s.time()
	case inStrings:
		return s.strings()
	case inInts:
		return s.ints()
	case inIPv6:
		return s.ipv6()
	case inDict:
		return s.v.(*strDict).value()
	}
	return s.ipv4()
}

// stringsSlot returns a set slot holding x unboxed (as a pointer to its
// first element and its length), if it is not empty.
func stringsSlot(x []string) slot {
	if len(x) == 0 {
		return setSlot(x)
	}
	return slot{v: &x[0], n: uint64(len(x)), kind: inStrings, set: true}
}

// strings returns the []string of a slot of kind inStrings.
func (s *slot) strings() []string { return unsafe.Slice(s.v.(*string), s.n) }

// intsSlot is stringsSlot for a []int64.
func intsSlot(x []int64) slot {
	if len(x) == 0 {
		return setSlot(x)
	}
	return slot{v: &x[0], n: uint64(len(x)), kind: inInts, set: true}
}

// ints returns the []int64 of a slot of kind inInts.
func (s *slot) ints() []int64 { return unsafe.Slice(s.v.(*int64), s.n) }

// timeSlot returns a set slot holding t unboxed, if t can be rebuilt
// exactly from its Unix time and location (no monotonic reading).
func timeSlot(t time.Time) (slot, bool) {
	s := slot{v: t.Location(), n: uint64(t.Unix()), ns: uint32(t.Nanosecond()), kind: inTime, set: true}
	return s, s.time() == t
}

// time returns the time.Time of a slot of kind inTime.
func (s *slot) time() time.Time {
	return time.Unix(int64(s.n), int64(s.ns)).In(s.v.(*time.Location))
}

// ipv4Slot returns a set slot holding the IPv4 address a unboxed, if it
// can be rebuilt exactly (not an IPv4-mapped IPv6 address).
func ipv4Slot(a netip.Addr) (slot, bool) {
	if !a.Is4() {
		return slot{}, false
	}
	b := a.As4()
	s := slot{n: uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3]), kind: inIPv4, set: true}
	return s, s.ipv4() == a
}

// ipv4 returns the address of a slot of kind inIPv4.
func (s *slot) ipv4() netip.Addr {
	return netip.AddrFrom4([4]byte{byte(s.n >> 24), byte(s.n >> 16), byte(s.n >> 8), byte(s.n)})
}

// ipv6Slot returns a set slot holding an IPv6 address without a zone
// unboxed: its bytes, at b, which must never change.
func ipv6Slot(b *[16]byte) slot { return slot{v: b, kind: inIPv6, set: true} }

// ipv6 returns the address of a slot of kind inIPv6.
func (s *slot) ipv6() netip.Addr { return netip.AddrFrom16(*s.v.(*[16]byte)) }

// isNil reports a None value.
func (s *slot) isNil() bool { return s.kind == inAny && s.v == nil }

// setSlot returns a set slot holding v.
func setSlot(v any) slot {
	switch x := v.(type) {
	case string:
		return stringSlot(x)
	case int64:
		return slot{n: uint64(x), kind: inInt, set: true}
	case float64:
		return slot{n: math.Float64bits(x), kind: inFloat, set: true}
	}
	return slot{v: v, set: true}
}

// New returns an object of class c at the class version with no field set
// (a list class starts with an empty, unchanged "objects" list). c must be
// registered.
func (c *Class) New() *Object {
	o := allocObject(len(c.Fields))
	o.class, o.version, o.ver = c, c.Version, &c.ver
	if c.List {
		o.slots[c.isObjects] = slot{v: []*Object{}, set: true}
	}
	return o
}

// allocObject allocates an object and its n slots together, in a block
// sized for n up to 16 fields (a 14-field object does not pay for 16
// slots), then for 24 or 32.
func allocObject(n int) *Object {
	switch n {
	case 0, 1:
		return allocWith(n, func(a *[1]slot) []slot { return a[:] })
	case 2:
		return allocWith(n, func(a *[2]slot) []slot { return a[:] })
	case 3:
		return allocWith(n, func(a *[3]slot) []slot { return a[:] })
	case 4:
		return allocWith(n, func(a *[4]slot) []slot { return a[:] })
	case 5:
		return allocWith(n, func(a *[5]slot) []slot { return a[:] })
	case 6:
		return allocWith(n, func(a *[6]slot) []slot { return a[:] })
	case 7:
		return allocWith(n, func(a *[7]slot) []slot { return a[:] })
	case 8:
		return allocWith(n, func(a *[8]slot) []slot { return a[:] })
	case 9:
		return allocWith(n, func(a *[9]slot) []slot { return a[:] })
	case 10:
		return allocWith(n, func(a *[10]slot) []slot { return a[:] })
	case 11:
		return allocWith(n, func(a *[11]slot) []slot { return a[:] })
	case 12:
		return allocWith(n, func(a *[12]slot) []slot { return a[:] })
	case 13:
		return allocWith(n, func(a *[13]slot) []slot { return a[:] })
	case 14:
		return allocWith(n, func(a *[14]slot) []slot { return a[:] })
	case 15:
		return allocWith(n, func(a *[15]slot) []slot { return a[:] })
	case 16:
		return allocWith(n, func(a *[16]slot) []slot { return a[:] })
	}
	if n <= 24 {
		return allocWith(n, func(a *[24]slot) []slot { return a[:] })
	}
	if n <= 32 {
		return allocWith(n, func(a *[32]slot) []slot { return a[:] })
	}
	return &Object{slots: make([]slot, n)}
}

// allocWith allocates an Object followed by the array A of slots, and
// gives it the first n.
func allocWith[A any](n int, slots func(*A) []slot) *Object {
	x := new(struct {
		o Object
		a A
	})
	x.o.slots = slots(&x.a)[:n]
	return &x.o
}

// NewWith returns a new object with the given fields set (and marked
// changed), as oslo's Flavor(id=1, name="m1"). Fields are set in
// declaration order, so the first bad value in that order is reported.
func (c *Class) NewWith(values map[string]any) (*Object, error) {
	o := c.New()
	return o, o.Update(values)
}

// Class returns the object's class.
func (o *Object) Class() *Class { return o.class }

// Name returns the object type, e.g. "Server".
func (o *Object) Name() string { return o.class.Name }

// Version returns the object's version: the class version for a new
// object, the version of the primitive for a loaded one (a "1.0" Server
// primitive loaded by the 1.3 class stays "1.0").
func (o *Object) Version() string { return o.version }

// ctx returns the error context of field i: the one its class made at
// registration (nothing changes a context it is handed), so that Set does
// not allocate one.
func (o *Object) ctx(i int) *fieldCtx {
	if i < len(o.class.ctxs) {
		return &o.class.ctxs[i]
	}
	return &fieldCtx{reg: o.class.reg, obj: o.class.Name, attr: o.class.Fields[i].Name}
}

func (o *Object) index(name string) (int, error) {
	i := o.class.field(name)
	if i < 0 {
		return -1, &FieldError{Object: o.class.Name, Field: name, Err: ErrUnknownField}
	}
	return i, nil
}

// IsSet reports whether a field has a value (obj_attr_is_set); false for
// a name the class does not declare.
func (o *Object) IsSet(name string) bool {
	i := o.class.field(name)
	return i >= 0 && o.slots[i].set
}

// Get returns a field's value in its natural Go form (see Type); nil for a
// nullable field set to None. An unset field gives a FieldError wrapping
// ErrNotSet; Load also tries the LoadAttr hook.
func (o *Object) Get(name string) (any, error) {
	i, err := o.index(name)
	if err != nil {
		return nil, err
	}
	if !o.slots[i].set {
		return nil, &FieldError{Object: o.class.Name, Field: name, Err: ErrNotSet}
	}
	return o.slots[i].value(), nil
}

// Load returns a field's value, calling the class's LoadAttr hook first
// when the field is not set (oslo's lazy loading through obj_load_attr).
func (o *Object) Load(ctx context.Context, name string) (any, error) {
	i, err := o.index(name)
	if err != nil {
		return nil, err
	}
	if !o.slots[i].set {
		if o.class.LoadAttr == nil {
			return nil, &FieldError{Object: o.class.Name, Field: name, Err: fmt.Errorf("%w and the class has no LoadAttr", ErrNotSet)}
		}
		if err := o.class.LoadAttr(ctx, o, name); err != nil {
			return nil, fmt.Errorf("objects: %s: load %s: %w", o.class.Name, name, err)
		}
	}
	return o.Get(name)
}

// Get returns a field's value as a T, the field's natural Go type (string,
// int64, float64, bool, time.Time, netip.Addr, netip.Prefix, *Object, a
// typed slice or map for collections of those such as []string or
// map[string]string, else []any and map[string]any; see Type). A nil
// value (None) gives T's zero value.
func Get[T any](o *Object, name string) (T, error) {
	var zero T
	i, err := o.index(name)
	if err != nil {
		return zero, err
	}
	s := &o.slots[i]
	if !s.set {
		return zero, &FieldError{Object: o.class.Name, Field: name, Err: ErrNotSet}
	}
	// Strings, numbers, times and IPv4 addresses without boxing them.
	switch p := any(&zero).(type) {
	case *string:
		if s.kind == inString {
			*p = s.str()
			return zero, nil
		}
	case *int64:
		if s.kind == inInt {
			*p = int64(s.n)
			return zero, nil
		}
	case *float64:
		if s.kind == inFloat {
			*p = math.Float64frombits(s.n)
			return zero, nil
		}
	case *time.Time:
		if s.kind == inTime {
			*p = s.time()
			return zero, nil
		}
	case *netip.Addr:
		switch s.kind {
		case inIPv4:
			*p = s.ipv4()
			return zero, nil
		case inIPv6:
			*p = s.ipv6()
			return zero, nil
		}
	case *[]string:
		if s.kind == inStrings {
			*p = s.strings()
			return zero, nil
		}
	case *[]int64:
		if s.kind == inInts {
			*p = s.ints()
			return zero, nil
		}
	}
	v := s.value()
	if v == nil {
		return zero, nil
	}
	t, ok := v.(T)
	if !ok {
		return zero, &FieldError{Object: o.class.Name, Field: name,
			Err: fmt.Errorf("holds a %T, not a %T", v, zero)}
	}
	return t, nil
}

// Set assigns a field: the value is converted by the field's type (an
// error names the object, the field and the value), and the field is
// marked changed. nil sets None on a nullable field, or the default on a
// field with one.
func (o *Object) Set(name string, v any) error {
	i, err := o.index(name)
	if err != nil {
		return err
	}
	f := &o.class.Fields[i]
	var nv any
	switch {
	case v == nil || isNilObject(v):
		nv, err = o.null(i, o.ctx(i))
	case takenAsIs(f.Type, v):
		nv = v
	default:
		nv, err = f.Type.coerce(o.ctx(i), v)
	}
	if err != nil {
		return err
	}
	s := &o.slots[i]
	if f.ReadOnly && s.set {
		if !naturalEqual(s.value(), nv) {
			return &ReadOnlyFieldError{Object: o.class.Name, Field: name}
		}
		return nil
	}
	*s = setSlot(nv)
	s.changed = true
	return nil
}

// takenAsIs reports a value that t's coerce would return unchanged and
// that needs no error context: a Go string for a String or UUID, an int64
// for an Integer, a UTC time to the microsecond for a DateTime. Set
// skips coerce for them (a database row sets these by the dozen).
func takenAsIs(t Type, v any) bool {
	switch x := v.(type) {
	case string:
		return t == String || t == SensitiveString || t == UUID
	case int64:
		return t == Integer
	case time.Time:
		// What coerce would leave alone: UTC to the microsecond, in
		// Python's years.
		y := x.Year()
		return t == DateTime && x.Location() == time.UTC && x.Nanosecond()%1000 == 0 && y >= 1 && y <= 9999
	}
	return false
}

// null is oslo's Field._null: the value a field takes for None.
func (o *Object) null(i int, c *fieldCtx) (any, error) {
	f := &o.class.Fields[i]
	switch {
	case f.Nullable:
		return nil, nil
	case f.Default != nil:
		// Convert again: each use gets its own copy of a list or map.
		return f.Type.coerce(c, f.Default)
	}
	return nil, c.cannotBeNone()
}

// Update sets several fields, in declaration order.
func (o *Object) Update(values map[string]any) error {
	for k := range values {
		if _, err := o.index(k); err != nil {
			return err
		}
	}
	for _, f := range o.class.Fields {
		if v, ok := values[f.Name]; ok {
			if err := o.Set(f.Name, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// Unset removes a field's value (Python's del obj.field); it does not
// change the changed set.
func (o *Object) Unset(name string) error {
	i, err := o.index(name)
	if err != nil {
		return err
	}
	if !o.slots[i].set {
		return &FieldError{Object: o.class.Name, Field: name, Err: ErrNotSet}
	}
	o.slots[i] = slot{changed: o.slots[i].changed}
	return nil
}

// SetDefaults sets the named fields, or all fields with a default, to
// their default when they are not set (obj_set_defaults).
func (o *Object) SetDefaults(names ...string) error {
	if len(names) == 0 {
		for _, f := range o.class.Fields {
			if f.Default != nil {
				names = append(names, f.Name)
			}
		}
	}
	for _, name := range names {
		i, err := o.index(name)
		if err != nil {
			return err
		}
		f := &o.class.Fields[i]
		if f.Default == nil {
			return &ActionError{Object: o.class.Name, Action: "set_defaults", Reason: "no default set for field " + name}
		}
		if o.slots[i].set {
			continue
		}
		var v any
		if f.Default != Null {
			v = f.Default
		}
		if err := o.Set(name, v); err != nil {
			return err
		}
	}
	return nil
}

// isChanged reports obj_what_changed for one field: changed itself, or
// (for an object field) holding an object with changes, or (the objects
// of a list class) holding an element with changes. Small enough to
// inline: most fields answer from their flag and kind.
func (o *Object) isChanged(i, depth int) bool {
	s := &o.slots[i]
	return s.changed || (s.kind == inAny && o.holdsChanges(i, depth)) // unboxed values are not objects
}

// holdsChanges is isChanged for a field not marked changed: whether the
// object(s) it holds have changes.
func (o *Object) holdsChanges(i, depth int) bool {
	s := &o.slots[i]
	if !s.set || depth > maxDepth {
		return false
	}
	if o.class.List {
		if i == o.class.isObjects {
			objs, _ := s.v.([]*Object)
			for _, e := range objs {
				if e.hasChanges(depth + 1) {
					return true
				}
			}
		}
		return false
	}
	if child, ok := s.v.(*Object); ok && child != nil {
		return child.hasChanges(depth + 1)
	}
	return false
}

func (o *Object) hasChanges(depth int) bool {
	for i := range o.slots {
		if o.isChanged(i, depth) {
			return true
		}
	}
	return false
}

// Changed returns the names of the changed fields in declaration order
// (obj_what_changed): fields set (or marked changed by a primitive) since
// the last ResetChanges, and object fields whose object has changes.
func (o *Object) Changed() []string {
	var out []string
	for i := range o.slots {
		if o.isChanged(i, 0) {
			out = append(out, o.class.Fields[i].Name)
		}
	}
	return out
}

// Changes returns the changed fields that are set, with their values
// (obj_get_changes).
func (o *Object) Changes() map[string]any {
	out := map[string]any{}
	for i, s := range o.slots {
		if s.set && o.isChanged(i, 0) {
			out[o.class.Fields[i].Name] = s.value()
		}
	}
	return out
}

// ResetChanges forgets that the named fields (all when none are named)
// changed (obj_reset_changes). Nested objects keep their changes; see
// ResetChangesRecursive.
func (o *Object) ResetChanges(names ...string) {
	if len(names) == 0 {
		for i := range o.slots {
			o.slots[i].changed = false
		}
		return
	}
	for _, n := range names {
		if i := o.class.field(n); i >= 0 {
			o.slots[i].changed = false
		}
	}
}

// ResetChangesRecursive is obj_reset_changes(recursive=True): it also
// resets the objects held by the changed object fields among names (all
// when none are named), and everything below them.
func (o *Object) ResetChangesRecursive(names ...string) {
	o.resetRecursive(names, 0)
}

func (o *Object) resetRecursive(names []string, depth int) {
	if depth > maxDepth {
		return
	}
	for i, s := range o.slots {
		if !s.set || s.isNil() || !o.isChanged(i, 0) {
			continue
		}
		if len(names) > 0 && !slices.Contains(names, o.class.Fields[i].Name) {
			continue
		}
		switch v := s.v.(type) {
		case *Object:
			v.resetRecursive(nil, depth+1)
		case []*Object:
			for _, e := range v {
				e.resetRecursive(nil, depth+1)
			}
		}
	}
	o.ResetChanges(names...)
}

// Clone returns a deep copy (obj_clone): values are copied, nested objects
// cloned, the changed set kept. As in oslo, the copy has the class
// version, not a version the original was loaded at.
func (o *Object) Clone() *Object {
	return o.clone(0)
}

func (o *Object) clone(depth int) *Object {
	n := o.class.New()
	for i, s := range o.slots {
		switch s.kind {
		case inStrings:
			s = stringsSlot(slices.Clone(s.strings()))
			s.changed = o.slots[i].changed
		case inInts:
			s = intsSlot(slices.Clone(s.ints()))
			s.changed = o.slots[i].changed
		case inDict:
			d := s.v.(*strDict)
			if m := d.cached(); m != nil {
				s = setSlot(cloneValue(m, depth))
				s.changed = o.slots[i].changed
			} else {
				s.v = d.clone()
			}
		default:
			s.v = cloneValue(s.v, depth)
		}
		n.slots[i] = s
	}
	return n
}

func cloneValue(v any, depth int) any {
	if depth > maxDepth {
		return v
	}
	switch x := v.(type) {
	case *Object:
		if x == nil {
			return x
		}
		return x.clone(depth + 1)
	case []*Object:
		out := make([]*Object, len(x))
		for i, e := range x {
			out[i] = e.clone(depth + 1)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneValue(e, depth+1)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = cloneValue(e, depth+1)
		}
		return out
	case []string:
		return slices.Clone(x)
	case []int64:
		return slices.Clone(x)
	case []float64:
		return slices.Clone(x)
	case []bool:
		return slices.Clone(x)
	case map[string]string:
		return maps.Clone(x)
	case map[string]int64:
		return maps.Clone(x)
	case map[string]float64:
		return maps.Clone(x)
	case map[string]bool:
		return maps.Clone(x)
	}
	return v
}

// Equal reports whether two objects have the same primitive (what oslo's
// ComparableVersionedObject compares): name, version, set fields and
// their values, and changes.
func (o *Object) Equal(other *Object) bool {
	if o == nil || other == nil {
		return o == other
	}
	a, err1 := o.ToPrimitive("")
	b, err2 := other.ToPrimitive("")
	return err1 == nil && err2 == nil && primitiveEqual(a, b)
}

func primitiveEqual(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && maps.EqualFunc(x, y, primitiveEqual)
	case []any:
		y, ok := b.([]any)
		return ok && slices.EqualFunc(x, y, primitiveEqual)
	}
	return a == b
}

// naturalEqual compares two field values as Python's == does for them.
func naturalEqual(a, b any) bool {
	switch x := a.(type) {
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case []any:
		y, ok := b.([]any)
		return ok && slices.EqualFunc(x, y, naturalEqual)
	case []*Object:
		y, ok := b.([]*Object)
		return ok && slices.Equal(x, y)
	case []string:
		y, ok := b.([]string)
		return ok && slices.Equal(x, y)
	case []int64:
		y, ok := b.([]int64)
		return ok && slices.Equal(x, y)
	case map[string]string:
		y, ok := b.(map[string]string)
		return ok && maps.Equal(x, y)
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && maps.EqualFunc(x, y, naturalEqual)
	case netip.Prefix, netip.Addr, string, int64, float64, bool, nil, *Object:
		return a == b
	}
	return reflect.DeepEqual(a, b)
}

// String describes the object in the manner of oslo's repr, fields by
// name: Server(id=1,name='web',...), with <?> for unset fields.
func (o *Object) String() string {
	b := []byte(o.class.Name + "(")
	for j, i := range o.class.byName {
		if j > 0 {
			b = append(b, ',')
		}
		b = append(b, o.class.Fields[i].Name...)
		b = append(b, '=')
		s := o.slots[i]
		switch {
		case !s.set:
			b = append(b, "<?>"...)
		case s.isNil():
			b = append(b, "None"...)
		default:
			switch v := s.value().(type) {
			case *Object:
				b = append(b, v.class.Name...)
			case time.Time:
				b = appendISOTime(b, v)
			default:
				b = append(b, pyRepr(v)...)
			}
		}
	}
	return string(append(b, ')'))
}
