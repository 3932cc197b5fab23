package objects

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/goslo/goslo/internal/py"
)

// This file holds the few Python built-ins whose exact behaviour the oslo
// field types inherit: int(), float(), str() and repr() of the values JSON
// can carry, and truthiness. They are written by hand because the wire
// format depends on their corner cases (int("1_000") is 1000, str(1e16) is
// "1e+16"), which no Go library reproduces.

// errOutOfRange reports an integer Python would accept but int64 cannot hold.
var errOutOfRange = errors.New("out of range for a 64-bit integer")

// pyIsSpace reports whether r is whitespace for Python's str.strip(),
// int() and float(): Unicode White_Space plus the ASCII separators
// U+001C..U+001F that Python also counts.
func pyIsSpace(r rune) bool {
	if r >= 0x1c && r <= 0x1f {
		return true
	}
	return unicode.IsSpace(r)
}

// digitValue returns the value of a Unicode decimal digit (category Nd), or
// -1. Unicode guarantees every Nd digit belongs to a contiguous run of ten
// from 0 to 9, so the value is the distance to the start of its run.
func digitValue(r rune) int {
	if r >= '0' && r <= '9' {
		return int(r - '0')
	}
	if r < 0x80 || !unicode.Is(unicode.Nd, r) {
		return -1
	}
	n := 0
	for unicode.Is(unicode.Nd, r-rune(n)-1) {
		n++
	}
	return n % 10
}

// pyNormalizeNumber does what CPython does before parsing int() and float()
// arguments: strips whitespace and turns every Unicode decimal digit into
// its ASCII form. ok is false when a non-ASCII character remains.
func pyNormalizeNumber(s string) (string, bool) {
	s = strings.TrimFunc(s, pyIsSpace)
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s, true
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case digitValue(r) >= 0:
			b.WriteByte(byte('0' + digitValue(r)))
		default:
			return "", false
		}
	}
	return b.String(), true
}

// stripDigitUnderscores checks Python's rule for underscores in numeric
// literals (one underscore, only between two digits) over the ASCII
// string s and returns s without them.
func stripDigitUnderscores(s string) (string, bool) {
	if strings.IndexByte(s, '_') < 0 {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' {
			if i == 0 || i == len(s)-1 || !isDigit(s[i-1]) || !isDigit(s[i+1]) {
				return "", false
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String(), true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// pyParseInt is Python's int(s) for a str argument (base 10).
func pyParseInt(s string) (int64, error) {
	bad := func() error {
		return errors.New("invalid literal for int() with base 10: " + py.StrRepr(s))
	}
	t, ok := pyNormalizeNumber(s)
	if !ok || t == "" {
		return 0, bad()
	}
	body := t
	if body[0] == '+' || body[0] == '-' {
		body = body[1:]
	}
	if body == "" || !isDigit(body[0]) {
		return 0, bad()
	}
	for i := 0; i < len(body); i++ {
		if !isDigit(body[i]) && body[i] != '_' {
			return 0, bad()
		}
	}
	clean, ok := stripDigitUnderscores(t)
	if !ok {
		return 0, bad()
	}
	n, err := strconv.ParseInt(clean, 10, 64)
	if err != nil {
		return 0, errOutOfRange
	}
	return n, nil
}

// pyParseFloat is Python's float(s) for a str argument.
func pyParseFloat(s string) (float64, error) {
	bad := func() error {
		return errors.New("could not convert string to float: " + py.StrRepr(s))
	}
	t, ok := pyNormalizeNumber(s)
	if !ok || t == "" {
		return 0, bad()
	}
	body := t
	neg := false
	if body[0] == '+' || body[0] == '-' {
		neg = body[0] == '-'
		body = body[1:]
	}
	switch strings.ToLower(body) {
	case "inf", "infinity":
		if neg {
			return math.Inf(-1), nil
		}
		return math.Inf(1), nil
	case "nan":
		return math.NaN(), nil
	}
	if !validDecimal(body) {
		return 0, bad()
	}
	clean, ok := stripDigitUnderscores(t)
	if !ok {
		return 0, bad()
	}
	f, err := strconv.ParseFloat(clean, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, bad()
	}
	return f, nil
}

// validDecimal checks digits [. digits] [e [sign] digits], where at least
// one digit comes before the exponent; underscores are checked later.
func validDecimal(s string) bool {
	i, n := 0, len(s)
	digits := 0
	for i < n && (isDigit(s[i]) || s[i] == '_') {
		if s[i] != '_' {
			digits++
		}
		i++
	}
	if i < n && s[i] == '.' {
		i++
		for i < n && (isDigit(s[i]) || s[i] == '_') {
			if s[i] != '_' {
				digits++
			}
			i++
		}
	}
	if digits == 0 {
		return false
	}
	if i < n && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < n && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for i < n && (isDigit(s[i]) || s[i] == '_') {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == n
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
