package objects

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
)

// FromPrimitive loads an object from a primitive held in Go values (what
// encoding/json decodes into an any; use Decoder.UseNumber so that 42 and
// 42.0 stay apart), the way oslo's obj_from_primitive does. Map keys are
// taken in sorted order. FromJSON reads JSON directly and is faster.
func (r *Registry) FromPrimitive(p any) (*Object, error) {
	v, err := toPval(p, 0)
	if err != nil {
		return nil, &PrimitiveError{Err: err}
	}
	return r.load(&v, 0)
}

// FromJSON loads an object from the JSON text of its primitive (the wire
// format oslo.messaging carries).
func (r *Registry) FromJSON(data []byte) (*Object, error) {
	if o, ok := r.fastLoad(data); ok {
		return o, nil
	}
	v, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	return r.load(&v, 0)
}

// load is obj_from_primitive.
func (r *Registry) load(p *pval, depth int) (*Object, error) {
	if depth > maxDepth {
		return nil, &PrimitiveError{Err: errTooDeep}
	}
	if p.kind != pObject {
		return nil, &PrimitiveError{Err: fmt.Errorf("a primitive is a JSON object, not a %s", p.pyTypeName())}
	}
	ns := p.get(r.keyNamespace)
	if ns == nil {
		return nil, &PrimitiveError{Key: r.keyNamespace, Err: errMissing}
	}
	name := p.get(r.keyName)
	if name == nil {
		return nil, &PrimitiveError{Key: r.keyName, Err: errMissing}
	}
	ver := p.get(r.keyVersion)
	if ver == nil {
		return nil, &PrimitiveError{Key: r.keyVersion, Err: errMissing}
	}
	if ns.kind != pString || ns.s != r.namespace {
		return nil, &UnsupportedObjectError{Type: ns.pyStr() + "." + name.pyStr()}
	}
	if name.kind != pString {
		return nil, &UnsupportedObjectError{Type: name.pyStr()}
	}
	if ver.kind != pString {
		return nil, &PrimitiveError{Key: r.keyVersion, Err: fmt.Errorf("expected a string, got %s", ver.pyTypeName())}
	}
	cls, err := r.Lookup(name.s, ver.s)
	if err != nil {
		return nil, err
	}
	o := cls.New()
	if ver.s != cls.Version {
		o.setVersion(ver.s)
	}
	data := p.get(r.keyData)
	if data == nil {
		return nil, &PrimitiveError{Key: r.keyData, Err: errMissing}
	}
	var changes []pval
	if ch := p.get(r.keyChanges); ch != nil {
		if changes, err = ch.iterate(); err != nil {
			return nil, &PrimitiveError{Key: r.keyChanges, Err: err}
		}
	}
	if err := o.loadData(data, depth); err != nil {
		return nil, err
	}
	for i := range o.slots {
		o.slots[i].changed = false
	}
	for i := range changes {
		c := &changes[i]
		switch c.kind {
		case pString:
			if j := cls.field(c.s); j >= 0 {
				o.slots[j].changed = true
			}
		case pArray, pObject:
			return nil, &PrimitiveError{Key: r.keyChanges, Err: fmt.Errorf("unhashable type: '%s'", c.pyTypeName())}
		}
	}
	return o, nil
}

// loadData sets every field present in a primitive's data, in declaration
// order. Like oslo it tests "name in data", so a list or a string given as
// data only fails when it holds a field name.
func (o *Object) loadData(data *pval, depth int) error {
	cls := o.class
	key := o.class.reg.keyData
	switch data.kind {
	case pObject:
	case pArray:
		for i := range data.arr {
			if e := &data.arr[i]; e.kind == pString && cls.field(e.s) >= 0 {
				return &PrimitiveError{Key: key, Err: errors.New("list indices must be integers or slices, not str")}
			}
		}
		return nil
	case pString:
		for _, f := range cls.Fields {
			if strings.Contains(data.s, f.Name) {
				return &PrimitiveError{Key: key, Err: errors.New("string indices must be integers")}
			}
		}
		return nil
	default:
		return &PrimitiveError{Key: key, Err: fmt.Errorf("argument of type '%s' is not iterable", data.pyTypeName())}
	}
	var small [32]*pval
	var at []*pval
	if len(cls.Fields) <= len(small) {
		at = small[:len(cls.Fields)]
	} else {
		at = make([]*pval, len(cls.Fields))
	}
	for i := 0; i < data.members(); i++ {
		if j := cls.field(data.key(i)); j >= 0 {
			at[j] = data.val(i)
		}
	}
	c := fieldCtx{reg: cls.reg, obj: cls.Name, depth: depth}
	for j, p := range at {
		if p == nil {
			continue
		}
		c.attr = cls.Fields[j].Name
		var v any
		var err error
		if p.kind == pNull {
			v, err = o.null(j, &c)
		} else {
			v, err = cls.Fields[j].Type.fromPrimitive(&c, p)
		}
		if err != nil {
			return err
		}
		o.slots[j] = setSlot(v)
	}
	return nil
}

