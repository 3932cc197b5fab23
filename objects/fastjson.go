package objects

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"
)

// The fast path of FromJSON. It reads the usual primitives (plain keys, no
// duplicate keys, values of the field's own JSON type) straight into an
// object, without building the JSON tree first. Whenever it meets anything
// else (an error included) it gives up and FromJSON starts again on the
// reference path, parseJSON then load, which implements oslo's rules in
// full; so the fast path only has to be right on what it accepts, and
// errors always come from the reference path.
//
// The fast path reads the caller's bytes in place, without copying them
// into a string first: every string the object keeps (values, dict keys,
// an older version) is copied out with keep, into a few shared chunks, so
// that the object never refers to the caller's buffer, which the caller
// may reuse as soon as FromJSON returns. Enum values are taken from the
// field's own list.

// fastLoad reads a whole primitive; ok is false when the reference path
// must decide.
func (r *Registry) fastLoad(data []byte) (*Object, bool) {
	// The input is only read while fastLoad runs (see keep). The parser
	// stays on the stack: the fast path needs no scratch space.
	p := &jsonParser{s: unsafe.String(unsafe.SliceData(data), len(data))}
	p.skipSpace()
	o, ok := p.fastObject(r, 0)
	if !ok {
		return nil, false
	}
	p.skipSpace()
	return o, p.pos == len(p.s)
}

// members calls f at the start of each member of the object at p.pos;
// f must read the key, the colon and the value. It leaves p.pos after the
// object.
func (p *jsonParser) members(f func() bool) bool {
	s := p.s
	if p.pos >= len(s) || s[p.pos] != '{' {
		return false
	}
	p.depth++
	if p.depth > maxDepth {
		return false
	}
	p.pos++
	p.skipSpace()
	if p.pos < len(s) && s[p.pos] == '}' {
		p.pos++
		p.depth--
		return true
	}
	for {
		p.skipSpace()
		if !f() {
			return false
		}
		p.skipSpace()
		if p.pos >= len(s) {
			return false
		}
		switch s[p.pos] {
		case ',':
			p.pos++
			continue
		case '}':
			p.pos++
			p.depth--
			return true
		}
		return false
	}
}

// eachMember calls f for each member of the object at p.pos, with p.pos at
// the start of the value, which f must read or skip. It leaves p.pos after
// the object.
func (p *jsonParser) eachMember(f func(key string) bool) bool {
	return p.members(func() bool {
		k, ok := p.anyString()
		return ok && p.colon() && f(k)
	})
}

// colon reads the colon after a key, and the spaces around it.
func (p *jsonParser) colon() bool {
	p.skipSpace()
	if p.pos >= len(p.s) || p.s[p.pos] != ':' {
		return false
	}
	p.pos++
	p.skipSpace()
	return true
}

// skip moves over one value, checking its syntax, without building it.
func (p *jsonParser) skip() bool {
	if p.pos >= len(p.s) {
		return false
	}
	switch c := p.s[p.pos]; {
	case c == '"':
		i, ok := stringEnd(p.s, p.pos+1)
		if !ok || i >= len(p.s) {
			return false
		}
		if p.s[i] == '"' {
			p.pos = i + 1
			return true
		}
		_, ok = p.escapedString()
		return ok
	case c == '-' || isDigit(c):
		if p.literal("-Infinity") {
			return true
		}
		var v pval
		return p.number(&v) == nil
	case c == '{':
		return p.eachMember(func(string) bool { return p.skip() })
	case c == '[':
		p.depth++
		if p.depth > maxDepth {
			return false
		}
		ok := p.elements(p.skip)
		p.depth--
		return ok
	}
	return p.literal("true") || p.literal("false") || p.literal("null") ||
		p.literal("NaN") || p.literal("Infinity")
}

// plainString reads a string without escapes and returns it without
// copying. Like every string the fast path reads, it must be UTF-8: for
// anything else the reference path reports the error.
func (p *jsonParser) plainString() (string, bool) {
	s := p.s
	if p.pos >= len(s) || s[p.pos] != '"' {
		return "", false
	}
	i, ok := stringEnd(s, p.pos+1)
	if !ok || i >= len(s) || s[i] != '"' {
		return "", false
	}
	v := s[p.pos+1 : i]
	p.pos = i + 1
	return v, true
}

