package py

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goslo/goslo/internal/ini"
)

// ErrSyntax is returned for text that int() or float() refuses
// (ValueError: invalid literal for int(), could not convert string to
// float).
var ErrSyntax = errors.New("invalid syntax")

// ErrRange is returned for an integer Python would accept but int64
// cannot hold.
var ErrRange = errors.New("out of range for a 64-bit integer")

// ParseInt is Python's int(s) for a str argument in base 10, for results
// that fit an int64: white space around, a sign, digits of any script
// (category Nd) and single underscores between digits.
//
// The white space is str.strip's, which includes U+001C..U+001F; Python's
// int() and float() do not strip those four. config and objects have
// always stripped them, and this shared code keeps that.
func ParseInt(s string) (int64, error) {
	t, ok := normalizeNumber(s)
	if !ok || t == "" {
		return 0, ErrSyntax
	}
	body := t
	if body[0] == '+' || body[0] == '-' {
		body = body[1:]
	}
	if body == "" || !isDigit(body[0]) {
		return 0, ErrSyntax
	}
	for i := 0; i < len(body); i++ {
		if !isDigit(body[i]) && body[i] != '_' {
			return 0, ErrSyntax
		}
	}
	clean, ok := stripDigitUnderscores(t)
	if !ok {
		return 0, ErrSyntax
	}
	n, err := strconv.ParseInt(clean, 10, 64)
	if err != nil {
		return 0, ErrRange
	}
	return n, nil
}

// ParseFloat is Python's float(s) for a str argument: a decimal number
// (digits of any script, single underscores between digits), or inf,
// infinity or nan in any case, with a sign. A number beyond float64 is
// ±inf, or 0, as in Python.
func ParseFloat(s string) (float64, error) {
	t, ok := normalizeNumber(s)
	if !ok || t == "" {
		return 0, ErrSyntax
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
		return 0, ErrSyntax
	}
	clean, ok := stripDigitUnderscores(t)
	if !ok {
		return 0, ErrSyntax
	}
	f, err := strconv.ParseFloat(clean, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, ErrSyntax
	}
	return f, nil
}

// normalizeNumber does what CPython does before parsing int() and float()
// arguments: strips white space and turns every Unicode decimal digit into
// its ASCII form. ok is false when another non-ASCII character remains.
func normalizeNumber(s string) (string, bool) {
	s = ini.TrimSpace(s)
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

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
