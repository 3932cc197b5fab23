package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/goslo/goslo/internal/ini"
)

// OptData describes the options a configuration file is checked against:
// per group, each option's names, type, bounds, choices, default and
// whether it is required, and the deprecated names that still work. It is
// what the sample generator writes with --format json or yaml (oslo's
// "opt-data"), built from registered namespaces (OptDataFromNamespaces)
// or read from such a file (ReadOptData), goslo's or oslo's.
type OptData struct {
	groups     map[string]*dataGroup
	order      []string                           // groups in data order
	deprecated map[string]map[string]dataReplaced // old group -> old name -> replacement
}

type dataGroup struct {
	name   string
	opts   []*dataOpt
	byName map[string]*dataOpt // by name and by dest
}

type dataOpt struct {
	name, dest string
	required   bool
	def        any    // the default as data: nil, string, int, float64, bool, []any, map[string]any
	opt        Option // checks values: the option itself, or checker
	checker    Option // an option built from the data
}

type dataReplaced struct{ group, name string }

// OptDataFromNamespaces describes the listed options (see ListOpts), as
// oslo's validator does with --namespace. Values are checked with the
// options' own types.
func OptDataFromNamespaces(nss []NamespaceOpts) (*OptData, error) {
	groups, err := sampleGroups(nss)
	if err != nil {
		return nil, err
	}
	od, err := optDataFrom(toPlain(machineReadable(groups, nss, SampleOptions{Format: SampleJSON})))
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		dg := od.groups[g.name]
		for _, ns := range g.namespaces {
			for _, o := range ns.opts {
				if do := dg.byName[o.def.name]; do != nil {
					do.opt = o.opt
				}
			}
		}
	}
	return od, nil
}

// ReadOptData reads option data written by goslo-config-generator or
// oslo-config-generator with --format json or yaml.
func ReadOptData(name string) (*OptData, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("config: opt data: %w", err)
	}
	return ParseOptData(name, data)
}

// ParseOptData parses option data (JSON or YAML); name is for errors.
func ParseOptData(name string, data []byte) (*OptData, error) {
	var raw any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err == nil {
		raw = jsonNumbers(raw)
	} else {
		raw = nil
		if yerr := yaml.Unmarshal(data, &raw); yerr != nil {
			return nil, fmt.Errorf("config: opt data %s: neither JSON nor YAML: %w", name, yerr)
		}
	}
	od, err := optDataFrom(raw)
	if err != nil {
		return nil, fmt.Errorf("config: opt data %s: %w", name, err)
	}
	// Without the options' code, values are checked with the type the data
	// names.
	for _, gname := range od.order {
		g := od.groups[gname]
		for _, o := range g.opts {
			o.opt = o.checker
		}
	}
	return od, nil
}

// jsonNumbers turns the json.Numbers of a decoded tree into int or
// float64, as Python's json module reads them.
func jsonNumbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		if n, err := strconv.Atoi(v.String()); err == nil {
			return n
		}
		f, _ := v.Float64()
		return f
	case map[string]any:
		for k, x := range v {
			v[k] = jsonNumbers(x)
		}
	case []any:
		for i, x := range v {
			v[i] = jsonNumbers(x)
		}
	}
	return v
}

// toPlain turns pyDicts into map[string]any, as a JSON decoder gives.
func toPlain(v any) any {
	switch v := v.(type) {
	case pyDict:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = toPlain(x)
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = toPlain(x)
		}
		return out
	}
	return v
}

