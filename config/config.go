package config

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
)

// Config is a set of registered options and their values: oslo's
// ConfigOpts. Register options (usually from init functions or a setup
// function), then Load the command line and the config files once at
// start-up. Values are resolved, converted and checked for every option at
// Load, so a bad value anywhere is reported at start-up, with its file and
// line, not when the code first reads it. Reading a value (Opt.Get) takes
// one atomic load and is safe from any goroutine, also during Reload and
// Mutate, which swap in a new set of values only when it is whole and
// valid.
type Config struct {
	mu sync.Mutex // registration, Load, Reload, Mutate, overrides

	groups   []*group // groups[0] is DEFAULT
	groupIdx map[string]*group
	opts     []*slot
	depIdx   map[string]map[string]*slot // deprecated group -> name -> slot

	loaded    bool
	args      []string
	lo        LoadOptions
	ns        *namespace // immutable options read this one
	mutableNS *namespace // after Mutate, mutable options read this one
	hooks     []MutateHook

	snap atomic.Pointer[snapshot]

	logMu  sync.Mutex
	logger *slog.Logger
}

type group struct {
	Group
	opts   []*slot
	byDest map[string]*slot
}

type slot struct {
	idx   int
	def   *optDef
	group *group
	cli   bool

	override, setDef       any
	hasOverride, hasSetDef bool
}

// snapshot holds every option's resolved value (nil: unset) and location.
type snapshot struct {
	vals []any
	locs []Location
}

// New returns an empty Config. It registers oslo's config_file, config_dir
// and config_source options in DEFAULT.
func New() *Config {
	c := &Config{groupIdx: map[string]*group{}, depIdx: map[string]map[string]*slot{}}
	def := &group{Group: Group{Name: DefaultGroup}, byDest: map[string]*slot{}}
	c.groups = []*group{def}
	c.groupIdx[DefaultGroup] = def
	c.snap.Store(&snapshot{})
	for _, o := range builtinOpts {
		if err := c.register(o, false); err != nil {
			panic(err)
		}
	}
	return c
}

// The options oslo.config registers on every ConfigOpts. Their values are
// set from the command line by Load; they appear in dumps and samples.
var (
	configFileOpt = &Opt[[]string]{Name: "config-file", Metavar: "PATH",
		Help: "Path to a config file to use. Multiple config files can be specified, with values in later files taking precedence. Defaults to %(default)s. This option must be set from the command-line."}
	configDirOpt = &Opt[[]string]{Name: "config-dir", Metavar: "DIR",
		Help: "Path to a config directory to pull `*.conf` files from. This file set is sorted, so as to provide a predictable parse order if individual options are over-ridden. The set is parsed after the file(s) specified via previous --config-file, arguments hence over-ridden options in the directory take precedence. This option must be set from the command-line."}
	configSourceOpt = &Opt[[]string]{Name: "config_source", Metavar: "SOURCE", Default: []string{},
		Help: "Lists configuration groups that provide more details for accessing configuration settings from locations other than local files."}
	builtinOpts = []Option{configFileOpt, configDirOpt, configSourceOpt}
)

// SetLogger sets where Config logs (deprecated options, mutations); nil
// means slog.Default().
func (c *Config) SetLogger(l *slog.Logger) {
	c.logMu.Lock()
	c.logger = l
	c.logMu.Unlock()
}

func (c *Config) log() *slog.Logger {
	c.logMu.Lock()
	defer c.logMu.Unlock()
	if c.logger != nil {
		return c.logger
	}
	return slog.Default().With("logger", "goslo.config")
}

// RegisterGroup registers a group's title and help. Registering options in
// a group that was not registered creates it; registering a group twice
// keeps the first.
func (c *Config) RegisterGroup(g Group) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if g.Name == "" {
		return errors.New("config: group without a name")
	}
	if existing, ok := c.groupIdx[g.Name]; ok {
		if existing.Title == "" && existing.Help == "" {
			existing.Group = g
		}
		return nil
	}
	c.addGroup(g)
	return nil
}

