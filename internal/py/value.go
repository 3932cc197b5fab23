package py

import (
	"bytes"
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"
)

// Kind is the Python type of a Value.
type Kind uint8

// The kinds of Value.
const (
	KindNone Kind = iota
	KindStr
	KindInt
	KindFloat
	KindBool
	KindList // a list of str
)

// String is the name of the Python type.
func (k Kind) String() string {
	switch k {
	case KindStr:
		return "str"
	case KindInt:
		return "int"
	case KindFloat:
		return "float"
	case KindBool:
		return "bool"
	case KindList:
		return "list"
	}
	return "NoneType"
}

// Value is a Python value a format can be applied to: None (the zero
// Value), a str, an int, a float, a bool or a list of str.
type Value struct {
	Kind Kind
	S    string   // KindStr
	I    int64    // KindInt; KindBool: 1 for True, 0 for False
	F    float64  // KindFloat
	List []string // KindList
}

// Str is a Python str.
func Str(s string) Value { return Value{Kind: KindStr, S: s} }

// Int is a Python int.
func Int(i int64) Value { return Value{Kind: KindInt, I: i} }

// Float is a Python float.
func Float(f float64) Value { return Value{Kind: KindFloat, F: f} }

// Bool is a Python bool.
func Bool(b bool) Value {
	if b {
		return Value{Kind: KindBool, I: 1}
	}
	return Value{Kind: KindBool}
}

// StrList is a Python list of str.
func StrList(l []string) Value { return Value{Kind: KindList, List: l} }

// Truthy is Python's bool(v).
func (v Value) Truthy() bool {
	switch v.Kind {
	case KindStr:
		return v.S != ""
	case KindInt, KindBool:
		return v.I != 0
	case KindFloat:
		return v.F != 0
	case KindList:
		return len(v.List) > 0
	}
	return false
}

// AppendStr appends Python's str(v).
func AppendStr(b []byte, v Value) []byte {
	switch v.Kind {
	case KindNone:
		return append(b, "None"...)
	case KindStr:
		return append(b, v.S...)
	case KindInt:
		return strconv.AppendInt(b, v.I, 10)
	case KindFloat:
		return AppendFloatRepr(b, v.F)
	case KindBool:
		if v.I != 0 {
			return append(b, "True"...)
		}
		return append(b, "False"...)
	case KindList:
		return appendList(b, v.List, false)
	}
	return b
}

// AppendRepr appends Python's repr(v).
func AppendRepr(b []byte, v Value) []byte { return appendRepr(b, v, false) }

// AppendASCII appends Python's ascii(v): repr(v) with every non-ASCII
// character escaped.
func AppendASCII(b []byte, v Value) []byte { return appendRepr(b, v, true) }

func appendRepr(b []byte, v Value, ascii bool) []byte {
	switch v.Kind {
	case KindStr:
		return appendStrRepr(b, v.S, ascii)
	case KindList:
		return appendList(b, v.List, ascii)
	}
	return AppendStr(b, v)
}

func appendList(b []byte, l []string, ascii bool) []byte {
	b = append(b, '[')
	for i, s := range l {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendStrRepr(b, s, ascii)
	}
	return append(b, ']')
}

