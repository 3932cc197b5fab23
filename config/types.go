package config

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/goslo/goslo/internal/ini"
	"github.com/goslo/goslo/internal/py"
)

// Type converts the text of an option (from a file, the command line or the
// environment) into a Go value and checks it, as oslo_config.types does.
// The built-in types mirror oslo's: String, Bool, Integer, Float, Port,
// List, Dict, IPAddress, Hostname, HostAddress, HostDomain, URI and
// MultiString. A Type is a value; its zero value is usable.
type Type[T any] interface {
	// Parse converts text, already interpolated, into a value.
	Parse(s string) (T, error)
	// Check validates a value given in Go (a default or an override).
	Check(v T) (T, error)
	// Format renders a value the way a sample config file shows it.
	Format(v T) string
	// TypeName is the description a sample file shows: "integer value".
	TypeName() string
}

// emptyIsNone is implemented by the number types: oslo's Number returns
// None for an empty or all-blank value instead of failing.
type emptyIsNone interface{ emptyIsNone() }

// multiType marks the item type of a MultiOpt: every assignment of the
// option, in every file, adds one value.
type multiType interface{ multi() }

// validator is implemented by types whose settings can be wrong (a regex
// that does not compile, min above max); Register reports the error.
type validator interface{ validate() error }

// Choice is one allowed value of a String, Integer or Port, with an
// optional description shown in sample files.
type Choice[T comparable] struct {
	Value       T
	Description string
}

// Choices builds choices without descriptions.
func Choices[T comparable](values ...T) []Choice[T] {
	c := make([]Choice[T], len(values))
	for i, v := range values {
		c[i].Value = v
	}
	return c
}

// String is oslo's types.String.
type String struct {
	Choices    []Choice[string]
	Quotes     bool   // strip one pair of enclosing quotes; an unclosed quote is an error
	Regex      string // RE2 syntax; the value must match somewhere (unanchored search)
	IgnoreCase bool   // for Choices and Regex
	MaxLength  int    // 0: no limit
	Name       string // type name in samples; default "string value"
}

var regexCache sync.Map // pattern -> *regexp.Regexp

func compileCached(pattern string, ignoreCase bool) (*regexp.Regexp, error) {
	if ignoreCase {
		pattern = "(?i)" + pattern
	}
	if re, ok := regexCache.Load(pattern); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	regexCache.Store(pattern, re)
	return re, nil
}

func (t String) validate() error {
	if len(t.Choices) > 0 && t.Regex != "" {
		return errors.New("choices and regex cannot both be specified")
	}
	if t.Regex != "" {
		if _, err := compileCached(t.Regex, t.IgnoreCase); err != nil {
			return fmt.Errorf("bad regex: %w", err)
		}
	}
	return nil
}

// Parse implements Type.
func (t String) Parse(s string) (string, error) {
	if t.Quotes && s != "" && (s[0] == '"' || s[0] == '\'') {
		if len(s) == 1 || s[len(s)-1] != s[0] {
			return "", fmt.Errorf("non-closed quote: %s", s)
		}
		s = s[1 : len(s)-1]
	}
	if t.MaxLength > 0 && len([]rune(s)) > t.MaxLength {
		return "", fmt.Errorf("value %q exceeds maximum length %d", s, t.MaxLength)
	}
	if t.Regex != "" {
		re, err := compileCached(t.Regex, t.IgnoreCase)
		if err != nil {
			return "", err
		}
		if !re.MatchString(s) {
			return "", fmt.Errorf("value %q doesn't match regex %q", s, t.Regex)
		}
	}
	if t.Choices == nil {
		return s, nil
	}
	for _, c := range t.Choices {
		if c.Value == s || t.IgnoreCase && strings.ToLower(c.Value) == strings.ToLower(s) {
			return s, nil
		}
	}
	vals := make([]string, len(t.Choices))
	for i, c := range t.Choices {
		vals[i] = c.Value
	}
	return "", fmt.Errorf("valid values are [%s], but found %s", strings.Join(vals, ", "), pyRepr(s))
}