func optDataFrom(raw any) (*OptData, error) {
	top, ok := raw.(map[string]any)
	if !ok {
		return nil, errors.New("not a mapping of options")
	}
	options, ok := top["options"].(map[string]any)
	if !ok {
		return nil, errors.New(`no "options" mapping`)
	}
	od := &OptData{groups: map[string]*dataGroup{}, deprecated: map[string]map[string]dataReplaced{}}
	for gname := range options {
		od.order = append(od.order, gname)
	}
	sort.Strings(od.order)
	for _, gname := range od.order {
		g, _ := options[gname].(map[string]any)
		dg := &dataGroup{name: gname, byName: map[string]*dataOpt{}}
		od.groups[gname] = dg
		opts, _ := g["opts"].([]any)
		for i, x := range opts {
			e, ok := x.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("group %s: option %d is not a mapping", gname, i)
			}
			do := &dataOpt{def: e["default"]}
			do.name, _ = e["name"].(string)
			do.dest, _ = e["dest"].(string)
			do.required, _ = e["required"].(bool)
			if do.name == "" {
				return nil, fmt.Errorf("group %s: option %d has no name", gname, i)
			}
			if do.dest == "" {
				do.dest = strings.ReplaceAll(do.name, "-", "_")
			}
			do.checker = checkerOf(gname, do, e)
			dg.opts = append(dg.opts, do)
			dg.byName[do.name] = do
			dg.byName[do.dest] = do
		}
	}
	deps, _ := top["deprecated_options"].(map[string]any)
	for gname, x := range deps {
		list, _ := x.([]any)
		for _, y := range list {
			e, _ := y.(map[string]any)
			name, _ := e["name"].(string)
			rn, _ := e["replacement_name"].(string)
			rg, _ := e["replacement_group"].(string)
			if od.deprecated[gname] == nil {
				od.deprecated[gname] = map[string]dataReplaced{}
			}
			od.deprecated[gname][name] = dataReplaced{rg, rn}
		}
	}
	return od, nil
}

// checkerOf builds an option that checks values the way the data
// describes: the type named by its type name, with its bounds and
// choices. An unknown type name accepts any text.
func checkerOf(group string, do *dataOpt, e map[string]any) Option {
	var deps []DeprecatedOpt
	if list, ok := e["deprecated_opts"].([]any); ok {
		for _, x := range list {
			d, _ := x.(map[string]any)
			n, _ := d["name"].(string)
			g, _ := d["group"].(string)
			deps = append(deps, DeprecatedOpt{Name: n, Group: g})
		}
	}
	min, max := dataInt(e["min"]), dataInt(e["max"])
	var strChoices []Choice[string]
	var intChoices []Choice[int]
	if list, ok := e["choices"].([]any); ok {
		for _, x := range list {
			pair, _ := x.([]any)
			if len(pair) == 0 {
				continue
			}
			desc, _ := pair[len(pair)-1].(string)
			switch v := pair[0].(type) {
			case string:
				strChoices = append(strChoices, Choice[string]{v, desc})
			case nil:
			default:
				if n := dataInt(v); n != nil {
					intChoices = append(intChoices, Choice[int]{*n, desc})
				}
			}
		}
	}
	typeName, _ := e["type"].(string)
	name, dest := do.name, do.dest
	switch typeName {
	case "integer value":
		return &Opt[int]{Name: name, Dest: dest, Group: group, DeprecatedOpts: deps, Type: Integer{Min: min, Max: max, Choices: intChoices}}
	case "port value":
		return &Opt[int]{Name: name, Dest: dest, Group: group, DeprecatedOpts: deps, Type: Port{Min: min, Max: max, Choices: intChoices}}
	case "floating point value":
		return &Opt[float64]{Name: name, Dest: dest, Group: group, DeprecatedOpts: deps, Type: Float{Min: dataFloat(e["min"]), Max: dataFloat(e["max"])}}
	case "boolean value":
		return &Opt[bool]{Name: name, Dest: dest, Group: group, DeprecatedOpts: deps, Type: Bool{}}
	case "list value":
		return &Opt[[]string]{Name: name, Dest: dest, Group: group, DeprecatedOpts: deps, Type: List[string]{}}
	case "dict value":
		return &Opt[map[string]string]{Name: name, Dest: dest, Group: group, DeprecatedOpts: deps, Type: Dict[string]{}}
	case "multi valued":
		return &Opt[[]string]{Name: name, Dest: dest, Group: group, DeprecatedOpts: deps, Type: MultiString{}}
	case "IP address value":
		return &Opt[string]{Name: name, Dest: dest, Group: group, DeprecatedOpts: deps, Type: IPAddress{}}
	case "hostname value":
		return &Opt[string]{Name: name, Dest: dest, Group: group, DeprecatedOpts: deps, Type: Hostname{}}
	case "host address value":
		return &Opt[string]{Name: name, Dest: dest, Group: group, DeprecatedOpts: deps, Type: HostAddress{}}
	case "host domain value":
		return &Opt[string]{Name: name, Dest: dest, Group: group, DeprecatedOpts: deps, Type: HostDomain{}}
	case "uri value":
		return &Opt[string]{Name: name, Dest: dest, Group: group, DeprecatedOpts: deps, Type: URI{}}
	case "string value":
		return &Opt[string]{Name: name, Dest: dest, Group: group, DeprecatedOpts: deps, Type: String{Choices: strChoices}}
	}
	return &Opt[string]{Name: name, Dest: dest, Group: group, DeprecatedOpts: deps, Type: String{}}
}

