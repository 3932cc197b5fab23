package objects

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/goslo/goslo/internal/ini"
)

// Type is the type of a field: it checks and converts the values a field
// is given (oslo's coerce), reads them from a primitive (from_primitive)
// and writes them (to_primitive). The package provides oslo's types:
//
//	String, SensitiveString, Integer, NonNegativeInteger, Float,
//	NonNegativeFloat, Boolean, FlexibleBoolean, UUID, DateTime, MACAddress,
//	IPAddress, IPV4Address, IPV6Address, IPV4AndV6Address, IPNetwork,
//	IPV4Network, IPV6Network, Enum(...), ListOf(t), DictOf(t), SetOf(t),
//	ObjectOf(name), ListOfObjects(name), Nullable(t)
//
// The Go value a field holds (its natural form) depends on the type:
//
//	String, SensitiveString, UUID, Enum, MACAddress  string
//	Integer, NonNegativeInteger                       int64
//	Float, NonNegativeFloat                           float64
//	Boolean, FlexibleBoolean                          bool
//	DateTime                                          time.Time (UTC or a fixed "+HH:MM" zone)
//	IPAddress and its variants                        netip.Addr
//	IPNetwork and its variants                        netip.Prefix
//	ObjectOf(name)                                    *Object
//	ListOf(t)                                         []T, where T is the Go type of t
//	SetOf(t)                                          []T, without duplicates, sorted
//	DictOf(t)                                         map[string]T
//
// and nil for a nullable field set to None. Collections are typed for
// non-nullable string types ([]string, map[string]string), Integer
// ([]int64), Float, Boolean and ObjectOf ([]*Object, for lists); for other
// element types, or Nullable elements, they hold []any and map[string]any. Setting a field accepts the
// natural form and whatever oslo's coerce accepts (an Integer field takes
// "42", 7.9 or true; a String field takes 12345), converted the same way.
type Type interface {
	// String describes the type, e.g. "Integer", "List(String)",
	// "Dict(Nullable(String))", "Object(Flavor)". It is part of an
	// object's fingerprint.
	String() string

	coerce(c *fieldCtx, v any) (any, error)
	fromPrimitive(c *fieldCtx, p *pval) (any, error)
	toPrimitive(v any) (any, error)
	appendJSON(b []byte, v any) ([]byte, error)
}

// fieldCtx names the value being converted in errors and carries what
// loading nested objects needs.
type fieldCtx struct {
	reg   *Registry
	obj   string // object type name
	attr  string // field, with [index] or [key] inside collections
	depth int
}

func (c *fieldCtx) errorf(value any, format string, args ...any) error {
	return &FieldError{Object: c.obj, Field: c.attr, Value: value, Err: fmt.Errorf(format, args...)}
}

func (c *fieldCtx) wrap(value any, err error) error {
	var fe *FieldError
	if errors.As(err, &fe) {
		return err
	}
	return &FieldError{Object: c.obj, Field: c.attr, Value: value, Err: err}
}

// sub returns the context of an element of a collection.
func (c *fieldCtx) sub(format string, key any) *fieldCtx {
	d := *c
	d.attr = c.attr + fmt.Sprintf(format, key)
	return &d
}

func (c *fieldCtx) cannotBeNone() error {
	return &FieldError{Object: c.obj, Field: c.attr, Err: errors.New("cannot be None")}
}

// goTypeName names a Go value's type the way Python would name its
// counterpart in a message.
func goTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case string:
		return "str"
	case bool:
		return "bool"
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return "int"
	case float32, float64:
		return "float"
	case []any:
		return "list"
	case map[string]any:
		return "dict"
	case *Object:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// ---- String ----

type stringType struct{ name string }

// String is oslo's String field type: it accepts strings and, converted
// with Python's str(), integers, floats, booleans and datetimes.
var String Type = stringType{"String"}

// SensitiveString is a String whose value is a secret. It is carried like
// a String; log and print it with care.
var SensitiveString Type = stringType{"SensitiveString"}

func (t stringType) String() string { return t.name }