// escapedString reads a string with escapes (str), on the fast path: its
// bytes must be UTF-8.
func (p *jsonParser) escapedString() (string, bool) {
	start := p.pos
	v, err := p.str()
	return v, err == nil && utf8.ValidString(p.s[start:p.pos])
}

// stringEnd is stringSpecial for the fast path: it also checks that the
// bytes before the index it returns are UTF-8 (ok false at the first that
// is not), looking at a byte with the high bit set, and what follows it,
// only when it meets one.
func stringEnd(s string, i int) (end int, ok bool) {
	for {
		i = specialOrHigh(s, i)
		if i >= len(s) || s[i] < utf8.RuneSelf {
			return i, true
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return i, false
		}
		i += size
	}
}

// specialOrHigh is stringSpecial that also stops at a byte with the high
// bit set.
func specialOrHigh(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		w := load8(s, i)
		if m := specialBytes(w) | w&0x8080808080808080; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return i
		}
	}
	return i
}

// stringSpecial returns the index of the first byte at or after i that
// ends or escapes a JSON string ('"', '\\', a control character), or
// len(s). It looks at eight bytes at a time.
func stringSpecial(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		if m := specialBytes(load8(s, i)); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
	}
	return i
}

// load8 returns the eight bytes of s at i as a little-endian word (one
// load: the compiler merges the byte reads of a slice of known length).
func load8(s string, i int) uint64 {
	w := s[i : i+8]
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
}

// specialBytes marks, with its high bit, each byte of w that is '"', '\\'
// or a control character. Only the lowest mark is exact (a borrow may mark
// a byte above a marked one), which is the one its callers use.
func specialBytes(w uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q := w ^ ('"' * ones)
	bs := w ^ ('\\' * ones)
	return (((w - 0x20*ones) &^ w) | ((q - ones) &^ q) | ((bs - ones) &^ bs)) & highs
}

// keep returns a copy of s, a part of the input that the object being read
// keeps. The copies are packed into chunks that are only ever appended to,
// so a string in a chunk never changes.
func (p *jsonParser) keep(s string) string {
	if len(s) == 0 {
		return ""
	}
	if cap(p.arena)-len(p.arena) < len(s) {
		// Double the chunks, but no bigger than what is left of the input
		// (and s) can need.
		n := min(max(2*cap(p.arena), 128), len(s)+len(p.s)-p.pos)
		p.arena = make([]byte, 0, max(n, len(s)))
	}
	start := len(p.arena)
	p.arena = append(p.arena, s...)
	return unsafe.String(&p.arena[start], len(s))
}

// reserve returns the capacity of a new chunk that makes room for n more
// elements where a chunk of capacity c has used taken, or 0 if there is
// room. A new chunk doubles the last one (starting at first elements), but
// is no bigger than what the rest of the input can need, each element
// taking at least perElem bytes of it, unless n needs more.
func (p *jsonParser) reserve(c, used, n, first, perElem int) int {
	if c-used >= n {
		return 0
	}
	return max(min(max(2*c, first), n+(len(p.s)-p.pos)/perElem), n)
}

// newStrings returns n strings for the object being read to keep, to
// fill in, from chunks of strings that are handed out once each, capped at
// their length (appending to them copies them). A list of strings, a set
// of them and a dict's members would each cost an allocation of their own;
// a chunk holds them for the whole primitive.
func (p *jsonParser) newStrings(n int) []string {
	if n == 0 {
		return []string{}
	}
	if c := p.reserve(cap(p.strs), len(p.strs), n, 8, 3); c > 0 { // "",
		p.strs = make([]string, 0, c)
	}
	start := len(p.strs)
	p.strs = p.strs[:start+n]
	return p.strs[start : start+n : start+n]
}

// keepStrings returns a copy of vals (scratch space) that the object may
// keep.
func (p *jsonParser) keepStrings(vals []string) []string {
	out := p.newStrings(len(vals))
	copy(out, vals)
	return out
}