func dataInt(v any) *int {
	switch v := v.(type) {
	case int:
		return &v
	case float64:
		if v == float64(int(v)) {
			n := int(v)
			return &n
		}
	}
	return nil
}

func dataFloat(v any) *float64 {
	switch v := v.(type) {
	case int:
		f := float64(v)
		return &f
	case float64:
		return &v
	}
	return nil
}

// Severity is how bad a Problem is.
type Severity int

// The severities of problems, as oslo's validator logs them.
const (
	SeverityInfo Severity = iota
	SeverityWarning
	SeverityError
)

func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	}
	return "error"
}

// ProblemKind is what a Problem is about.
type ProblemKind int

// The kinds of problems. oslo-config-validator reports KindUnknown,
// KindDeprecated and KindDefault; goslo adds KindInvalid and
// KindRequired.
const (
	KindUnknown    ProblemKind = iota + 1 // a group or option not in the data
	KindDeprecated                        // a deprecated name
	KindInvalid                           // a value the option's type rejects
	KindRequired                          // a required option not set
	KindDefault                           // (CheckDefaults) a value other than the sample's
)

// Problem is one finding of Validate.
type Problem struct {
	Kind          ProblemKind
	Severity      Severity
	File          string
	Line          int // 0: none applies (a missing option)
	Group, Option string
	Value         string // an invalid value, as written (interpolated)
	// Replacement names the option that replaces a deprecated one.
	ReplacementGroup, ReplacementOption string
	Msg                                 string
}

