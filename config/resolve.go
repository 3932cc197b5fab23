package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// resolver computes option values from one namespace, as oslo's
// ConfigOpts._do_get does, remembering each result for the pass.
type resolver struct {
	c      *Config
	ns     *namespace // nil before Load
	lo     LoadOptions
	memo   map[int]resolved
	active map[int]bool
}

type resolved struct {
	v   any
	loc Location
	err error
}

func (c *Config) resolver(ns *namespace) *resolver { return c.resolverWith(ns, c.lo) }

func (c *Config) resolverWith(ns *namespace, lo LoadOptions) *resolver {
	return &resolver{c: c, ns: ns, lo: lo, memo: map[int]resolved{}, active: map[int]bool{}}
}

func (r *resolver) value(s *slot) (any, Location, error) {
	if m, ok := r.memo[s.idx]; ok {
		return m.v, m.loc, m.err
	}
	if r.active[s.idx] {
		return nil, Location{}, fmt.Errorf("circular reference to [%s] %s", s.group.Name, s.def.name)
	}
	r.active[s.idx] = true
	v, loc, err := r.compute(s)
	delete(r.active, s.idx)
	r.memo[s.idx] = resolved{v, loc, err}
	return v, loc, err
}

func (r *resolver) env(s *slot) (string, Location, bool) {
	if r.lo.IgnoreEnv {
		return "", Location{}, false
	}
	name := "OS_" + strings.ToUpper(s.group.Name) + "__" + strings.ToUpper(s.def.dest)
	lookup := r.lo.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	v, ok := lookup(name)
	return v, Location{Source: SourceEnvironment, Env: name}, ok
}

// compute is the precedence of oslo's _do_get: an override; then the
// command line (when no file has the option); then the environment; then
// the files (the command line again for a command-line option a file also
// sets); then SetDefault; then the declared default.
func (r *resolver) compute(s *slot) (any, Location, error) {
	switch s.idx {
	case configFileOptIdx:
		if r.ns != nil && r.ns.configFilesGiven {
			return append([]string{}, r.ns.configFiles...), Location{Source: SourceCommandLine}, nil
		}
		return append([]string{}, r.lo.DefaultConfigFiles...), Location{Source: SourceDefault}, nil
	case configFileOptIdx + 1: // config_dir
		if r.ns != nil && len(r.ns.configDirs) > 0 {
			return []string{r.ns.configDirs[len(r.ns.configDirs)-1]}, Location{Source: SourceCommandLine}, nil
		}
		return append([]string{}, r.lo.DefaultConfigDirs...), Location{Source: SourceDefault}, nil
	}
	if s.hasOverride {
		v, err := r.substituteValue(s.override, r.c.groups[0], s)
		return v, Location{Source: SourceOverride}, err
	}
	if r.ns != nil {
		envVal, envLoc, hasEnv := r.env(s)
		raw, loc, found := r.ns.value(s)
		if found && loc.Source == SourceCommandLine {
			return r.convert(s, raw, loc)
		}
		if hasEnv {
			return r.convert(s, envVal, envLoc)
		}
		if found {
			return r.convert(s, raw, loc)
		}
	}
	if s.hasSetDef {
		v, err := r.substituteValue(s.setDef, r.c.groups[0], s)
		return v, Location{Source: SourceSetDefault}, err
	}
	if s.def.def != nil {
		return r.convert(s, s.def.def, Location{Source: SourceDefault})
	}
	return nil, Location{Source: SourceDefault}, nil
}

// convert interpolates and converts a raw value: a text, a list of texts
// (every assignment of a multi option), a bool from a --flag, or a Go
// default.
func (r *resolver) convert(s *slot, raw any, loc Location) (any, Location, error) {
	d := s.def
	bad := func(text string, err error) (any, Location, error) {
		if s.cli && (loc.Source == SourceFile || loc.Source == SourceCommandLine) {
			return nil, loc, &UsageError{Msg: fmt.Sprintf("argument --%s: invalid %s: %s: %v", cliName(s), d.typ.typeName(), text, err)}
		}
		return nil, loc, &ValueError{Group: s.group.Name, Option: d.name, Location: loc, Value: text, Err: err}
	}
	switch raw := raw.(type) {
	case string:
		text, err := r.substitute(raw, s)
		if err != nil {
			return nil, loc, err
		}
		v, err := d.typ.parse(text)
		if err != nil {
			return bad(text, err)
		}
		return v, loc, nil
	case []string:
		if d.typ.isMulti() {
			out := d.typ.concat(nil, nil) // an empty list of the item type
			for _, item := range raw {
				text, err := r.substitute(item, s)
				if err != nil {
					return nil, loc, err
				}
				v, err := d.typ.parse(text)
				if err != nil {
					return bad(text, err)
				}
				out = d.typ.concat(out, v)
			}
			return out, loc, nil
		}
	}
	v, err := r.substituteValue(raw, s.group, s)
	if err != nil {
		return nil, loc, err
	}
	cv, err := d.typ.check(v)
	if err != nil {
		return bad(fmt.Sprint(v), err)
	}
	return cv, loc, nil
}

