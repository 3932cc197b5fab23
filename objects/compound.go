package objects

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// elemErr adds the index or key of a collection element to the field name
// of an error raised for that element ("tags" becomes "tags[2]").
func (c *fieldCtx) elemErr(err error, key any) error {
	var fe *FieldError
	if errors.As(err, &fe) && fe.Object == c.obj && strings.HasPrefix(fe.Field, c.attr) {
		fe.Field = c.attr + fmt.Sprintf("[%v]", key) + fe.Field[len(c.attr):]
		return err
	}
	return &FieldError{Object: c.obj, Field: c.attr + fmt.Sprintf("[%v]", key), Err: err}
}

func isNullable(t Type) bool { _, ok := t.(nullableType); return ok }

func elemCoerce(t Type, c *fieldCtx, v any) (any, error) {
	if v == nil || isNilObject(v) {
		if isNullable(t) {
			return nil, nil
		}
		return nil, c.cannotBeNone()
	}
	return t.coerce(c, v)
}

func elemFromPrimitive(t Type, c *fieldCtx, p *pval) (any, error) {
	if p.kind == pNull {
		if isNullable(t) {
			return nil, nil
		}
		return nil, c.cannotBeNone()
	}
	return t.fromPrimitive(c, p)
}

func elemToPrimitive(t Type, v any, depth int) (any, error) {
	if v == nil {
		return nil, nil
	}
	return toPrimitiveDepth(t, v, depth)
}

func elemAppendJSON(t Type, b []byte, v any, depth int) ([]byte, error) {
	if v == nil {
		return append(b, "null"...), nil
	}
	return appendJSONDepth(t, b, v, depth)
}

// Collections and objects need the nesting depth to stop on cycles; the
// scalar types ignore it.
type deepType interface {
	toPrimitiveAt(v any, depth int) (any, error)
	appendJSONAt(b []byte, v any, depth int) ([]byte, error)
}

func toPrimitiveDepth(t Type, v any, depth int) (any, error) {
	if d, ok := t.(deepType); ok {
		return d.toPrimitiveAt(v, depth)
	}
	if n, ok := t.(nullableType); ok {
		return elemToPrimitive(n.inner, v, depth)
	}
	return t.toPrimitive(v)
}

func appendJSONDepth(t Type, b []byte, v any, depth int) ([]byte, error) {
	if d, ok := t.(deepType); ok {
		return d.appendJSONAt(b, v, depth)
	}
	if n, ok := t.(nullableType); ok {
		return elemAppendJSON(n.inner, b, v, depth)
	}
	return t.appendJSON(b, v)
}

func isNilObject(v any) bool {
	o, ok := v.(*Object)
	return ok && o == nil
}