// Check implements Type.
func (t String) Check(v string) (string, error) { return t.Parse(v) }

// Format implements Type.
func (t String) Format(v string) string { return quoteSpace(v) }

// TypeName implements Type.
func (t String) TypeName() string { return nameOr(t.Name, "string value") }

func nameOr(name, def string) string {
	if name != "" {
		return name
	}
	return def
}

// quoteSpace is oslo's quote_trailing_and_leading_space.
func quoteSpace(s string) string {
	if ini.TrimSpace(s) != s {
		return `"` + s + `"`
	}
	return s
}

// MultiString is the type of oslo's MultiStrOpt: every assignment of the
// option, in every file, adds one string. Use it with an Opt[[]string].
type MultiString = Multi[string]

// Multi makes a multi-valued type (oslo's MultiOpt) of an item type: every
// assignment of the option adds one item.
type Multi[T any] struct{ Item Type[T] }

func (Multi[T]) multi() {}

// concat joins two value lists of the option.
func (Multi[T]) concat(a, b any) any {
	x, _ := a.([]T)
	y, _ := b.([]T)
	return append(append([]T{}, x...), y...)
}

func (t Multi[T]) item() Type[T] {
	if t.Item == nil {
		return defaultType[T]()
	}
	return t.Item
}

// Parse implements Type: one assignment is one item.
func (t Multi[T]) Parse(s string) ([]T, error) {
	v, err := t.item().Parse(s)
	if err != nil {
		return nil, err
	}
	return []T{v}, nil
}

// Check implements Type.
func (t Multi[T]) Check(v []T) ([]T, error) { return checkAll(t.item(), v) }

// Format implements Type: the items, one per line.
func (t Multi[T]) Format(v []T) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = t.item().Format(x)
	}
	return strings.Join(parts, "\n")
}

// TypeName implements Type.
func (t Multi[T]) TypeName() string { return "multi valued" }

func checkAll[T any](item Type[T], v []T) ([]T, error) {
	out := make([]T, len(v))
	for i, x := range v {
		y, err := item.Check(x)
		if err != nil {
			return nil, err
		}
		out[i] = y
	}
	return out, nil
}

// Bool is oslo's types.Boolean: true/1/on/yes and false/0/off/no, any case.
type Bool struct{}

// Parse implements Type.
func (Bool) Parse(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true", "1", "on", "yes":
		return true, nil
	case "false", "0", "off", "no":
		return false, nil
	}
	return false, fmt.Errorf("unexpected boolean value %s", pyRepr(s))
}

// Check implements Type.
func (Bool) Check(v bool) (bool, error) { return v, nil }

// Format implements Type.
func (Bool) Format(v bool) string { return strconv.FormatBool(v) }

// TypeName implements Type.
func (Bool) TypeName() string { return "boolean value" }

// Integer is oslo's types.Integer. Text is read as Python's int() reads it
// (blanks around, an optional sign, digits with single underscores between
// them); an empty value means unset. Values outside int's range are errors.
type Integer struct {
	Min, Max *int // nil: no bound
	Choices  []Choice[int]
	Name     string
}

func (Integer) emptyIsNone() {}

func (t Integer) validate() error { return checkBounds(t.Min, t.Max, t.Choices) }

func checkBounds(min, max *int, choices []Choice[int]) error {
	if min != nil && max != nil && *max < *min {
		return errors.New("max value is less than min value")
	}
	for _, c := range choices {
		if min != nil && c.Value < *min || max != nil && c.Value > *max {
			return fmt.Errorf("choice %d is out of bounds", c.Value)
		}
	}
	return nil
}

// Parse implements Type.
func (t Integer) Parse(s string) (int, error) {
	n, err := pyInt(s)
	if err != nil {
		return 0, err
	}
	return t.Check(n)
}