// keepInts is keepStrings for integers, which go in the chunks of bytes
// keep copies strings to (they hold no pointers either), 8-aligned.
func (p *jsonParser) keepInts(vals []int64) []int64 {
	if len(vals) == 0 {
		return []int64{}
	}
	n := 8 * len(vals)
	if c := p.reserve(cap(p.arena), len(p.arena)+p.intPad(), n, 128, 1); c > 0 {
		p.arena = make([]byte, 0, c)
	}
	start := len(p.arena) + p.intPad()
	if start+n > cap(p.arena) { // not when chunks are 8-aligned, as Go allocates them
		return slices.Clone(vals)
	}
	p.arena = p.arena[:start+n]
	out := unsafe.Slice((*int64)(unsafe.Pointer(&p.arena[start])), len(vals))
	copy(out, vals)
	return out
}

// intPad is the number of bytes from the end of the chunk of bytes to an
// 8-aligned address.
func (p *jsonParser) intPad() int {
	return int(-(uintptr(unsafe.Pointer(unsafe.SliceData(p.arena))) + uintptr(len(p.arena))) & 7)
}

// newDict returns a strDict for a dict field being read, from chunks of
// them (a dict takes at least "{}" of the input).
func (p *jsonParser) newDict() *strDict {
	if c := p.reserve(cap(p.dicts), len(p.dicts), 1, 2, 2); c > 0 {
		p.dicts = make([]strDict, 0, c)
	}
	p.dicts = p.dicts[:len(p.dicts)+1]
	return &p.dicts[len(p.dicts)-1]
}

// keep16 is keep for the 16 bytes of an IPv6 address.
func (p *jsonParser) keep16(b [16]byte) *[16]byte {
	k := p.keep(unsafe.String(&b[0], len(b)))
	return (*[16]byte)(unsafe.Pointer(unsafe.StringData(k)))
}

// ownString reads a string, decoding escapes, and returns it as the object
// can keep it.
func (p *jsonParser) ownString() (string, bool) {
	if v, ok := p.plainString(); ok {
		return p.keep(v), true
	}
	if p.pos >= len(p.s) || p.s[p.pos] != '"' {
		return "", false
	}
	return p.escapedString() // escapes decoded into a new string
}

// anyString reads a string, decoding escapes. Its result may be part of
// the input.
func (p *jsonParser) anyString() (string, bool) {
	if v, ok := p.plainString(); ok {
		return v, true
	}
	if p.pos >= len(p.s) || p.s[p.pos] != '"' {
		return "", false
	}
	return p.escapedString()
}

// The keys of a primitive, in the order oslo (and ToJSON) writes them.
const (
	keyName = iota
	keyNamespace
	keyVersion
	keyData
	keyChanges
	nKeys
)

// primitiveKey reads a member's key and colon, and returns which of the
// primitive's keys it is, or -1. The key expected next is matched as
// written, without reading it first.
func (p *jsonParser) primitiveKey(r *Registry, next int) (int, bool) {
	if next < nKeys && r.keys[next] != "" && strings.HasPrefix(p.s[p.pos:], r.keys[next]) {
		p.pos += len(r.keys[next])
		return next, p.colon()
	}
	k, ok := p.anyString()
	if !ok || !p.colon() {
		return 0, false
	}
	switch k {
	case r.keyName:
		return keyName, true
	case r.keyNamespace:
		return keyNamespace, true
	case r.keyVersion:
		return keyVersion, true
	case r.keyData:
		return keyData, true
	case r.keyChanges:
		return keyChanges, true
	}
	return -1, true
}