func (c *Config) addGroup(g Group) *group {
	grp := &group{Group: g, byDest: map[string]*slot{}}
	c.groups = append(c.groups, grp)
	c.groupIdx[g.Name] = grp
	return grp
}

// Register registers options. Registering an option again, or another
// option with the same definition, does nothing; a different definition
// under a registered name is a *DuplicateOptError. Options may be
// registered after Load: their values are resolved at once.
func (c *Config) Register(opts ...Option) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, o := range opts {
		if err := c.register(o, false); err != nil {
			return err
		}
	}
	return nil
}

// RegisterCLI registers options that can also be set on the command line:
// --name VALUE (--group-name in a group), -x for Short, --name/--noname
// for a bool, repeated for a multi option. They must be registered before
// Load.
func (c *Config) RegisterCLI(opts ...Option) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loaded {
		return ErrArgsAlreadyParsed
	}
	for _, o := range opts {
		if err := c.register(o, true); err != nil {
			return err
		}
	}
	return nil
}

var reservedNames = map[string]bool{"project": true, "prog": true, "version": true,
	"usage": true, "default_config_files": true, "default_config_dirs": true}

func (c *Config) register(o Option, cli bool) error {
	d, err := o.optDef()
	if err != nil {
		var dve *DefaultValueError
		if errors.As(err, &dve) {
			return err
		}
		return fmt.Errorf("config: register option: %w", err)
	}
	if d.group == DefaultGroup && reservedNames[d.name] {
		return fmt.Errorf("config: name %s is reserved for oslo.config", d.name)
	}
	if d.positional && !cli {
		return fmt.Errorf("config: [%s] %s: a positional option must be registered with RegisterCLI", d.group, d.name)
	}
	g := c.groupIdx[d.group]
	if g == nil {
		g = c.addGroup(Group{Name: d.group})
	}
	if s, ok := g.byDest[d.dest]; ok {
		if s.def.key() != d.key() {
			return &DuplicateOptError{Group: d.group, Option: d.name}
		}
		if cli && !s.cli {
			s.cli = true
		}
		o.binding().bind(c, s.idx)
		return nil
	}
	s := &slot{idx: len(c.opts), def: d, group: g, cli: cli}
	c.opts = append(c.opts, s)
	g.opts = append(g.opts, s)
	g.byDest[d.dest] = s
	for _, dep := range d.deprecated {
		dg := dep.Group
		if dg == "" {
			dg = DefaultGroup
		}
		if dep.Name == "" {
			continue
		}
		if c.depIdx[dg] == nil {
			c.depIdx[dg] = map[string]*slot{}
		}
		c.depIdx[dg][strings.ReplaceAll(dep.Name, "-", "_")] = s
	}
	o.binding().bind(c, s.idx)
	// Give the new option its value now, from what is loaded.
	old := c.snap.Load()
	next := &snapshot{vals: append(old.vals[:len(old.vals):len(old.vals)], nil), locs: append(old.locs[:len(old.locs):len(old.locs)], Location{})}
	r := c.resolver(c.nsFor(s))
	v, loc, err := r.value(s)
	if err != nil {
		if c.loaded {
			// Undo: the option stays unregistered.
			c.opts = c.opts[:len(c.opts)-1]
			g.opts = g.opts[:len(g.opts)-1]
			delete(g.byDest, d.dest)
			return err
		}
		// Before Load a default can still refer to an option that is not
		// registered yet; Load resolves it again.
		v, loc = nil, Location{Source: SourceDefault}
	}
	next.vals[s.idx], next.locs[s.idx] = v, loc
	c.snap.Store(next)
	return nil
}

func (c *Config) nsFor(s *slot) *namespace {
	if s.def.mutable && c.mutableNS != nil {
		return c.mutableNS
	}
	return c.ns
}