// Check implements Type.
func (t Integer) Check(n int) (int, error) { return checkInt(n, t.Min, t.Max, t.Choices) }

func checkInt(n int, min, max *int, choices []Choice[int]) (int, error) {
	if choices == nil {
		if min != nil && n < *min {
			return 0, fmt.Errorf("should be greater than or equal to %d", *min)
		}
		if max != nil && n > *max {
			return 0, fmt.Errorf("should be less than or equal to %d", *max)
		}
		return n, nil
	}
	for _, c := range choices {
		if c.Value == n {
			return n, nil
		}
	}
	vals := make([]string, len(choices))
	for i, c := range choices {
		vals[i] = strconv.Itoa(c.Value)
	}
	return 0, fmt.Errorf("valid values are [%s], but found %d", strings.Join(vals, ", "), n)
}

// Format implements Type.
func (t Integer) Format(v int) string { return strconv.Itoa(v) }

// TypeName implements Type.
func (t Integer) TypeName() string { return nameOr(t.Name, "integer value") }

// Port is oslo's types.Port: an Integer within 0..65535 (or Min..Max).
type Port struct {
	Min, Max *int
	Choices  []Choice[int]
}

func (Port) emptyIsNone() {}

func (t Port) bounds() (*int, *int) {
	lo, hi := 0, 65535
	if t.Min != nil {
		lo = *t.Min
	}
	if t.Max != nil {
		hi = *t.Max
	}
	return &lo, &hi
}

func (t Port) validate() error {
	lo, hi := t.bounds()
	if *lo < 0 {
		return errors.New("min value cannot be less than 0")
	}
	if *hi > 65535 {
		return errors.New("max value cannot be more than 65535")
	}
	return checkBounds(lo, hi, t.Choices)
}

// Parse implements Type.
func (t Port) Parse(s string) (int, error) {
	n, err := pyInt(s)
	if err != nil {
		return 0, err
	}
	return t.Check(n)
}

// Check implements Type.
func (t Port) Check(n int) (int, error) {
	lo, hi := t.bounds()
	return checkInt(n, lo, hi, t.Choices)
}

// Format implements Type.
func (Port) Format(v int) string { return strconv.Itoa(v) }

// TypeName implements Type.
func (Port) TypeName() string { return "port value" }

// Float is oslo's types.Float, read as Python's float() reads text.
type Float struct {
	Min, Max *float64
	Name     string
}

func (Float) emptyIsNone() {}

func (t Float) validate() error {
	if t.Min != nil && t.Max != nil && *t.Max < *t.Min {
		return errors.New("max value is less than min value")
	}
	return nil
}

// Parse implements Type.
func (t Float) Parse(s string) (float64, error) {
	f, err := pyFloat(s)
	if err != nil {
		return 0, err
	}
	return t.Check(f)
}

// Check implements Type.
func (t Float) Check(f float64) (float64, error) {
	if t.Min != nil && f < *t.Min {
		return 0, fmt.Errorf("should be greater than or equal to %s", pyG(*t.Min))
	}
	if t.Max != nil && f > *t.Max {
		return 0, fmt.Errorf("should be less than or equal to %s", pyG(*t.Max))
	}
	return f, nil
}

// Format implements Type.
func (Float) Format(v float64) string { return py.FloatRepr(v) }

// TypeName implements Type.
func (t Float) TypeName() string { return nameOr(t.Name, "floating point value") }

// List is oslo's types.List: comma-separated items of an item type. An item
// that fails its type is joined with the next piece and tried again, so a
// quoted "a,b" survives with String{Quotes: true}.
type List[T any] struct {
	Item   Type[T] // nil: String
	Bounds bool    // the value must be written inside [ ]
}

func (t List[T]) item() Type[T] {
	if t.Item == nil {
		return defaultType[T]()
	}
	return t.Item
}

func (t List[T]) validate() error { return validateType(t.item()) }