// fastObject reads the primitive of an object at p.pos. The data is read
// in place when the name, namespace and version come before it (as oslo
// and goslo write them), else on a second visit.
func (p *jsonParser) fastObject(r *Registry, depth int) (*Object, bool) {
	if depth > maxDepth {
		return nil, false
	}
	var head [keyData]string // name, namespace, version
	var seen [nKeys]bool
	data, changes := -1, -1
	var o *Object
	next := keyName
	ok := p.members(func() bool {
		k, ok := p.primitiveKey(r, next)
		if !ok {
			return false
		}
		if k < 0 {
			return p.skip()
		}
		if seen[k] {
			return false // a repeated key: the reference path decides
		}
		seen[k], next = true, k+1
		switch k {
		case keyData:
			if seen[keyName] && seen[keyNamespace] && seen[keyVersion] {
				if o, ok = p.newFast(r, head[keyNamespace], head[keyName], head[keyVersion]); !ok {
					return false
				}
				return p.fastData(o, depth)
			}
			data = p.pos
			return p.skip()
		case keyChanges:
			if o != nil { // after the data, as usual: read it now
				return p.fastChanges(o)
			}
			changes = p.pos
			return p.skip()
		}
		head[k], ok = p.plainString()
		return ok
	})
	if !ok || !seen[keyName] || !seen[keyNamespace] || !seen[keyVersion] || !seen[keyData] {
		return nil, false
	}
	end := p.pos
	if o == nil {
		if o, ok = p.newFast(r, head[keyNamespace], head[keyName], head[keyVersion]); !ok {
			return nil, false
		}
		p.pos = data
		if !p.fastData(o, depth) {
			return nil, false
		}
	}
	if changes >= 0 {
		p.pos = changes
		if !p.fastChanges(o) {
			return nil, false
		}
	}
	p.pos = end
	return o, true
}

func (p *jsonParser) newFast(r *Registry, ns, name, version string) (*Object, bool) {
	if ns != r.namespace {
		return nil, false
	}
	cls, err := r.Lookup(name, version)
	if err != nil {
		return nil, false
	}
	o := cls.New()
	if version != cls.Version {
		o.setVersion(p.keep(version))
	}
	return o, true
}

// fastData reads the data object into o's fields. A repeated key takes
// its last value, as in Python. Keys usually come in declaration order
// (oslo and ToJSON write them so): the next field's name is matched as it
// stands before a key is read and looked up.
func (p *jsonParser) fastData(o *Object, depth int) bool {
	cls := o.class
	c := fieldCtx{reg: cls.reg, obj: cls.Name, depth: depth}
	prev := -1
	return p.members(func() bool {
		i := prev + 1
		if i < len(cls.Fields) && cls.readNames[i] != "" && strings.HasPrefix(p.s[p.pos:], cls.readNames[i]) {
			p.pos += len(cls.readNames[i]) // the next field, as written
		} else {
			k, ok := p.anyString()
			if !ok {
				return false
			}
			i = cls.field(k)
		}
		if p.pos < len(p.s) && p.s[p.pos] == ':' { // colon, inlined
			p.pos++
			p.skipSpace()
		} else if !p.colon() {
			return false
		}
		if i < 0 {
			return p.skip()
		}
		if !p.fastField(o, i, &c) {
			return false
		}
		prev = i
		return true
	})
}

// fastField reads the value of field i.
func (p *jsonParser) fastField(o *Object, i int, c *fieldCtx) bool {
	f := &o.class.Fields[i]
	c.attr = f.Name
	if p.literal("null") {
		if f.Nullable {
			o.slots[i] = slot{set: true} // None, without building a context
			return true
		}
		v, err := o.null(i, o.ctx(i))
		if err != nil {
			return false
		}
		o.slots[i] = setSlot(v)
		return true
	}
	return p.fastSlot(&o.slots[i], f.Type, c)
}

