package config

import (
	"fmt"

	"github.com/goslo/goslo/internal/ini"
	"strings"
	"sync"
	"sync/atomic"
)

// DefaultGroup is the name of the [DEFAULT] section and group.
const DefaultGroup = "DEFAULT"

// Opt declares one option whose values are of type T: oslo's Opt and its
// StrOpt, IntOpt, BoolOpt, ... subclasses in one generic type. Declare it
// once, as a package variable, register it with Config.Register (or
// RegisterCLI), and read it with Get:
//
//	var workers = &config.Opt[int]{
//		Name: "workers", Default: 1, Type: config.Integer{Min: new(1)},
//		Help: "Number of worker processes.",
//	}
//	...
//	n := workers.Get(conf) // an int: no look-up by name, no assertion
//
// An Opt must not be copied once registered.
type Opt[T any] struct {
	Name  string // the option's name; '-' becomes '_' in Dest
	Group string // the group (section); "" is DEFAULT
	// Type converts and checks values; nil derives it from T (string,
	// bool, int, float64, and slices or string-keyed maps of those).
	Type Type[T]
	// Default is nil (no default: the value is unset), a T, or a string
	// that is interpolated ($name, ${group.name}) and parsed by Type
	// whenever the option has no other value.
	Default any
	Help    string
	Short   string // a one-letter command-line alias: -d
	Metavar string
	Dest    string // the name the value is looked up by; default Name with '-' as '_'

	Positional bool // a positional command-line argument (RegisterCLI only)
	Required   bool // an unset value is an error at Load
	Secret     bool // masked as **** in dumps and logs
	Mutable    bool // Mutate may change it in a running service
	Advanced   bool // shown last in samples, marked "Advanced Option"

	DeprecatedName       string          // an old name still read, in DeprecatedGroup or Group
	DeprecatedGroup      string          // an old group still read
	DeprecatedOpts       []DeprecatedOpt // more old (group, name) pairs
	DeprecatedForRemoval bool
	DeprecatedReason     string
	DeprecatedSince      string
	SampleDefault        string // the default shown in sample files instead of Default

	bind binding
}

// DeprecatedOpt is an old (group, name) of an option that files may still
// use. An empty Group means the option's own group; an empty Name its own
// name.
type DeprecatedOpt struct {
	Name  string
	Group string
}

// Group describes a group of options: a [section] of the files and a
// prefix of the command-line options.
type Group struct {
	Name  string
	Title string // for --help; default "NAME options"
	Help  string
	// DynamicGroupOwner and DriverOption are recorded for the sample
	// generator, as oslo's OptGroup does.
	DynamicGroupOwner string
	DriverOption      string
}

// Option is an option of any value type: *Opt[T] implements it.
type Option interface {
	optDef() (*optDef, error)
	binding() *binding
}

// optDef is the registered, type-erased definition of an option.
type optDef struct {
	name, dest, group    string
	typ                  anyType
	def                  any // nil, a string to parse, or a checked T
	defIsText            bool
	help, short, metavar string
	positional, required bool
	secret, mutable      bool
	advanced             bool
	deprecated           []DeprecatedOpt
	forRemoval           bool
	removalReason, since string
	sampleDefault        string
}

// key identifies a definition for duplicate detection: registering a
// different definition under a registered name is an error, registering
// the same one again is not.
func (d *optDef) key() string {
	return fmt.Sprintf("%q %q %q %#v %#v %v %q %q %q %v %v %v %v %v %v %v %q %q %q",
		d.name, d.dest, d.group, d.typ.raw(), d.def, d.defIsText, d.help, d.short, d.metavar,
		d.positional, d.required, d.secret, d.mutable, d.advanced, d.deprecated, d.forRemoval,
		d.removalReason, d.since, d.sampleDefault)
}

func normalizeGroupName(g string) string {
	if g == "" || g == DefaultGroup {
		return DefaultGroup
	}
	return g
}

func (o *Opt[T]) binding() *binding { return &o.bind }

