package config

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// GroupOpts is a group and the options listed in it: one item of what an
// oslo library's list_opts() function returns. An empty Group.Name is
// [DEFAULT]. The listing decides the group an option is shown in, as in
// oslo; it is normally the group the option declares.
type GroupOpts struct {
	Group Group
	Opts  []Option
}

// NamespaceOpts is the options a namespace lists, in the order it lists
// them.
type NamespaceOpts struct {
	Namespace string
	Groups    []GroupOpts
}

// ListFunc lists a namespace's options. It is called each time a tool asks
// for them, after the namespace's defaults hooks ran.
type ListFunc func() []GroupOpts

var registry struct {
	sync.Mutex
	lists    map[string]ListFunc
	defaults map[string][]func()
}

// RegisterNamespace makes a namespace's options known to the sample
// generator and the validator: the Go equivalent of an
// "oslo.config.opts" entry point. Libraries and services call it from an
// init function:
//
//	func init() {
//		config.RegisterNamespace("goslo.log", func() []config.GroupOpts {
//			return config.ByGroup(logOpts...)
//		})
//	}
//
// Registering a name twice, an empty name or a nil function is a
// programming error and panics, as database/sql.Register does.
func RegisterNamespace(name string, list ListFunc) {
	registry.Lock()
	defer registry.Unlock()
	if name == "" || list == nil {
		panic("config: RegisterNamespace needs a name and a list function")
	}
	if _, dup := registry.lists[name]; dup {
		panic("config: namespace " + name + " registered twice")
	}
	if registry.lists == nil {
		registry.lists = map[string]ListFunc{}
	}
	registry.lists[name] = list
}

// RegisterNamespaceDefaults registers a function that the tools run before
// they list the named namespace: the Go equivalent of an
// "oslo.config.opts.defaults" entry point, with which a service changes the
// defaults of a library's options (Opt.Default) so that its sample shows
// them.
func RegisterNamespaceDefaults(name string, update func()) {
	registry.Lock()
	defer registry.Unlock()
	if name == "" || update == nil {
		panic("config: RegisterNamespaceDefaults needs a name and a function")
	}
	if registry.defaults == nil {
		registry.defaults = map[string][]func(){}
	}
	registry.defaults[name] = append(registry.defaults[name], update)
}

// Namespaces returns the names of the registered namespaces, sorted.
func Namespaces() []string {
	registry.Lock()
	defer registry.Unlock()
	names := make([]string, 0, len(registry.lists))
	for n := range registry.lists {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// UnknownNamespaceError names namespaces nobody registered.
type UnknownNamespaceError struct{ Names []string }

func (e *UnknownNamespaceError) Error() string {
	return fmt.Sprintf("config: unknown namespace %s (registered: %s)",
		strings.Join(e.Names, ", "), strings.Join(Namespaces(), ", "))
}

// ListOpts lists the options of the named namespaces, in the order given:
// oslo generator's _list_opts. The defaults hooks of those namespaces run
// first. A name listed twice is listed once. An option listed twice in a
// group of a namespace (by Dest) keeps its first place and its last
// definition. Group names are normalised as oslo does: DEFAULT in upper
// case, any other in lower case.
func ListOpts(names ...string) ([]NamespaceOpts, error) {
	registry.Lock()
	var unknown []string
	var lists []ListFunc
	var hooks []func()
	seen := map[string]bool{}
	var order []string
	for _, n := range names {
		l, ok := registry.lists[n]
		if !ok {
			unknown = append(unknown, n)
			continue
		}
		if seen[n] {
			continue
		}
		seen[n] = true
		order = append(order, n)
		lists = append(lists, l)
		hooks = append(hooks, registry.defaults[n]...)
	}
	registry.Unlock()
	if len(unknown) > 0 {
		return nil, &UnknownNamespaceError{Names: unknown}
	}
	for _, h := range hooks {
		h()
	}
	out := make([]NamespaceOpts, len(order))
	for i, n := range order {
		out[i] = NamespaceOpts{Namespace: n, Groups: lists[i]()}
	}
	return cleanupOpts(out), nil
}

// ByGroup groups options by the group each declares, in order of first
// appearance: a ready-made list function body for RegisterNamespace.
func ByGroup(opts ...Option) []GroupOpts {
	var out []GroupOpts
	idx := map[string]int{}
	for _, o := range opts {
		g := normalizeGroupName(optGroupOf(o))
		i, ok := idx[g]
		if !ok {
			i = len(out)
			idx[g] = i
			name := g
			if g == DefaultGroup {
				name = ""
			}
			out = append(out, GroupOpts{Group: Group{Name: name}})
		}
		out[i].Opts = append(out[i].Opts, o)
	}
	return out
}

// optGroupOf is the group an option declares.
func optGroupOf(o Option) string {
	d, err := o.optDef()
	if err != nil {
		return ""
	}
	return d.group
}

// sampleGroupName normalises a listed group name as oslo's _cleanup_opts.
func sampleGroupName(name string) string {
	if name == "" {
		return DefaultGroup
	}
	if strings.ToUpper(name) == DefaultGroup {
		return DefaultGroup
	}
	return strings.ToLower(name)
}

// cleanupOpts is oslo's _cleanup_opts: within a namespace, the listings
// of the same group merge and an option listed again by dest replaces the
// earlier one in its place. As oslo keys groups by the object listed (a
// name, or an OptGroup), a group listed once by bare name and once with
// its description stays two listings (a sample shows it twice).
func cleanupOpts(in []NamespaceOpts) []NamespaceOpts {
	out := make([]NamespaceOpts, 0, len(in))
	for _, ns := range in {
		var groups []GroupOpts
		gidx := map[Group]int{}
		var dests []map[string]int
		for _, g := range ns.Groups {
			// An empty name is oslo's None: [DEFAULT], but listed apart
			// from a group named DEFAULT.
			key := g.Group
			if key.Name != "" {
				key.Name = sampleGroupName(key.Name)
			}
			g.Group.Name = sampleGroupName(g.Group.Name)
			i, ok := gidx[key]
			if !ok {
				i = len(groups)
				gidx[key] = i
				groups = append(groups, GroupOpts{Group: g.Group})
				dests = append(dests, map[string]int{})
			}
			for _, o := range g.Opts {
				dest := optDestOf(o)
				if j, dup := dests[i][dest]; dup {
					groups[i].Opts[j] = o
					continue
				}
				dests[i][dest] = len(groups[i].Opts)
				groups[i].Opts = append(groups[i].Opts, o)
			}
		}
		out = append(out, NamespaceOpts{Namespace: ns.Namespace, Groups: groups})
	}
	return out
}

// hasGroupInfo tells a group given with its description (oslo's OptGroup)
// from a bare group name.
func hasGroupInfo(g Group) bool {
	return g.Title != "" || g.Help != "" || g.DynamicGroupOwner != "" || g.DriverOption != ""
}

func optDestOf(o Option) string {
	d, err := o.optDef()
	if err != nil {
		return fmt.Sprintf("%p", o)
	}
	return d.dest
}