// fastSlot reads a non-null field value into dst, strings and numbers
// unboxed. dst is only meaningful when it returns true.
func (p *jsonParser) fastSlot(dst *slot, t Type, c *fieldCtx) bool {
	switch t := t.(type) {
	case stringType, uuidType, enumType:
		v, ok := p.fastString(t)
		*dst = stringSlot(v)
		return ok
	case integerType:
		n, ok := p.fastInt(t)
		*dst = slot{n: uint64(n), kind: inInt, set: true}
		return ok
	case floatType:
		f, ok := p.fastFloat(t)
		*dst = slot{n: math.Float64bits(f), kind: inFloat, set: true}
		return ok
	case dateTimeType:
		v, ok := p.plainString()
		if !ok {
			return false
		}
		if secs, ok := utcSeconds(v); ok { // the usual spelling: no time.Time built
			*dst = slot{v: time.UTC, n: uint64(secs), kind: inTime, set: true}
			return true
		}
		tm, err := parseISOTime(v)
		if err != nil {
			return false
		}
		if s, unboxed := timeSlot(tm); unboxed {
			*dst = s
		} else {
			*dst = setSlot(tm)
		}
		return true
	case ipType:
		v, ok := p.plainString()
		if !ok {
			return false
		}
		a, err := parseIPString(v)
		if err != nil || !t.accepts(a) {
			return false
		}
		if s, unboxed := ipv4Slot(a); unboxed {
			*dst = s
		} else if a.Is6() && a.Zone() == "" {
			*dst = ipv6Slot(p.keep16(a.As16()))
		} else {
			*dst = setSlot(a)
		}
		return true
	case listType:
		switch t.kind {
		case ekString:
			out, ok := p.stringList(t.elem)
			*dst = stringsSlot(out)
			return ok
		case ekInt:
			out, ok := p.intList(t.elem.(integerType))
			*dst = intsSlot(out)
			return ok
		}
	case dictType:
		if inner, nullable, ok := stringDict(t); ok {
			return p.fastStrDict(dst, inner, nullable)
		}
	case setType:
		switch e := t.elem.(type) {
		case integerType:
			if !e.nonNegative {
				out, ok := p.intSet()
				*dst = intsSlot(out)
				return ok
			}
		case stringType, uuidType, enumType:
			out, ok := p.stringSet(t.elem)
			*dst = stringsSlot(out)
			return ok
		}
	}
	v, ok := p.fastValue(t, c)
	*dst = setSlot(v)
	return ok
}

// stringDict reports a Dict(String) or Dict(Nullable(String)) (String,
// UUID or Enum), and returns the string type and whether it is nullable.
func stringDict(t dictType) (Type, bool, bool) {
	e, nullable := t.elem, false
	if n, ok := e.(nullableType); ok {
		e, nullable = n.inner, true
	}
	switch e.(type) {
	case stringType, uuidType, enumType:
		return e, nullable, true
	}
	return nil, false, false
}

// fastStrDict reads a dict of strings (elem the string type) into dst as
// a strDict: a map[string]string, or a map[string]any when nullable, to
// be. Where a strDict cannot hold them (over 64 members with None among
// them) it builds the map. (The keys are UTF-8, as everything the fast
// path reads.)
func (p *jsonParser) fastStrDict(dst *slot, elem Type, nullable bool) bool {
	var buf [8]member
	ms := buf[:0]
	sorted := true
	ok := p.eachMember(func(k string) bool {
		m := member{k: p.keep(k)}
		if nullable && p.literal("null") {
			m.null = true
		} else {
			var ok bool
			if m.v, ok = p.fastString(elem); !ok {
				return false
			}
		}
		sorted = sorted && (len(ms) == 0 || ms[len(ms)-1].k < m.k)
		ms = append(ms, m)
		return true
	})
	if !ok {
		return false
	}
	if !sorted {
		ms = sortMembers(ms)
	}
	if nullable && len(ms) > 64 { // more than the bits of strDict.nulls
		m := make(map[string]any, len(ms))
		for _, e := range ms {
			if e.null {
				m[e.k] = nil
			} else {
				m[e.k] = e.v
			}
		}
		*dst = setSlot(m)
		return true
	}
	d := p.newDict()
	d.fill(ms, p.newStrings(2*len(ms)), nullable)
	*dst = slot{v: d, kind: inDict, set: true}
	return true
}

// fastChanges reads a changes list of plain strings, after the data. The
// names usually come sorted, as written: each is first matched as it
// stands against the fields that follow the last one in name order.
func (p *jsonParser) fastChanges(o *Object) bool {
	cls := o.class
	j := 0 // in cls.byName
	return p.elements(func() bool {
		rest := p.s[p.pos:]
		for ; j < len(cls.byName) && len(rest) > 1; j++ {
			i := cls.byName[j]
			if q := cls.readNames[i]; q != "" && q[1] == rest[1] && strings.HasPrefix(rest, q) {
				p.pos += len(q)
				o.slots[i].changed = true
				return true
			}
		}
		j = 0
		k, ok := p.plainString()
		if i := cls.field(k); ok && i >= 0 {
			o.slots[i].changed = true
		}
		return ok
	})
}