// AppendFormat appends v converted by sp, as Python's % operator does.
// The caller checks beforehand that the conversion suits the value's
// kind, as Python would (%d of a str, %x of a float and %c of a float
// raise TypeError): where they do not suit, the value is written with
// str(), and %d of an infinite float is written as the float, where
// Python raises OverflowError. %c of an int outside Unicode gives U+FFFD.
func AppendFormat(b []byte, v Value, sp Spec) []byte {
	var scratch [64]byte
	var body []byte
	switch sp.Conv {
	case 's':
		body = AppendStr(scratch[:0], v)
		if sp.Prec >= 0 {
			body = truncRunes(body, sp.Prec)
		}
		return pad(b, "", body, sp, false)
	case 'r', 'a':
		body = appendRepr(scratch[:0], v, sp.Conv == 'a')
		if sp.Prec >= 0 {
			body = truncRunes(body, sp.Prec)
		}
		return pad(b, "", body, sp, false)
	case 'c':
		switch v.Kind {
		case KindInt, KindBool:
			r := utf8.RuneError
			if v.I >= 0 && v.I <= utf8.MaxRune {
				r = rune(v.I)
			}
			body = utf8.AppendRune(scratch[:0], r)
		case KindStr:
			body = append(scratch[:0], v.S...)
		default:
			body = AppendStr(scratch[:0], v)
		}
		return pad(b, "", body, sp, false)
	}
	// Numbers.
	var i int64
	var f float64
	isFloat := false
	switch v.Kind {
	case KindInt, KindBool:
		i, f = v.I, float64(v.I)
	case KindFloat:
		f, isFloat = v.F, true
		if !math.IsInf(f, 0) && !math.IsNaN(f) {
			i = int64(f) // int() truncates toward zero
		}
	default:
		return pad(b, "", AppendStr(scratch[:0], v), sp, false)
	}
	switch sp.Conv {
	case 'd', 'i', 'u', 'o', 'x', 'X':
		if isFloat && (math.IsInf(f, 0) || math.IsNaN(f)) {
			return pad(b, "", AppendFloatRepr(scratch[:0], f), sp, false)
		}
		neg := i < 0
		u := uint64(i)
		if neg {
			u = -u
		}
		base := 10
		prefix := ""
		switch sp.Conv {
		case 'o':
			base = 8
			if sp.Alt {
				prefix = "0o"
			}
		case 'x':
			base = 16
			if sp.Alt {
				prefix = "0x"
			}
		case 'X':
			base = 16
			if sp.Alt {
				prefix = "0X"
			}
		}
		var num []byte
		if isFloat && math.Abs(f) >= 1<<63 {
			// int() of a large float is exact in Python.
			bi, _ := new(big.Float).SetFloat64(math.Abs(f)).Int(nil)
			num, neg = bi.Append(scratch[:0], base), f < 0
		} else {
			num = strconv.AppendUint(scratch[:0], u, base)
		}
		if sp.Conv == 'X' {
			upper(num)
		}
		if zeros := sp.Prec - len(num); zeros > 0 {
			var buf [64]byte
			body = AppendRepeat(buf[:0], '0', zeros)
			body = append(body, num...)
		} else {
			body = num
		}
		return pad(b, sign(neg, sp)+prefix, body, sp, true)
	default: // e E f F g G
		neg := math.Signbit(f) && !math.IsNaN(f)
		a := math.Abs(f)
		prec := sp.Prec
		if prec < 0 {
			prec = 6
		}
		switch {
		case math.IsInf(a, 0):
			body = append(scratch[:0], "inf"...)
		case math.IsNaN(a):
			body = append(scratch[:0], "nan"...)
		case sp.Conv|0x20 == 'f':
			body = strconv.AppendFloat(scratch[:0], a, 'f', prec, 64)
			if sp.Alt && prec == 0 {
				body = append(body, '.')
			}
		case sp.Conv|0x20 == 'e':
			body = strconv.AppendFloat(scratch[:0], a, 'e', prec, 64)
			if sp.Alt && prec == 0 {
				body = dotBeforeExponent(body)
			}
		default: // g
			if prec == 0 {
				prec = 1
			}
			body = appendG(scratch[:0], a, prec, sp.Alt)
		}
		if sp.Conv >= 'A' && sp.Conv <= 'Z' {
			upper(body)
		}
		return pad(b, sign(neg, sp), body, sp, true)
	}
}

// appendG is C's %g of a finite a >= 0: %e when the exponent (after
// rounding to prec significant digits) is below -4 or at least prec, else
// %f; trailing zeros removed, unless alt, which keeps them and the point.
func appendG(b []byte, a float64, prec int, alt bool) []byte {
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], a, 'e', prec-1, 64)
	k := bytes.IndexByte(e, 'e')
	exp := 0
	for _, c := range e[k+2:] {
		exp = exp*10 + int(c-'0')
	}
	if e[k+1] == '-' {
		exp = -exp
	}
	if exp < -4 || exp >= prec {
		mant := e[:k]
		if !alt {
			mant = trimZeros(mant)
		}
		b = append(b, mant...)
		if alt && bytes.IndexByte(mant, '.') < 0 {
			b = append(b, '.')
		}
		return append(b, e[k:]...)
	}
	start := len(b)
	b = strconv.AppendFloat(b, a, 'f', prec-1-exp, 64)
	switch {
	case !alt:
		return append(b[:start], trimZeros(b[start:])...)
	case bytes.IndexByte(b[start:], '.') < 0:
		return append(b, '.')
	}
	return b
}

// dotBeforeExponent turns 1e+10 into 1.e+10.
func dotBeforeExponent(e []byte) []byte {
	k := bytes.IndexByte(e, 'e')
	e = append(e, 0)
	copy(e[k+1:], e[k:])
	e[k] = '.'
	return e
}

func trimZeros(s []byte) []byte {
	if bytes.IndexByte(s, '.') < 0 {
		return s
	}
	s = bytes.TrimRight(s, "0")
	return bytes.TrimSuffix(s, []byte("."))
}

func upper(b []byte) {
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
}

func sign(neg bool, sp Spec) string {
	switch {
	case neg:
		return "-"
	case sp.Plus:
		return "+"
	case sp.Space:
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

// pad writes prefix (sign, 0x) and body in a field of sp.Width
// characters: left-aligned with '-', zero-filled after the prefix with
// '0' for numbers, else right-aligned with spaces.
func pad(b []byte, prefix string, body []byte, sp Spec, numeric bool) []byte {
	fill := sp.Width - utf8.RuneCountInString(prefix) - utf8.RuneCount(body)
	if fill <= 0 {
		b = append(b, prefix...)
		return append(b, body...)
	}
	switch {
	case sp.Minus:
		b = append(b, prefix...)
		b = append(b, body...)
		return AppendRepeat(b, ' ', fill)
	case sp.Zero && numeric:
		b = append(b, prefix...)
		b = AppendRepeat(b, '0', fill)
		return append(b, body...)
	}
	b = AppendRepeat(b, ' ', fill)
	b = append(b, prefix...)
	return append(b, body...)
}
