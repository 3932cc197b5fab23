package objects

import (
	"slices"
	"strings"
	"sync/atomic"
)

// strDict is the value of a Dict(String) or Dict(Nullable(String)) field
// as the fast path of FromJSON reads it (slot kind inDict): its members in
// one slice, sorted by key, until something asks for the field's map. A Go
// map costs two allocations to build and a sort to write, and most objects
// read are written again or passed along without their dicts being looked
// at; a dict of strings is the usual metadata field.
//
// The map, once built (by Get, Changes, ToPrimitive, anything that wants
// the value), is the field's value from then on: Get returns that same map
// each time, and what a caller changes in it is written, as for a map
// given to Set. It is built at most once, also when goroutines read the
// object at the same time (the members themselves never change).
type strDict struct {
	kv     []string     // key, value, key, value...: keys sorted, distinct and UTF-8
	nulls  uint64       // bit i: the i-th value is None (a Dict(Nullable(String)))
	anyMap bool         // the map is a map[string]any (values nullable), else a map[string]string
	m      atomic.Value // the map, once built
}

// member is one member of a dict being read.
type member struct {
	k, v string
	null bool
}

// fill gives d the members ms (sorted and distinct, at most 64 if any is
// None), in kv, which has room for them.
func (d *strDict) fill(ms []member, kv []string, anyMap bool) {
	d.kv, d.anyMap = kv, anyMap
	for i, m := range ms {
		kv[2*i], kv[2*i+1] = m.k, m.v
		if m.null {
			d.nulls |= 1 << i
		}
	}
}

// cached returns the map if it was built, else nil.
func (d *strDict) cached() any { return d.m.Load() }

// value returns the map, building it the first time.
func (d *strDict) value() any {
	if m := d.m.Load(); m != nil {
		return m
	}
	d.m.CompareAndSwap(nil, d.build())
	return d.m.Load() // the one that won, if another goroutine built one too
}

// build makes the map the reference path makes for the members.
func (d *strDict) build() any {
	n := len(d.kv) / 2
	if d.anyMap {
		m := make(map[string]any, n)
		for i := range n {
			if d.nulls&(1<<i) != 0 {
				m[d.kv[2*i]] = nil
			} else {
				m[d.kv[2*i]] = d.kv[2*i+1]
			}
		}
		return m
	}
	m := make(map[string]string, n)
	for i := range n {
		m[d.kv[2*i]] = d.kv[2*i+1]
	}
	return m
}

// clone returns a dict with the same members (which never change, so
// they are shared) and no map yet.
func (d *strDict) clone() *strDict {
	return &strDict{kv: d.kv, nulls: d.nulls, anyMap: d.anyMap}
}

// appendJSON writes the members as appendMap writes the map they make:
// keys sorted (they are UTF-8, so byte order is the order it uses).
func (d *strDict) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i := 0; i < len(d.kv); i += 2 {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, d.kv[i])
		b = append(b, ':')
		if d.nulls&(1<<(i/2)) != 0 {
			b = append(b, "null"...)
		} else {
			b = appendJSONString(b, d.kv[i+1])
		}
	}
	return append(b, '}')
}

// sortMembers sorts the members of a dict as read by key and drops all
// but the last of those with the same key (a repeated key takes its last
// value, as in Python).
func sortMembers(ms []member) []member {
	slices.SortStableFunc(ms, func(a, b member) int { return strings.Compare(a.k, b.k) })
	out := ms[:0]
	for i, m := range ms {
		if i+1 < len(ms) && ms[i+1].k == m.k {
			continue
		}
		out = append(out, m)
	}
	return out
}