func (p Problem) String() string {
	where := p.File
	if p.Line > 0 {
		where = fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	opt := ""
	if p.Group != "" {
		opt = fmt.Sprintf("[%s] ", p.Group)
	}
	if p.Option != "" {
		opt += p.Option + ": "
	}
	return fmt.Sprintf("%s: %s: %s%s", where, p.Severity, opt, p.Msg)
}

// ValidateOptions are the settings of oslo-config-validator.
type ValidateOptions struct {
	// ExcludeGroups are not checked (dynamically named groups).
	ExcludeGroups []string
	// CheckDefaults reports values that differ from the sample defaults.
	CheckDefaults bool
	// ExcludeOptions are regular expressions (matching a whole name) of
	// options CheckDefaults ignores; nil means oslo's list
	// (DefaultExcludeOptions).
	ExcludeOptions []string
}

// DefaultExcludeOptions is oslo's VALIDATE_DEFAULTS_EXCLUSIONS: options
// whose value is expected to differ from the sample's.
var DefaultExcludeOptions = []string{
	`.*_ur(i|l)`, `.*connection`, `password`, `username`, `my_ip`,
	`host(name)?`, `glance_api_servers`, `osapi_volume_listen`,
	`osapi_compute_listen`,
}

// knownBadGroups have incomplete sample data in oslo's validator: their
// unknown options are only noted.
var knownBadGroups = map[string]bool{"keystone_authtoken": true}

// Validation is the result of Validate.
type Validation struct {
	Problems []Problem
}

// Failed tells whether oslo-config-validator would exit with status 1:
// an error was found, or a warning with fatalWarnings.
func (v *Validation) Failed(fatalWarnings bool) bool {
	for _, p := range v.Problems {
		if p.Severity == SeverityError || fatalWarnings && p.Severity == SeverityWarning {
			return true
		}
	}
	return false
}

// Validate checks a configuration file against option data, as
// oslo-config-validator does, and more: every option the file sets that
// the data does not know is an error; a deprecated name is a warning that
// names the replacement; every value is parsed by its option's type
// (interpolation included) and a bad one is an error with its file, line,
// group, option, value and reason; a required option without a default
// that the file does not set is a warning. Group names are matched as
// oslo.config reads them (case-insensitively, except DEFAULT). A file
// that cannot be read or parsed is an error return.
func Validate(file string, od *OptData, vo ValidateOptions) (*Validation, error) {
	f, err := ini.ParseFile(file)
	if err != nil {
		var pe *ini.ParseError
		if errors.As(err, &pe) {
			return nil, parseErrorOf(file, err)
		}
		return nil, fmt.Errorf("config: validate: %w", err)
	}
	excluded := map[string]bool{}
	for _, g := range vo.ExcludeGroups {
		excluded[g] = true
	}
	sections := map[string]map[string][]ini.Value{}
	keys := map[string][]string{} // in file order
	var order []string
	for _, s := range f.Sections {
		g := normalizeSection(s.Name)
		if sections[g] == nil {
			sections[g] = map[string][]ini.Value{}
			order = append(order, g)
		}
		for _, k := range s.Keys {
			if _, seen := sections[g][k]; !seen {
				keys[g] = append(keys[g], k)
			}
			sections[g][k] = append(sections[g][k], s.Values[k]...)
		}
	}
	v := &Validation{}
	add := func(p Problem) { v.Problems = append(v.Problems, p) }

	if vo.CheckDefaults {
		if err := checkDefaults(file, sections, od, vo, excluded, add); err != nil {
			return nil, err
		}
	}
	for _, g := range order {
		if excluded[g] {
			continue
		}
		for _, key := range keys[g] {
			line := sections[g][key][0].Line
			p := Problem{Kind: KindUnknown, File: file, Line: line, Group: g, Option: key}
			if r, ok := od.deprecated[g][key]; ok {
				p.Kind, p.Severity = KindDeprecated, SeverityWarning
				p.ReplacementGroup, p.ReplacementOption = r.group, r.name
				p.Msg = fmt.Sprintf("deprecated option: use [%s] %s", r.group, r.name)
				add(p)
				continue
			}
			dg := od.groups[g]
			if dg != nil && dg.byName[key] != nil {
				continue
			}
			switch {
			case knownBadGroups[g]:
				p.Severity = SeverityInfo
				p.Msg = "not checked: the sample data of this group is known to be incomplete"
			case dg == nil:
				p.Severity = SeverityError
				p.Msg = "not part of the sample config (unknown group)"
			default:
				p.Severity = SeverityError
				p.Msg = "not part of the sample config (unknown option)"
			}
			add(p)
		}
	}
	if err := checkValues(file, f, od, excluded, add); err != nil {
		return nil, err
	}
	checkRequired(file, sections, od, excluded, add)
	sort.SliceStable(v.Problems, func(i, j int) bool {
		a, b := v.Problems[i].Line, v.Problems[j].Line
		return a != 0 && (b == 0 || a < b)
	})
	return v, nil
}

// checkValues loads the file into a Config holding the options and reports
// the values their types reject.
func checkValues(file string, f *ini.File, od *OptData, excluded map[string]bool, add func(Problem)) error {
	c := New()
	c.SetLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	registered := map[[2]string]bool{}
	for _, gname := range od.order {
		if excluded[gname] {
			continue
		}
		for _, o := range od.groups[gname].opts {
			if o.opt == nil {
				continue
			}
			if err := c.Register(o.opt); err != nil {
				// Two namespaces define the option differently: the
				// first definition checks it.
				var dup *DuplicateOptError
				if errors.As(err, &dup) {
					continue
				}
				var dve *DefaultValueError
				if errors.As(err, &dve) {
					continue
				}
				return err
			}
			registered[[2]string{gname, o.dest}] = true
		}
	}
	err := c.Load([]string{"--config-file", file}, LoadOptions{
		Prog: "goslo-config-validator", DefaultConfigFiles: []string{}, DefaultConfigDirs: []string{},
		IgnoreEnv: true, Stdout: io.Discard,
	})
	if err == nil {
		return nil
	}
	for _, e := range flattenErrors(err) {
		var ve *ValueError
		var se *SubstitutionError
		var re *RequiredError
		switch {
		case errors.As(e, &ve):
			if ve.Location.Source != SourceFile {
				continue // a default that refers to an option not listed
			}
			add(Problem{Kind: KindInvalid, Severity: SeverityError, File: file, Line: ve.Location.Line,
				Group: ve.Group, Option: ve.Option, Value: ve.Value,
				Msg: fmt.Sprintf("invalid value %q: %v", ve.Value, ve.Err)})
		case errors.As(e, &se):
			line := keyLine(f, se.Group, se.Option)
			if line == 0 {
				continue
			}
			add(Problem{Kind: KindInvalid, Severity: SeverityError, File: file, Line: line, Group: se.Group, Option: se.Option,
				Msg: fmt.Sprintf("cannot substitute $%s: %v", se.Ref, strings.TrimPrefix(se.Err.Error(), "config: "))})
		case errors.As(e, &re):
			// Whether the file sets a required option is checkRequired's.
		default:
			return fmt.Errorf("config: validate %s: %w", file, e)
		}
	}
	return nil
}

func flattenErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flattenErrors(e)...)
		}
		return out
	}
	return []error{err}
}

