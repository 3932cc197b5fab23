package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	"github.com/goslo/goslo/config"
)

func init() { subcommands["config-typed"] = configTyped }

// optSpec is one option of a config_typed schema.json.
type optSpec struct {
	Name           string          `json:"name"`
	Group          string          `json:"group"`
	Type           string          `json:"type"`
	Default        json.RawMessage `json:"default"`
	Required       bool            `json:"required"`
	Secret         bool            `json:"secret"`
	Mutable        bool            `json:"mutable"`
	CLI            bool            `json:"cli"`
	Short          string          `json:"short"`
	Choices        []any           `json:"choices"`
	Min            *float64        `json:"min"`
	Max            *float64        `json:"max"`
	ItemType       string          `json:"item_type"`
	ItemQuotes     bool            `json:"item_quotes"`
	Bounds         bool            `json:"bounds"`
	Quotes         bool            `json:"quotes"`
	Regex          string          `json:"regex"`
	IgnoreCase     bool            `json:"ignore_case"`
	MaxLength      int             `json:"max_length"`
	Version        int             `json:"version"`
	Schemes        []string        `json:"schemes"`
	DeprecatedName string          `json:"deprecated_name"`
	DeprecatedGrp  string          `json:"deprecated_group"`
	DeprecatedOpts []struct {
		Name  string `json:"name"`
		Group string `json:"group"`
	} `json:"deprecated_opts"`
}

// configTyped registers the schema's options on a fresh Config, loads the
// command line with no implicit files and no environment, and reads every
// option, as conformance/oracle/config_typed.py does.
func configTyped(args []string, _ io.Reader) (any, error) {
	if len(args) < 1 {
		return nil, fmt.Errorf("usage: config-typed SCHEMA.json ARG...")
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return nil, err
	}
	var schema struct {
		Options []optSpec `json:"options"`
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		return nil, fmt.Errorf("%s: %w", args[0], err)
	}
	c := config.New()
	c.SetLogger(discardLogger)
	for _, spec := range schema.Options {
		o, err := buildOpt(spec)
		if err != nil {
			return nil, fmt.Errorf("option %s: %w", spec.Name, err)
		}
		if spec.CLI {
			err = c.RegisterCLI(o)
		} else {
			err = c.Register(o)
		}
		if err != nil {
			return errorDoc(err), nil
		}
	}
	argv := args[1:]
	if len(argv) > 0 && argv[0] == "--" {
		argv = argv[1:]
	}
	err = c.Load(argv, config.LoadOptions{
		DefaultConfigFiles: []string{}, DefaultConfigDirs: []string{},
		IgnoreEnv: true, Stdout: io.Discard, Prog: "config_typed",
	})
	if err != nil {
		return errorDoc(err), nil
	}
	values := map[string]map[string]any{}
	for _, spec := range schema.Options {
		g := spec.Group
		if g == "" {
			g = config.DefaultGroup
		}
		v, err := c.Value(g, spec.Name)
		if err != nil {
			return errorDoc(err), nil
		}
		if values[g] == nil {
			values[g] = map[string]any{}
		}
		values[g][spec.Name] = v
	}
	return map[string]any{"values": values}, nil
}

// errorDoc names an error the way oslo's exception classes are named.
func errorDoc(err error) map[string]any {
	doc := map[string]any{"type": errorType(err), "message": err.Error(), "group": nil, "option": nil}
	var ve *config.ValueError
	var re *config.RequiredError
	var ne *config.NoSuchOptError
	switch {
	case errors.As(err, &ve):
		doc["group"], doc["option"] = ve.Group, ve.Option
	case errors.As(err, &re):
		doc["group"], doc["option"] = re.Group, re.Option
	case errors.As(err, &ne):
		doc["group"], doc["option"] = ne.Group, ne.Option
	}
	return map[string]any{"error": doc}
}

