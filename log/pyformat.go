package log

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goslo/goslo/internal/py"
)

// Logging format strings are Python's printf-style formatting with a
// mapping ("%(name)s" % record.__dict__). The parser and the conversions
// are internal/py's, shared with wsgi's access log; what is the log's own
// is here: every conversion must name a field (checked with the field
// list in text.go), and the errors say so in the log's words.

// spec is one conversion: %(key)[flags][width][.precision][length]conv.
type spec py.Spec

// numeric reports whether a conversion needs a number.
func (sp spec) numeric() bool { return py.Spec(sp).Numeric() }

// integral reports whether a conversion needs an integer (not a float).
func (sp spec) integral() bool { return py.Spec(sp).Integral() }

// piece is literal text followed by at most one conversion.
type piece struct {
	lit   string
	key   string // "": no conversion
	field int    // resolved by the user of the format
	spec  spec
	plain bool // %(key)s: no width or precision
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
	ps, err := py.ParseFormat(s)
	// The first fault in the text wins: a conversion without a key is
	// refused as soon as its '%' is read.
	for _, p := range ps {
		if p.Converts() && !p.HasKey {
			return nil, noKeyError(s, p.Start)
		}
	}
	if err != nil {
		var fe *py.FormatError
		if !errors.As(err, &fe) {
			return nil, err
		}
		switch {
		case !fe.HasKey && fe.Start+1 < len(s):
			return nil, noKeyError(s, fe.Start)
		case fe.Kind == py.ErrStarWidth:
			return nil, fmt.Errorf("* width at index %d is not possible with a mapping", fe.Pos)
		case fe.Kind == py.ErrStarPrecision:
			return nil, fmt.Errorf("* precision at index %d is not possible with a mapping", fe.Pos)
		case fe.Kind == py.ErrUnsupported:
			return nil, fmt.Errorf("unsupported format character %q (%#x) at index %d", fe.Char, fe.Char, fe.Index)
		}
		return nil, err // incomplete format (key)
	}
	f := &pyFormat{text: s, pieces: make([]piece, 0, len(ps))}
	for _, p := range ps {
		f.pieces = append(f.pieces, piece{lit: p.Lit, key: p.Key, field: -1, spec: spec(p.Spec), plain: p.Spec.Plain()})
	}
	return f, nil
}

func noKeyError(s string, start int) error {
	return fmt.Errorf("conversion %q at index %d has no mapping key: use %%(name)s", convText(s, start), start)
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

// value kinds, internal/py's.
const (
	kNone  = py.KindNone
	kStr   = py.KindStr
	kInt   = py.KindInt
	kFloat = py.KindFloat
	kBool  = py.KindBool
	kList  = py.KindList
)

// value is a Python value: None, str, int, float, bool or a list of str.
type value = py.Value

func vStr(s string) value    { return value{Kind: kStr, S: s} }
func vInt(i int64) value     { return value{Kind: kInt, I: i} }
func vFloat(f float64) value { return value{Kind: kFloat, F: f} }
func vBool(b bool) value     { return value{Kind: kBool, I: b2i(b)} }
func vList(l []string) value { return value{Kind: kList, List: l} }
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

// appendStr appends Python's str(v).
func appendStr(b []byte, v value) []byte { return py.AppendStr(b, v) }

// appendFormatted appends v converted by sp, as Python's % operator. The
// conversion was checked against the value's kind when the format was
// compiled; a mismatch left (a None where a number is wanted) is written
// with str().
func appendFormatted(b []byte, v value, sp spec) []byte {
	return py.AppendFormat(b, v, py.Spec(sp))
}