func (t stringType) coerce(c *fieldCtx, v any) (any, error) {
	switch x := v.(type) {
	case string:
		return v, nil // as given: boxing x again would allocate
	case time.Time:
		return pyDatetimeStr(x), nil
	}
	if isNumber(v) || isBool(v) {
		return pyStr(v), nil
	}
	return nil, c.errorf(v, "a string is required, not a %s", goTypeName(v))
}

func (t stringType) fromPrimitive(c *fieldCtx, p *pval) (any, error) {
	switch p.kind {
	case pString:
		return p.s, nil
	case pInt, pBig, pFloat, pBool:
		return p.pyRepr(), nil
	}
	return nil, c.errorf(p, "a string is required, not a %s", p.pyTypeName())
}

func (stringType) toPrimitive(v any) (any, error) { return v, nil }

func (stringType) appendJSON(b []byte, v any) ([]byte, error) {
	s, _ := v.(string)
	return appendJSONString(b, s), nil
}

func isNumber(v any) bool {
	switch v.(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64, json.Number:
		return true
	}
	return false
}

func isBool(v any) bool { _, ok := v.(bool); return ok }

// ---- Enum ----

type enumType struct{ values []string }

// Enum is oslo's Enum (EnumField): a String that must be one of values,
// compared exactly (case matters).
func Enum(values ...string) Type {
	return enumType{values: append([]string(nil), values...)}
}

func (t enumType) String() string { return "Enum(" + strings.Join(t.values, ",") + ")" }

func (t enumType) check(c *fieldCtx, v any, s string, ok bool) (any, error) {
	if ok {
		for _, x := range t.values {
			if x == s {
				return s, nil
			}
		}
	}
	return nil, c.errorf(v, "not one of %s", strings.Join(t.values, ", "))
}

func (t enumType) coerce(c *fieldCtx, v any) (any, error) {
	s, ok := v.(string)
	return t.check(c, v, s, ok)
}

func (t enumType) fromPrimitive(c *fieldCtx, p *pval) (any, error) {
	return t.check(c, p, p.s, p.kind == pString)
}

func (enumType) toPrimitive(v any) (any, error) { return v, nil }

func (enumType) appendJSON(b []byte, v any) ([]byte, error) {
	s, _ := v.(string)
	return appendJSONString(b, s), nil
}

// ---- UUID ----

type uuidType struct{}

// UUID is oslo's UUID field type. Like oslo it stores str(value) and does
// not check that the value is a UUID, nor change its case.
var UUID Type = uuidType{}

func (uuidType) String() string                                  { return "UUID" }
func (uuidType) coerce(_ *fieldCtx, v any) (any, error)          { return pyStr(v), nil }
func (uuidType) fromPrimitive(_ *fieldCtx, p *pval) (any, error) { return p.pyStr(), nil }
func (uuidType) toPrimitive(v any) (any, error)                  { return v, nil }
func (uuidType) appendJSON(b []byte, v any) ([]byte, error) {
	s, _ := v.(string)
	return appendJSONString(b, s), nil
}

// ---- MACAddress ----

type macType struct{}

// MACAddress is oslo's MACAddress: six hex pairs, stored lower case with
// colons ("AA-BB-..." is accepted).
var MACAddress Type = macType{}

var macRe = regexp.MustCompile(`^[0-9a-f]{2}(:[0-9a-f]{2}){5}$`)

func (macType) String() string { return "MACAddress" }

func (macType) check(c *fieldCtx, v any) (any, error) {
	if s, ok := v.(string); ok {
		l := strings.ReplaceAll(strings.ToLower(s), "-", ":")
		if macRe.MatchString(l) {
			return l, nil
		}
	}
	return nil, c.errorf(v, "malformed MAC address")
}

func (t macType) coerce(c *fieldCtx, v any) (any, error) { return t.check(c, v) }

func (t macType) fromPrimitive(c *fieldCtx, p *pval) (any, error) {
	if p.kind != pString {
		return nil, c.errorf(p, "malformed MAC address")
	}
	return t.check(c, p.s)
}

func (macType) toPrimitive(v any) (any, error) { return v, nil }
func (macType) appendJSON(b []byte, v any) ([]byte, error) {
	s, _ := v.(string)
	return appendJSONString(b, s), nil
}

