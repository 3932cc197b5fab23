package config

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/goslo/goslo/internal/py"
)

// The helpers in this file render Go values the way Python's str() and
// repr() render the equivalent Python values. oslo.config inserts an
// option's value into another one with str() during $name interpolation,
// and operators see those renderings in log lines, so they must match.

// pyStr is Python's str() of a converted option value. nil (None) renders
// as "" because that is what oslo's interpolation inserts for an unset
// option.
func pyStr(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return pyRepr(v)
	}
}

// pyRepr is Python's repr() of a value.
func pyRepr(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case string:
		return py.StrRepr(v)
	case bool:
		if v {
			return "True"
		}
		return "False"
	case int:
		return strconv.Itoa(v)
	case float64:
		return py.FloatRepr(v)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice:
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = pyRepr(rv.Index(i).Interface())
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case reflect.Map:
		keys := rv.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = pyRepr(k.Interface()) + ": " + pyRepr(rv.MapIndex(k).Interface())
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// pyG is Python's '%g' formatting, used in oslo's bound messages.
func pyG(f float64) string {
	return string(py.AppendFormat(nil, py.Float(f), py.Spec{Width: -1, Prec: -1, Conv: 'g'}))
}
