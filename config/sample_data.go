package config

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"

	"github.com/goslo/goslo/internal/py"
)

// The machine-readable sample (oslo-config-generator --format json|yaml)
// is built as a tree of pyDict, []any, string, int, float64, bool and nil,
// and written the way Python's json.dumps(sort_keys=True) and
// yaml.safe_dump(default_flow_style=False) write it, so that tools reading
// oslo's output read ours.

// pyDict is a Python dict; both writers sort its keys.
type pyDict map[string]any

func (d pyDict) sortedKeys() []string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// machineReadable is oslo's _generate_machine_readable_data.
func machineReadable(groups []*sampleGroup, nss []NamespaceOpts, so SampleOptions) pyDict {
	options := pyDict{}
	deprecated := pyDict{}
	for _, g := range groups {
		og := pyDict{"opts": []any{}, "help": ""}
		options[g.name] = og
		var names []any
		for _, ns := range g.namespaces {
			for _, o := range ns.opts {
				if g.info != nil {
					og["help"] = g.info.Help
					og["dynamic_group_owner"] = g.info.DynamicGroupOwner
					og["driver_option"] = g.info.DriverOption
				} else {
					og["dynamic_group_owner"] = ""
					og["driver_option"] = ""
				}
				og["driver_opts"] = pyDict{}
				entry := buildEntry(o.def, g.name, ns.name)
				og["opts"] = append(og["opts"].([]any), entry)
				names = append(names, entry["name"])
				for _, dep := range entry["deprecated_opts"].([]any) {
					dep := dep.(pyDict)
					dg := dep["group"].(string)
					list, _ := deprecated[dg].([]any)
					deprecated[dg] = append(list, pyDict{
						"name":              dep["name"],
						"replacement_name":  entry["name"],
						"replacement_group": g.name,
					})
				}
			}
		}
		if names == nil {
			names = []any{}
		}
		og["standard_opts"] = names
	}
	nsNames := make([]any, len(nss))
	for i, ns := range nss {
		nsNames[i] = ns.Namespace
	}
	if so.Namespaces != nil {
		nsNames = make([]any, len(so.Namespaces))
		for i, n := range so.Namespaces {
			nsNames[i] = n
		}
	}
	format := so.Format
	if format == "" {
		format = SampleINI
	}
	configFiles := make([]any, len(so.ConfigFiles))
	for i, f := range so.ConfigFiles {
		configFiles[i] = f
	}
	return pyDict{
		"options":            options,
		"deprecated_options": deprecated,
		"generator_options": pyDict{
			"config_dir":    []any{},
			"config_file":   configFiles,
			"config_source": []any{},
			"format_":       string(format),
			"minimal":       so.Minimal,
			"namespace":     nsNames,
			"output_file":   nilIfEmpty(so.OutputFile),
			"summarize":     so.Summarize,
			"wrap_width":    so.osloWrapWidth(),
		},
	}
}

// buildEntry is oslo's _build_entry: the option's public attributes, with
// its type's name, bounds and choices.
func buildEntry(d *optDef, groupName, namespace string) pyDict {
	ti := sampleTypeOf(d.typ.raw())
	choices := []any{}
	for _, c := range ti.choices {
		choices = append(choices, []any{c.value, nilIfEmpty(c.desc)})
	}
	deps := []any{}
	for _, dep := range d.deprecated {
		if dep.Name != "" && containsDash(dep.Name) {
			continue
		}
		g, n := dep.Group, dep.Name
		if g == "" {
			g = groupName
		}
		if n == "" {
			n = d.name
		}
		deps = append(deps, pyDict{"group": g, "name": n})
	}
	return pyDict{
		"advanced":               d.advanced,
		"choices":                choices,
		"default":                pyValue(d.def),
		"deprecated_for_removal": d.forRemoval,
		"deprecated_opts":        deps,
		"deprecated_reason":      nilIfEmpty(d.removalReason),
		"deprecated_since":       nilIfEmpty(d.since),
		"dest":                   d.dest,
		"help":                   nilIfEmpty(d.help),
		"max":                    ti.maxV,
		"metavar":                nilIfEmpty(d.metavar),
		"min":                    ti.minV,
		"mutable":                d.mutable,
		"name":                   d.name,
		"namespace":              namespace,
		"positional":             d.positional,
		"required":               d.required,
		"sample_default":         nilIfEmpty(d.sampleDefault),
		"secret":                 d.secret,
		"short":                  nilIfEmpty(d.short),
		"type":                   ti.name,
	}
}

func containsDash(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '-' {
			return true
		}
	}
	return false
}

// pyValue converts an option value into the data tree.
func pyValue(v any) any {
	switch v := v.(type) {
	case nil, string, bool, int, float64:
		return v
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = pyValue(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		out := pyDict{}
		for _, k := range rv.MapKeys() {
			out[fmt.Sprint(k.Interface())] = pyValue(rv.MapIndex(k).Interface())
		}
		return out
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	}
	return fmt.Sprint(v)
}

// writePyJSON writes v as json.dumps(v, sort_keys=True) does.
func writePyJSON(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if v {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case int:
		b.WriteString(strconv.Itoa(v))
	case float64:
		switch {
		case math.IsNaN(v):
			b.WriteString("NaN")
		case math.IsInf(v, 1):
			b.WriteString("Infinity")
		case math.IsInf(v, -1):
			b.WriteString("-Infinity")
		default:
			b.WriteString(py.FloatRepr(v))
		}
	case string:
		writeJSONString(b, v)
	case []any:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			writePyJSON(b, x)
		}
		b.WriteByte(']')
	case pyDict:
		b.WriteByte('{')
		for i, k := range v.sortedKeys() {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONString(b, k)
			b.WriteString(": ")
			writePyJSON(b, v[k])
		}
		b.WriteByte('}')
	default:
		writeJSONString(b, fmt.Sprint(v))
	}
}

// writeJSONString writes s as json.dumps does (ensure_ascii).
func writeJSONString(b *bytes.Buffer, s string) {
	b.Write(py.AppendJSONString(b.AvailableBuffer(), s))
}