// ---- Integer ----

type integerType struct{ nonNegative bool }

// Integer is oslo's Integer: Python's int() of the value, so "42" is 42,
// 7.99 is 7 and true is 1. Values are int64 (Python's are unbounded).
var Integer Type = integerType{}

// NonNegativeInteger is an Integer that must be >= 0.
var NonNegativeInteger Type = integerType{nonNegative: true}

func (t integerType) String() string {
	if t.nonNegative {
		return "NonNegativeInteger"
	}
	return "Integer"
}

func floatToInt(f float64) (int64, error) {
	switch {
	case math.IsNaN(f):
		return 0, errors.New("cannot convert float NaN to integer")
	case math.IsInf(f, 0):
		return 0, errors.New("cannot convert float infinity to integer")
	}
	f = math.Trunc(f)
	if f < -(1<<63) || f >= 1<<63 {
		return 0, errOutOfRange
	}
	return int64(f), nil
}

func (t integerType) check(c *fieldCtx, v any, n int64, err error) (any, error) {
	if err != nil {
		return nil, c.wrap(v, err)
	}
	if t.nonNegative && n < 0 {
		return nil, c.errorf(v, "value must be >= 0")
	}
	return n, nil
}

func (t integerType) coerce(c *fieldCtx, v any) (any, error) {
	n, err := toInt64(v)
	return t.check(c, v, n, err)
}

func toInt64(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case string:
		return pyParseInt(x)
	case float64:
		return floatToInt(x)
	case float32:
		return floatToInt(float64(x))
	case json.Number:
		p, err := toPval(x, 0)
		if err != nil {
			return 0, err
		}
		return pvalToInt(&p)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if rv.Uint() > math.MaxInt64 {
			return 0, errOutOfRange
		}
		return int64(rv.Uint()), nil
	}
	return 0, fmt.Errorf("int() argument must be a string or a real number, not '%s'", goTypeName(v))
}

func pvalToInt(p *pval) (int64, error) {
	switch p.kind {
	case pInt:
		return p.i, nil
	case pBig:
		return 0, errOutOfRange
	case pFloat:
		return floatToInt(p.f)
	case pBool:
		if p.b {
			return 1, nil
		}
		return 0, nil
	case pString:
		return pyParseInt(p.s)
	}
	return 0, fmt.Errorf("int() argument must be a string or a real number, not '%s'", p.pyTypeName())
}

func (t integerType) fromPrimitive(c *fieldCtx, p *pval) (any, error) {
	n, err := pvalToInt(p)
	return t.check(c, p, n, err)
}

func (integerType) toPrimitive(v any) (any, error) { return v, nil }

func (integerType) appendJSON(b []byte, v any) ([]byte, error) {
	n, _ := v.(int64)
	return strconv.AppendInt(b, n, 10), nil
}

// ---- Float ----

type floatType struct{ nonNegative bool }

// Float is oslo's Float: Python's float() of the value ("2.5", 3, true).
var Float Type = floatType{}

// NonNegativeFloat is a Float that must be >= 0.
var NonNegativeFloat Type = floatType{nonNegative: true}

func (t floatType) String() string {
	if t.nonNegative {
		return "NonNegativeFloat"
	}
	return "Float"
}

func toFloat64(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case int:
		return float64(x), nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case string:
		return pyParseFloat(x)
	case json.Number:
		p, err := toPval(x, 0)
		if err != nil {
			return 0, err
		}
		return pvalToFloat(&p)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(rv.Uint()), nil
	}
	return 0, fmt.Errorf("float() argument must be a string or a real number, not '%s'", goTypeName(v))
}

func pvalToFloat(p *pval) (float64, error) {
	switch p.kind {
	case pFloat:
		return p.f, nil
	case pInt:
		return float64(p.i), nil
	case pBig:
		f, err := strconv.ParseFloat(p.s, 64)
		if err != nil {
			return 0, errors.New("int too large to convert to float")
		}
		return f, nil
	case pBool:
		if p.b {
			return 1, nil
		}
		return 0, nil
	case pString:
		return pyParseFloat(p.s)
	}
	return 0, fmt.Errorf("float() argument must be a string or a real number, not '%s'", p.pyTypeName())
}