// Parse implements Type.
func (t List[T]) Parse(s string) ([]T, error) {
	s = strings.TrimRight(ini.TrimSpace(s), ",")
	if t.Bounds {
		if !strings.HasPrefix(s, "[") {
			return nil, errors.New(`value should start with "["`)
		}
		if !strings.HasSuffix(s, "]") {
			return nil, errors.New(`value should end with "]"`)
		}
		s = s[1 : len(s)-1]
	}
	result := []T{}
	if s == "" {
		return result, nil
	}
	pieces := strings.Split(s, ",")
	item := t.item()
	for len(pieces) > 0 {
		value := pieces[0]
		pieces = pieces[1:]
		var firstErr error
		for {
			v, err := parseItem(item, ini.TrimSpace(value))
			if err == nil {
				result = append(result, v)
				break
			}
			if firstErr == nil {
				firstErr = err
			}
			if len(pieces) == 0 {
				return nil, firstErr
			}
			value += "," + pieces[0]
			pieces = pieces[1:]
		}
	}
	return result, nil
}

// parseItem parses one item of a List or Dict. An empty number, which oslo
// turns into None inside the list, is an error here: a Go []int has no
// place for it.
func parseItem[T any](item Type[T], s string) (T, error) {
	if _, ok := item.(emptyIsNone); ok && ini.TrimSpace(s) == "" {
		var zero T
		return zero, errors.New("empty item")
	}
	return item.Parse(s)
}

// Check implements Type.
func (t List[T]) Check(v []T) ([]T, error) { return checkAll(t.item(), v) }

// Format implements Type.
func (t List[T]) Format(v []T) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = t.item().Format(x)
	}
	s := strings.Join(parts, ",")
	if t.Bounds {
		return "[" + s + "]"
	}
	return s
}

// TypeName implements Type.
func (List[T]) TypeName() string { return "list value" }

// Dict is oslo's types.Dict: "key:value,key2:value2" with string keys.
type Dict[T any] struct {
	Value  Type[T] // nil: String
	Bounds bool    // the value must be written inside { }
}

func (t Dict[T]) item() Type[T] {
	if t.Value == nil {
		return defaultType[T]()
	}
	return t.Value
}

func (t Dict[T]) validate() error { return validateType(t.item()) }

// Parse implements Type.
func (t Dict[T]) Parse(s string) (map[string]T, error) {
	s = ini.TrimSpace(s)
	if t.Bounds {
		if !strings.HasPrefix(s, "{") {
			return nil, errors.New(`value should start with "{"`)
		}
		if !strings.HasSuffix(s, "}") {
			return nil, errors.New(`value should end with "}"`)
		}
		s = s[1 : len(s)-1]
	}
	result := map[string]T{}
	if s == "" {
		return result, nil
	}
	pairs := strings.Split(s, ",")
	item := t.item()
	for len(pairs) > 0 {
		pair := pairs[0]
		pairs = pairs[1:]
		var firstErr error
		var key string
		var val T
		for {
			k, v, ok := strings.Cut(pair, ":")
			var err error
			if !ok {
				err = errors.New(`value should be NAME:VALUE pairs separated by ","`)
			} else {
				key = ini.TrimSpace(k)
				val, err = parseItem(item, ini.TrimSpace(v))
			}
			if err == nil {
				break
			}
			if firstErr == nil {
				firstErr = err
			}
			if len(pairs) == 0 {
				return nil, firstErr
			}
			pair += "," + pairs[0]
			pairs = pairs[1:]
		}
		if key == "" {
			return nil, errors.New("key name should not be empty")
		}
		if _, dup := result[key]; dup {
			return nil, fmt.Errorf("duplicate key %s", key)
		}
		result[key] = val
	}
	return result, nil
}

// Check implements Type.
func (t Dict[T]) Check(v map[string]T) (map[string]T, error) {
	out := make(map[string]T, len(v))
	for k, x := range v {
		y, err := t.item().Check(x)
		if err != nil {
			return nil, err
		}
		out[k] = y
	}
	return out, nil
}