func errorType(err error) string {
	var (
		pe  *config.ParseError
		ve  *config.ValueError
		re  *config.RequiredError
		nf  *config.FilesNotFoundError
		ne  *config.NoSuchOptError
		ng  *config.NoSuchGroupError
		ue  *config.UsageError
		de  *config.DirNotFoundError
		se  *config.SubstitutionError
		dup *config.DuplicateOptError
		dv  *config.DefaultValueError
	)
	switch {
	case errors.As(err, &pe):
		return "ConfigFileParseError"
	case errors.As(err, &ue):
		return "SystemExit"
	case errors.As(err, &ne), errors.As(err, &ng):
		return "NoSuchOptError"
	case errors.As(err, &se):
		return "TemplateSubstitutionError"
	case errors.As(err, &ve):
		return "ConfigFileValueError"
	case errors.As(err, &re):
		return "RequiredOptError"
	case errors.As(err, &nf):
		return "ConfigFilesNotFoundError"
	case errors.As(err, &de):
		return "ConfigDirNotFoundError"
	case errors.As(err, &dup):
		return "DuplicateOptError"
	case errors.As(err, &dv):
		return "DefaultValueError"
	}
	return "Error"
}

func intPtr(f *float64) *int {
	if f == nil {
		return nil
	}
	n := int(*f)
	return &n
}

func buildOpt(s optSpec) (config.Option, error) {
	switch s.Type {
	case "", "str":
		t := config.String{Quotes: s.Quotes, Regex: s.Regex, IgnoreCase: s.IgnoreCase, MaxLength: s.MaxLength}
		for _, c := range s.Choices {
			t.Choices = append(t.Choices, config.Choice[string]{Value: pyStr(c)})
		}
		return mkOpt[string](s, t)
	case "int":
		t := config.Integer{Min: intPtr(s.Min), Max: intPtr(s.Max)}
		for _, c := range s.Choices {
			f, _ := c.(float64)
			t.Choices = append(t.Choices, config.Choice[int]{Value: int(f)})
		}
		return mkOpt[int](s, t)
	case "port":
		t := config.Port{Min: intPtr(s.Min), Max: intPtr(s.Max)}
		for _, c := range s.Choices {
			f, _ := c.(float64)
			t.Choices = append(t.Choices, config.Choice[int]{Value: int(f)})
		}
		return mkOpt[int](s, t)
	case "float":
		return mkOpt[float64](s, config.Float{Min: s.Min, Max: s.Max})
	case "bool":
		return mkOpt[bool](s, config.Bool{})
	case "multistr":
		return mkOpt[[]string](s, config.MultiString{})
	case "ip":
		return mkOpt[string](s, config.IPAddress{Version: s.Version})
	case "uri":
		return mkOpt[string](s, config.URI{MaxLength: s.MaxLength, Schemes: s.Schemes})
	case "hostaddress":
		return mkOpt[string](s, config.HostAddress{Version: s.Version})
	case "hostname":
		return mkOpt[string](s, config.Hostname{})
	case "list":
		switch s.ItemType {
		case "", "str":
			return mkOpt[[]string](s, config.List[string]{Item: config.String{Quotes: s.ItemQuotes}, Bounds: s.Bounds})
		case "int":
			return mkOpt[[]int](s, config.List[int]{Item: config.Integer{}, Bounds: s.Bounds})
		case "port":
			return mkOpt[[]int](s, config.List[int]{Item: config.Port{}, Bounds: s.Bounds})
		case "float":
			return mkOpt[[]float64](s, config.List[float64]{Item: config.Float{}, Bounds: s.Bounds})
		case "bool":
			return mkOpt[[]bool](s, config.List[bool]{Item: config.Bool{}, Bounds: s.Bounds})
		case "ip":
			return mkOpt[[]string](s, config.List[string]{Item: config.IPAddress{}, Bounds: s.Bounds})
		case "uri":
			return mkOpt[[]string](s, config.List[string]{Item: config.URI{}, Bounds: s.Bounds})
		case "hostaddress":
			return mkOpt[[]string](s, config.List[string]{Item: config.HostAddress{}, Bounds: s.Bounds})
		case "hostname":
			return mkOpt[[]string](s, config.List[string]{Item: config.Hostname{}, Bounds: s.Bounds})
		}
	case "dict":
		switch s.ItemType {
		case "", "str":
			return mkOpt[map[string]string](s, config.Dict[string]{Value: config.String{Quotes: s.ItemQuotes}, Bounds: s.Bounds})
		case "int":
			return mkOpt[map[string]int](s, config.Dict[int]{Value: config.Integer{}, Bounds: s.Bounds})
		case "port":
			return mkOpt[map[string]int](s, config.Dict[int]{Value: config.Port{}, Bounds: s.Bounds})
		case "float":
			return mkOpt[map[string]float64](s, config.Dict[float64]{Value: config.Float{}, Bounds: s.Bounds})
		case "bool":
			return mkOpt[map[string]bool](s, config.Dict[bool]{Value: config.Bool{}, Bounds: s.Bounds})
		case "ip":
			return mkOpt[map[string]string](s, config.Dict[string]{Value: config.IPAddress{}, Bounds: s.Bounds})
		case "uri":
			return mkOpt[map[string]string](s, config.Dict[string]{Value: config.URI{}, Bounds: s.Bounds})
		case "hostaddress":
			return mkOpt[map[string]string](s, config.Dict[string]{Value: config.HostAddress{}, Bounds: s.Bounds})
		case "hostname":
			return mkOpt[map[string]string](s, config.Dict[string]{Value: config.Hostname{}, Bounds: s.Bounds})
		}
	}
	return nil, fmt.Errorf("unknown type %q / item type %q", s.Type, s.ItemType)
}