// sliceItems returns the elements of a Go slice or array value (what a
// List or Set field accepts where Python takes an iterable).
func sliceItems(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, true
	case []*Object:
		out := make([]any, len(x))
		for i, o := range x {
			out[i] = o
		}
		return out, true
	case string:
		return nil, false
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

// ---- Element kinds ----

// elemKind says how a collection holds its elements: unboxed in a typed
// slice or map when the element type is a non-nullable scalar, else as
// any.
type elemKind uint8

const (
	ekAny elemKind = iota
	ekString
	ekInt
	ekFloat
	ekBool
	ekObject
)

func kindOf(t Type) elemKind {
	switch t.(type) {
	case stringType, uuidType, enumType, macType:
		return ekString
	case integerType:
		return ekInt
	case floatType:
		return ekFloat
	case booleanType:
		return ekBool
	case objectType:
		return ekObject
	}
	return ekAny
}

// collect builds a []T from n values produced by get.
func collect[T any](n int, get func(i int) (any, error)) ([]T, error) {
	out := make([]T, 0, n)
	for i := 0; i < n; i++ {
		v, err := get(i)
		if err != nil {
			return nil, err
		}
		t, _ := v.(T) // nil (None) stays nil in a []any
		out = append(out, t)
	}
	return out, nil
}

// build makes the natural slice of kind k.
func build(k elemKind, n int, get func(i int) (any, error)) (any, error) {
	switch k {
	case ekString:
		return collect[string](n, get)
	case ekInt:
		return collect[int64](n, get)
	case ekFloat:
		return collect[float64](n, get)
	case ekBool:
		return collect[bool](n, get)
	case ekObject:
		return collect[*Object](n, get)
	}
	return collect[any](n, get)
}

// items returns the elements of a natural slice as values.
func items(v any) []any {
	if x, ok := v.([]any); ok {
		return x
	}
	out, _ := sliceItems(v)
	return out
}

// appendStrings writes a []string as a JSON array.
func appendStrings(b []byte, x []string) []byte {
	b = append(b, '[')
	for i, s := range x {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendInts writes a []int64 as a JSON array.
func appendInts(b []byte, x []int64) []byte {
	b = append(b, '[')
	for i, n := range x {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, n, 10)
	}
	return append(b, ']')
}

// appendStringSet writes a set of strings, held sorted by their bytes. A
// string that is not UTF-8 is written with U+FFFD for each such byte
// (see appendJSONString), so it reads back as another string, which may
// sort elsewhere or equal another member: such a set is written in the
// order its members read back, each member that reads back alike only
// once, so that writing what was read gives the same text (as appendMap
// does for keys). Such strings come from Go (Set, FromPrimitive): FromJSON
// refuses text that is not UTF-8.
func appendStringSet(b []byte, x []string) []byte {
	if !slices.ContainsFunc(x, notUTF8) {
		return appendStrings(b, x)
	}
	return appendStrings(b, readBackOrder(slices.Clone(x), func(s string) string { return s }))
}

func notUTF8(s string) bool { return !utf8.ValidString(s) }

// appendSlice writes a natural slice as a JSON array.
func appendSlice(t Type, b []byte, v any, depth int) ([]byte, error) {
	switch x := v.(type) {
	case []string:
		return appendStrings(b, x), nil
	case []int64:
		return appendInts(b, x), nil
	}
	var err error
	b = append(b, '[')
	switch x := v.(type) {
	case []float64:
		for i, f := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendJSONFloat(b, f); err != nil {
				return b, err
			}
		}
	case []*Object:
		for i, o := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = o.appendJSON(b, depth+1); err != nil {
				return b, err
			}
		}
	default:
		for i, e := range items(v) {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = elemAppendJSON(t, b, e, depth+1); err != nil {
				return b, err
			}
		}
	}
	return append(b, ']'), nil
}