func (t floatType) check(c *fieldCtx, v any, f float64, err error) (any, error) {
	if err != nil {
		return nil, c.wrap(v, err)
	}
	if t.nonNegative && f < 0 {
		return nil, c.errorf(v, "value must be >= 0")
	}
	return f, nil
}

func (t floatType) coerce(c *fieldCtx, v any) (any, error) {
	f, err := toFloat64(v)
	return t.check(c, v, f, err)
}

func (t floatType) fromPrimitive(c *fieldCtx, p *pval) (any, error) {
	f, err := pvalToFloat(p)
	return t.check(c, p, f, err)
}

func (floatType) toPrimitive(v any) (any, error) { return v, nil }

func (floatType) appendJSON(b []byte, v any) ([]byte, error) {
	f, _ := v.(float64)
	return appendJSONFloat(b, f)
}

// ---- Boolean ----

type booleanType struct{ flexible bool }

// Boolean is oslo's Boolean: Python truthiness, so "false" is true and ""
// or 0 is false.
var Boolean Type = booleanType{}

// FlexibleBoolean is oslo's FlexibleBoolean: "1", "t", "true", "on", "y",
// "yes" (any case, trimmed) are true, everything else is false.
var FlexibleBoolean Type = booleanType{flexible: true}

func (t booleanType) String() string {
	if t.flexible {
		return "FlexibleBoolean"
	}
	return "Boolean"
}

func (t booleanType) coerce(_ *fieldCtx, v any) (any, error) {
	if t.flexible {
		return boolFromString(v), nil
	}
	return pyTruth(v), nil
}

func (t booleanType) fromPrimitive(_ *fieldCtx, p *pval) (any, error) {
	if t.flexible {
		if p.kind == pBool {
			return p.b, nil
		}
		return boolFromString(p.pyStr()), nil
	}
	switch p.kind {
	case pBool:
		return p.b, nil
	case pInt:
		return p.i != 0, nil
	case pBig:
		return true, nil
	case pFloat:
		return p.f != 0, nil
	case pString:
		return p.s != "", nil
	}
	return len(p.arr) > 0, nil
}

// boolFromString is oslo_utils.strutils.bool_from_string(v).
func boolFromString(v any) bool {
	if b, ok := v.(bool); ok {
		return b
	}
	switch strings.ToLower(ini.TrimSpace(pyStr(v))) {
	case "1", "t", "true", "on", "y", "yes":
		return true
	}
	return false
}

// pyTruth is Python's bool() of a Go value.
func pyTruth(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case json.Number:
		f, err := x.Float64()
		return err != nil || f != 0
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int() != 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return rv.Uint() != 0
	case reflect.Float32, reflect.Float64:
		return rv.Float() != 0
	case reflect.Slice, reflect.Map, reflect.Array, reflect.String:
		return rv.Len() > 0
	case reflect.Pointer, reflect.Interface:
		return !rv.IsNil()
	}
	return true
}

func (booleanType) toPrimitive(v any) (any, error) { return v, nil }

func (booleanType) appendJSON(b []byte, v any) ([]byte, error) {
	if x, _ := v.(bool); x {
		return append(b, "true"...), nil
	}
	return append(b, "false"...), nil
}

// ---- DateTime ----

type dateTimeType struct{}

// DateTime is oslo's DateTime (tz-aware): a time.Time, written to the
// second as "2024-02-29T23:59:59Z" or with its own offset
// ("...+05:30"), never converted. Strings are read as ISO 8601 the way
// the iso8601 package reads them; a time without a zone is UTC.
var DateTime Type = dateTimeType{}

func (dateTimeType) String() string { return "DateTime" }

func (dateTimeType) coerce(c *fieldCtx, v any) (any, error) {
	switch x := v.(type) {
	case string:
		t, err := parseISOTime(x)
		if err != nil {
			return nil, c.wrap(v, err)
		}
		return t, nil
	case time.Time:
		t, err := normalizeTime(x)
		if err != nil {
			return nil, c.wrap(v, err)
		}
		return t, nil
	}
	return nil, c.errorf(v, "a datetime is required, not a %s", goTypeName(v))
}