// Format implements Type: sorted "key:value" pairs.
func (t Dict[T]) Format(v map[string]T) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ":" + t.item().Format(v[k])
	}
	s := strings.Join(parts, ",")
	if t.Bounds {
		return "{" + s + "}"
	}
	return s
}

// TypeName implements Type.
func (Dict[T]) TypeName() string { return "dict value" }

// IPAddress is oslo's types.IPAddress: an IPv4 or IPv6 address as
// inet_pton accepts it (no leading zeros, no zone, no blanks). Version 4 or
// 6 restricts it; 0 accepts both.
type IPAddress struct{ Version int }

func (t IPAddress) validate() error {
	if t.Version != 0 && t.Version != 4 && t.Version != 6 {
		return fmt.Errorf("%d is not a valid IP version", t.Version)
	}
	return nil
}

// Parse implements Type. The text is kept as written.
func (t IPAddress) Parse(s string) (string, error) {
	if s == "" {
		return "", errors.New("IP address cannot be an empty string")
	}
	a, err := netip.ParseAddr(s)
	ok := err == nil && a.Zone() == ""
	is4 := ok && a.Is4()
	is6 := ok && a.Is6()
	switch {
	case t.Version == 4 && !is4:
		return "", fmt.Errorf("%s is not an IPv4 address", s)
	case t.Version == 6 && !is6:
		return "", fmt.Errorf("%s is not an IPv6 address", s)
	case !is4 && !is6:
		return "", fmt.Errorf("%s is not IPv4 or IPv6 address", s)
	}
	return s, nil
}

// Check implements Type.
func (t IPAddress) Check(v string) (string, error) { return t.Parse(v) }

// Format implements Type.
func (IPAddress) Format(v string) string { return v }

// TypeName implements Type.
func (IPAddress) TypeName() string { return "IP address value" }

// Hostname is oslo's types.Hostname (RFC 1123 labels, a non-numeric
// top-level label, at most 253 characters); a trailing dot is removed.
type Hostname struct{}

var hostLabel = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9-]{1,63}$`) })
var domainLabel = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]{1,63}$`) })
var hasAlpha = regexp.MustCompile(`[a-zA-Z-]`)

func checkHostname(s string, label *regexp.Regexp) (string, error) {
	if s == "" {
		return "", errors.New("cannot have an empty hostname")
	}
	if len([]rune(s)) > 253 {
		return "", fmt.Errorf("hostname is greater than 253 characters: %s", s)
	}
	s = strings.TrimSuffix(s, ".")
	labels := strings.Split(s, ".")
	if !hasAlpha.MatchString(labels[len(labels)-1]) {
		return "", fmt.Errorf("%s contains no non-numeric characters in the top-level domain part of the host name and is invalid", s)
	}
	for _, l := range labels {
		if !label.MatchString(l) || l[0] == '-' || l[len(l)-1] == '-' {
			return "", fmt.Errorf("%s is an invalid hostname", s)
		}
	}
	return s, nil
}

// Parse implements Type.
func (Hostname) Parse(s string) (string, error) { return checkHostname(s, hostLabel()) }

// Check implements Type.
func (t Hostname) Check(v string) (string, error) { return t.Parse(v) }

// Format implements Type.
func (Hostname) Format(v string) string { return v }

// TypeName implements Type.
func (Hostname) TypeName() string { return "hostname value" }

// HostAddress is oslo's types.HostAddress: an IP address (of Version, if
// set) or a hostname.
type HostAddress struct{ Version int }

func (t HostAddress) validate() error { return IPAddress(t).validate() }

// Parse implements Type.
func (t HostAddress) Parse(s string) (string, error) {
	if v, err := (IPAddress{t.Version}).Parse(s); err == nil {
		return v, nil
	}
	if v, err := checkHostname(s, hostLabel()); err == nil {
		return v, nil
	}
	return "", fmt.Errorf("%s is not a valid host address", s)
}