// fastValue reads a non-null value of type t at p.pos.
func (p *jsonParser) fastValue(t Type, c *fieldCtx) (any, bool) {
	s := p.s
	if p.pos >= len(s) {
		return nil, false
	}
	ch := s[p.pos]
	switch t := t.(type) {
	case nullableType:
		if p.literal("null") {
			return nil, true
		}
		return p.fastValue(t.inner, c)
	case stringType, uuidType:
		return p.ownString()
	case enumType:
		return p.fastString(t)
	case integerType:
		return p.fastInt(t)
	case floatType:
		return p.fastFloat(t)
	case booleanType:
		if t.flexible {
			return nil, false
		}
		switch {
		case p.literal("true"):
			return true, true
		case p.literal("false"):
			return false, true
		}
		return nil, false
	case dateTimeType:
		v, ok := p.plainString()
		if !ok {
			return nil, false
		}
		tm, err := parseISOTime(v)
		return tm, err == nil
	case ipType:
		v, ok := p.plainString()
		if !ok {
			return nil, false
		}
		a, err := parseIPString(v)
		if err != nil {
			return nil, false
		}
		av, err := t.check(c, nil, a, nil)
		return av, err == nil
	case listType:
		return p.fastList(t, c)
	case dictType:
		return p.fastDict(t, c)
	case setType:
		return p.fastSet(t, c)
	case objectType:
		if ch != '{' {
			return nil, false
		}
		o, ok := p.fastObject(c.reg, c.depth+1)
		if !ok || o.class.Name != t.name {
			return nil, false
		}
		return o, true
	}
	return nil, false
}

// elements calls f at the start of each element of the array at p.pos.
func (p *jsonParser) elements(f func() bool) bool {
	s := p.s
	if p.pos >= len(s) || s[p.pos] != '[' {
		return false
	}
	p.pos++
	p.skipSpace()
	if p.pos < len(s) && s[p.pos] == ']' {
		p.pos++
		return true
	}
	for {
		p.skipSpace()
		if p.pos >= len(s) || !f() {
			return false
		}
		p.skipSpace()
		if p.pos >= len(s) {
			return false
		}
		switch s[p.pos] {
		case ',':
			p.pos++
			continue
		case ']':
			p.pos++
			return true
		}
		return false
	}
}

func (p *jsonParser) fastElem(t Type, c *fieldCtx) (any, bool) {
	if p.literal("null") {
		return nil, isNullable(t)
	}
	return p.fastValue(t, c)
}

func (p *jsonParser) fastList(t listType, c *fieldCtx) (any, bool) {
	switch t.kind {
	case ekString:
		out, ok := p.stringList(t.elem)
		return out, ok
	case ekInt:
		out, ok := p.intList(t.elem.(integerType))
		return out, ok
	case ekObject:
		out := make([]*Object, 0, 4)
		ok := p.elements(func() bool {
			v, ok := p.fastValue(t.elem, c)
			if ok {
				out = append(out, v.(*Object))
			}
			return ok
		})
		return out, ok
	case ekAny:
		out := make([]any, 0, 4)
		ok := p.elements(func() bool {
			v, ok := p.fastElem(t.elem, c)
			out = append(out, v)
			return ok
		})
		return out, ok
	}
	return nil, false
}

// fastString reads a string for a String, UUID or Enum.
func (p *jsonParser) fastString(t Type) (string, bool) {
	if e, isEnum := t.(enumType); isEnum {
		v, ok := p.anyString()
		if !ok {
			return "", false
		}
		if i := slices.Index(e.values, v); i >= 0 {
			return e.values[i], true
		}
		return "", false
	}
	if _, isMAC := t.(macType); isMAC {
		return "", false
	}
	return p.ownString()
}

// fastFloat reads a number literal for a Float.
func (p *jsonParser) fastFloat(t floatType) (float64, bool) {
	if p.pos >= len(p.s) || (p.s[p.pos] != '-' && !isDigit(p.s[p.pos])) {
		return 0, false
	}
	var v pval
	if p.number(&v) != nil {
		return 0, false
	}
	f, err := pvalToFloat(&v)
	if err != nil || math.IsInf(f, 0) || (t.nonNegative && f < 0) {
		return 0, false
	}
	return f, true
}