func (dateTimeType) fromPrimitive(c *fieldCtx, p *pval) (any, error) {
	if p.kind != pString {
		return nil, c.errorf(p, "expected string, got '%s'", p.pyTypeName())
	}
	t, err := parseISOTime(p.s)
	if err != nil {
		return nil, c.wrap(p, err)
	}
	return t, nil
}

func (dateTimeType) toPrimitive(v any) (any, error) {
	t, _ := v.(time.Time)
	var buf [40]byte
	return string(appendISOTime(buf[:0], t)), nil
}

func (dateTimeType) appendJSON(b []byte, v any) ([]byte, error) {
	t, _ := v.(time.Time)
	return appendDateTimeJSON(b, t), nil
}

// appendDateTimeJSON writes a DateTime field's value. Only a zone name
// can need escaping.
func appendDateTimeJSON(b []byte, t time.Time) []byte {
	if name, _ := t.Zone(); stringSpecial(name, 0) == len(name) && utf8.ValidString(name) {
		b = append(b, '"')
		b = appendISOTime(b, t)
		return append(b, '"')
	}
	var tmp [40]byte
	return appendJSONString(b, string(appendISOTime(tmp[:0], t)))
}

// ---- IP addresses ----

type ipType struct{ version int } // 0 any, 4, 6, 46 either (checked)

// IPAddress is oslo's IPAddress: an IPv4 or IPv6 address (netip.Addr),
// read from a string or an integer the way netaddr reads it and written
// in canonical form ("2001:db8::1", lower case).
var IPAddress Type = ipType{0}

// IPV4Address is an IPAddress that must be IPv4.
var IPV4Address Type = ipType{4}

// IPV6Address is an IPAddress that must be IPv6.
var IPV6Address Type = ipType{6}

// IPV4AndV6Address is oslo's IPV4AndV6Address (either family).
var IPV4AndV6Address Type = ipType{46}

func (t ipType) String() string {
	switch t.version {
	case 4:
		return "IPV4Address"
	case 6:
		return "IPV6Address"
	case 46:
		return "IPV4AndV6Address"
	}
	return "IPAddress"
}

func (t ipType) check(c *fieldCtx, v any, a netip.Addr, err error) (any, error) {
	if err != nil {
		return nil, c.wrap(v, err)
	}
	if !t.accepts(a) {
		return nil, c.errorf(v, "not an IPv%d address", t.version)
	}
	return a, nil
}

// accepts reports whether the type takes a, as far as its version goes.
func (t ipType) accepts(a netip.Addr) bool {
	return !((t.version == 4 && !a.Is4()) || (t.version == 6 && !a.Is6()))
}

func (t ipType) coerce(c *fieldCtx, v any) (any, error) {
	var a netip.Addr
	var err error
	switch x := v.(type) {
	case netip.Addr:
		a = x
		if !a.IsValid() || a.Zone() != "" {
			err = errIPFormat
		}
	case net.IP:
		var ok bool
		if a, ok = netip.AddrFromSlice(x); !ok {
			err = errIPFormat
		} else if x.To4() != nil {
			a = a.Unmap()
		}
	case string:
		a, err = parseIPString(x)
	case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, json.Number:
		var n int64
		if n, err = toInt64(x); err == nil {
			a, err = ipFromInt(n)
		} else if nb, ok := x.(json.Number); ok {
			a, err = ipFromBig(string(nb))
		}
	default:
		err = errIPFormat
	}
	return t.check(c, v, a, err)
}

func (t ipType) fromPrimitive(c *fieldCtx, p *pval) (any, error) {
	var a netip.Addr
	var err error
	switch p.kind {
	case pString:
		a, err = parseIPString(p.s)
	case pInt:
		a, err = ipFromInt(p.i)
	case pBig:
		a, err = ipFromBig(p.s)
	case pBool:
		n := int64(0)
		if p.b {
			n = 1
		}
		a, err = ipFromInt(n)
	default:
		err = errIPFormat
	}
	return t.check(c, p, a, err)
}