// Check implements Type.
func (t HostAddress) Check(v string) (string, error) { return t.Parse(v) }

// Format implements Type.
func (HostAddress) Format(v string) string { return v }

// TypeName implements Type.
func (HostAddress) TypeName() string { return "host address value" }

// HostDomain is oslo's types.HostDomain: a HostAddress whose labels may
// also contain '_'.
type HostDomain struct{ Version int }

func (t HostDomain) validate() error { return IPAddress(t).validate() }

// Parse implements Type.
func (t HostDomain) Parse(s string) (string, error) {
	if v, err := (HostAddress{t.Version}).Parse(s); err == nil {
		return v, nil
	}
	if v, err := checkHostname(s, domainLabel()); err == nil {
		return v, nil
	}
	return "", fmt.Errorf("%s is not a valid host address", s)
}

// Check implements Type.
func (t HostDomain) Check(v string) (string, error) { return t.Parse(v) }

// Format implements Type.
func (HostDomain) Format(v string) string { return v }

// TypeName implements Type.
func (HostDomain) TypeName() string { return "host domain value" }

// URI is oslo's types.URI: an RFC 3986 URI with a scheme and a host, as the
// rfc3986 package validates it, optionally restricted to Schemes (compared
// with the scheme as written) and to MaxLength characters.
type URI struct {
	MaxLength int
	Schemes   []string
}

// Parse implements Type.
func (t URI) Parse(s string) (string, error) {
	if err := validateURI(s, t.Schemes); err != nil {
		return "", err
	}
	if t.MaxLength > 0 && len([]rune(s)) > t.MaxLength {
		return "", fmt.Errorf("value %q exceeds maximum length %d", s, t.MaxLength)
	}
	return s, nil
}

// Check implements Type.
func (t URI) Check(v string) (string, error) { return t.Parse(v) }

// Format implements Type.
func (URI) Format(v string) string { return v }

// TypeName implements Type.
func (URI) TypeName() string { return "uri value" }

// defaultType is the type an Opt[T] gets when it names none.
func defaultType[T any]() Type[T] {
	var t any
	switch any(*new(T)).(type) {
	case string:
		t = String{}
	case bool:
		t = Bool{}
	case int:
		t = Integer{}
	case float64:
		t = Float{}
	case []string:
		t = List[string]{Item: String{}}
	case []int:
		t = List[int]{Item: Integer{}}
	case []float64:
		t = List[float64]{Item: Float{}}
	case []bool:
		t = List[bool]{Item: Bool{}}
	case map[string]string:
		t = Dict[string]{Value: String{}}
	case map[string]int:
		t = Dict[int]{Value: Integer{}}
	case map[string]float64:
		t = Dict[float64]{Value: Float{}}
	case map[string]bool:
		t = Dict[bool]{Value: Bool{}}
	default:
		return nil
	}
	return t.(Type[T])
}

func validateType(t any) error {
	if t == nil {
		return errors.New("no type given and none can be derived")
	}
	if v, ok := t.(validator); ok {
		return v.validate()
	}
	return nil
}

// pyInt reads an integer as Python's int(str) does.
func pyInt(s string) (int, error) {
	n, err := py.ParseInt(s)
	if errors.Is(err, py.ErrRange) || err == nil && (n < math.MinInt || n > math.MaxInt) {
		return 0, fmt.Errorf("value %s is out of range", ini.TrimSpace(s))
	}
	if err != nil {
		return 0, fmt.Errorf("invalid literal for int() with base 10: %s", pyRepr(s))
	}
	return int(n), nil
}

// pyFloat reads a float as Python's float(str) does.
func pyFloat(s string) (float64, error) {
	f, err := py.ParseFloat(s)
	if err != nil {
		return 0, fmt.Errorf("could not convert string to float: %s", pyRepr(s))
	}
	return f, nil
}
