package py

import (
	"errors"
	"math"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFormat(t *testing.T) {
	noSpec := Spec{Width: -1, Prec: -1}
	for _, tc := range []struct {
		format string
		want   []Piece
	}{
		{"", nil},
		{"plain text", []Piece{{Lit: "plain text", Spec: noSpec}}},
		{"100%% done", []Piece{{Lit: "100% done", Spec: noSpec}}},
		{"%(name)s", []Piece{{Key: "name", HasKey: true, Spec: Spec{Width: -1, Prec: -1, Conv: 's'}, End: 8}}},
		{"a %(x)-08.3f b", []Piece{
			{Lit: "a ", Key: "x", HasKey: true, Spec: Spec{Minus: true, Zero: true, Width: 8, Prec: 3, Conv: 'f'}, Start: 2, End: 12},
			{Lit: " b", Spec: noSpec}}},
		{"%(x)+ #5.d", []Piece{{Key: "x", HasKey: true, Spec: Spec{Plus: true, Space: true, Alt: true, Width: 5, Prec: 0, Conv: 'd'}, End: 10}}},
		{"%(a(b)c)ld%()r", []Piece{
			{Key: "a(b)c", HasKey: true, Spec: Spec{Width: -1, Prec: -1, Conv: 'd'}, End: 10},
			{Key: "", HasKey: true, Spec: Spec{Width: -1, Prec: -1, Conv: 'r'}, Start: 10, End: 14}}},
		{"é %5s", []Piece{{Lit: "é ", Spec: Spec{Width: 5, Prec: -1, Conv: 's'}, Start: 3, End: 6}}},
		{"%(x)99999999999d", []Piece{{Key: "x", HasKey: true, Spec: Spec{Width: 9999999, Prec: -1, Conv: 'd'}, End: 16}}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			got, err := ParseFormat(tc.format)
			if err != nil {
				t.Fatalf("ParseFormat(%q): %v", tc.format, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseFormat(%q) (-want +got):\n%s", tc.format, diff)
			}
		})
	}
}

func TestParseFormatErrors(t *testing.T) {
	for _, tc := range []struct {
		format string
		want   FormatError
		pieces int    // conversions parsed before the fault
		msg    string // Error()
	}{
		{"%", FormatError{Kind: ErrIncomplete, Pos: 1}, 0, "incomplete format"},
		{"%(a)s x%", FormatError{Kind: ErrIncomplete, Start: 7, Pos: 8}, 1, "incomplete format"},
		{"%(a)", FormatError{Kind: ErrIncomplete, Pos: 4, HasKey: true}, 0, "incomplete format"},
		{"%5", FormatError{Kind: ErrIncomplete, Pos: 2}, 0, "incomplete format"},
		{"%(a", FormatError{Kind: ErrIncompleteKey, Pos: 1, HasKey: true}, 0, "incomplete format key"},
		{"%(a(b)s", FormatError{Kind: ErrIncompleteKey, Pos: 1, HasKey: true}, 0, "incomplete format key"},
		{"%(a)*d", FormatError{Kind: ErrStarWidth, Pos: 4, HasKey: true}, 0, "* width at byte 4 cannot be used with a mapping"},
		{"%(a).*d", FormatError{Kind: ErrStarPrecision, Pos: 5, HasKey: true}, 0, "* precision at byte 5 cannot be used with a mapping"},
		{"%(a)q", FormatError{Kind: ErrUnsupported, Pos: 4, Char: 'q', Index: 4, HasKey: true}, 0, "unsupported format character 'q' (0x71) at index 4"},
		{"%(a)%", FormatError{Kind: ErrUnsupported, Pos: 4, Char: '%', Index: 4, HasKey: true}, 0, "unsupported format character '%' (0x25) at index 4"},
		{"%5z", FormatError{Kind: ErrUnsupported, Pos: 2, Char: 'z', Index: 2}, 0, "unsupported format character 'z' (0x7a) at index 2"},
		{"é%(a)s%(b)é", FormatError{Kind: ErrUnsupported, Start: 7, Pos: 11, Char: 'é', Index: 10, HasKey: true}, 1, "unsupported format character '?' (0xe9) at index 10"},
		{"%(a)\t", FormatError{Kind: ErrUnsupported, Pos: 4, Char: '\t', Index: 4, HasKey: true}, 0, "unsupported format character '?' (0x9) at index 4"},
		{"%(a)\xff", FormatError{Kind: ErrUnsupported, Pos: 4, Char: 0xfffd, Index: 4, HasKey: true}, 0, "unsupported format character '?' (0xfffd) at index 4"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			pieces, err := ParseFormat(tc.format)
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("ParseFormat(%q) = %v, want a *FormatError", tc.format, err)
			}
			if diff := cmp.Diff(tc.want, *fe); diff != "" {
				t.Errorf("ParseFormat(%q) error (-want +got):\n%s", tc.format, diff)
			}
			if len(pieces) != tc.pieces {
				t.Errorf("ParseFormat(%q) returned %d pieces with the error, want %d", tc.format, len(pieces), tc.pieces)
			}
			if err.Error() != tc.msg {
				t.Errorf("ParseFormat(%q) error says %q, want %q", tc.format, err.Error(), tc.msg)
			}
		})
	}
}

