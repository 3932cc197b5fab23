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
		return errors.New("invalid literal for int() with base 10: " + pyReprString(s))
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
		return errors.New("could not convert string to float: " + pyReprString(s))
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

// pyFloatRepr formats f as Python's repr(float) does: the shortest string
// that reads back to f, in fixed notation for decimal exponents from -4 up
// to 16 and in scientific notation (at least two exponent digits) outside.
func pyFloatRepr(f float64) string {
	return string(appendPyFloat(nil, f))
}

func appendPyFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "nan"...)
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	}
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64)
	if e[0] == '-' {
		b = append(b, '-')
		e = e[1:]
	}
	// e is d[.ddd]e±XX: collect the digits and the exponent.
	var dbuf [24]byte
	digits := dbuf[:0]
	i := 0
	for ; e[i] != 'e'; i++ {
		if e[i] != '.' {
			digits = append(digits, e[i])
		}
	}
	x := 0
	for _, c := range e[i+2:] {
		x = x*10 + int(c-'0')
	}
	if e[i+1] == '-' {
		x = -x
	}
	decpt := x + 1
	if decpt > -4 && decpt <= 16 {
		switch {
		case decpt <= 0:
			b = append(b, "0."...)
			for i := 0; i < -decpt; i++ {
				b = append(b, '0')
			}
			b = append(b, digits...)
		case decpt >= len(digits):
			b = append(b, digits...)
			for i := len(digits); i < decpt; i++ {
				b = append(b, '0')
			}
			b = append(b, ".0"...)
		default:
			b = append(b, digits[:decpt]...)
			b = append(b, '.')
			b = append(b, digits[decpt:]...)
		}
		return b
	}
	b = append(b, digits[0])
	if len(digits) > 1 {
		b = append(b, '.')
		b = append(b, digits[1:]...)
	}
	b = append(b, 'e')
	if x < 0 {
		b = append(b, '-')
		x = -x
	} else {
		b = append(b, '+')
	}
	if x < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(x), 10)
}

// pyReprString is Python's repr() of a str: single quotes unless the text
// holds a single quote and no double quote, backslash escapes for the
// quote, the backslash, \t \n \r and every non-printable character.
func pyReprString(s string) string {
	var b strings.Builder
	appendPyReprString(&b, s)
	return b.String()
}

func appendPyReprString(b *strings.Builder, s string) {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == ' ' || (r > ' ' && r < 0x7f):
			b.WriteRune(r)
		case r < 0x100 && !pyIsPrintable(r):
			b.WriteString(`\x`)
			b.WriteString(hex2(uint64(r), 2))
		case !pyIsPrintable(r) && r < 0x10000:
			b.WriteString(`\u`)
			b.WriteString(hex2(uint64(r), 4))
		case !pyIsPrintable(r):
			b.WriteString(`\U`)
			b.WriteString(hex2(uint64(r), 8))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
}

// pyIsPrintable is str.isprintable() for one character: everything except
// the categories Cc, Cf, Cs, Co, Cn, Zl, Zp and the Zs spaces other than
// the ASCII space.
func pyIsPrintable(r rune) bool {
	if r == ' ' {
		return true
	}
	return unicode.IsPrint(r)
}

func hex2(v uint64, width int) string {
	s := strconv.FormatUint(v, 16)
	for len(s) < width {
		s = "0" + s
	}
	return s
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
		appendPyReprString(b, x)
	case float64:
		b.Write(appendPyFloat(nil, x))
	case float32:
		b.Write(appendPyFloat(nil, float64(x)))
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
			appendPyReprString(b, k)
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
