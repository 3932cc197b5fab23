package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goslo/goslo/internal/ini"
)

// namespace is what one parse of the command line and the config files
// produced (oslo's _Namespace): the parsed files in order and the values of
// the command-line options. Values are converted only when resolved, since
// options may be registered after the files are read.
type namespace struct {
	files []*parsedFile // in parse order; later wins

	// cli holds the command-line options' values by slot: a string, a bool
	// (--flag/--noflag) or a []string (multi options). A config file that
	// sets a command-line option while argv is parsed writes here too, so
	// the last of the command line and the files wins, in argv order.
	cli map[int]any

	configFiles      []string // --config-file values as given
	configFilesGiven bool
	configDirs       []string // every --config-dir, as given
	notFound         []string
	permDenied       []string
	positionals      []string

	// What was read, for Snapshot: every file's bytes (nil: it did not
	// exist) and every directory's *.conf list.
	read map[string][]byte
	dirs map[string][]string
	// from, when set, answers reads instead of the disk (a snapshot).
	from *snapshotData

	deprecationsSeen map[string]bool
}

func newNamespace() *namespace {
	return &namespace{cli: map[int]any{}, deprecationsSeen: map[string]bool{},
		read: map[string][]byte{}, dirs: map[string][]string{}}
}

// parsedFile is one config file with its sections merged under oslo's
// normalised group names (lower case, except DEFAULT).
type parsedFile struct {
	path   string
	file   *ini.File
	groups map[string]map[string][]ini.Value
}

func normalizeSection(name string) string {
	if name == DefaultGroup {
		return name
	}
	return strings.ToLower(name)
}

func newParsedFile(path string, f *ini.File) *parsedFile {
	pf := &parsedFile{path: path, file: f, groups: map[string]map[string][]ini.Value{}}
	for _, s := range f.Sections {
		g := normalizeSection(s.Name)
		keys := pf.groups[g]
		if keys == nil {
			keys = map[string][]ini.Value{}
			pf.groups[g] = keys
		}
		for _, k := range s.Keys {
			keys[k] = append(keys[k], s.Values[k]...)
		}
	}
	// Sections that differ only in case merge in file order.
	for _, keys := range pf.groups {
		for _, vs := range keys {
			sort.SliceStable(vs, func(i, j int) bool { return vs[i].Line < vs[j].Line })
		}
	}
	return pf
}

// fixPath is oslo's _fixpath: ~ expansion and an absolute path.
func fixPath(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[1:])
		}
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// readFile parses one config file into the namespace, then applies the
// values it gives to command-line options (oslo's ConfigParser._parse_file).
func (c *Config) readFile(ns *namespace, name string) error {
	path := fixPath(name)
	data, err := ns.readBytes(path)
	var f *ini.File
	if err == nil {
		f, err = ini.Parse(path, data)
	}
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			ns.notFound = append(ns.notFound, path)
			return nil
		case errors.Is(err, fs.ErrPermission):
			ns.permDenied = append(ns.permDenied, path)
			return nil
		}
		var pe *ini.ParseError
		if errors.As(err, &pe) {
			return parseErrorOf(path, err)
		}
		return parseErrorOf(path, err)
	}
	pf := newParsedFile(path, f)
	ns.files = append(ns.files, pf)

	one := &namespace{files: []*parsedFile{pf}, deprecationsSeen: ns.deprecationsSeen}
	for _, s := range c.opts {
		if !s.cli {
			continue
		}
		raw, _, found := one.fileValue(s)
		if !found {
			continue
		}
		if s.def.typ.isMulti() {
			prev, _ := ns.cli[s.idx].([]string)
			ns.cli[s.idx] = append(append([]string{}, prev...), raw.([]string)...)
		} else {
			ns.cli[s.idx] = raw
		}
	}
	return nil
}

// readDir parses D/*.conf in sorted order (oslo's --config-dir).
func (c *Config) readDir(ns *namespace, dir string) error {
	matches, err := ns.listDir(dir)
	if err != nil {
		return err
	}
	for _, m := range matches {
		if err := c.readFile(ns, m); err != nil {
			return err
		}
	}
	return nil
}

