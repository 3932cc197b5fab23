package config

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/goslo/goslo/internal/py"
)

// SampleFormat is the output format of WriteSample.
type SampleFormat string

// The formats of oslo-config-generator (its "rst" format, which needs
// Sphinx, is not provided).
const (
	SampleINI  SampleFormat = "ini"  // a sample config file
	SampleJSON SampleFormat = "json" // the options as data, for tools (and the validator)
	SampleYAML SampleFormat = "yaml" // the same data as YAML
)

// SampleOptions are the settings of oslo-config-generator.
type SampleOptions struct {
	// WrapWidth is the maximum length of help lines: 0 means oslo's
	// default, 70; a negative value means no wrapping (oslo's
	// --wrap-width 0).
	WrapWidth int
	// Minimal writes only the required options, uncommented.
	Minimal bool
	// Summarize keeps only the first paragraph of each help text.
	Summarize bool
	// Format is SampleINI ("" too), SampleJSON or SampleYAML.
	Format SampleFormat

	// OutputFile, ConfigFiles and Namespaces are only recorded in the
	// generator_options of the JSON and YAML formats, as oslo records its
	// own settings there; nil Namespaces means the names of the listed
	// namespaces.
	OutputFile  string
	ConfigFiles []string
	Namespaces  []string
}

// osloWrapWidth is the --wrap-width value oslo would have for so.
func (so SampleOptions) osloWrapWidth() int {
	switch {
	case so.WrapWidth == 0:
		return 70
	case so.WrapWidth < 0:
		return 0
	}
	return so.WrapWidth
}

// sampleOpt is one listed option, its definition computed.
type sampleOpt struct {
	opt Option
	def *optDef
}

type sampleNamespace struct {
	name string
	opts []sampleOpt
}

// sampleGroup is what oslo's _get_groups keeps per group name: the last
// description given for it (nil when it was only ever named) and its
// options by namespace.
type sampleGroup struct {
	name       string
	info       *Group
	namespaces []sampleNamespace
}

// sampleGroups is oslo's _get_groups: DEFAULT first (always present), then
// the groups in the order they were first listed.
func sampleGroups(nss []NamespaceOpts) ([]*sampleGroup, error) {
	nss = cleanupOpts(nss)
	groups := []*sampleGroup{{name: DefaultGroup}}
	idx := map[string]*sampleGroup{DefaultGroup: groups[0]}
	for _, ns := range nss {
		for _, g := range ns.Groups {
			if len(g.Opts) == 0 {
				continue
			}
			name := sampleGroupName(g.Group.Name)
			sg := idx[name]
			if sg == nil {
				sg = &sampleGroup{name: name}
				idx[name] = sg
				groups = append(groups, sg)
			}
			if hasGroupInfo(g.Group) {
				info := g.Group
				info.Name = name
				sg.info = &info
			}
			sn := sampleNamespace{name: ns.Namespace}
			for _, o := range g.Opts {
				d, err := o.optDef()
				if err != nil {
					return nil, fmt.Errorf("config: namespace %s: group [%s]: %w", ns.Namespace, name, err)
				}
				sn.opts = append(sn.opts, sampleOpt{o, d})
			}
			sg.namespaces = append(sg.namespaces, sn)
		}
	}
	return groups, nil
}