// fastInt reads an integer literal for an Integer.
func (p *jsonParser) fastInt(t integerType) (int64, bool) {
	n, ok := p.intLiteral()
	return n, ok && !(t.nonNegative && n < 0)
}

// intLiteral reads an integer literal (what number reads as a pInt).
// Literals of up to 18 digits are read here; others, and numbers with a
// fraction or an exponent, are left to number.
func (p *jsonParser) intLiteral() (int64, bool) {
	s, i := p.s, p.pos
	neg := i < len(s) && s[i] == '-'
	if neg {
		i++
	}
	if i >= len(s) || !isDigit(s[i]) {
		return 0, false
	}
	var n int64
	start := i
	if s[i] == '0' {
		i++ // no leading zeros: number stops after a 0 too
	} else {
		for i < len(s) && isDigit(s[i]) {
			n = n*10 + int64(s[i]-'0')
			i++
		}
	}
	if i-start > 18 || (i < len(s) && (s[i] == '.' || s[i] == 'e' || s[i] == 'E')) {
		var v pval
		if p.number(&v) != nil || v.kind != pInt {
			return 0, false
		}
		return v.i, true
	}
	p.pos = i
	if neg {
		n = -n
	}
	return n, true
}

func (p *jsonParser) fastDict(t dictType, c *fieldCtx) (any, bool) {
	switch t.kind {
	case ekString:
		out := map[string]string{}
		ok := p.eachMember(func(k string) bool {
			v, ok := p.fastString(t.elem)
			out[p.keep(k)] = v
			return ok
		})
		return out, ok
	case ekAny:
		out := map[string]any{}
		ok := p.eachMember(func(k string) bool {
			v, ok := p.fastElem(t.elem, c)
			out[p.keep(k)] = v
			return ok
		})
		return out, ok
	}
	return nil, false
}

// fastSet reads a set of integers given as integer literals, or of
// strings given as strings (no mixed kinds: there Python's merging of
// equal raw values matters).
func (p *jsonParser) fastSet(t setType, c *fieldCtx) (any, bool) {
	switch e := t.elem.(type) {
	case integerType:
		if !e.nonNegative {
			out, ok := p.intSet()
			return out, ok
		}
	case stringType, uuidType, enumType:
		out, ok := p.stringSet(t.elem)
		return out, ok
	}
	return nil, false
}

// stringList reads a list of strings for a String, UUID or Enum. It
// gathers them on the stack and allocates the list it returns once, at
// its length.
func (p *jsonParser) stringList(elem Type) ([]string, bool) {
	var buf [16]string
	vals := buf[:0]
	ok := p.elements(func() bool {
		v, ok := p.fastString(elem)
		vals = append(vals, v)
		return ok
	})
	return p.keepStrings(vals), ok
}

// intList reads a list of integer literals for an Integer, as stringList
// does.
func (p *jsonParser) intList(elem integerType) ([]int64, bool) {
	var buf [16]int64
	vals := buf[:0]
	ok := p.elements(func() bool {
		n, ok := p.fastInt(elem)
		vals = append(vals, n)
		return ok
	})
	return p.keepInts(vals), ok
}

// stringSet reads a set of strings given as strings.
func (p *jsonParser) stringSet(elem Type) ([]string, bool) {
	var buf [16]string
	vals := buf[:0]
	ok := p.elements(func() bool {
		if p.s[p.pos] != '"' {
			return false
		}
		v, ok := p.fastString(elem)
		vals = append(vals, v)
		return ok
	})
	if !ok {
		return nil, false
	}
	return p.keepStrings(sortedSet(vals)), true
}

// intSet reads a set of integers given as integer literals.
func (p *jsonParser) intSet() ([]int64, bool) {
	var buf [16]int64
	vals := buf[:0]
	ok := p.elements(func() bool {
		n, ok := p.intLiteral()
		vals = append(vals, n)
		return ok
	})
	if !ok {
		return nil, false
	}
	return p.keepInts(sortedSet(vals)), true
}

// sortedSet sorts vals (scratch space) in place and returns them without
// duplicates: a set as a field holds it, once kept.
func sortedSet[T cmp.Ordered](vals []T) []T {
	slices.Sort(vals)
	return slices.Compact(vals)
}
