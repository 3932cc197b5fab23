package py

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// FloatRepr is Python's repr() (and str()) of a float.
func FloatRepr(f float64) string {
	var buf [32]byte
	return string(AppendFloatRepr(buf[:0], f))
}

// AppendFloatRepr appends Python's repr() of a float: the shortest digits
// that read back as f, in positional notation for decimal exponents from
// -4 to 15 (with ".0" when the value is integral), else in scientific
// notation with at least two exponent digits; inf, -inf and nan as such.
func AppendFloatRepr(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "nan"...)
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	}
	if a := math.Abs(f); a >= 1e-3 && a < 1e15 {
		// Well inside the range repr writes without an exponent (a point
		// position from -3 to 16): the shortest digits as Go writes them,
		// with ".0" for a whole number.
		n := len(b)
		b = strconv.AppendFloat(b, f, 'f', -1, 64)
		if !slices.Contains(b[n:], '.') {
			b = append(b, ".0"...)
		}
		return b
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
	decpt := x + 1 // the value is 0.digits × 10^decpt
	if decpt > -4 && decpt <= 16 {
		switch {
		case decpt <= 0:
			b = append(b, "0."...)
			b = AppendRepeat(b, '0', -decpt)
			b = append(b, digits...)
		case decpt >= len(digits):
			b = append(b, digits...)
			b = AppendRepeat(b, '0', decpt-len(digits))
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

// StrRepr is Python's repr() of a str.
func StrRepr(s string) string {
	var buf [64]byte
	return string(AppendStrRepr(buf[:0], s))
}

// AppendStrRepr appends Python's repr() of a str: in single quotes unless
// the text holds a single quote and no double quote, with backslash
// escapes for the quote, the backslash, \t, \n, \r and every character
// that is not printable (\xhh, \uhhhh or \Uhhhhhhhh). s is read as UTF-8;
// a byte that is not UTF-8 counts as U+FFFD.
func AppendStrRepr(b []byte, s string) []byte {
	return appendStrRepr(b, s, false)
}

// AppendStrASCII appends Python's ascii() of a str: repr() with every
// non-ASCII character escaped too.
func AppendStrASCII(b []byte, s string) []byte {
	return appendStrRepr(b, s, true)
}

func appendStrRepr(b []byte, s string, ascii bool) []byte {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	b = append(b, q)
	for _, r := range s {
		switch {
		case r == rune(q) || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\t':
			b = append(b, `\t`...)
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r >= ' ' && r < 0x7f:
			b = append(b, byte(r))
		case !ascii && IsPrintable(r):
			b = utf8.AppendRune(b, r)
		case r <= 0xff:
			b = append(b, '\\', 'x', hexDigits[r>>4], hexDigits[r&0xf])
		case r <= 0xffff:
			b = append(b, '\\', 'u')
			b = appendHex(b, uint32(r), 4)
		default:
			b = append(b, '\\', 'U')
			b = appendHex(b, uint32(r), 8)
		}
	}
	return append(b, q)
}

// IsPrintable is Python's str.isprintable() for one character: false for
// the categories Cc, Cf, Cs, Co, Cn, Zl, Zp and for the Zs spaces other
// than the ASCII space. (Go's unicode.IsPrint draws the same line.)
func IsPrintable(r rune) bool {
	return unicode.IsPrint(r)
}

// appendHex appends the n lowest hex digits of v.
func appendHex(b []byte, v uint32, n int) []byte {
	for shift := 4 * (n - 1); shift >= 0; shift -= 4 {
		b = append(b, hexDigits[v>>shift&0xf])
	}
	return b
}

// AppendRepeat appends n copies of c (none for n <= 0), as padding.
func AppendRepeat(b []byte, c byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, c)
	}
	return b
}