func TestAppendFormat(t *testing.T) {
	for _, tc := range []struct {
		format string
		v      Value
		want   string
	}{
		{"%(x)s", Str("abc"), "abc"},
		{"%(x)s", Value{}, "None"},
		{"%(x)s", Bool(true), "True"},
		{"%(x)r", StrList([]string{"a", "it's"}), `['a', "it's"]`},
		{"%(x)a", Str("é"), `'\xe9'`},
		{"%(x)-6s|", Str("ab"), "ab    |"},
		{"%(x)6.1s|", Str("żółw"), "     ż|"},
		{"%(x)s", Float(1e16), "1e+16"},
		{"%(x)d", Float(-2.9), "-2"},
		{"%(x)d", Float(1e20), "100000000000000000000"},
		{"%(x)x", Int(-255), "-ff"},
		{"%(x)#010X", Int(255), "0X000000FF"},
		{"%(x)#o", Int(8), "0o10"},
		{"%(x)+.3d", Int(5), "+005"},
		{"%(x) d", Bool(true), " 1"},
		{"%(x).2f", Float(2.675), "2.67"},
		{"%(x)#.0f", Float(2), "2."},
		{"%(x)#.0e", Float(12345), "1.e+04"},
		{"%(x)E", Float(-1.5e-7), "-1.500000E-07"},
		{"%(x)g", Float(1e-5), "1e-05"},
		{"%(x)g", Float(123456789), "1.23457e+08"},
		{"%(x)#g", Float(0.5), "0.500000"},
		// Python: '%#.1g' % 1e10 is '1.e+10' (log's former copy wrote 1e+10).
		{"%(x)#.1g", Float(1e10), "1.e+10"},
		{"%(x)#.3g", Float(100), "100."},
		{"%(x)G", Float(math.Inf(-1)), "-INF"},
		// Python zero-fills inf and nan (wsgi's former copy did not).
		{"%(x)05f", Float(math.Inf(1)), "00inf"},
		{"%(x)+f", Float(math.NaN()), "+nan"},
		{"%(x)f", Float(math.Copysign(math.NaN(), -1)), "nan"},
		{"%(x)c", Int(0x1f600), "😀"},
		// Python ignores the precision of %c (wsgi's former copy cut it).
		{"%(x).0c", Int(65), "A"},
		{"%(x)3c", Int(65), "  A"},
		{"%(x)c", Int(0x110000), "\ufffd"},
		{"%(x)c", Int(1<<32 + 65), "\ufffd"},
		{"%(x)d", Float(math.Inf(1)), "inf"},
		{"%(x)d", Str("not a number"), "not a number"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			pieces, err := ParseFormat(tc.format)
			if err != nil {
				t.Fatal(err)
			}
			b := []byte(pieces[0].Lit)
			b = AppendFormat(b, tc.v, pieces[0].Spec)
			for _, p := range pieces[1:] {
				b = append(b, p.Lit...)
			}
			if got := string(b); got != tc.want {
				t.Errorf("%q %% %v = %q, want %q", tc.format, tc.v, got, tc.want)
			}
		})
	}
}