func (o *Opt[T]) optDef() (*optDef, error) {
	typ := o.Type
	if typ == nil {
		typ = defaultType[T]()
		if typ == nil {
			return nil, fmt.Errorf("no Type given and none is known for %T", *new(T))
		}
	}
	if err := validateType(typ); err != nil {
		return nil, err
	}
	if o.Name == "" {
		return nil, fmt.Errorf("option without a name")
	}
	if strings.HasPrefix(o.Name, "_") {
		return nil, fmt.Errorf("illegal name %s with prefix _", o.Name)
	}
	if len([]rune(o.Short)) > 1 {
		return nil, fmt.Errorf("short name %q is longer than one character", o.Short)
	}
	d := &optDef{
		name: o.Name, dest: o.Dest, group: normalizeGroupName(o.Group),
		typ:  typeAdapter[T]{typ},
		help: o.Help, short: o.Short, metavar: o.Metavar,
		positional: o.Positional, required: o.Required,
		secret: o.Secret, mutable: o.Mutable, advanced: o.Advanced,
		forRemoval: o.DeprecatedForRemoval, removalReason: o.DeprecatedReason,
		since: o.DeprecatedSince, sampleDefault: o.SampleDefault,
	}
	if d.dest == "" {
		d.dest = strings.ReplaceAll(o.Name, "-", "_")
	}
	if _, ok := typ.(Type[bool]); ok && o.Positional {
		return nil, fmt.Errorf("positional boolean options are not supported")
	}
	// oslo also reads the underscore spelling of a hyphenated old name.
	for _, dep := range o.DeprecatedOpts {
		d.deprecated = append(d.deprecated, dep)
	}
	for _, dep := range o.DeprecatedOpts {
		if strings.Contains(dep.Name, "-") {
			d.deprecated = append(d.deprecated, DeprecatedOpt{strings.ReplaceAll(dep.Name, "-", "_"), dep.Group})
		}
	}
	if o.DeprecatedName != "" || o.DeprecatedGroup != "" {
		d.deprecated = append(d.deprecated, DeprecatedOpt{o.DeprecatedName, o.DeprecatedGroup})
		if strings.Contains(o.DeprecatedName, "-") {
			d.deprecated = append(d.deprecated, DeprecatedOpt{strings.ReplaceAll(o.DeprecatedName, "-", "_"), o.DeprecatedGroup})
		}
	}
	switch v := o.Default.(type) {
	case nil:
	case T:
		d.def = v
		if s, ok := o.Default.(string); ok {
			// A string default of a string option is parsed like text.
			d.def, d.defIsText = s, true
		}
	case string:
		d.def, d.defIsText = v, true
	default:
		return nil, &DefaultValueError{Group: d.group, Option: d.name,
			Err: fmt.Errorf("default %#v is neither a %T nor a string", o.Default, *new(T))}
	}
	if err := d.checkDefault(); err != nil {
		return nil, &DefaultValueError{Group: d.group, Option: d.name, Err: err}
	}
	if d.def != nil && !d.defIsText {
		v, err := d.typ.check(d.def)
		if err != nil {
			return nil, &DefaultValueError{Group: d.group, Option: d.name, Err: err}
		}
		d.def = v
	}
	return d, nil
}

// checkDefault parses a text default that refers to no other option, as
// oslo's Opt._check_default does at declaration.
func (d *optDef) checkDefault() error {
	s, ok := d.def.(string)
	if !ok || !d.defIsText {
		return nil
	}
	tmpl := strings.ReplaceAll(strings.ReplaceAll(s, `\$`, ""), "$$", "")
	if strings.Contains(tmpl, "$") {
		return nil
	}
	_, err := d.typ.parse(s)
	return err
}

// anyType erases the value type of a Type[T].
type anyType interface {
	parse(s string) (any, error) // the text of one assignment (a multi type: a one-item list)
	check(v any) (any, error)
	format(v any) string
	typeName() string
	raw() any
	isMulti() bool
	noneOnEmpty() bool
	concat(a, b any) any // multi: joins two value lists
}

