package objects

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

// Data is the data of a primitive being backported to an older version:
// the fields the object writes, which a MakeCompatible hook may drop,
// replace or add to (Python's hook edits the primitive's data dict the
// same way). Values are in primitive form (nil, bool, int64, float64,
// string, []any, map[string]any, a nested object's primitive as a
// map[string]any). The object itself is not changed.
type Data struct {
	o       *Object
	version string // the version written for the object
	top     bool   // the object asked for; its changes follow the final data
	fields  []dataField
	extra   map[string]any // values given (or taken out) by name
	depth   int
	err     error // the first conversion error of Get
}

type dataField struct {
	gone bool // dropped
	kid  any  // *Data or []*Data: the backported child object(s)
}

func newData(o *Object, version string, top bool, depth int) *Data {
	return &Data{o: o, version: version, top: top, fields: make([]dataField, len(o.slots)), depth: depth}
}

// present reports whether field i is written (not counting extra).
func (d *Data) present(i int) bool {
	return d.o.slots[i].set && !d.fields[i].gone
}

// Has reports whether the data holds name.
func (d *Data) Has(name string) bool {
	if _, ok := d.extra[name]; ok {
		return true
	}
	i := d.o.class.field(name)
	return i >= 0 && d.present(i)
}

// Get returns the primitive form of name, and whether the data holds it.
// A list or map it returns is the one that will be written: changing it
// changes the primitive.
func (d *Data) Get(name string) (any, bool) {
	if v, ok := d.extra[name]; ok {
		return v, true
	}
	i := d.o.class.field(name)
	if i < 0 || !d.present(i) {
		return nil, false
	}
	var v any
	var err error
	switch kid := d.fields[i].kid.(type) {
	case *Data:
		v, err = kid.o.toMap(kid, d.depth+1)
	case []*Data:
		l := make([]any, len(kid))
		for j, k := range kid {
			if l[j], err = k.o.toMap(k, d.depth+1); err != nil {
				break
			}
		}
		v = l
	default:
		s := &d.o.slots[i]
		if !s.isNil() {
			v, err = toPrimitiveDepth(d.o.class.Fields[i].Type, s.value(), d.depth)
		}
	}
	if err != nil && d.err == nil {
		d.err = err
	}
	d.Set(name, v)
	return v, true
}

// Set gives name the primitive value v.
func (d *Data) Set(name string, v any) {
	if d.extra == nil {
		d.extra = map[string]any{}
	}
	d.extra[name] = v
	if i := d.o.class.field(name); i >= 0 {
		d.fields[i].gone = false
	}
}

// Delete drops name (Python's primitive.pop(name, None)).
func (d *Data) Delete(name string) {
	delete(d.extra, name)
	if i := d.o.class.field(name); i >= 0 {
		d.fields[i].gone = true
	}
}