func mkOpt[T any](s optSpec, t config.Type[T]) (config.Option, error) {
	o := &config.Opt[T]{
		Name: s.Name, Group: s.Group, Type: t,
		Required: s.Required, Secret: s.Secret, Mutable: s.Mutable, Short: s.Short,
		DeprecatedName: s.DeprecatedName, DeprecatedGroup: s.DeprecatedGrp,
	}
	for _, d := range s.DeprecatedOpts {
		o.DeprecatedOpts = append(o.DeprecatedOpts, config.DeprecatedOpt{Name: d.Name, Group: d.Group})
	}
	if len(s.Default) > 0 && string(s.Default) != "null" {
		var raw any
		if err := json.Unmarshal(s.Default, &raw); err != nil {
			return nil, err
		}
		if str, ok := raw.(string); ok && s.Type == "multistr" && !strings.Contains(str, "$") {
			// Python's MultiOpt iterates its default: default="ab" means
			// the two values "a" and "b". (With a $reference the text is
			// interpolated first; that case stays a text default here.)
			var chars []string
			for _, r := range str {
				chars = append(chars, string(r))
			}
			o.Default = any(chars)
		} else if str, ok := raw.(string); ok {
			o.Default = str
		} else if _, isString := any(*new(T)).(string); isString {
			o.Default = pyStr(raw)
		} else {
			var v T
			if err := json.Unmarshal(s.Default, &v); err != nil {
				return nil, fmt.Errorf("default %s: %w", s.Default, err)
			}
			o.Default = v
		}
	}
	return o, nil
}

// pyStr renders a JSON scalar the way Python's str() renders it.
func pyStr(v any) string {
	switch v := v.(type) {
	case bool:
		if v {
			return "True"
		}
		return "False"
	case float64:
		if v == float64(int64(v)) {
			return fmt.Sprintf("%d", int64(v))
		}
		return fmt.Sprint(v)
	case nil:
		return "None"
	}
	if reflect.TypeOf(v).Kind() == reflect.String {
		return v.(string)
	}
	return fmt.Sprint(v)
}