func keyLine(f *ini.File, group, key string) int {
	for _, s := range f.Sections {
		if normalizeSection(s.Name) != group {
			continue
		}
		if vs := s.Values[key]; len(vs) > 0 {
			return vs[len(vs)-1].Line
		}
	}
	return 0
}

// checkRequired reports required options without a default that the file
// does not set, under any of their names.
func checkRequired(file string, sections map[string]map[string][]ini.Value, od *OptData, excluded map[string]bool, add func(Problem)) {
	set := func(g, k string) bool { _, ok := sections[g][k]; return ok }
	for _, gname := range od.order {
		if excluded[gname] {
			continue
		}
		for _, o := range od.groups[gname].opts {
			if !o.required || o.def != nil {
				continue
			}
			found := set(gname, o.name) || set(gname, o.dest)
			for og, names := range od.deprecated {
				for on, r := range names {
					if r.group == gname && r.name == o.name && set(og, on) {
						found = true
					}
				}
			}
			if !found {
				add(Problem{Kind: KindRequired, Severity: SeverityWarning, File: file, Group: gname, Option: o.dest,
					Msg: "required option is not set"})
			}
		}
	}
}

// checkDefaults is oslo's _validate_defaults: options whose value in the
// file differs from the sample default.
func checkDefaults(file string, sections map[string]map[string][]ini.Value, od *OptData, vo ValidateOptions, excluded map[string]bool, add func(Problem)) error {
	patterns := vo.ExcludeOptions
	if patterns == nil {
		patterns = DefaultExcludeOptions
	}
	var res []*regexp.Regexp
	for _, p := range patterns {
		re, err := regexp.Compile(`^(?:` + p + `)$`)
		if err != nil {
			return fmt.Errorf("config: validate: exclude option pattern %q: %w", p, err)
		}
		res = append(res, re)
	}
	for _, gname := range od.order {
		if excluded[gname] {
			continue
		}
		sec, ok := sections[gname]
		if !ok {
			add(Problem{Kind: KindDefault, Severity: SeverityInfo, File: file, Group: gname,
				Msg: "group from the sample config is not defined in the file"})
			continue
		}
		for _, o := range od.groups[gname].opts {
			key := o.name
			vals, ok := sec[key]
			if !ok {
				key = o.dest
				if vals, ok = sec[key]; !ok {
					continue
				}
			}
			excludedOpt := false
			for _, re := range res {
				if re.MatchString(key) {
					excludedOpt = true
				}
			}
			if excludedOpt {
				continue
			}
			texts := make([]string, len(vals))
			for i, v := range vals {
				texts[i] = v.Text
			}
			p := Problem{Kind: KindDefault, Severity: SeverityWarning, File: file, Line: vals[len(vals)-1].Line, Group: gname, Option: key}
			var defaults []string
			if list, ok := o.def.([]any); ok {
				for _, x := range list {
					defaults = append(defaults, pyStr(x))
				}
			} else {
				defaults = []string{pyStr(o.def)}
				if o.def == nil {
					defaults = []string{"None"}
				}
			}
			switch {
			case pyFalsy(o.def):
				p.Msg = fmt.Sprintf("sample value is empty but the file has %s", strings.Join(texts, ", "))
			case !intersects(defaults, texts):
				p.Msg = fmt.Sprintf("sample value %s is not in %s", pyRepr(defaults), pyRepr(texts))
			default:
				continue
			}
			add(p)
		}
	}
	return nil
}

func pyFalsy(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case bool:
		return !v
	case int:
		return v == 0
	case float64:
		return v == 0
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

func intersects(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// WriteProblems writes one line per problem, as the validator prints them.
func WriteProblems(w io.Writer, v *Validation) error {
	var b bytes.Buffer
	for _, p := range v.Problems {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}