func errUnregistered(o *Object) error {
	return &ActionError{Object: o.class.Name, Action: "obj_to_primitive", Reason: "the class is not registered"}
}

// ToPrimitive returns the object's primitive, backported to target (""
// means the object's own version), as oslo's obj_to_primitive does:
// {"versioned_object.name": ..., ".namespace", ".version": target,
// ".data": {set fields}, ".changes": [changed fields present in data]}.
// Values are nil, bool, int64, float64, string, []any and map[string]any;
// "changes" and sets are sorted. A target newer than the object's version
// is an InvalidTargetVersionError.
func (o *Object) ToPrimitive(target string) (map[string]any, error) {
	d, err := o.backport(target)
	if err != nil {
		return nil, err
	}
	return o.toMap(d, 0)
}

// ToJSON returns the JSON text of ToPrimitive(target), written straight
// from the fields.
func (o *Object) ToJSON(target string) ([]byte, error) {
	d, err := o.backport(target)
	if err != nil {
		return nil, err
	}
	b, err := o.encode(make([]byte, 0, atomic.LoadInt64(&o.class.sizeHint)+64), d, 0)
	if err != nil {
		return nil, err
	}
	if d == nil {
		atomic.StoreInt64(&o.class.sizeHint, int64(len(b)))
	}
	return b, nil
}

// MarshalJSON writes the object's primitive at its own version, so an
// Object can be part of any JSON document.
func (o *Object) MarshalJSON() ([]byte, error) { return o.ToJSON("") }

// appendJSON writes the primitive at the object's own version.
func (o *Object) appendJSON(b []byte, depth int) ([]byte, error) { return o.encode(b, nil, depth) }

// toPrimitive is the primitive at the object's own version.
func (o *Object) toPrimitive(depth int) (map[string]any, error) { return o.toMap(nil, depth) }

// backport checks target and returns what the backport to it changes:
// nil for the object's own version.
func (o *Object) backport(target string) (*Data, error) {
	if o.class.reg == nil {
		return nil, errUnregistered(o)
	}
	if target == "" || target == o.version {
		return nil, nil // encode reports a version that is not a tuple
	}
	tt, err := versionTuple(target)
	if err != nil {
		return nil, err
	}
	if o.ver.err != nil {
		return nil, o.ver.err
	}
	if compareTuples(tt, o.ver.vt) > 0 {
		return nil, &InvalidTargetVersionError{Name: o.class.Name, Version: target, Current: o.version}
	}
	// oslo writes every nested object at its own version before the
	// backport, which may then drop it: the errors of that come first.
	if err := o.checkNested(0); err != nil {
		return nil, err
	}
	d := newData(o, target, true, 0)
	return d, o.makeCompatible(d, target, tt)
}

// checkNested fails as writing the nested objects at their own versions
// would fail.
func (o *Object) checkNested(depth int) error {
	if depth > maxDepth {
		return tooDeep(o)
	}
	for i := range o.slots {
		if s := &o.slots[i]; s.set && s.kind == inAny {
			if err := checkNestedValue(s.v, depth); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkNestedValue(v any, depth int) error {
	switch x := v.(type) {
	case *Object:
		if x == nil {
			return nil
		}
		if x.class.reg == nil {
			return errUnregistered(x)
		}
		if x.ver.err != nil {
			return x.ver.err
		}
		return x.checkNested(depth + 1)
	case []*Object:
		for _, e := range x {
			if err := checkNestedValue(e, depth); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range x {
			if err := checkNestedValue(e, depth); err != nil {
				return err
			}
		}
	case map[string]any:
		for _, e := range x {
			if err := checkNestedValue(e, depth); err != nil {
				return err
			}
		}
	}
	return nil
}
