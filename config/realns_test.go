package config_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/goslo/goslo/config"
)

// The options of real OpenStack libraries, as oslo_namespaces.py
// describes them, declared again with this package: the samples of both
// must be the same.

type pyType struct {
	Class      string   `json:"class"`
	TypeName   string   `json:"type_name"`
	Min        any      `json:"min"`
	Max        any      `json:"max"`
	Choices    [][]any  `json:"choices"`
	Quotes     bool     `json:"quotes"`
	IgnoreCase bool     `json:"ignore_case"`
	MaxLength  *int     `json:"max_length"`
	Item       *pyType  `json:"item"`
	Bounds     bool     `json:"bounds"`
	Schemes    []string `json:"schemes"`
}

type pyOpt struct {
	Name, Dest           string
	Multi                bool
	Type                 pyType
	Default              any
	DefaultKind          string  `json:"default_kind"`
	SampleDefault        *string `json:"sample_default"`
	Help                 string
	Short, Metavar       *string
	Secret, Required     bool
	Mutable, Advanced    bool
	DeprecatedForRemoval bool                   `json:"deprecated_for_removal"`
	DeprecatedReason     string                 `json:"deprecated_reason"`
	DeprecatedSince      string                 `json:"deprecated_since"`
	DeprecatedOpts       []config.DeprecatedOpt `json:"deprecated_opts"`
}

type pyListing struct {
	Namespace string
	Groups    []struct {
		Name   string
		Object bool
		Help   string
		Opts   []pyOpt
	}
}

func numInt(v any) *int {
	if v == nil {
		return nil
	}
	n, err := strconv.Atoi(fmt.Sprint(v))
	if err != nil {
		return nil
	}
	return &n
}

func numFloat(v any) *float64 {
	if v == nil {
		return nil
	}
	f, err := strconv.ParseFloat(fmt.Sprint(v), 64)
	if err != nil {
		return nil
	}
	return &f
}

func strChoices(t *testing.T, cs [][]any) []config.Choice[string] {
	var out []config.Choice[string]
	for _, c := range cs {
		v, ok := c[0].(string)
		if !ok {
			t.Fatalf("choice %v is not a string", c[0])
		}
		d, _ := c[1].(string)
		out = append(out, config.Choice[string]{Value: v, Description: d})
	}
	return out
}

func intChoices(cs [][]any) []config.Choice[int] {
	var out []config.Choice[int]
	for _, c := range cs {
		d, _ := c[1].(string)
		out = append(out, config.Choice[int]{Value: *numInt(c[0]), Description: d})
	}
	return out
}

// goValue converts a decoded default to the Go type T.
func goValue[T any](t *testing.T, v any) T {
	var zero T
	var out any
	switch any(zero).(type) {
	case string:
		out = fmt.Sprint(v)
	case int:
		out = *numInt(v)
	case float64:
		out = *numFloat(v)
	case bool:
		out = v.(bool)
	default:
		t.Fatalf("no conversion of %v to %T", v, zero)
	}
	return out.(T)
}

func mkOpt[T any](t *testing.T, o pyOpt, group string, typ config.Type[T], item func(any) any) config.Option {
	opt := &config.Opt[T]{Name: o.Name, Dest: o.Dest, Group: group, Type: typ, Help: o.Help,
		Secret: o.Secret, Required: o.Required, Mutable: o.Mutable, Advanced: o.Advanced,
		DeprecatedForRemoval: o.DeprecatedForRemoval, DeprecatedReason: o.DeprecatedReason,
		DeprecatedSince: o.DeprecatedSince}
	if o.Short != nil {
		opt.Short = *o.Short
	}
	if o.Metavar != nil {
		opt.Metavar = *o.Metavar
	}
	if o.SampleDefault != nil {
		opt.SampleDefault = *o.SampleDefault
	}
	// oslo already added the underscore spellings of hyphenated names;
	// Opt adds them again.
	for i, d := range o.DeprecatedOpts {
		derived := false
		for _, e := range o.DeprecatedOpts[:i] {
			if strings.Contains(e.Name, "-") && strings.ReplaceAll(e.Name, "-", "_") == d.Name && e.Group == d.Group {
				derived = true
			}
		}
		if !derived {
			opt.DeprecatedOpts = append(opt.DeprecatedOpts, d)
		}
	}
	switch o.DefaultKind {
	case "None":
	case "str":
		opt.Default = o.Default.(string)
	default:
		opt.Default = item(o.Default)
	}
	return opt
}

func scalarOpt[T any](t *testing.T, o pyOpt, group string, typ config.Type[T]) config.Option {
	return mkOpt(t, o, group, typ, func(v any) any { return goValue[T](t, v) })
}

func listOpt[T any](t *testing.T, o pyOpt, group string, typ config.Type[[]T]) config.Option {
	return mkOpt(t, o, group, typ, func(v any) any {
		out := []T{}
		for _, x := range v.([]any) {
			out = append(out, goValue[T](t, x))
		}
		return out
	})
}

func dictOpt[T any](t *testing.T, o pyOpt, group string, typ config.Type[map[string]T]) config.Option {
	return mkOpt(t, o, group, typ, func(v any) any {
		out := map[string]T{}
		for k, x := range v.(map[string]any) {
			out[k] = goValue[T](t, x)
		}
		return out
	})
}

func stringType(t *testing.T, p pyType) config.String {
	s := config.String{Choices: strChoices(t, p.Choices), Quotes: p.Quotes, IgnoreCase: p.IgnoreCase, Name: p.TypeName}
	if p.MaxLength != nil {
		s.MaxLength = *p.MaxLength
	}
	return s
}