// LoadOptions are the arguments of Load (those of oslo's ConfigOpts call).
type LoadOptions struct {
	Project     string // finds PROJECT.conf and PROJECT.conf.d in the standard directories
	Prog        string // the program name; default: the base name of os.Args[0]
	Version     string // enables --version
	Usage       string
	Description string

	// DefaultConfigFiles are read when no --config-file is given. nil means
	// oslo's search: PROJECT.conf and PROG.conf, each the first found in
	// ~/.PROJECT/, ~/, /etc/PROJECT/, /etc/. An empty, non-nil slice
	// means none.
	DefaultConfigFiles []string
	// DefaultConfigDirs are read when no --config-dir is given; nil means
	// the same search for PROJECT.conf.d and PROG.conf.d.
	DefaultConfigDirs []string

	// IgnoreEnv turns off the OS_GROUP__OPTION environment variables.
	IgnoreEnv bool
	// LookupEnv reads the environment; nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)

	// Stdout receives --help and --version; nil means os.Stdout.
	Stdout io.Writer
}

// Load parses the command line (args, without the program name) and the
// config files it names, then resolves and checks every option. It is
// oslo's ConfigOpts.__call__. On error nothing changes. Load may be called
// again; each call starts from scratch.
func (c *Config) Load(args []string, lo LoadOptions) error {
	warnings, err := c.load(args, lo)
	c.warn(warnings)
	return err
}

// load is Load under c.mu; it returns the warnings to log.
func (c *Config) load(args []string, lo LoadOptions) ([]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if lo.Prog == "" {
		lo.Prog = filepath.Base(os.Args[0])
		lo.Prog = strings.TrimSuffix(lo.Prog, ".py")
	}
	if lo.DefaultConfigFiles == nil {
		lo.DefaultConfigFiles = FindConfigFiles(lo.Project, lo.Prog, ".conf")
	}
	if lo.DefaultConfigDirs == nil {
		lo.DefaultConfigDirs = FindConfigFiles(lo.Project, lo.Prog, ".conf.d")
	}
	if lo.Stdout == nil {
		lo.Stdout = os.Stdout
	}
	args = append([]string{}, args...)
	handed, err := takeSnapshot()
	if err != nil {
		return nil, err
	}
	var ns, mns *namespace
	if handed != nil {
		ns, err = c.parseFrom(args, lo, &handed.Main)
		if err == nil && handed.Mutable != nil {
			mns, err = c.parseFrom(args, lo, handed.Mutable)
		}
	} else {
		ns, err = c.parse(args, lo)
	}
	if err != nil {
		return nil, err
	}
	snap, err := c.resolveAll(ns, mns, lo)
	if err != nil {
		return nil, err
	}
	c.args, c.lo, c.ns, c.mutableNS = args, lo, ns, mns
	c.loaded = true
	c.snap.Store(snap)
	return c.deprecations(ns), nil
}

// parse reads the default files (when none is named), then the command
// line with the files it names, in order (oslo's _parse_config_files).
func (c *Config) parse(args []string, lo LoadOptions) (*namespace, error) {
	return c.parseFrom(args, lo, nil)
}

// parseFrom is parse reading files from a snapshot (nil: the disk).
func (c *Config) parseFrom(args []string, lo LoadOptions, from *snapshotData) (*namespace, error) {
	ns := newNamespace()
	ns.from = from
	if !hasArg(args, "--config-file") {
		for _, f := range lo.DefaultConfigFiles {
			if err := c.readFile(ns, f); err != nil {
				return nil, err
			}
		}
	}
	if !hasArg(args, "--config-dir") {
		for _, d := range lo.DefaultConfigDirs {
			if _, listed := ns.fromDir(d); !listed {
				if _, err := os.Stat(d); err != nil {
					continue
				}
			}
			if err := c.readDir(ns, d); err != nil {
				return nil, err
			}
		}
	}
	if err := c.parseArgs(ns, args, lo); err != nil {
		return nil, err
	}
	if len(ns.notFound) > 0 {
		return nil, &FilesNotFoundError{Files: ns.notFound}
	}
	if len(ns.permDenied) > 0 {
		return nil, &FilesPermissionError{Files: ns.permDenied}
	}
	return ns, nil
}