func TestSpecPredicates(t *testing.T) {
	for _, tc := range []struct {
		spec                     string
		numeric, integral, plain bool
	}{
		{"s", false, false, true}, {"-s", false, false, true}, {"5s", false, false, false}, {".1s", false, false, false},
		{"r", false, false, false}, {"a", false, false, false}, {"d", true, false, false}, {"i", true, false, false},
		{"u", true, false, false}, {"f", true, false, false}, {"G", true, false, false}, {"x", true, true, false},
		{"X", true, true, false}, {"o", true, true, false}, {"c", true, true, false},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			pieces, err := ParseFormat("%(k)" + tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			sp := pieces[0].Spec
			if sp.Numeric() != tc.numeric || sp.Integral() != tc.integral || sp.Plain() != tc.plain {
				t.Errorf("%s: Numeric %v Integral %v Plain %v, want %v %v %v", tc.spec,
					sp.Numeric(), sp.Integral(), sp.Plain(), tc.numeric, tc.integral, tc.plain)
			}
		})
	}
}

func TestTruthy(t *testing.T) {
	for _, tc := range []struct {
		v    Value
		want bool
	}{
		{Value{}, false}, {Str(""), false}, {Str("x"), true}, {Int(0), false}, {Int(-1), true},
		{Float(0), false}, {Float(math.Copysign(0, -1)), false}, {Float(0.1), true}, {Bool(false), false},
		{Bool(true), true}, {StrList(nil), false}, {StrList([]string{""}), true},
	} {
		if got := tc.v.Truthy(); got != tc.want {
			t.Errorf("bool(%v) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

// TestFormatAgainstPython applies every conversion to every value with
// Python's % operator and compares; a pair Python refuses is skipped
// (the callers refuse such formats when they compile them).
func TestFormatAgainstPython(t *testing.T) {
	specs := []string{"s", "r", "a", "d", "i", "u", "o", "x", "X", "e", "E", "f", "F", "g", "G", "c",
		"5s", "-5s", "05s", ".2s", ".0s", "10.3s", "-10r", ".3a", "05d", "-5d", "+d", " d", "+05d", ".3d", "5.3d",
		"#x", "#X", "#o", "#08x", "-#8o", "#.4x", "08.3f", "+.2e", "-12.4E", "#g", "#G", "#.3g", ".0f", "#.0f",
		".0e", "#.0e", ".10g", "20.15g", ".1f", ".0g", "#.0g", "#.1g", "#.2g", "+g", " 010.2f", "-010d", "ld",
		"hd", "Lf", "3c", "-3c", ".0c", "05c", "015.3e", "+ d", "0-5d", "30f", ".20f", ".17g", "#.17g"}
	vals := []Value{
		Int(0), Int(7), Int(-42), Int(123456789012), Int(65), Int(0x1f600), Int(math.MaxInt64), Int(math.MinInt64),
		Float(0), Float(math.Copysign(0, -1)), Float(2.5), Float(-1.75), Float(0.1), Float(1e-5),
		Float(123456.789), Float(1e16), Float(1.5e300), Float(0.000123456), Float(1234567.0),
		Float(0.5), Float(1.5), Float(2.675), Float(math.Inf(1)), Float(math.Inf(-1)), Float(math.NaN()),
		Float(1700000000.1234567), Float(99.99999), Float(9.9999999e-5), Float(1e10), Float(-1e22),
		Float(9.5), Float(0.05), Float(5e-324), Float(1e100),
		Str(""), Str("abc"), Str("it's"), Str(`say "hi"`), Str(`both ' and "`), Str("tab\tnew\nline\\"),
		Str("żółw 🐢 é"), Str("\x00\x1f\x7f\u0085\u00a0\u00ad\u2028\u200b\ufeff\U000e0001"), Str("x"),
		Str("\u0378\ue000\U0010ffff\u3000\u1680 \U0001f600"),
		Value{}, Bool(true), Bool(false), StrList([]string{}), StrList([]string{"admin", "it's", "é\n"}),
	}
	type pair struct {
		format string
		val    Value
	}
	var pairs []pair
	var req [][2]any
	for _, sp := range specs {
		for _, v := range vals {
			f := "<%(x)" + sp + ">"
			pairs = append(pairs, pair{f, v})
			req = append(req, [2]any{f, jsonValue(v)})
		}
	}
	const program = `
import json, sys
def value(v):
    if "none" in v: return None
    if "int" in v: return v["int"]
    if "float" in v: return float(v["float"])
    if "str" in v: return v["str"]
    if "bool" in v: return v["bool"]
    return v["list"]
out = []
for fmt, v in json.load(sys.stdin):
    try:
        out.append(fmt % {"x": value(v)})
    except Exception as e:
        out.append({"error": "%s: %s" % (type(e).__name__, e)})
json.dump(out, sys.stdout)
`
	var resp []any
	runPython(t, program, req, &resp)
	fails, n := 0, 0
	for i, p := range pairs {
		want, ok := resp[i].(string)
		if !ok {
			continue // Python refuses it
		}
		pieces, err := ParseFormat(p.format)
		if err != nil {
			t.Errorf("ParseFormat(%q): %v", p.format, err)
			continue
		}
		n++
		got := string(AppendFormat([]byte(pieces[0].Lit), p.val, pieces[0].Spec)) + pieces[1].Lit
		if got != want {
			fails++
			if fails <= 40 {
				t.Errorf("%q %% %s = %q, Python %q", p.format, describe(p.val), got, want)
			}
		}
	}
	if fails > 0 {
		t.Errorf("%d of %d differ", fails, n)
	}
	t.Logf("%d conversions compared", n)
}

func describe(v Value) string {
	switch v.Kind {
	case KindInt:
		return strconv.FormatInt(v.I, 10)
	case KindFloat:
		return strconv.FormatFloat(v.F, 'g', -1, 64)
	case KindStr:
		return strconv.Quote(v.S)
	}
	return v.Kind.String()
}

func jsonValue(v Value) map[string]any {
	switch v.Kind {
	case KindInt:
		return map[string]any{"int": v.I}
	case KindFloat:
		switch {
		case math.IsInf(v.F, 1):
			return map[string]any{"float": "inf"}
		case math.IsInf(v.F, -1):
			return map[string]any{"float": "-inf"}
		case math.IsNaN(v.F):
			return map[string]any{"float": "nan"}
		case v.F == 0 && math.Signbit(v.F):
			return map[string]any{"float": "-0.0"}
		}
		return map[string]any{"float": strconv.FormatFloat(v.F, 'g', -1, 64)}
	case KindStr:
		return map[string]any{"str": v.S}
	case KindBool:
		return map[string]any{"bool": v.I != 0}
	case KindList:
		return map[string]any{"list": v.List}
	}
	return map[string]any{"none": true}
}

// TestFormatErrorsAgainstPython: where Python has words for a fault
// (all but "*"), FormatError.Error says what Python's ValueError says.
func TestFormatErrorsAgainstPython(t *testing.T) {
	formats := []string{"%", "abc %", "%(a)s x%", "%(a)", "%5", "%(a)5.", "%(a)l", "%(a", "%(a(b)s", "%(a)q",
		"%(a)%", "%5z", "%(a)s%(b)é", "é%(a)s%(b)é", "%(a)\t", "%(a)\x7f", "%(a)\xff", "%(a)-#0 +y", "%(a)5.3lk"}
	const program = `
import json, sys
out = []
for f in json.load(sys.stdin):
    try:
        f % {"a": 1, "b": 2}
        out.append("")
    except ValueError as e:
        out.append(str(e))
json.dump(out, sys.stdout)
`
	var want []string
	runPython(t, program, formats, &want)
	for i, f := range formats {
		t.Run(f, func(t *testing.T) {
			_, err := ParseFormat(f)
			if err == nil || err.Error() != want[i] {
				t.Errorf("ParseFormat(%q) = %v, Python says %q", f, err, want[i])
			}
		})
	}
}