// Names returns the names the data holds, sorted.
func (d *Data) Names() []string {
	var out []string
	for i, f := range d.o.class.Fields {
		if _, ok := d.extra[f.Name]; !ok && d.present(i) {
			out = append(out, f.Name)
		}
	}
	for k := range d.extra {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// hasField reports whether field i ends up in the written data.
func (d *Data) hasField(i int) bool {
	if _, ok := d.extra[d.o.class.Fields[i].Name]; ok {
		return true
	}
	return d.present(i)
}

// extraNames returns the added names that are not fields, sorted.
func (d *Data) extraNames() []string {
	var out []string
	for k := range d.extra {
		if d.o.class.field(k) < 0 {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
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
func subobjectVersion(target string, tgt []int64, pairs []versionPair, asDict bool) (int, versionPair, error) {
	for i, p := range pairs {
		switch c := compareTuples(tgt, p.parent); {
		case c < 0 && i == 0:
			return dropChild, versionPair{}, nil
		case c < 0 && asDict:
			return 0, versionPair{}, &ActionError{Action: "obj_make_compatible",
				Reason: "no child version for target " + target + " (child versions must list every version)"}
		case c < 0:
			return backportChild, pairs[i-1], nil
		case c == 0:
			return backportChild, p, nil
		}
	}
	return keepChild, versionPair{}, nil
}

// versionPair is a (parent version, child version) pair, parsed.
type versionPair struct {
	parent  []int64
	child   string
	childVT []int64
}

func parsePairs(pairs [][2]string) ([]versionPair, error) {
	out := make([]versionPair, len(pairs))
	for i, p := range pairs {
		var err error
		if out[i].parent, err = versionTuple(p[0]); err != nil {
			return nil, err
		}
		if out[i].childVT, err = versionTuple(p[1]); err != nil {
			return nil, err
		}
		out[i].child = p[1]
	}
	return out, nil
}

// oneZero is the version a list's elements are backported to without
// child versions or relationships: oslo's default.
var oneZero = versionPair{child: "1.0", childVT: []int64{1, 0}}

// makeCompatible is obj_make_compatible: backport object fields by
// Relationships (a list class: its elements by ChildVersions, else
// Relationships["objects"], else to 1.0), then the class's hook.
func (o *Object) makeCompatible(d *Data, target string, tgt []int64) error {
	cls := o.class
	for i, f := range cls.Fields {
		if !o.slots[i].set {
			continue
		}
		var pairs []versionPair
		asDict := false
		switch {
		case cls.List && i == cls.isObjects:
			pairs, asDict = cls.childPairs, true
			if len(pairs) == 0 {
				pairs, asDict = cls.relPairs["objects"], false
			}
			if len(pairs) == 0 {
				var err error
				if d.fields[i].kid, err = o.backportChild(i, oneZero, d.depth); err != nil {
					return err
				}
				continue
			}
		case cls.List || !isObjectField(f.Type):
			continue
		default:
			var ok bool
			if pairs, ok = cls.relPairs[f.Name]; !ok {
				return &ActionError{Object: cls.Name, Action: "obj_make_compatible", Reason: "no rule for " + f.Name}
			}
			if len(pairs) == 0 {
				continue
			}
		}
		act, to, err := subobjectVersion(target, tgt, pairs, asDict)
		if err != nil {
			if ae, ok := err.(*ActionError); ok {
				ae.Object = cls.Name
				return ae
			}
			return writeErr(cls.Name, f.Name, err)
		}
		switch act {
		case dropChild:
			d.fields[i].gone = true
		case backportChild:
			if d.fields[i].kid, err = o.backportChild(i, to, d.depth); err != nil {
				return err
			}
		}
	}
	if cls.MakeCompatible != nil {
		if err := cls.MakeCompatible(o, d, Version(target)); err != nil {
			return fmt.Errorf("objects: %s: make compatible with %s: %w", cls.Name, target, err)
		}
	}
	return d.err
}

// backportChild backports the object(s) of field i to version to, which
// is written as their version even when it is newer than theirs, as oslo
// does.
func (o *Object) backportChild(i int, to versionPair, depth int) (any, error) {
	if depth > maxDepth {
		return nil, tooDeep(o)
	}
	one := func(c *Object) (*Data, error) {
		if c.ver.err != nil { // oslo wrote the child first, at its own version
			return nil, c.ver.err
		}
		cd := newData(c, to.child, false, depth+1)
		return cd, c.makeCompatible(cd, to.child, to.childVT)
	}
	switch v := o.slots[i].v.(type) {
	case *Object:
		return one(v)
	case []*Object:
		kids := make([]*Data, len(v))
		for j, c := range v {
			var err error
			if kids[j], err = one(c); err != nil {
				return nil, err
			}
		}
		return kids, nil
	}
	return nil, nil
}

// encode writes the object's primitive: at its own version when d is
// nil, else as the backport d describes.
func (o *Object) encode(b []byte, d *Data, depth int) ([]byte, error) {
	if o.class.reg == nil {
		return b, errUnregistered(o)
	}
	if depth > maxDepth {
		return b, tooDeep(o)
	}
	if o.ver.err != nil {
		return b, o.ver.err
	}
	cls := o.class
	r := cls.reg
	version := o.version
	if d != nil {
		version = d.version
	}
	b = append(b, cls.jsonHead...)
	if version == cls.Version {
		b = append(b, cls.jsonVer...)
	} else {
		b = appendJSONString(b, version)
	}
	b = append(b, r.jsonData...)
	b = append(b, '{')
	first := true
	var err error
	for i := range o.slots {
		s := &o.slots[i]
		if d != nil {
			if v, ok := d.extra[cls.Fields[i].Name]; ok {
				if !first {
					b = append(b, ',')
				}
				first = false
				b = append(b, cls.jsonNames[i]...)
				if b, err = appendPrimitive(b, v); err != nil {
					return b, writeErr(cls.Name, cls.Fields[i].Name, err)
				}
				continue
			}
			if d.fields[i].gone {
				continue
			}
		}
		if !s.set {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, cls.jsonNames[i]...)
		if d != nil && d.fields[i].kid != nil {
			if b, err = encodeKids(b, d.fields[i].kid, depth); err != nil {
				return b, err
			}
			continue
		}
		switch s.kind {
		case inString:
			b = appendJSONString(b, s.str())
			continue
		case inInt:
			b = strconv.AppendInt(b, int64(s.n), 10)
			continue
		case inFloat:
			err = nil
			if b, err = appendJSONFloat(b, math.Float64frombits(s.n)); err != nil {
				return b, writeErr(cls.Name, cls.Fields[i].Name, err)
			}
			continue
		case inTime: // a DateTime field's
			if s.v.(*time.Location) == time.UTC {
				b = append(b, '"')
				b = appendUTCSeconds(b, int64(s.n))
				b = append(b, '"')
			} else {
				b = appendDateTimeJSON(b, s.time())
			}
			continue
		case inIPv4: // an IP address field's
			b = appendIPJSON(b, s.ipv4())
			continue
		case inIPv6: // likewise
			b = appendIPJSON(b, s.ipv6())
			continue
		case inStrings: // a List or Set field's, written as its type writes it
			if _, isSet := cls.Fields[i].Type.(setType); isSet {
				b = appendStringSet(b, s.strings())
			} else {
				b = appendStrings(b, s.strings())
			}
			continue
		case inInts: // likewise
			b = appendInts(b, s.ints())
			continue
		}
		v := s.v
		if s.kind == inDict { // a Dict field's, as its map would be written
			dict := v.(*strDict)
			if v = dict.cached(); v == nil {
				b = dict.appendJSON(b)
				continue
			}
		}
		if v == nil {
			b = append(b, "null"...)
			continue
		}
		if b, err = appendJSONDepth(cls.Fields[i].Type, b, v, depth); err != nil {
			return b, writeErr(cls.Name, cls.Fields[i].Name, err)
		}
	}
	if d != nil {
		for _, k := range d.extraNames() {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendJSONString(b, k)
			b = append(b, ':')
			if b, err = appendPrimitive(b, d.extra[k]); err != nil {
				return b, writeErr(cls.Name, k, err)
			}
		}
	}
	b = append(b, '}')
	first = true
	for _, i := range cls.byName {
		if !o.writesChange(d, i) {
			continue
		}
		if first {
			b = append(b, r.jsonChanges...)
			b = append(b, '[')
		} else {
			b = append(b, ',')
		}
		first = false
		b = append(b, cls.quotedName(i)...)
	}
	if !first {
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// writesChange reports whether field i is listed in the primitive's
// changes: changed and in the data. For a backported child the data is
// its own, before the backport (oslo does not filter nested changes
// again); for the object asked for, the final data.
func (o *Object) writesChange(d *Data, i int) bool {
	if d != nil && d.top {
		return d.hasField(i) && o.isChanged(i, 0)
	}
	return o.slots[i].set && o.isChanged(i, 0)
}

func encodeKids(b []byte, kid any, depth int) ([]byte, error) {
	var err error
	switch k := kid.(type) {
	case *Data:
		return k.o.encode(b, k, depth+1)
	case []*Data:
		b = append(b, '[')
		for j, e := range k {
			if j > 0 {
				b = append(b, ',')
			}
			if b, err = e.o.encode(b, e, depth+1); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	}
	return b, nil
}

// toMap builds the primitive as Go maps; d as for encode.
func (o *Object) toMap(d *Data, depth int) (map[string]any, error) {
	if o.class.reg == nil {
		return nil, errUnregistered(o)
	}
	if depth > maxDepth {
		return nil, tooDeep(o)
	}
	if o.ver.err != nil {
		return nil, o.ver.err
	}
	cls := o.class
	version := o.version
	if d != nil {
		version = d.version
	}
	data := make(map[string]any, len(o.slots))
	for i := range o.slots {
		s := &o.slots[i]
		name := cls.Fields[i].Name
		if d != nil {
			if v, ok := d.extra[name]; ok {
				data[name] = v
				continue
			}
			if d.fields[i].gone {
				continue
			}
		}
		if !s.set {
			continue
		}
		var v any
		var err error
		switch kid := kidOf(d, i).(type) {
		case *Data:
			v, err = kid.o.toMap(kid, depth+1)
		case []*Data:
			l := make([]any, len(kid))
			for j, k := range kid {
				if l[j], err = k.o.toMap(k, depth+1); err != nil {
					break
				}
			}
			v = l
		default:
			if !s.isNil() {
				v, err = toPrimitiveDepth(cls.Fields[i].Type, s.value(), depth)
			}
		}
		if err != nil {
			return nil, err
		}
		data[name] = v
	}
	if d != nil {
		for _, k := range d.extraNames() {
			data[k] = d.extra[k]
		}
	}
	r := cls.reg
	prim := map[string]any{
		r.keyName:      cls.Name,
		r.keyNamespace: r.namespace,
		r.keyVersion:   version,
		r.keyData:      data,
	}
	var changes []any
	for _, i := range cls.byName {
		if o.writesChange(d, i) {
			changes = append(changes, cls.Fields[i].Name)
		}
	}
	if len(changes) > 0 {
		prim[r.keyChanges] = changes
	}
	return prim, nil
}

func kidOf(d *Data, i int) any {
	if d == nil {
		return nil
	}
	return d.fields[i].kid
}

// writeErr names the field a value of which could not be written; the
// package's own errors (from nested objects) pass unchanged.
func writeErr(object, field string, err error) error {
	switch err.(type) {
	case *FieldError, *VersionError, *ActionError, *InvalidTargetVersionError, *PrimitiveError:
		return err
	}
	return &FieldError{Object: object, Field: field, Err: err}
}