func hasArg(args []string, name string) bool {
	for _, a := range args {
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

// resolveAll resolves every option. Mutable options read mutableNS when it
// is set, the others ns. Every value error is reported, joined.
func (c *Config) resolveAll(ns, mutableNS *namespace, lo LoadOptions) (*snapshot, error) {
	snap := &snapshot{vals: make([]any, len(c.opts)), locs: make([]Location, len(c.opts))}
	rs := c.resolverWith(ns, lo)
	var rm *resolver
	if mutableNS != nil {
		rm = c.resolverWith(mutableNS, lo)
	}
	var errs []error
	for _, g := range c.groups {
		for _, s := range g.opts {
			r := rs
			if rm != nil && s.def.mutable {
				r = rm
			}
			v, loc, err := r.value(s)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if v == nil && s.def.required && !s.hasSetDef && !s.hasOverride {
				errs = append(errs, &RequiredError{Group: s.group.Name, Option: s.def.name})
				continue
			}
			snap.vals[s.idx], snap.locs[s.idx] = v, loc
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return snap, nil
}

// deprecations returns the warnings for the deprecated options that ns
// sets and that were not warned about yet. Config logs them once it has
// let go of c.mu (see warn).
func (c *Config) deprecations(ns *namespace) []string {
	var warnings []string
	for key, logged := range ns.deprecationsSeen {
		if logged {
			continue
		}
		ns.deprecationsSeen[key] = true
		p := strings.Split(key, "\x00")
		warnings = append(warnings, fmt.Sprintf("Deprecated: Option %q from group %q is deprecated. Use option %q from group %q.", p[1], p[0], p[3], p[2]))
	}
	for _, s := range c.opts {
		if !s.def.forRemoval {
			continue
		}
		if _, _, found := ns.value(s); !found {
			continue
		}
		reason := ""
		if s.def.removalReason != "" {
			reason = " (" + s.def.removalReason + ")"
		}
		warnings = append(warnings, fmt.Sprintf("Deprecated: Option %q from group %q is deprecated for removal%s.  Its value may be silently ignored in the future.", s.def.dest, s.group.Name, reason))
	}
	return warnings
}

// warn logs warnings. It is called without c.mu held: the logger may be a
// handler that reads this Config (log's masking of secret values does),
// and c.mu is not reentrant.
func (c *Config) warn(warnings []string) {
	for _, w := range warnings {
		c.log().Warn(w)
	}
}

// setOverride and setDefault change one option for this Config and
// resolve every value again, since others may refer to it.
func (c *Config) setOverride(idx int, v any, set bool) error {
	return c.changeSlot(idx, func(s *slot) error {
		if !set {
			s.override, s.hasOverride = nil, false
			return nil
		}
		cv, err := s.def.typ.check(v)
		if err != nil {
			return &ValueError{Group: s.group.Name, Option: s.def.name, Location: Location{Source: SourceOverride}, Value: fmt.Sprint(v), Err: err}
		}
		s.override, s.hasOverride = cv, true
		return nil
	})
}

func (c *Config) setDefault(idx int, v any, set bool) error {
	return c.changeSlot(idx, func(s *slot) error {
		if !set {
			s.setDef, s.hasSetDef = nil, false
			return nil
		}
		cv, err := s.def.typ.check(v)
		if err != nil {
			return &ValueError{Group: s.group.Name, Option: s.def.name, Location: Location{Source: SourceSetDefault}, Value: fmt.Sprint(v), Err: err}
		}
		s.setDef, s.hasSetDef = cv, true
		return nil
	})
}

func (c *Config) changeSlot(idx int, change func(*slot) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.opts[idx]
	saved := *s
	if err := change(s); err != nil {
		return err
	}
	snap, err := c.resolveAll(c.ns, c.mutableNS, c.lo)
	if err != nil {
		*s = saved
		return err
	}
	c.snap.Store(snap)
	return nil
}

// SetOverride overrides an option by name, as oslo's set_override: v is a
// value of the option's Go type.
func (c *Config) SetOverride(groupName, name string, v any) error {
	s, err := c.lookupSlot(groupName, name)
	if err != nil {
		return err
	}
	return c.setOverride(s.idx, v, true)
}

// ClearOverride removes an override set by name.
func (c *Config) ClearOverride(groupName, name string) error {
	s, err := c.lookupSlot(groupName, name)
	if err != nil {
		return err
	}
	return c.setOverride(s.idx, nil, false)
}

// SetDefault replaces an option's default by name, as oslo's set_default.
func (c *Config) SetDefault(groupName, name string, v any) error {
	s, err := c.lookupSlot(groupName, name)
	if err != nil {
		return err
	}
	return c.setDefault(s.idx, v, true)
}

func (c *Config) lookupSlot(groupName, name string) (*slot, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.findSlot(normalizeGroupName(groupName), name)
}

// findSlot finds an option by group and name (or dest, or a deprecated
// name), as oslo's _get_opt_info.
func (c *Config) findSlot(groupName, name string) (*slot, error) {
	g := c.groupIdx[groupName]
	if g == nil {
		return nil, &NoSuchGroupError{Group: groupName}
	}
	if s, ok := g.byDest[name]; ok {
		return s, nil
	}
	if s, ok := g.byDest[strings.ReplaceAll(name, "-", "_")]; ok {
		return s, nil
	}
	if s, ok := c.depIdx[groupName][name]; ok {
		return s, nil
	}
	return nil, &NoSuchOptError{Group: groupName, Option: name}
}

// Value returns an option's value by group and name: nil when unset, else
// a value of the option's Go type. Code that declared the option reads it
// with Opt.Get instead; Value serves tools and dynamic look-ups.
func (c *Config) Value(groupName, name string) (any, error) {
	s, err := c.lookupSlot(groupName, name)
	if err != nil {
		return nil, err
	}
	return c.snap.Load().vals[s.idx], nil
}

// Location returns where an option's value comes from (oslo's
// get_location).
func (c *Config) Location(groupName, name string) (Location, error) {
	s, err := c.lookupSlot(groupName, name)
	if err != nil {
		return Location{}, err
	}
	return c.snap.Load().locs[s.idx], nil
}

// ConfigFiles returns the config files in effect: the --config-file values
// or, when none was given, the default files.
func (c *Config) ConfigFiles() []string {
	v, _ := configFileOpt.Lookup(c)
	return append([]string{}, v...)
}

// ConfigDirs returns every --config-dir given, in order.
func (c *Config) ConfigDirs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ns == nil {
		return nil
	}
	return append([]string{}, c.ns.configDirs...)
}

// Args returns the command line Load parsed.
func (c *Config) Args() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string{}, c.args...)
}

// Positionals returns the positional arguments that no positional option
// took.
func (c *Config) Positionals() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ns == nil {
		return nil
	}
	return append([]string{}, c.ns.positionals...)
}

// Project returns LoadOptions.Project of the last Load.
func (c *Config) Project() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lo.Project
}

// ListAllSections returns every section name found in the files, sorted.
func (c *Config) ListAllSections() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, ns := range []*namespace{c.ns, c.mutableNS} {
		if ns == nil {
			continue
		}
		for _, s := range ns.sections() {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	sortStrings(out)
	return out
}

// FindFile looks for a file beside the config files, as oslo's find_file:
// in every --config-dir, then the directories of the config files (the
// last first), then the standard directories. It returns "" if none has it.
func (c *Config) FindFile(name string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var dirs []string
	if c.ns != nil {
		for _, d := range c.ns.configDirs {
			dirs = append(dirs, fixPath(d))
		}
	}
	files, _ := c.snap.Load().vals[configFileOptIdx].([]string)
	for i := len(files) - 1; i >= 0; i-- {
		dirs = append(dirs, filepath.Dir(fixPath(files[i])))
	}
	dirs = append(dirs, configDirs(c.lo.Project)...)
	return searchDirs(dirs, name)
}

// configFileOptIdx is config_file's slot: the first registered.
const configFileOptIdx = 0
