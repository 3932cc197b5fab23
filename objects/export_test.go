package objects

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
