package objects

import (
	"errors"
	"fmt"
	"math"
	"strconv"
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
	o.version = ver.s
	if o.version != cls.Version {
		o.vt, o.verr = versionTuple(o.version)
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

// checkTarget validates a target version against the object's version.
func (o *Object) checkTarget(target string) error {
	tt, err := versionTuple(target)
	if err != nil {
		return err
	}
	if o.verr != nil {
		return o.verr
	}
	if compareTuples(tt, o.vt) > 0 {
		return &InvalidTargetVersionError{Name: o.class.Name, Version: target, Current: o.version}
	}
	return nil
}

// ToPrimitive returns the object's primitive, backported to target (""
// means the object's own version), as oslo's obj_to_primitive does:
// {"versioned_object.name": ..., ".namespace", ".version": target,
// ".data": {set fields}, ".changes": [changed fields present in data]}.
// Values are nil, bool, int64, float64, string, []any and map[string]any;
// "changes" and sets are sorted. A target newer than the object's version
// is an InvalidTargetVersionError.
func (o *Object) ToPrimitive(target string) (map[string]any, error) {
	return o.toPrimitive(target, 0)
}

func (o *Object) toPrimitive(target string, depth int) (map[string]any, error) {
	if o.class.reg == nil {
		return nil, errUnregistered(o)
	}
	if depth > maxDepth {
		return nil, fmt.Errorf("objects: %s: %w", o.class.Name, errTooDeep)
	}
	if target == "" {
		target = o.version
	}
	if err := o.checkTarget(target); err != nil {
		return nil, err
	}
	cls := o.class
	data := make(map[string]any, len(o.slots))
	for i, s := range o.slots {
		if !s.set {
			continue
		}
		if s.isNil() {
			data[cls.Fields[i].Name] = nil
			continue
		}
		p, err := toPrimitiveDepth(cls.Fields[i].Type, s.value(), depth)
		if err != nil {
			return nil, err
		}
		data[cls.Fields[i].Name] = p
	}
	if target != o.version {
		if err := o.makeCompatible(data, target, depth); err != nil {
			return nil, err
		}
	}
	r := cls.reg
	prim := map[string]any{
		r.keyName:      cls.Name,
		r.keyNamespace: r.namespace,
		r.keyVersion:   target,
		r.keyData:      data,
	}
	var changes []any
	for _, i := range cls.byName {
		name := cls.Fields[i].Name
		if _, ok := data[name]; ok && o.isChanged(i, 0) {
			changes = append(changes, name)
		}
	}
	if len(changes) > 0 {
		prim[r.keyChanges] = changes
	}
	return prim, nil
}

// ToJSON returns the JSON text of ToPrimitive(target). For the object's
// own version it writes straight from the fields, without building the
// primitive.
func (o *Object) ToJSON(target string) ([]byte, error) {
	if target == "" || target == o.version {
		b, err := o.appendJSON(make([]byte, 0, atomic.LoadInt64(&o.class.sizeHint)+64), 0)
		if err == nil {
			atomic.StoreInt64(&o.class.sizeHint, int64(len(b)))
		}
		return b, err
	}
	p, err := o.ToPrimitive(target)
	if err != nil {
		return nil, err
	}
	return appendPrimitive(nil, p)
}

// MarshalJSON writes the object's primitive at its own version, so an
// Object can be part of any JSON document.
func (o *Object) MarshalJSON() ([]byte, error) { return o.ToJSON("") }

// appendJSON writes the primitive at the object's own version: no
// backport anywhere below, so it needs no intermediate maps.
func (o *Object) appendJSON(b []byte, depth int) ([]byte, error) {
	if o.class.reg == nil {
		return b, errUnregistered(o)
	}
	if depth > maxDepth {
		return b, fmt.Errorf("objects: %s: %w", o.class.Name, errTooDeep)
	}
	if o.verr != nil {
		return b, o.verr
	}
	cls := o.class
	r := cls.reg
	b = append(b, r.jsonName...)
	b = appendJSONString(b, cls.Name)
	b = append(b, r.jsonNamespace...)
	b = appendJSONString(b, r.namespace)
	b = append(b, r.jsonVersion...)
	b = appendJSONString(b, o.version)
	b = append(b, r.jsonData...)
	b = append(b, '{')
	first := true
	var err error
	for i, s := range o.slots {
		if !s.set {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, cls.jsonNames[i]...)
		switch s.kind {
		case inString:
			b = appendJSONString(b, s.s)
			continue
		case inInt:
			b = strconv.AppendInt(b, int64(s.n), 10)
			continue
		case inFloat:
			if b, err = appendJSONFloat(b, math.Float64frombits(s.n)); err != nil {
				return b, fmt.Errorf("objects: %s.%s: %w", cls.Name, cls.Fields[i].Name, err)
			}
			continue
		}
		if s.v == nil {
			b = append(b, "null"...)
			continue
		}
		if b, err = appendJSONDepth(cls.Fields[i].Type, b, s.v, depth); err != nil {
			return b, fmt.Errorf("objects: %s.%s: %w", cls.Name, cls.Fields[i].Name, err)
		}
	}
	b = append(b, '}')
	first = true
	for _, i := range cls.byName {
		if !o.slots[i].set || !o.isChanged(i, 0) {
			continue
		}
		if first {
			b = append(b, r.jsonChanges...)
			b = append(b, '[')
		} else {
			b = append(b, ',')
		}
		first = false
		b = appendJSONString(b, cls.Fields[i].Name)
	}
	if !first {
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// subobject actions of _get_subobject_version.
const (
	keepChild = iota
	dropChild
	backportChild
)

// subobjectVersion is oslo's _get_subobject_version over (parent, child)
// pairs, oldest first. asDict marks a list class's child_versions, which
// oslo walks as dict items: there a target between two entries fails.
func subobjectVersion(target string, pairs [][2]string, asDict bool) (int, string, error) {
	tgt, err := versionTuple(target)
	if err != nil {
		return 0, "", err
	}
	for i, p := range pairs {
		parent, err := versionTuple(p[0])
		if err != nil {
			return 0, "", err
		}
		switch c := compareTuples(tgt, parent); {
		case c < 0 && i == 0:
			return dropChild, "", nil
		case c < 0 && asDict:
			return 0, "", &ActionError{Action: "obj_make_compatible",
				Reason: "no child version for target " + target + " (child versions must list every version)"}
		case c < 0:
			return backportChild, pairs[i-1][1], nil
		case c == 0:
			return backportChild, p[1], nil
		}
	}
	return keepChild, "", nil
}

// makeCompatible is obj_make_compatible: backport object fields by
// Relationships (a list class: its elements by ChildVersions), then the
// class's hook.
func (o *Object) makeCompatible(data map[string]any, target string, depth int) error {
	cls := o.class
	if cls.List {
		if err := o.backportList(data, target, depth); err != nil {
			return err
		}
	} else {
		for i, f := range cls.Fields {
			if !isObjectField(f.Type) || !o.slots[i].set {
				continue
			}
			pairs, ok := cls.Relationships[f.Name]
			if !ok {
				return &ActionError{Object: cls.Name, Action: "obj_make_compatible", Reason: "no rule for " + f.Name}
			}
			if len(pairs) == 0 {
				continue
			}
			act, to, err := subobjectVersion(target, pairs, false)
			if err != nil {
				return fmt.Errorf("objects: %s.%s: %w", cls.Name, f.Name, err)
			}
			if err := o.applyChild(data, i, act, to, depth); err != nil {
				return err
			}
		}
	}
	if cls.MakeCompatible != nil {
		if err := cls.MakeCompatible(o, data, Version(target)); err != nil {
			return fmt.Errorf("objects: %s: make compatible with %s: %w", cls.Name, target, err)
		}
	}
	return nil
}

func (o *Object) backportList(data map[string]any, target string, depth int) error {
	cls := o.class
	i := cls.isObjects
	if !o.slots[i].set {
		return nil
	}
	pairs, asDict := cls.ChildVersions, true
	if len(pairs) == 0 {
		pairs, asDict = cls.Relationships["objects"], false
	}
	act, to := backportChild, "1.0"
	if len(pairs) > 0 {
		var err error
		if act, to, err = subobjectVersion(target, pairs, asDict); err != nil {
			var ae *ActionError
			if errors.As(err, &ae) {
				ae.Object = cls.Name
			}
			return err
		}
	}
	return o.applyChild(data, i, act, to, depth)
}

// applyChild drops an object field from data, or backports the child
// primitive(s) in it to version to (the version is written even when it
// is newer than the child's own, as oslo does).
func (o *Object) applyChild(data map[string]any, i, act int, to string, depth int) error {
	name := o.class.Fields[i].Name
	switch act {
	case dropChild:
		delete(data, name)
		return nil
	case keepChild:
		return nil
	}
	r := o.class.reg
	backport := func(child *Object, prim any) error {
		pm, ok := prim.(map[string]any)
		if !ok {
			return &ActionError{Object: o.class.Name, Action: "obj_make_compatible", Reason: name + " is not an object primitive"}
		}
		cd, ok := pm[r.keyData].(map[string]any)
		if !ok {
			return &ActionError{Object: o.class.Name, Action: "obj_make_compatible", Reason: name + " has no data"}
		}
		if err := child.makeCompatible(cd, to, depth+1); err != nil {
			return err
		}
		pm[r.keyVersion] = to
		return nil
	}
	switch v := o.slots[i].v.(type) {
	case *Object:
		return backport(v, data[name])
	case []*Object:
		prims, _ := data[name].([]any)
		if len(prims) != len(v) {
			return &ActionError{Object: o.class.Name, Action: "obj_make_compatible", Reason: name + " does not match its primitive"}
		}
		for k, e := range v {
			if err := backport(e, prims[k]); err != nil {
				return err
			}
		}
	}
	return nil
}
