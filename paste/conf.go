package paste

import (
	"slices"
	"sort"
	"strings"
)

// conf is a Python dict of strings: insertion-ordered, and shared by
// reference the way loadwsgi.py shares its global_conf dicts between
// contexts (some of its updates are seen through such aliases).
type conf struct {
	keys []string
	m    map[string]string
}

func newConf() *conf { return &conf{m: map[string]string{}} }

// confOf copies a Go map (nil stays nil, Python's None). Its order is
// sorted, so that anything derived from it is deterministic.
func confOf(m map[string]string) *conf {
	if m == nil {
		return nil
	}
	c := &conf{m: make(map[string]string, len(m))}
	for k, v := range m {
		c.keys = append(c.keys, k)
		c.m[k] = v
	}
	sort.Strings(c.keys)
	return c
}

func (c *conf) len() int {
	if c == nil {
		return 0
	}
	return len(c.keys)
}

func (c *conf) has(k string) bool {
	_, ok := c.m[k]
	return ok
}

func (c *conf) get(k string) (string, bool) {
	v, ok := c.m[k]
	return v, ok
}

func (c *conf) set(k, v string) {
	if _, ok := c.m[k]; !ok {
		c.keys = append(c.keys, k)
	}
	c.m[k] = v
}

func (c *conf) del(k string) {
	if _, ok := c.m[k]; !ok {
		return
	}
	delete(c.m, k)
	c.keys = slices.DeleteFunc(c.keys, func(x string) bool { return x == k })
}

func (c *conf) pop(k string) string {
	v := c.m[k]
	c.del(k)
	return v
}

func (c *conf) update(o *conf) {
	if o == nil {
		return
	}
	for _, k := range o.keys {
		c.set(k, o.m[k])
	}
}

func (c *conf) clone() *conf {
	n := &conf{keys: slices.Clone(c.keys), m: make(map[string]string, len(c.m))}
	for k, v := range c.m {
		n.m[k] = v
	}
	return n
}

// toMap copies c into a Go map (never nil).
func (c *conf) toMap() map[string]string {
	m := make(map[string]string, c.len())
	if c != nil {
		for k, v := range c.m {
			m[k] = v
		}
	}
	return m
}

// fingerprint identifies the content of c (order aside), for loop
// detection; nil (None) differs from empty.
func (c *conf) fingerprint() string {
	if c == nil {
		return "None"
	}
	keys := slices.Clone(c.keys)
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(c.m[k])
		b.WriteByte(0)
	}
	return b.String()
}