func slicePrimitive(t Type, v any, depth int) (any, error) {
	vals := items(v)
	out := make([]any, len(vals))
	for i, x := range vals {
		p, err := elemToPrimitive(t, x, depth+1)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// ---- List ----

type listType struct {
	elem Type
	kind elemKind
}

// ListOf is oslo's List(t): a list whose elements have type t (use
// Nullable(t) to allow None elements). It holds a []string for string
// types (String, UUID, Enum), []int64 for Integer, []float64 for Float,
// []bool for Boolean, []*Object for ObjectOf, else []any. A JSON string
// given for a list is read as its characters and a JSON object as its
// keys, as Python iterates them.
func ListOf(t Type) Type { return listType{elem: t, kind: kindOf(t)} }

// ListOfObjects is oslo's ListOfObjectsField: ListOf(ObjectOf(name)), held
// as []*Object.
func ListOfObjects(name string) Type { return ListOf(ObjectOf(name)) }

func (t listType) String() string { return "List(" + t.elem.String() + ")" }

func (t listType) coerce(c *fieldCtx, v any) (any, error) {
	in, ok := sliceItems(v)
	if !ok {
		return nil, c.errorf(v, "a list is required, not a %s", goTypeName(v))
	}
	return build(t.kind, len(in), func(i int) (any, error) {
		e, err := elemCoerce(t.elem, c, in[i])
		if err != nil {
			return nil, c.elemErr(err, i)
		}
		return e, nil
	})
}

func (t listType) fromPrimitive(c *fieldCtx, p *pval) (any, error) {
	in, err := p.iterate()
	if err != nil {
		return nil, c.wrap(p, err)
	}
	return build(t.kind, len(in), func(i int) (any, error) {
		e, err := elemFromPrimitive(t.elem, c, &in[i])
		if err != nil {
			return nil, c.elemErr(err, i)
		}
		return e, nil
	})
}

func (t listType) toPrimitive(v any) (any, error) { return t.toPrimitiveAt(v, 0) }

func (t listType) toPrimitiveAt(v any, depth int) (any, error) {
	return slicePrimitive(t.elem, v, depth)
}

func (t listType) appendJSON(b []byte, v any) ([]byte, error) { return t.appendJSONAt(b, v, 0) }

func (t listType) appendJSONAt(b []byte, v any, depth int) ([]byte, error) {
	return appendSlice(t.elem, b, v, depth)
}

// ---- Dict ----

type dictType struct {
	elem Type
	kind elemKind
}

// DictOf is oslo's Dict(t): string keys, values of type t (Nullable(t)
// to allow None values). It holds a map[string]string for string types,
// map[string]int64 for Integer, map[string]float64 for Float,
// map[string]bool for Boolean, else map[string]any.
func DictOf(t Type) Type {
	k := kindOf(t)
	if k == ekObject {
		k = ekAny
	}
	return dictType{elem: t, kind: k}
}

func (t dictType) String() string { return "Dict(" + t.elem.String() + ")" }

// collectMap builds a map[string]T from the values get gives for keys.
func collectMap[T any](keys []string, get func(i int) (any, error)) (map[string]T, error) {
	out := make(map[string]T, len(keys))
	for i, k := range keys {
		v, err := get(i)
		if err != nil {
			return nil, err
		}
		t, _ := v.(T)
		out[k] = t
	}
	return out, nil
}

func (t dictType) build(keys []string, get func(i int) (any, error)) (any, error) {
	switch t.kind {
	case ekString:
		return collectMap[string](keys, get)
	case ekInt:
		return collectMap[int64](keys, get)
	case ekFloat:
		return collectMap[float64](keys, get)
	case ekBool:
		return collectMap[bool](keys, get)
	}
	return collectMap[any](keys, get)
}

// mapItems returns the entries of a Go map with string keys, keys sorted.
func mapItems(v any) (keys []string, vals []any, ok bool) {
	if m, isAny := v.(map[string]any); isAny {
		keys = sortedKeys(m)
		for _, k := range keys {
			vals = append(vals, m[k])
		}
		return keys, vals, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map || rv.Type().Key().Kind() != reflect.String {
		return nil, nil, false
	}
	for _, k := range rv.MapKeys() {
		keys = append(keys, k.String())
	}
	slices.Sort(keys)
	for _, k := range keys {
		vals = append(vals, rv.MapIndex(reflect.ValueOf(k).Convert(rv.Type().Key())).Interface())
	}
	return keys, vals, true
}

func (t dictType) coerce(c *fieldCtx, v any) (any, error) {
	keys, vals, ok := mapItems(v)
	if !ok {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Map {
			return nil, c.errorf(v, "dict keys must be strings")
		}
		return nil, c.errorf(v, "a dict is required, not a %s", goTypeName(v))
	}
	return t.build(keys, func(i int) (any, error) {
		e, err := elemCoerce(t.elem, c, vals[i])
		if err != nil {
			return nil, c.elemErr(err, keys[i])
		}
		return e, nil
	})
}

func (t dictType) fromPrimitive(c *fieldCtx, p *pval) (any, error) {
	if p.kind != pObject {
		return nil, c.errorf(p, "'%s' object has no attribute 'items'", p.pyTypeName())
	}
	keys := make([]string, p.members())
	for i := range keys {
		keys[i] = p.key(i)
	}
	return t.build(keys, func(i int) (any, error) {
		e, err := elemFromPrimitive(t.elem, c, p.val(i))
		if err != nil {
			return nil, c.elemErr(err, keys[i])
		}
		return e, nil
	})
}

func (t dictType) toPrimitive(v any) (any, error) { return t.toPrimitiveAt(v, 0) }

func (t dictType) toPrimitiveAt(v any, depth int) (any, error) {
	keys, vals, _ := mapItems(v)
	out := make(map[string]any, len(keys))
	for i, k := range keys {
		p, err := elemToPrimitive(t.elem, vals[i], depth+1)
		if err != nil {
			return nil, err
		}
		out[k] = p
	}
	return out, nil
}

func (t dictType) appendJSON(b []byte, v any) ([]byte, error) { return t.appendJSONAt(b, v, 0) }

// appendMap writes a map with sorted keys, each value by write.
func appendMap[T any](b []byte, m map[string]T, write func([]byte, T) ([]byte, error)) ([]byte, error) {
	if len(m) == 0 {
		return append(b, "{}"...), nil
	}
	type member struct {
		k string
		v T
	}
	var buf [8]member
	ms := buf[:0]
	valid := true
	for k, v := range m {
		ms = append(ms, member{k, v})
		valid = valid && utf8.ValidString(k)
	}
	if valid {
		slices.SortFunc(ms, func(x, y member) int { return strings.Compare(x.k, y.k) })
	} else {
		ms = readBackOrder(ms, func(m member) string { return m.k })
	}
	b = append(b, '{')
	var err error
	for i, e := range ms {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, e.k)
		b = append(b, ':')
		if b, err = write(b, e.v); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

func (t dictType) appendJSONAt(b []byte, v any, depth int) ([]byte, error) {
	switch m := v.(type) {
	case map[string]string:
		return appendMap(b, m, func(b []byte, s string) ([]byte, error) { return appendJSONString(b, s), nil })
	case map[string]int64:
		return appendMap(b, m, func(b []byte, n int64) ([]byte, error) { return strconv.AppendInt(b, n, 10), nil })
	case map[string]float64:
		return appendMap(b, m, appendJSONFloat)
	case map[string]any:
		return appendMap(b, m, func(b []byte, x any) ([]byte, error) { return elemAppendJSON(t.elem, b, x, depth+1) })
	}
	p, err := t.toPrimitiveAt(v, depth)
	if err != nil {
		return b, err
	}
	return appendPrimitive(b, p)
}

// ---- Set ----

type setType struct {
	elem Type
	kind elemKind
}

// SetOf is oslo's Set(t). Go has no set type: the field holds a slice
// without duplicates, sorted ([]string, []int64, []float64 or []bool for
// those element types, else []any), and accepts a slice (duplicates
// dropped) or the keys of a map. On the wire a set is a list, written
// sorted.
func SetOf(t Type) Type {
	k := kindOf(t)
	if k == ekObject {
		k = ekAny
	}
	return setType{elem: t, kind: k}
}

func (t setType) String() string { return "Set(" + t.elem.String() + ")" }

// typed turns the []any of a set's values into its natural slice.
func (t setType) typed(vals []any) any {
	sortNatural(vals)
	v, _ := build(t.kind, len(vals), func(i int) (any, error) { return vals[i], nil })
	return v
}

func (t setType) coerce(c *fieldCtx, v any) (any, error) {
	in, ok := sliceItems(v)
	if !ok {
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Map {
			return nil, c.errorf(v, "a set is required, not a %s", goTypeName(v))
		}
		for _, k := range rv.MapKeys() {
			in = append(in, k.Interface())
		}
	}
	out := make([]any, 0, len(in))
	var seen keySet
	for i, x := range in {
		e, err := elemCoerce(t.elem, c, x)
		if err != nil {
			return nil, c.elemErr(err, describeValue(x))
		}
		if seen.add(naturalKey(e, i)) {
			out = append(out, e)
		}
	}
	return t.typed(out), nil
}

// identityFromPrimitive reports whether oslo's from_primitive of the type
// returns its argument unchanged (coercion comes later): a set of such
// elements is de-duplicated on the raw JSON values first.
func identityFromPrimitive(t Type) bool {
	switch x := t.(type) {
	case nullableType:
		return identityFromPrimitive(x.inner)
	case stringType, enumType, uuidType, macType, integerType, floatType, booleanType:
		return true
	}
	return false
}

func isCollection(t Type) bool {
	switch x := t.(type) {
	case nullableType:
		return isCollection(x.inner)
	case listType, dictType, setType:
		return true
	}
	return false
}

func (t setType) fromPrimitive(c *fieldCtx, p *pval) (any, error) {
	in, err := p.iterate()
	if err != nil {
		return nil, c.wrap(p, err)
	}
	// Python builds set(from_primitive(x) for x in value), then coerces
	// every member into a new set.
	out := make([]any, 0, len(in))
	var seenRaw, seen keySet
	identity := identityFromPrimitive(t.elem)
	for i := range in {
		x := &in[i]
		if identity {
			k, err := pyHashKey(x, i)
			if err != nil {
				return nil, c.wrap(p, err)
			}
			if !seenRaw.add(k) {
				continue
			}
		} else if isCollection(t.elem) && x.kind != pNull {
			return nil, c.wrap(p, fmt.Errorf("unhashable type: '%s'", x.pyTypeName()))
		}
		e, err := elemFromPrimitive(t.elem, c, x)
		if err != nil {
			return nil, c.elemErr(err, x.pyStr())
		}
		if seen.add(naturalKey(e, i)) {
			out = append(out, e)
		}
	}
	return t.typed(out), nil
}

// keySet is a set of comparable keys: a slice while small, a map beyond.
type keySet struct {
	small []any
	m     map[any]bool
}

// add adds k and reports whether it was new.
func (s *keySet) add(k any) bool {
	if s.m != nil {
		if s.m[k] {
			return false
		}
		s.m[k] = true
		return true
	}
	for _, x := range s.small {
		if x == k {
			return false
		}
	}
	s.small = append(s.small, k)
	if len(s.small) > 16 {
		s.m = make(map[any]bool, 2*len(s.small))
		for _, x := range s.small {
			s.m[x] = true
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (t setType) toPrimitive(v any) (any, error) { return t.toPrimitiveAt(v, 0) }

func (t setType) toPrimitiveAt(v any, depth int) (any, error) {
	p, err := slicePrimitive(t.elem, v, depth)
	if err != nil {
		return nil, err
	}
	out := p.([]any)
	slices.SortStableFunc(out, comparePrimitive)
	return out, nil
}

func (t setType) appendJSON(b []byte, v any) ([]byte, error) { return t.appendJSONAt(b, v, 0) }

func (t setType) appendJSONAt(b []byte, v any, depth int) ([]byte, error) {
	switch x := v.(type) {
	case []string:
		return appendStringSet(b, x), nil
	case []int64, []float64:
		// Kept sorted in the order they are written in.
		return appendSlice(t.elem, b, v, depth)
	}
	p, err := t.toPrimitiveAt(v, depth)
	if err != nil {
		return b, err
	}
	return appendPrimitive(b, readBackSet(p.([]any)))
}

// readBackSet is appendStringSet's order for a set's sorted primitives:
// if a string among them is not UTF-8, they are ordered as they read back
// once written, and of strings that read back alike only the first is
// kept.
func readBackSet(vals []any) []any {
	if !slices.ContainsFunc(vals, func(v any) bool { s, ok := v.(string); return ok && notUTF8(s) }) {
		return vals
	}
	back := func(v any) any {
		if s, ok := v.(string); ok {
			return readBack(s)
		}
		return v
	}
	slices.SortStableFunc(vals, func(a, b any) int { return comparePrimitive(back(a), back(b)) })
	return slices.CompactFunc(vals, func(a, b any) bool {
		sa, ok := a.(string)
		sb, ok2 := b.(string)
		return ok && ok2 && readBack(sa) == readBack(sb)
	})
}

// hashKey types keep keys of different Python types apart where Python
// keeps them apart (1 == 1.0 == True, but "1" differs).
type (
	numKey   struct{ i int64 }
	floatKey struct{ f float64 }
	bigKey   struct{ s string }
	strKey   struct{ s string }
	nullKey  struct{}
	uniqKey  struct{ i int }
	timeKey  struct{ us int64 }
)

// pyHashKey returns a key equal for values Python's set would merge.
func pyHashKey(p *pval, i int) (any, error) {
	switch p.kind {
	case pNull:
		return nullKey{}, nil
	case pBool:
		if p.b {
			return numKey{1}, nil
		}
		return numKey{0}, nil
	case pInt:
		return numKey{p.i}, nil
	case pBig:
		return bigKey{pyIntString(p.s)}, nil
	case pFloat:
		if math.IsNaN(p.f) {
			return uniqKey{i}, nil
		}
		if p.f == math.Trunc(p.f) && p.f >= -(1<<63) && p.f < 1<<63 {
			return numKey{int64(p.f)}, nil
		}
		return floatKey{p.f}, nil
	case pString:
		return strKey{p.s}, nil
	}
	return nil, fmt.Errorf("unhashable type: '%s'", p.pyTypeName())
}

// naturalKey returns a key equal for field values Python considers equal.
func naturalKey(v any, i int) any {
	switch x := v.(type) {
	case nil:
		return nullKey{}
	case float64:
		if math.IsNaN(x) {
			return uniqKey{i}
		}
		if x == 0 {
			return floatKey{0}
		}
	case time.Time:
		return timeKey{x.UnixMicro()}
	case netip.Prefix:
		return x.Masked()
	case *Object:
		return x
	}
	if v != nil && reflect.TypeOf(v).Comparable() {
		return v
	}
	return uniqKey{i}
}

// sortNatural orders a set's values: numbers, strings, times by instant,
// addresses; other values keep their order.
func sortNatural(vals []any) {
	slices.SortStableFunc(vals, func(a, b any) int {
		switch x := a.(type) {
		case int64:
			if y, ok := b.(int64); ok {
				return cmp.Compare(x, y)
			}
		case float64:
			if y, ok := b.(float64); ok {
				return cmp.Compare(x, y)
			}
		case string:
			if y, ok := b.(string); ok {
				return strings.Compare(x, y)
			}
		case bool:
			if y, ok := b.(bool); ok {
				return cmpBool(x, y)
			}
		case time.Time:
			if y, ok := b.(time.Time); ok {
				return x.Compare(y)
			}
		case netip.Addr:
			if y, ok := b.(netip.Addr); ok {
				return x.Compare(y)
			}
		case netip.Prefix:
			if y, ok := b.(netip.Prefix); ok {
				if c := x.Addr().Compare(y.Addr()); c != 0 {
					return c
				}
				return cmp.Compare(x.Bits(), y.Bits())
			}
		case nil:
			if b != nil {
				return -1
			}
		}
		if b == nil && a != nil {
			return 1
		}
		return 0
	})
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// comparePrimitive orders primitive values the way Python's sorted()
// orders a set's primitives: numbers by value, strings by code point.
func comparePrimitive(a, b any) int {
	fa, aNum := primitiveNumber(a)
	fb, bNum := primitiveNumber(b)
	switch {
	case aNum && bNum:
		if ia, ok := a.(int64); ok {
			if ib, ok := b.(int64); ok {
				return cmp.Compare(ia, ib)
			}
		}
		return cmp.Compare(fa, fb)
	case a == nil && b != nil:
		return -1
	case b == nil && a != nil:
		return 1
	}
	sa, aok := a.(string)
	sb, bok := b.(string)
	if aok && bok {
		return strings.Compare(sa, sb)
	}
	return 0
}

func primitiveNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// ---- Object ----

type objectType struct{ name string }

// ObjectOf is oslo's Object(name) (ObjectField): a nested object of the
// named class, registered in the same registry.
func ObjectOf(name string) Type { return objectType{name: name} }

func (t objectType) String() string { return "Object(" + t.name + ")" }

func (t objectType) check(c *fieldCtx, v any, o *Object) (any, error) {
	if o.class.Name != t.name {
		return nil, c.errorf(nil, "an object of type %s is required, not a %s", t.name, o.class.Name)
	}
	return o, nil
}

func (t objectType) coerce(c *fieldCtx, v any) (any, error) {
	o, ok := v.(*Object)
	if !ok {
		return nil, c.errorf(v, "an object of type %s is required, not a %s", t.name, goTypeName(v))
	}
	return t.check(c, v, o)
}

func (t objectType) fromPrimitive(c *fieldCtx, p *pval) (any, error) {
	o, err := c.reg.load(p, c.depth+1)
	if err != nil {
		return nil, &FieldError{Object: c.obj, Field: c.attr, Err: err}
	}
	return t.check(c, p, o)
}

func (t objectType) toPrimitive(v any) (any, error) { return t.toPrimitiveAt(v, 0) }

func (t objectType) toPrimitiveAt(v any, depth int) (any, error) {
	o, _ := v.(*Object)
	return o.toPrimitive(depth + 1)
}

func (t objectType) appendJSON(b []byte, v any) ([]byte, error) { return t.appendJSONAt(b, v, 0) }

func (t objectType) appendJSONAt(b []byte, v any, depth int) ([]byte, error) {
	o, _ := v.(*Object)
	return o.appendJSON(b, depth+1)
}