func goOption(t *testing.T, o pyOpt, group string) config.Option {
	p := o.Type
	if o.Multi {
		switch p.Class {
		case "MultiString":
			return listOpt(t, o, group, config.MultiString{})
		case "String":
			return listOpt(t, o, group, config.Multi[string]{Item: stringType(t, p)})
		case "Integer":
			return listOpt(t, o, group, config.Multi[int]{Item: config.Integer{Min: numInt(p.Min), Max: numInt(p.Max), Choices: intChoices(p.Choices), Name: p.TypeName}})
		}
		t.Fatalf("%s: multi %s", o.Name, p.Class)
	}
	switch p.Class {
	case "String":
		return scalarOpt(t, o, group, config.Type[string](stringType(t, p)))
	case "Boolean":
		return scalarOpt(t, o, group, config.Type[bool](config.Bool{}))
	case "Integer":
		return scalarOpt(t, o, group, config.Type[int](config.Integer{Min: numInt(p.Min), Max: numInt(p.Max), Choices: intChoices(p.Choices), Name: p.TypeName}))
	case "Port":
		return scalarOpt(t, o, group, config.Type[int](config.Port{Min: numInt(p.Min), Max: numInt(p.Max), Choices: intChoices(p.Choices)}))
	case "Float":
		return scalarOpt(t, o, group, config.Type[float64](config.Float{Min: numFloat(p.Min), Max: numFloat(p.Max), Name: p.TypeName}))
	case "IPAddress":
		return scalarOpt(t, o, group, config.Type[string](config.IPAddress{}))
	case "Hostname":
		return scalarOpt(t, o, group, config.Type[string](config.Hostname{}))
	case "HostAddress":
		return scalarOpt(t, o, group, config.Type[string](config.HostAddress{}))
	case "HostDomain":
		return scalarOpt(t, o, group, config.Type[string](config.HostDomain{}))
	case "URI":
		u := config.URI{Schemes: p.Schemes}
		if p.MaxLength != nil {
			u.MaxLength = *p.MaxLength
		}
		return scalarOpt(t, o, group, config.Type[string](u))
	case "List":
		switch p.Item.Class {
		case "String":
			return listOpt(t, o, group, config.Type[[]string](config.List[string]{Item: stringType(t, *p.Item), Bounds: p.Bounds}))
		case "Integer":
			return listOpt(t, o, group, config.Type[[]int](config.List[int]{Item: config.Integer{}, Bounds: p.Bounds}))
		case "Float":
			return listOpt(t, o, group, config.Type[[]float64](config.List[float64]{Item: config.Float{}, Bounds: p.Bounds}))
		}
	case "Dict":
		switch p.Item.Class {
		case "String":
			return dictOpt(t, o, group, config.Type[map[string]string](config.Dict[string]{Value: stringType(t, *p.Item), Bounds: p.Bounds}))
		case "Integer":
			return dictOpt(t, o, group, config.Type[map[string]int](config.Dict[int]{Value: config.Integer{}, Bounds: p.Bounds}))
		}
	}
	t.Fatalf("%s: no Go equivalent for %+v", o.Name, p)
	return nil
}

// TestWriteSampleRealNamespaces generates the samples of the options of
// oslo.log, oslo.messaging, oslo.middleware, oslo.service, oslo.db, ...
// declared in Go, and compares them with oslo-config-generator's.
func TestWriteSampleRealNamespaces(t *testing.T) {
	needOslo(t)
	names := []string{"oslo.log", "oslo.messaging", "oslo.middleware", "oslo.middleware.cors",
		"oslo.service.service", "oslo.service.wsgi", "oslo.service.sslutils", "oslo.service.periodic_task",
		"oslo.versionedobjects", "oslo.db", "oslo.concurrency", "oslo.reports"}
	cmd := exec.Command(python, append([]string{filepath.Join("testdata", "sample", "oslo_namespaces.py")}, names...)...)
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("the oslo libraries are not all installed: %v", err)
	}
	var dump struct {
		Options []pyListing
		Skipped []string
		Samples map[string]string
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&dump); err != nil {
		t.Fatal(err)
	}
	if len(dump.Skipped) > 0 {
		t.Logf("options without a Go equivalent, left out on both sides:\n%s", strings.Join(dump.Skipped, "\n"))
	}
	var nss []config.NamespaceOpts
	count := 0
	for _, l := range dump.Options {
		ns := config.NamespaceOpts{Namespace: l.Namespace}
		for _, g := range l.Groups {
			group := config.Group{Name: g.Name}
			if g.Object {
				group.Help = g.Help
			}
			gname := g.Name
			if gname == "DEFAULT" {
				gname = ""
			}
			var opts []config.Option
			for _, o := range g.Opts {
				opts = append(opts, goOption(t, o, gname))
				count++
			}
			ns.Groups = append(ns.Groups, config.GroupOpts{Group: group, Opts: opts})
		}
		nss = append(nss, ns)
	}
	if count == 0 {
		t.Skip("none of the namespaces is installed")
	}
	t.Logf("%d options of %d namespaces", count, len(nss))
	for name, so := range map[string]config.SampleOptions{
		"ini": {}, "wrap50": {WrapWidth: 50}, "summarize": {Summarize: true},
		"json": {Format: config.SampleJSON, Namespaces: names}, "yaml": {Format: config.SampleYAML, Namespaces: names},
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := config.WriteSample(&b, nss, so); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(dump.Samples[name], b.String()); d != "" {
				t.Errorf("(-oslo +goslo):\n%s", d)
			}
		})
	}
}