// substituteValue interpolates the strings inside a Go value (a string, a
// list of strings, a map of strings), as oslo's _substitute does for
// defaults and overrides. Other values are returned as they are.
func (r *resolver) substituteValue(v any, g *group, owner *slot) (any, error) {
	sub := func(s string) (string, error) { return r.substituteIn(s, g, owner) }
	switch v := v.(type) {
	case string:
		return sub(v)
	case []string:
		out := make([]string, len(v))
		for i, s := range v {
			t, err := sub(s)
			if err != nil {
				return nil, err
			}
			out[i] = t
		}
		return out, nil
	case map[string]string:
		out := make(map[string]string, len(v))
		for k, s := range v {
			k2, err := sub(k)
			if err != nil {
				return nil, err
			}
			t, err := sub(s)
			if err != nil {
				return nil, err
			}
			out[k2] = t
		}
		return out, nil
	}
	return v, nil
}

func (r *resolver) substitute(text string, owner *slot) (string, error) {
	return r.substituteIn(text, owner.group, owner)
}

// substituteIn is oslo's string.Template safe_substitute over option
// values: $$ and \$ give $, $name and ${name} look in the group g then in
// DEFAULT, ${group.name} in that group; a '$' not followed by a name stays.
// An unknown name is an error, not left as it is.
func (r *resolver) substituteIn(text string, g *group, owner *slot) (string, error) {
	if !strings.Contains(text, "$") {
		return text, nil
	}
	text = strings.ReplaceAll(text, `\$`, "$$")
	var b strings.Builder
	for i := 0; i < len(text); {
		j := strings.IndexByte(text[i:], '$')
		if j < 0 {
			b.WriteString(text[i:])
			break
		}
		b.WriteString(text[i : i+j])
		i += j
		rest := text[i+1:]
		switch {
		case strings.HasPrefix(rest, "$"):
			b.WriteByte('$')
			i += 2
			continue
		case strings.HasPrefix(rest, "{"):
			if n := idLen(rest[1:]); n > 0 && len(rest) > n+1 && rest[n+1] == '}' {
				key := rest[1 : n+1]
				v, err := r.ref(key, g, owner)
				if err != nil {
					return "", err
				}
				b.WriteString(v)
				i += n + 3
				continue
			}
		default:
			if n := idLen(rest); n > 0 {
				v, err := r.ref(rest[:n], g, owner)
				if err != nil {
					return "", err
				}
				b.WriteString(v)
				i += n + 1
				continue
			}
		}
		b.WriteByte('$')
		i++
	}
	return b.String(), nil
}

// idLen is the length of the longest prefix of s matching Python's
// Template idpattern [_a-z][._a-z0-9]*, ignoring case.
func idLen(s string) int {
	n := 0
	for n < len(s) {
		c := s[n]
		ok := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if n > 0 {
			ok = ok || c == '.' || c >= '0' && c <= '9'
		}
		if !ok {
			break
		}
		n++
	}
	return n
}

// ref returns str() of the value a $key refers to.
func (r *resolver) ref(key string, g *group, owner *slot) (string, error) {
	v, err := r.refValue(key, g)
	if err != nil {
		return "", &SubstitutionError{Group: owner.group.Name, Option: owner.def.name, Ref: key, Err: err}
	}
	return pyStr(v), nil
}

func (r *resolver) refValue(key string, g *group) (any, error) {
	if gname, opt, ok := strings.Cut(key, "."); ok {
		grp := r.c.groupIdx[gname]
		if grp == nil {
			return nil, &NoSuchGroupError{Group: gname}
		}
		v, err := r.byName(grp, opt)
		var nso *NoSuchOptError
		if errors.As(err, &nso) {
			return r.byNameInDefault(key)
		}
		return v, err
	}
	if g.Name == DefaultGroup {
		return r.byNameInDefault(key)
	}
	v, err := r.byName(g, key)
	var nso *NoSuchOptError
	if errors.As(err, &nso) {
		return r.byNameInDefault(key)
	}
	return v, err
}

func (r *resolver) byNameInDefault(key string) (any, error) {
	if _, isGroup := r.c.groupIdx[key]; isGroup && key != DefaultGroup {
		return nil, fmt.Errorf("substituting group %s not supported", key)
	}
	return r.byName(r.c.groups[0], key)
}

func (r *resolver) byName(g *group, name string) (any, error) {
	s, ok := g.byDest[name]
	if !ok {
		s, ok = r.c.depIdx[g.Name][name]
	}
	if !ok {
		return nil, &NoSuchOptError{Group: g.Name, Option: name}
	}
	v, _, err := r.value(s)
	return v, err
}