// WriteSample writes a sample configuration of the listed options (see
// ListOpts) the way oslo-config-generator writes it: [DEFAULT] first, then
// the other groups in alphabetical order; in each, the namespaces in
// alphabetical order under a "From" banner, and each option with its help
// wrapped, its type, bounds, choices, deprecations and its default
// commented out. A file written with the default settings parses with
// oslo.config and with this package, and changes no option's value.
func WriteSample(w io.Writer, nss []NamespaceOpts, so SampleOptions) error {
	groups, err := sampleGroups(nss)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch so.Format {
	case "", SampleINI:
		f := sampleFormatter{w: &buf, width: so.osloWrapWidth(), minimal: so.Minimal, summarize: so.Summarize}
		if f.width == 0 {
			f.width = 998 // oslo's "arbitrary line length"
		}
		f.group(groups[0])
		rest := append([]*sampleGroup{}, groups[1:]...)
		sort.SliceStable(rest, func(i, j int) bool { return rest[i].name < rest[j].name })
		for _, g := range rest {
			buf.WriteString("\n\n")
			f.group(g)
		}
	case SampleJSON, SampleYAML:
		data := machineReadable(groups, nss, so)
		if so.Format == SampleJSON {
			writePyJSON(&buf, data)
		} else {
			writePyYAML(&buf, data)
		}
		buf.WriteString("\n")
	default:
		return fmt.Errorf("config: unknown sample format %q (ini, json or yaml)", so.Format)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

type sampleFormatter struct {
	w                  *bytes.Buffer
	width              int
	minimal, summarize bool
}

// help is oslo's _OptFormatter._format_help.
func (f *sampleFormatter) help(text string) string {
	var b strings.Builder
	for _, line := range pySplitLines(text) {
		wrapped := pyWrap(line, f.width, "# ")
		if len(wrapped) == 0 {
			b.WriteString("#")
		} else {
			b.WriteString(strings.Join(wrapped, "\n"))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// group is oslo's _output_opts.
func (f *sampleFormatter) group(g *sampleGroup) {
	fmt.Fprintf(f.w, "[%s]\n", g.name)
	if g.info != nil && g.info.Help != "" {
		f.w.WriteString(f.help(g.info.Help))
	}
	nss := append([]sampleNamespace{}, g.namespaces...)
	sort.SliceStable(nss, func(i, j int) bool { return nss[i].name < nss[j].name })
	for _, ns := range nss {
		fmt.Fprintf(f.w, "\n#\n# From %s\n#\n", ns.name)
		opts := append([]sampleOpt{}, ns.opts...)
		sort.SliceStable(opts, func(i, j int) bool { return !opts[i].def.advanced && opts[j].def.advanced })
		for _, o := range opts {
			if f.minimal && !o.def.required {
				continue
			}
			f.w.WriteString("\n")
			f.opt(o.def, g.name)
		}
	}
}

// opt is oslo's _OptFormatter.format.
func (f *sampleFormatter) opt(d *optDef, groupName string) {
	ti := sampleTypeOf(d.typ.raw())
	prefix := ""
	if d.forRemoval && !strings.HasPrefix(d.help, "DEPRECATED") {
		prefix = "DEPRECATED: "
	}
	var helpText string
	if d.help != "" {
		h := d.help
		if f.summarize {
			parts := strings.Split(d.help, "\n\n")
			h = strings.TrimRight(strings.TrimRight(parts[0], ":"), ".")
			if len(parts) > 1 {
				h += ". For more information, refer to the documentation."
			}
		}
		helpText = fmt.Sprintf("%s%s (%s)", prefix, h, ti.name)
	} else {
		helpText = "(" + ti.name + ")"
	}
	b := f.w
	b.WriteString(f.help(helpText))
	if ti.min != "" {
		fmt.Fprintf(b, "# Minimum value: %s\n", ti.min)
	}
	if ti.max != "" {
		fmt.Fprintf(b, "# Maximum value: %s\n", ti.max)
	}
	if len(ti.choices) > 0 {
		b.WriteString("# Possible values:\n")
		for _, c := range ti.choices {
			desc := c.desc
			if desc == "" {
				desc = "<No description provided>"
			}
			b.WriteString(f.help(c.text + " - " + desc))
		}
	}
	if d.mutable {
		b.WriteString("# Note: This option can be changed without restarting.\n")
	}
	for _, dep := range d.deprecated {
		if dep.Name == "" || strings.Contains(dep.Name, "-") {
			continue
		}
		g := dep.Group
		if g == "" {
			g = groupName
		}
		fmt.Fprintf(b, "# Deprecated group/name - [%s]/%s\n", g, dep.Name)
	}
	if d.forRemoval {
		if d.since != "" {
			fmt.Fprintf(b, "# This option is deprecated for removal since %s.\n", d.since)
		} else {
			b.WriteString("# This option is deprecated for removal.\n")
		}
		b.WriteString("# Its value may be silently ignored in the future.\n")
		if d.removalReason != "" {
			b.WriteString(f.help("Reason: " + d.removalReason))
		}
	}
	if d.advanced {
		b.WriteString("# Advanced Option: intended for advanced users and not used\n" +
			"# by the majority of users, and might have a significant\n" +
			"# effect on stability and/or performance.\n")
	}
	if d.sampleDefault != "" {
		b.WriteString("#\n" +
			"# This option has a sample default set, which means that\n" +
			"# its actual default value may vary from the one documented\n" +
			"# below.\n")
	}
	for _, s := range sampleDefaults(d, ti) {
		if s != "" {
			s = " " + strings.ReplaceAll(s, "\n", "\n#    ")
		}
		if f.minimal {
			fmt.Fprintf(b, "%s =%s\n", d.dest, s)
		} else {
			fmt.Fprintf(b, "#%s =%s\n", d.dest, s)
		}
	}
}

// sampleType is what a sample shows of a type: oslo's type_name, the min
// and max attributes and the choices with their descriptions.
type sampleType struct {
	name     string
	min, max string // "" when unset
	minV     any    // for the machine-readable formats: nil, int or float64
	maxV     any
	choices  []sampleChoice
	kind     sampleKind
	bounds   bool // List or Dict with Bounds
}

type sampleKind int

const (
	kindOther sampleKind = iota
	kindString
	kindBool
	kindNumber
	kindList
	kindDict
	kindMultiStr // MultiStrOpt: no default is one empty line
	kindMulti    // MultiOpt(item_type=...): no default is <None>
)

type sampleChoice struct {
	text  string // as oslo shows it: '' for the empty string
	value any    // string or int
	desc  string
}

func stringChoices(cs []Choice[string]) []sampleChoice {
	out := make([]sampleChoice, len(cs))
	for i, c := range cs {
		text := c.Value
		if text == "" {
			text = "''"
		}
		out[i] = sampleChoice{text, c.Value, c.Description}
	}
	return out
}

func intChoices(cs []Choice[int]) []sampleChoice {
	out := make([]sampleChoice, len(cs))
	for i, c := range cs {
		out[i] = sampleChoice{strconv.Itoa(c.Value), c.Value, c.Description}
	}
	return out
}

// sampleInfo is implemented by the generic types, whose type parameter a
// type switch cannot name.
type sampleInfo interface{ sampleType() sampleType }

func (t List[T]) sampleType() sampleType {
	return sampleType{name: t.TypeName(), kind: kindList, bounds: t.Bounds}
}

func (t Dict[T]) sampleType() sampleType {
	return sampleType{name: t.TypeName(), kind: kindDict, bounds: t.Bounds}
}

func (t Multi[T]) sampleType() sampleType {
	if t.Item == nil {
		return sampleType{name: t.TypeName(), kind: kindMultiStr}
	}
	st := sampleTypeOf(t.Item)
	st.kind = kindMulti
	return st
}

func sampleTypeOf(raw any) sampleType {
	switch t := raw.(type) {
	case String:
		return sampleType{name: t.TypeName(), kind: kindString, choices: stringChoices(t.Choices)}
	case Bool:
		return sampleType{name: t.TypeName(), kind: kindBool}
	case Integer:
		st := sampleType{name: t.TypeName(), kind: kindNumber, choices: intChoices(t.Choices)}
		setIntBounds(&st, t.Min, t.Max)
		return st
	case Port:
		lo, hi := t.bounds()
		st := sampleType{name: t.TypeName(), kind: kindNumber, choices: intChoices(t.Choices)}
		setIntBounds(&st, lo, hi)
		return st
	case Float:
		st := sampleType{name: t.TypeName(), kind: kindNumber}
		if t.Min != nil {
			st.min, st.minV = py.FloatRepr(*t.Min), *t.Min
		}
		if t.Max != nil {
			st.max, st.maxV = py.FloatRepr(*t.Max), *t.Max
		}
		return st
	case sampleInfo:
		return t.sampleType()
	case interface{ TypeName() string }:
		return sampleType{name: t.TypeName()}
	}
	return sampleType{name: "unknown value"}
}

func setIntBounds(st *sampleType, min, max *int) {
	if min != nil {
		st.min, st.minV = strconv.Itoa(*min), *min
	}
	if max != nil {
		st.max, st.maxV = strconv.Itoa(*max), *max
	}
}

// sampleDefaults is oslo's ConfigType.format_defaults for the option: the
// default (or sample default) as the lines of a sample show it.
func sampleDefaults(d *optDef, ti sampleType) []string {
	switch ti.kind {
	case kindMultiStr, kindMulti:
		if d.sampleDefault != "" {
			return []string{quoteSpace(d.sampleDefault)}
		}
		items := multiItems(d)
		if len(items) == 0 {
			if ti.kind == kindMultiStr || d.def != nil {
				return []string{""}
			}
			return []string{"<None>"}
		}
		return items
	}
	if d.sampleDefault != "" {
		return []string{d.sampleDefault}
	}
	if d.def == nil {
		return []string{"<None>"}
	}
	if s, ok := d.def.(string); ok && d.defIsText {
		return []string{formatTextDefault(s, ti)}
	}
	if ti.kind == kindDict {
		return []string{pyDictStr(d.def)}
	}
	return []string{d.typ.format(d.def)}
}

// formatTextDefault renders a default given as text the way oslo's
// _formatter renders a str default of the type.
func formatTextDefault(s string, ti sampleType) string {
	switch ti.kind {
	case kindString:
		return quoteSpace(s)
	case kindBool:
		return strings.ToLower(s)
	case kindList:
		if ti.bounds {
			return "[" + s + "]"
		}
	}
	return s
}

// multiItems formats each value of a multi-valued default.
func multiItems(d *optDef) []string {
	if d.def == nil {
		return nil
	}
	if s, ok := d.def.(string); ok && d.defIsText {
		return []string{quoteSpace(s)}
	}
	rv := reflect.ValueOf(d.def)
	if rv.Kind() != reflect.Slice {
		return []string{quoteSpace(fmt.Sprint(d.def))}
	}
	out := make([]string, rv.Len())
	for i := range out {
		out[i] = quoteSpace(pyStr(rv.Index(i).Interface()))
	}
	return out
}

// pyDictStr is oslo's Dict._formatter: "key:value" pairs sorted by key,
// each value as Python's str() shows it.
func pyDictStr(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map {
		return pyStr(v)
	}
	keys := make([]string, 0, rv.Len())
	vals := map[string]any{}
	for _, k := range rv.MapKeys() {
		ks := fmt.Sprint(k.Interface())
		keys = append(keys, ks)
		vals[ks] = rv.MapIndex(k).Interface()
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ":" + pyStr(vals[k])
	}
	return strings.Join(parts, ",")
}
