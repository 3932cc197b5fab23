package py

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Spec is one conversion of a printf-style format:
// %(key)[flags][width][.precision][length]conversion.
type Spec struct {
	Minus, Zero, Plus, Space, Alt bool // the flags - 0 + space #
	Width, Prec                   int  // -1: not given
	Conv                          byte // s r a d i u o x X e E f F g G c
}

// Numeric reports whether the conversion needs a number.
func (sp Spec) Numeric() bool { return strings.IndexByte("diouxXeEfFgGc", sp.Conv) >= 0 }

// Integral reports whether the conversion needs an integer: Python
// refuses a float for it.
func (sp Spec) Integral() bool { return strings.IndexByte("oxXc", sp.Conv) >= 0 }

// Plain reports whether the conversion is %s with no width or precision:
// str() of the value as it is.
func (sp Spec) Plain() bool { return sp.Conv == 's' && sp.Width < 0 && sp.Prec < 0 }

// Piece is literal text followed by at most one conversion.
type Piece struct {
	Lit    string // the text before the conversion, %% already made %
	Key    string // the mapping key
	HasKey bool   // whether the conversion has a (key)
	Spec   Spec   // Spec.Conv is 0 in a last piece of text only
	// Start and End are the byte offsets of the conversion in the format.
	Start, End int
}

// Converts reports whether the piece has a conversion.
func (p *Piece) Converts() bool { return p.Spec.Conv != 0 }

// ErrorKind is what is wrong with a format.
type ErrorKind int

const (
	// ErrIncomplete: the format ends inside a conversion.
	ErrIncomplete ErrorKind = iota + 1
	// ErrIncompleteKey: a "(" has no matching ")".
	ErrIncompleteKey
	// ErrStarWidth: the width is "*", which takes it from the arguments.
	ErrStarWidth
	// ErrStarPrecision: the precision is "*".
	ErrStarPrecision
	// ErrUnsupported: the conversion character is not one Python knows.
	ErrUnsupported
)

// FormatError is a format Python's % operator would reject (or, for "*",
// one that cannot work with a mapping).
type FormatError struct {
	Kind   ErrorKind
	Start  int  // byte offset of the '%' of the conversion
	Pos    int  // byte offset of the character at fault ('*' or the conversion)
	Char   rune // ErrUnsupported: the character, utf8.RuneError if not UTF-8
	Index  int  // ErrUnsupported: the character's index in code points, as Python counts
	HasKey bool // whether the conversion had a (key) before the error
}

// Error words the error as Python does where Python has words for it.
func (e *FormatError) Error() string {
	switch e.Kind {
	case ErrIncomplete:
		return "incomplete format"
	case ErrIncompleteKey:
		return "incomplete format key"
	case ErrStarWidth:
		return fmt.Sprintf("* width at byte %d cannot be used with a mapping", e.Pos)
	case ErrStarPrecision:
		return fmt.Sprintf("* precision at byte %d cannot be used with a mapping", e.Pos)
	}
	c := e.Char
	if c < 32 || c > 126 {
		c = '?'
	}
	return fmt.Sprintf("unsupported format character '%c' (%#x) at index %d", c, e.Char, e.Index)
}

// ParseFormat parses a printf-style format meant for a mapping, as
// Python's % operator reads it. The pieces hold the literal text and the
// conversions in order; a conversion without a (key) is returned with
// HasKey false, for the caller to accept or refuse. On a *FormatError the
// pieces before the fault are returned with it, so that a caller that
// checks each conversion can report the first fault in the text.
func ParseFormat(s string) ([]Piece, error) {
	var pieces []Piece
	var lit strings.Builder
	i := 0
	for i < len(s) {
		c := s[i]
		if c != '%' {
			lit.WriteByte(c)
			i++
			continue
		}
		p := Piece{Start: i, Spec: Spec{Width: -1, Prec: -1}}
		fail := func(kind ErrorKind, pos int) error {
			e := &FormatError{Kind: kind, Start: p.Start, Pos: pos, HasKey: p.HasKey}
			if kind == ErrUnsupported {
				e.Char, _ = utf8.DecodeRuneInString(s[pos:])
				e.Index = utf8.RuneCountInString(s[:pos])
			}
			return e
		}
		i++
		if i >= len(s) {
			return pieces, fail(ErrIncomplete, i)
		}
		if s[i] == '%' {
			lit.WriteByte('%')
			i++
			continue
		}
		if s[i] == '(' {
			// The key runs to the matching parenthesis: Python counts
			// nested ones.
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
			p.HasKey = true
			if depth > 0 {
				return pieces, fail(ErrIncompleteKey, i)
			}
			p.Key = s[i+1 : j-1]
			i = j
		}
		sp := &p.Spec
	flags:
		for i < len(s) {
			switch s[i] {
			case '-':
				sp.Minus = true
			case '0':
				sp.Zero = true
			case '+':
				sp.Plus = true
			case ' ':
				sp.Space = true
			case '#':
				sp.Alt = true
			default:
				break flags
			}
			i++
		}
		if i < len(s) && s[i] == '*' {
			return pieces, fail(ErrStarWidth, i)
		}
		if n, k := Digits(s, i); k > 0 {
			sp.Width, i = n, i+k
		}
		if i < len(s) && s[i] == '.' {
			i++
			if i < len(s) && s[i] == '*' {
				return pieces, fail(ErrStarPrecision, i)
			}
			n, k := Digits(s, i)
			sp.Prec, i = n, i+k
		}
		for i < len(s) && (s[i] == 'h' || s[i] == 'l' || s[i] == 'L') {
			i++
		}
		if i >= len(s) {
			return pieces, fail(ErrIncomplete, i)
		}
		if strings.IndexByte("diouxXeEfFgGcrsa", s[i]) < 0 {
			return pieces, fail(ErrUnsupported, i)
		}
		sp.Conv = s[i]
		i++
		p.End = i
		p.Lit = lit.String()
		lit.Reset()
		pieces = append(pieces, p)
	}
	if lit.Len() > 0 {
		pieces = append(pieces, Piece{Lit: lit.String(), Spec: Spec{Width: -1, Prec: -1}})
	}
	return pieces, nil
}

// Digits reads a decimal number at s[i:], as a width or a precision in a
// format string: its value (held below 2^20, more than any width needs)
// and its length in bytes (0: no digit there).
func Digits(s string, i int) (n, k int) {
	for i+k < len(s) && s[i+k] >= '0' && s[i+k] <= '9' {
		if n < 1<<20 {
			n = n*10 + int(s[i+k]-'0')
		}
		k++
	}
	return n, k
}