type typeAdapter[T any] struct{ t Type[T] }

func (a typeAdapter[T]) parse(s string) (any, error) {
	if _, ok := a.t.(emptyIsNone); ok && isBlank(s) {
		return nil, nil
	}
	return a.t.Parse(s)
}

func (a typeAdapter[T]) check(v any) (any, error) {
	t, ok := v.(T)
	if !ok {
		return nil, fmt.Errorf("%#v is not a %T", v, *new(T))
	}
	return a.t.Check(t)
}

func (a typeAdapter[T]) format(v any) string {
	t, ok := v.(T)
	if !ok {
		return fmt.Sprint(v)
	}
	return a.t.Format(t)
}

func (a typeAdapter[T]) typeName() string { return a.t.TypeName() }
func (a typeAdapter[T]) raw() any         { return a.t }

func (a typeAdapter[T]) isMulti() bool {
	_, ok := a.t.(multiType)
	return ok
}

func (a typeAdapter[T]) noneOnEmpty() bool {
	_, ok := a.t.(emptyIsNone)
	return ok
}

func (a typeAdapter[T]) concat(x, y any) any {
	if m, ok := a.t.(interface{ concat(a, b any) any }); ok {
		return m.concat(x, y)
	}
	return y
}

func isBlank(s string) bool {
	for _, r := range s {
		if !ini.IsSpace(r) {
			return false
		}
	}
	return true
}

// binding records where an Opt is registered, so that Get finds its value
// without a look-up by name: the first Config it was registered with is
// checked with one atomic load; others go through a small map.
type binding struct {
	first atomic.Pointer[slotRef]
	mu    sync.Mutex
	more  map[*Config]int
}

type slotRef struct {
	c   *Config
	idx int
}

func (b *binding) bind(c *Config, idx int) {
	if b.first.CompareAndSwap(nil, &slotRef{c, idx}) {
		return
	}
	if r := b.first.Load(); r.c == c {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.more == nil {
		b.more = map[*Config]int{}
	}
	b.more[c] = idx
}

func (b *binding) index(c *Config) (int, bool) {
	if r := b.first.Load(); r != nil && r.c == c {
		return r.idx, true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	i, ok := b.more[c]
	return i, ok
}

func (o *Opt[T]) slot(c *Config) int {
	i, ok := o.bind.index(c)
	if !ok {
		panic(fmt.Sprintf("config: option [%s] %s is not registered with this Config", normalizeGroupName(o.Group), o.Name))
	}
	return i
}

// Get returns the option's value in c: the zero T when it is unset. It
// panics if the option was never registered with c, a programming error
// like a duplicate http.Handle.
func (o *Opt[T]) Get(c *Config) T {
	v, _ := c.snap.Load().vals[o.slot(c)].(T)
	return v
}

// Lookup returns the option's value and whether it is set (not None).
func (o *Opt[T]) Lookup(c *Config) (T, bool) {
	v, ok := c.snap.Load().vals[o.slot(c)].(T)
	return v, ok
}

// Location tells where the option's current value comes from.
func (o *Opt[T]) Location(c *Config) Location {
	return c.snap.Load().locs[o.slot(c)]
}

// Override sets a value that beats every source, as oslo's set_override
// (for tests and for code that must force a value).
func (o *Opt[T]) Override(c *Config, v T) error {
	return c.setOverride(o.slot(c), v, true)
}

// ClearOverride removes an Override.
func (o *Opt[T]) ClearOverride(c *Config) error {
	return c.setOverride(o.slot(c), nil, false)
}

// SetDefault replaces the default for this Config, as oslo's set_default.
func (o *Opt[T]) SetDefault(c *Config, v T) error {
	return c.setDefault(o.slot(c), v, true)
}

// ClearDefault removes a SetDefault.
func (o *Opt[T]) ClearDefault(c *Config) error {
	return c.setDefault(o.slot(c), nil, false)
}