// readBytes reads a file, from the snapshot when there is one, and
// remembers what it read.
func (ns *namespace) readBytes(path string) ([]byte, error) {
	if ns.from != nil {
		data, ok := ns.from.Files[path]
		if !ok || data == nil {
			return nil, fs.ErrNotExist
		}
		ns.read[path] = data
		return data, nil
	}
	data, err := os.ReadFile(path)
	if err == nil {
		ns.read[path] = data
	}
	return data, err
}

// fromDir reports whether the snapshot lists dir (and so it existed).
func (ns *namespace) fromDir(dir string) ([]string, bool) {
	if ns.from == nil {
		return nil, false
	}
	l, ok := ns.from.Dirs[dir]
	return l, ok
}

// listDir lists D/*.conf, sorted, from the snapshot when there is one.
func (ns *namespace) listDir(dir string) ([]string, error) {
	if ns.from != nil {
		return ns.from.Dirs[dir], nil
	}
	matches, err := filepath.Glob(filepath.Join(expandHome(dir), "*.conf"))
	if err != nil {
		return nil, err
	}
	sort.Strings(matches)
	ns.dirs[dir] = matches
	return matches, nil
}

func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}

// names is the list of (group, key) pairs an option is read under: its own
// first, then its deprecated names (oslo's Opt._get_from_namespace).
func (s *slot) names() [][2]string {
	d := s.def
	names := [][2]string{{d.group, d.dest}}
	for _, dep := range d.deprecated {
		if dep.Name == "" && dep.Group == "" {
			continue
		}
		g, n := dep.Group, dep.Name
		if g == "" {
			g = d.group
		}
		if n == "" {
			n = d.dest
		}
		names = append(names, [2]string{g, n})
	}
	return names
}

// fileValue finds an option in the files: the raw text (a string, or for a
// multi option a []string of every assignment in file order) and where it
// was written. Within one file the option's own name beats a deprecated
// one; across files the later file wins.
func (ns *namespace) fileValue(s *slot) (raw any, loc Location, found bool) {
	names := s.names()
	multi := s.def.typ.isMulti()
	var all []string
	for i := len(ns.files) - 1; i >= 0; i-- {
		pf := ns.files[i]
		for ni, n := range names {
			keys := pf.groups[normalizeSection(n[0])]
			vals, ok := keys[n[1]]
			if !ok || len(vals) == 0 {
				continue
			}
			if ni > 0 {
				ns.deprecatedUse(n, names[0], s.def.name)
			}
			if !found {
				last := vals[len(vals)-1]
				loc = Location{Source: SourceFile, File: last.File, Line: last.Line}
				found = true
			}
			if !multi {
				return vals[len(vals)-1].Text, loc, true
			}
			texts := make([]string, len(vals))
			for j, v := range vals {
				texts[j] = v.Text
			}
			all = append(texts, all...)
		}
	}
	if multi && found {
		return all, loc, true
	}
	return nil, Location{}, false
}

// deprecatedUse records a value read under a deprecated name; Load logs
// each once.
func (ns *namespace) deprecatedUse(dep, cur [2]string, name string) {
	key := dep[0] + "\x00" + dep[1] + "\x00" + cur[0] + "\x00" + name
	if _, ok := ns.deprecationsSeen[key]; !ok {
		ns.deprecationsSeen[key] = false
	}
}

// value is oslo's _Namespace._get_value for a slot: the file value, unless
// the option is a command-line option that the command line (or a file
// applied while parsing it) set.
func (ns *namespace) value(s *slot) (raw any, loc Location, found bool) {
	raw, loc, found = ns.fileValue(s)
	if !found {
		loc = Location{Source: SourceCommandLine}
	}
	if s.cli {
		if v, ok := ns.cli[s.idx]; ok {
			if l, isList := v.([]string); !(s.def.positional && isList && len(l) == 0) {
				return v, loc, true
			}
		}
	}
	return raw, loc, found
}

// sections lists every section name seen in the files.
func (ns *namespace) sections() []string {
	var out []string
	for _, pf := range ns.files {
		for _, s := range pf.file.Sections {
			out = append(out, s.Name)
		}
	}
	return out
}