func (ipType) toPrimitive(v any) (any, error) {
	a, _ := v.(netip.Addr)
	return formatIP(a), nil
}

func (ipType) appendJSON(b []byte, v any) ([]byte, error) {
	a, _ := v.(netip.Addr)
	return appendIPJSON(b, a), nil
}

// appendIPJSON writes an IP address field's value.
func appendIPJSON(b []byte, a netip.Addr) []byte {
	b = append(b, '"')
	b = appendIP(b, a)
	return append(b, '"')
}

// ---- IP networks ----

type networkType struct{ version int }

// IPNetwork is oslo's IPNetwork: an address with a prefix length
// (netip.Prefix), written "10.0.0.0/8"; a netmask or hostmask is accepted
// after the slash, and host bits are kept as netaddr keeps them.
var IPNetwork Type = networkType{0}

// IPV4Network is an IPNetwork that must be IPv4.
var IPV4Network Type = networkType{4}

// IPV6Network is an IPNetwork that must be IPv6.
var IPV6Network Type = networkType{6}

func (t networkType) String() string {
	switch t.version {
	case 4:
		return "IPV4Network"
	case 6:
		return "IPV6Network"
	}
	return "IPNetwork"
}

func (t networkType) coerce(c *fieldCtx, v any) (any, error) {
	var p netip.Prefix
	switch x := v.(type) {
	case netip.Prefix:
		p = x
	case netip.Addr:
		p = netip.PrefixFrom(x, x.BitLen())
	case *net.IPNet:
		a, ok := netip.AddrFromSlice(x.IP)
		ones, _ := x.Mask.Size()
		if !ok {
			return nil, c.errorf(v, "invalid IP network")
		}
		if x.IP.To4() != nil {
			a = a.Unmap()
		}
		p = netip.PrefixFrom(a, ones)
	case string:
		var err error
		if p, err = parsePrefix(x, t.version); err != nil {
			return nil, c.wrap(v, err)
		}
	default:
		return nil, c.errorf(v, "unexpected type %s for an IP network", goTypeName(v))
	}
	if !p.IsValid() || p.Addr().Zone() != "" ||
		(t.version == 4 && !p.Addr().Is4()) || (t.version == 6 && !p.Addr().Is6()) {
		return nil, c.errorf(v, "not a valid %s", t)
	}
	return p, nil
}

func (t networkType) fromPrimitive(c *fieldCtx, p *pval) (any, error) {
	if p.kind != pString {
		return nil, c.errorf(p, "unexpected type %s for an IP network", p.pyTypeName())
	}
	return t.coerce(c, p.s)
}

func (networkType) toPrimitive(v any) (any, error) {
	p, _ := v.(netip.Prefix)
	return string(appendPrefix(nil, p)), nil
}

func (networkType) appendJSON(b []byte, v any) ([]byte, error) {
	p, _ := v.(netip.Prefix)
	b = append(b, '"')
	b = appendPrefix(b, p)
	return append(b, '"'), nil
}

// ---- Nullable ----

type nullableType struct{ inner Type }

// Nullable makes the elements of a collection nullable, as oslo's
// Dict(String(), nullable=True) does: DictOf(Nullable(String)). For a
// field itself, set Field.Nullable (Nullable(t) as a field's type means
// the same).
func Nullable(t Type) Type {
	if n, ok := t.(nullableType); ok {
		return n
	}
	return nullableType{t}
}

func (t nullableType) String() string { return "Nullable(" + t.inner.String() + ")" }

func (t nullableType) coerce(c *fieldCtx, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	return t.inner.coerce(c, v)
}

func (t nullableType) fromPrimitive(c *fieldCtx, p *pval) (any, error) {
	if p.kind == pNull {
		return nil, nil
	}
	return t.inner.fromPrimitive(c, p)
}

func (t nullableType) toPrimitive(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	return t.inner.toPrimitive(v)
}

func (t nullableType) appendJSON(b []byte, v any) ([]byte, error) {
	if v == nil {
		return append(b, "null"...), nil
	}
	return t.inner.appendJSON(b, v)
}
