package config

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
)

// ErrNotLoaded is returned by Reload and Mutate before Load.
var ErrNotLoaded = errors.New("config: not loaded yet")

// Change is one mutable option whose value Mutate changed.
type Change struct {
	Group, Name string
	Old, New    any // nil: unset
}

// MutateHook is called after Mutate applied changes (oslo's mutate hooks).
type MutateHook func(c *Config, changes []Change)

// OnMutate registers a hook that Mutate calls, in registration order, with
// the changes it applied.
func (c *Config) OnMutate(h MutateHook) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hooks = append(c.hooks, h)
}

// Reload reads the command line and the config files again and replaces
// every value (oslo's reload_config_files). If a file is missing or
// malformed, or any value is invalid, it returns the error and the running
// values stay as they were.
func (c *Config) Reload() error {
	warnings, err := c.reload()
	c.warn(warnings)
	return err
}

// reload is Reload under c.mu; it returns the warnings to log.
func (c *Config) reload() ([]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded {
		return nil, ErrNotLoaded
	}
	ns, err := c.parse(c.args, c.lo)
	if err != nil {
		return nil, err
	}
	snap, err := c.resolveAll(ns, nil, c.lo)
	if err != nil {
		return nil, err
	}
	c.ns, c.mutableNS = ns, nil
	c.snap.Store(snap)
	return c.deprecations(ns), nil
}

// Mutate reads the config files again and applies the new values of the
// mutable options only (oslo's mutate_config_files). It logs each change
// and warns about immutable options whose value changed in the files but
// is kept, then calls the mutate hooks. If a file is missing or malformed,
// or a mutable option's new value is invalid, it returns the error and
// nothing changes: unlike oslo, a bad file never takes a service down.
func (c *Config) Mutate() ([]Change, error) {
	c.mu.Lock()
	if !c.loaded {
		c.mu.Unlock()
		return nil, ErrNotLoaded
	}
	ns, err := c.parse(c.args, c.lo)
	if err != nil {
		c.mu.Unlock()
		return nil, err
	}
	snap, err := c.resolveAll(c.ns, ns, c.lo)
	if err != nil {
		c.mu.Unlock()
		return nil, err
	}
	old := c.snap.Load()
	fresh := c.resolverWith(ns, c.lo)
	var changes []Change
	var warnings []string
	for _, g := range c.groups {
		for _, s := range g.opts {
			if s.def.mutable {
				if !reflect.DeepEqual(old.vals[s.idx], snap.vals[s.idx]) {
					changes = append(changes, Change{Group: g.Name, Name: s.def.name, Old: old.vals[s.idx], New: snap.vals[s.idx]})
				}
				continue
			}
			if s.idx <= configFileOptIdx+1 {
				continue
			}
			nv, _, err := fresh.value(s)
			if err != nil || !reflect.DeepEqual(old.vals[s.idx], nv) {
				warnings = append(warnings, fmt.Sprintf("Ignoring change to immutable option %s.%s", g.Name, s.def.name))
			}
		}
	}
	c.mutableNS = ns
	c.snap.Store(snap)
	warnings = append(warnings, c.deprecations(ns)...)
	hooks := append([]MutateHook{}, c.hooks...)
	c.mu.Unlock()
	c.warn(warnings)

	sort.SliceStable(changes, func(i, j int) bool {
		gi, gj := changes[i].Group, changes[j].Group
		if (gi == DefaultGroup) != (gj == DefaultGroup) {
			return gi == DefaultGroup
		}
		if gi != gj {
			return gi < gj
		}
		return changes[i].Name < changes[j].Name
	})
	for _, ch := range changes {
		c.log().Info(fmt.Sprintf("Option %s.%s changed from [%s] to [%s]", ch.Group, ch.Name, display(ch.Old), display(ch.New)))
	}
	if len(changes) > 0 {
		for _, h := range hooks {
			h(c, changes)
		}
	}
	return changes, nil
}

// display renders a value for operators: text as it is, None for unset,
// other values as Python prints them.
func display(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case string:
		return v
	case bool:
		if v {
			return "true"
		}
		return "false"
	}
	return pyRepr(v)
}
