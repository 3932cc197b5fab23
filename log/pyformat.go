package log

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goslo/goslo/internal/py"
)

// This file is Python's printf-style formatting with a mapping
// ("%(name)s" % record.__dict__), which logging format strings use. It is
// hand-written because no Go library reproduces Python's conversions,
// flags and str()/repr() of values.

// spec is one conversion: %(key)[flags][width][.precision][length]conv.
type spec struct {
	minus, zero, plus, space, alt bool
	width, prec                   int // -1: not given
	conv                          byte
}

// piece is literal text followed by at most one conversion.
type piece struct {
	lit   string
	key   string // "": no conversion
	field int    // resolved by the user of the format
	spec  spec
	plain bool // %(key)s: no flags, width or precision
}

// pyFormat is a parsed format string.
type pyFormat struct {
	text   string
	pieces []piece
}

// parsePyFormat parses a format string for use with a mapping, and
// reports what Python would raise on it, and also conversions without a
// mapping key, which with a mapping print the whole mapping.
func parsePyFormat(s string) (*pyFormat, error) {
	f := &pyFormat{text: s}
	var lit strings.Builder
	i := 0
	for i < len(s) {
		c := s[i]
		if c != '%' {
			lit.WriteByte(c)
			i++
			continue
		}
		start := i
		i++
		if i >= len(s) {
			return nil, fmt.Errorf("incomplete format")
		}
		if s[i] == '%' {
			lit.WriteByte('%')
			i++
			continue
		}
		if s[i] != '(' {
			return nil, fmt.Errorf("conversion %q at index %d has no mapping key: use %%(name)s", convText(s, start), start)
		}
		// The key runs to the matching parenthesis.
		depth := 1
		j := i + 1
		for j < len(s) && depth > 0 {
			switch s[j] {
			case '(':
				depth++
			case ')':
				depth--
			}
			j++
		}
		if depth > 0 {
			return nil, fmt.Errorf("incomplete format key")
		}
		key := s[i+1 : j-1]
		i = j
		sp := spec{width: -1, prec: -1}
	flags:
		for i < len(s) {
			switch s[i] {
			case '-':
				sp.minus = true
			case '0':
				sp.zero = true
			case '+':
				sp.plus = true
			case ' ':
				sp.space = true
			case '#':
				sp.alt = true
			default:
				break flags
			}
			i++
		}
		if i < len(s) && s[i] == '*' {
			return nil, fmt.Errorf("* width at index %d is not possible with a mapping", i)
		}
		if n, k := digits(s, i); k > 0 {
			sp.width, i = n, i+k
		}
		if i < len(s) && s[i] == '.' {
			i++
			if i < len(s) && s[i] == '*' {
				return nil, fmt.Errorf("* precision at index %d is not possible with a mapping", i)
			}
			n, k := digits(s, i)
			sp.prec, i = n, i+k
		}
		for i < len(s) && (s[i] == 'h' || s[i] == 'l' || s[i] == 'L') {
			i++
		}
		if i >= len(s) {
			return nil, fmt.Errorf("incomplete format")
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !strings.ContainsRune("diouxXeEfFgGcrsa", r) {
			return nil, fmt.Errorf("unsupported format character %q (%#x) at index %d", r, r, utf8.RuneCountInString(s[:i]))
		}
		sp.conv = byte(r)
		i += size
		f.pieces = append(f.pieces, piece{lit: lit.String(), key: key, field: -1, spec: sp,
			plain: sp.conv == 's' && !sp.minus && sp.width < 0 && sp.prec < 0})
		lit.Reset()
	}
	if lit.Len() > 0 {
		f.pieces = append(f.pieces, piece{lit: lit.String(), field: -1})
	}
	return f, nil
}

func convText(s string, start int) string {
	end := start + 1
	for end < len(s) && !strings.ContainsRune("diouxXeEfFgGcrsa%", rune(s[end])) {
		end++
	}
	if end < len(s) {
		end++
	}
	return s[start:end]
}

func digits(s string, i int) (n, k int) {
	for i+k < len(s) && s[i+k] >= '0' && s[i+k] <= '9' {
		if n < 1<<20 {
			n = n*10 + int(s[i+k]-'0')
		}
		k++
	}
	return n, k
}

// numeric reports whether a conversion needs a number.
func (sp spec) numeric() bool { return strings.IndexByte("diouxXeEfFgGc", sp.conv) >= 0 }

// integral reports whether a conversion needs an integer (not a float).
func (sp spec) integral() bool { return strings.IndexByte("oxXc", sp.conv) >= 0 }

// value kinds.
const (
	kNone = iota
	kStr
	kInt
	kFloat
	kBool
	kList
)

// value is a Python value: None, str, int, float, bool or a list of str.
type value struct {
	kind uint8
	s    string
	i    int64
	f    float64
	list []string
}

func vStr(s string) value    { return value{kind: kStr, s: s} }
func vInt(i int64) value     { return value{kind: kInt, i: i} }
func vFloat(f float64) value { return value{kind: kFloat, f: f} }
func vBool(b bool) value     { return value{kind: kBool, i: b2i(b)} }
func vList(l []string) value { return value{kind: kList, list: l} }
func vOptStr(s string) value {
	if s == "" {
		return value{}
	}
	return vStr(s)
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// truthy is Python's bool(v).
func (v value) truthy() bool {
	switch v.kind {
	case kStr:
		return v.s != ""
	case kInt, kBool:
		return v.i != 0
	case kFloat:
		return v.f != 0
	case kList:
		return len(v.list) > 0
	}
	return false
}

// appendStr appends Python's str(v).
func appendStr(b []byte, v value) []byte {
	switch v.kind {
	case kNone:
		return append(b, "None"...)
	case kStr:
		return append(b, v.s...)
	case kInt:
		return strconv.AppendInt(b, v.i, 10)
	case kFloat:
		return py.AppendFloatRepr(b, v.f)
	case kBool:
		if v.i != 0 {
			return append(b, "True"...)
		}
		return append(b, "False"...)
	case kList:
		b = append(b, '[')
		for i, s := range v.list {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendStrRepr(b, s, false)
		}
		return append(b, ']')
	}
	return b
}

// appendRepr appends Python's repr(v), or ascii(v) when ascii is set.
func appendRepr(b []byte, v value, ascii bool) []byte {
	if v.kind == kStr {
		return appendStrRepr(b, v.s, ascii)
	}
	if v.kind == kList && ascii {
		b = append(b, '[')
		for i, s := range v.list {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendStrRepr(b, s, true)
		}
		return append(b, ']')
	}
	return appendStr(b, v)
}

// appendStrRepr appends the repr of a str, or its ascii() when ascii is
// set.
func appendStrRepr(b []byte, s string, ascii bool) []byte {
	if ascii {
		return py.AppendStrASCII(b, s)
	}
	return py.AppendStrRepr(b, s)
}

// appendFormatted appends v converted by sp, as Python's % operator. The
// conversion was checked against the value's kind when the format was
// compiled; a mismatch left (a None where a number is wanted) is written
// with str().
func appendFormatted(b []byte, v value, sp spec) []byte {
	var body []byte
	var sign string
	var scratch [64]byte
	switch sp.conv {
	case 's':
		body = appendStr(scratch[:0], v)
		if sp.prec >= 0 {
			body = truncRunes(body, sp.prec)
		}
		return pad(b, "", body, sp, false)
	case 'r', 'a':
		body = appendRepr(scratch[:0], v, sp.conv == 'a')
		if sp.prec >= 0 {
			body = truncRunes(body, sp.prec)
		}
		return pad(b, "", body, sp, false)
	case 'c':
		var n int64
		switch v.kind {
		case kInt, kBool:
			n = v.i
		case kStr:
			return pad(b, "", append(scratch[:0], v.s...), sp, false)
		default:
			return pad(b, "", appendStr(scratch[:0], v), sp, false)
		}
		return pad(b, "", utf8.AppendRune(scratch[:0], rune(n)), sp, false)
	}
	// Numbers.
	var i int64
	var f float64
	isFloat := false
	switch v.kind {
	case kInt, kBool:
		i, f = v.i, float64(v.i)
	case kFloat:
		f, isFloat = v.f, true
		if math.IsInf(f, 0) || math.IsNaN(f) {
			i = 0
		} else {
			i = int64(f) // int() truncates toward zero
		}
	default:
		return pad(b, "", appendStr(scratch[:0], v), sp, false)
	}
	switch sp.conv {
	case 'd', 'i', 'u', 'o', 'x', 'X':
		if isFloat && (math.IsInf(f, 0) || math.IsNaN(f)) {
			return pad(b, "", py.AppendFloatRepr(scratch[:0], f), sp, false)
		}
		neg := i < 0
		u := uint64(i)
		if neg {
			u = uint64(-i)
		}

		base := 10
		prefix := ""
		switch sp.conv {
		case 'o':
			base = 8
			if sp.alt {
				prefix = "0o"
			}
		case 'x':
			base = 16
			if sp.alt {
				prefix = "0x"
			}
		case 'X':
			base = 16
			if sp.alt {
				prefix = "0X"
			}
		}
		if isFloat && math.Abs(f) >= 1<<63 {
			// int() of a large float is exact in Python.
			bi, _ := new(big.Float).SetFloat64(math.Abs(f)).Int(nil)
			body, neg = []byte(bi.Text(base)), f < 0
		} else {
			body = strconv.AppendUint(scratch[:0], u, base)
		}
		if sp.conv == 'X' {
			body = []byte(strings.ToUpper(string(body)))
		}
		if sp.prec > len(body) {
			body = append([]byte(strings.Repeat("0", sp.prec-len(body))), body...)
		}
		sign = signOf(neg, sp)
		return pad(b, sign+prefix, body, sp, true)
	default: // e E f F g G
		neg := math.Signbit(f) && !math.IsNaN(f)
		a := math.Abs(f)
		prec := sp.prec
		if prec < 0 {
			prec = 6
		}
		conv := sp.conv
		lower := conv | 0x20
		switch {
		case math.IsInf(a, 0):
			body = append(scratch[:0], "inf"...)
		case math.IsNaN(a):
			body = append(scratch[:0], "nan"...)
		case lower == 'f':
			body = strconv.AppendFloat(scratch[:0], a, 'f', prec, 64)
			if sp.alt && prec == 0 {
				body = append(body, '.')
			}
		case lower == 'e':
			body = strconv.AppendFloat(scratch[:0], a, 'e', prec, 64)
			if sp.alt && prec == 0 {
				body = []byte(strings.Replace(string(body), "e", ".e", 1))
			}
		default: // g
			if prec == 0 {
				prec = 1
			}
			body = appendG(scratch[:0], a, prec, sp.alt)
		}
		if conv >= 'A' && conv <= 'Z' {
			body = []byte(strings.ToUpper(string(body)))
		}
		sign = signOf(neg, sp)
		return pad(b, sign, body, sp, true)
	}
}

// appendG is C's %g: %e when the exponent is below -4 or at least the
// precision, else %f; trailing zeros removed unless alt.
func appendG(b []byte, a float64, prec int, alt bool) []byte {
	e := strconv.AppendFloat(nil, a, 'e', prec-1, 64)
	// The exponent after rounding to prec significant digits.
	k := strings.IndexByte(string(e), 'e')
	exp, _ := strconv.Atoi(string(e[k+1:]))
	var out []byte
	if exp < -4 || exp >= prec {
		mant := e[:k]
		if !alt {
			mant = trimZeros(mant)
		}
		out = append(mant, e[k:]...)
	} else {
		out = strconv.AppendFloat(nil, a, 'f', prec-1-exp, 64)
		if !alt {
			out = trimZeros(out)
		} else if !strings.ContainsRune(string(out), '.') {
			out = append(out, '.')
		}
	}
	return append(b, out...)
}

func trimZeros(s []byte) []byte {
	if !strings.ContainsRune(string(s), '.') {
		return s
	}
	for len(s) > 0 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

func signOf(neg bool, sp spec) string {
	switch {
	case neg:
		return "-"
	case sp.plus:
		return "+"
	case sp.space:
		return " "
	}
	return ""
}

func truncRunes(b []byte, n int) []byte {
	i := 0
	for k := 0; k < n && i < len(b); k++ {
		_, size := utf8.DecodeRune(b[i:])
		i += size
	}
	return b[:i]
}

// pad writes prefix (sign, 0x) and body in a field of sp.width characters:
// left-aligned with '-', zero-filled after the prefix with '0' for
// numbers, else right-aligned with spaces.
func pad(b []byte, prefix string, body []byte, sp spec, numeric bool) []byte {
	n := utf8.RuneCountInString(prefix) + utf8.RuneCount(body)
	fill := sp.width - n
	if fill <= 0 {
		b = append(b, prefix...)
		return append(b, body...)
	}
	switch {
	case sp.minus:
		b = append(b, prefix...)
		b = append(b, body...)
		return appendRepeat(b, ' ', fill)
	case sp.zero && numeric:
		b = append(b, prefix...)
		b = appendRepeat(b, '0', fill)
		return append(b, body...)
	}
	b = appendRepeat(b, ' ', fill)
	b = append(b, prefix...)
	return append(b, body...)
}

func appendRepeat(b []byte, c byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, c)
	}
	return b
}
