package objects

import "encoding/json"

// Test hooks for the external tests.

// LoadReference loads a primitive on the reference path only (parseJSON,
// then load), bypassing FromJSON's fast path.
func (r *Registry) LoadReference(data []byte) (*Object, error) {
	v, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	return r.load(&v, 0)
}

// LoadFast loads a primitive on the fast path only; ok is false where the
// fast path gives up.
func (r *Registry) LoadFast(data []byte) (*Object, bool) { return r.fastLoad(data) }

// DecodeLenient reads JSON as the reference path does but without
// checking that it is UTF-8, into Go values (int64, json.Number beyond
// it, float64, string, []any, map[string]any): a primitive whose strings
// may not be UTF-8, which FromPrimitive can still be given.
func DecodeLenient(data []byte) (any, error) {
	p := &jsonParser{s: string(data)}
	var v pval
	p.skipSpace()
	if err := p.value(&v); err != nil {
		return nil, err
	}
	return goValue(&v), nil
}

func goValue(v *pval) any {
	switch v.kind {
	case pBool:
		return v.b
	case pInt:
		return v.i
	case pBig:
		return json.Number(v.s)
	case pFloat:
		return v.f
	case pString:
		return v.s
	case pArray:
		out := make([]any, len(v.arr))
		for i := range v.arr {
			out[i] = goValue(&v.arr[i])
		}
		return out
	case pObject:
		out := make(map[string]any, v.members())
		for i := 0; i < v.members(); i++ {
			out[v.key(i)] = goValue(v.val(i))
		}
		return out
	}
	return nil
}
