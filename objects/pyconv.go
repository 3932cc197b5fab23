package objects

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/goslo/goslo/internal/py"
)

// This file holds the few Python built-ins whose exact behaviour the oslo
// field types inherit: int(), float(), str() and repr() of the values JSON
// can carry, and truthiness. They are written by hand because the wire
// format depends on their corner cases (int("1_000") is 1000, str(1e16) is
// "1e+16"), which no Go library reproduces. The parsing of numbers and the
// repr() of str and float are internal/py's, shared with config; what is
// here is the objects' own: their errors and the Go values they take.

// errOutOfRange reports an integer Python would accept but int64 cannot hold.
var errOutOfRange = errors.New("out of range for a 64-bit integer")

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// pyParseInt is Python's int(s) for a str argument (base 10).
func pyParseInt(s string) (int64, error) {
	n, err := py.ParseInt(s)
	switch {
	case errors.Is(err, py.ErrRange):
		return 0, errOutOfRange
	case err != nil:
		return 0, errors.New("invalid literal for int() with base 10: " + py.StrRepr(s))
	}
	return n, nil
}

// pyParseFloat is Python's float(s) for a str argument.
func pyParseFloat(s string) (float64, error) {
	f, err := py.ParseFloat(s)
	if err != nil {
		return 0, errors.New("could not convert string to float: " + py.StrRepr(s))
	}
	return f, nil
}

// pyIntString is str() of a Python int written as a JSON integer literal
// that did not fit into int64.
func pyIntString(literal string) string {
	n, ok := new(big.Int).SetString(literal, 10)
	if !ok {
		return literal
	}
	return n.String()
}

// pyStr is Python's str() of the Python counterpart of a Go value, which
// is what a UUID field stores ("%s" % value).
func pyStr(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	var b strings.Builder
	appendPyRepr(&b, v, 0)
	return b.String()
}

// pyRepr is Python's repr() of the counterpart of a Go value.
func pyRepr(v any) string {
	var b strings.Builder
	appendPyRepr(&b, v, 0)
	return b.String()
}

func appendPyRepr(b *strings.Builder, v any, depth int) {
	if depth > maxDepth {
		b.WriteString("...")
		return
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("None")
	case bool:
		if x {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case string:
		b.WriteString(py.StrRepr(x))
	case float64:
		b.WriteString(py.FloatRepr(x))
	case float32:
		b.WriteString(py.FloatRepr(float64(x)))
	case json.Number:
		p, err := toPval(x, 0)
		if err != nil {
			b.WriteString(string(x))
			return
		}
		b.WriteString(p.pyRepr())
	case time.Time:
		b.WriteString(pyDatetimeStr(x))
	case netip.Addr:
		b.WriteString(formatIP(x))
	case netip.Prefix:
		b.Write(appendPrefix(nil, x))
	case *Object:
		if x == nil {
			b.WriteString("None")
			return
		}
		b.WriteString(x.String())
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			appendPyRepr(b, e, depth+1)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range sortedKeys(x) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(py.StrRepr(k))
			b.WriteString(": ")
			appendPyRepr(b, x[k], depth+1)
		}
		b.WriteByte('}')
	case *pval:
		b.WriteString(x.pyRepr())
	case fmt.Stringer:
		b.WriteString(x.String())
	default:
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			b.WriteString(strconv.FormatInt(rv.Int(), 10))
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			b.WriteString(strconv.FormatUint(rv.Uint(), 10))
		case reflect.Slice, reflect.Array:
			items, _ := sliceItems(v)
			appendPyRepr(b, items, depth)
		case reflect.Map:
			if rv.Type().Key().Kind() == reflect.String {
				m := map[string]any{}
				it := rv.MapRange()
				for it.Next() {
					m[it.Key().String()] = it.Value().Interface()
				}
				appendPyRepr(b, m, depth)
				return
			}
			fmt.Fprint(b, v)
		default:
			fmt.Fprint(b, v)
		}
	}
}
