package py

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestParseInt(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int64
		err  error
	}{
		{"42", 42, nil}, {" 12 ", 12, nil}, {"+5", 5, nil}, {"-0", 0, nil}, {"1_000", 1000, nil},
		{"0005", 5, nil}, {"\u0664\u0662", 42, nil}, {"\u2003 5\u00a0", 5, nil}, {"\U0001D7D7", 9, nil},
		{"9223372036854775807", math.MaxInt64, nil}, {"-9223372036854775808", math.MinInt64, nil},
		{"9223372036854775808", 0, ErrRange}, {"-99_999_999_999_999_999_999", 0, ErrRange},
		{"12.0", 0, ErrSyntax}, {"abc", 0, ErrSyntax}, {"", 0, ErrSyntax}, {"  ", 0, ErrSyntax},
		{"1__0", 0, ErrSyntax}, {"_1", 0, ErrSyntax}, {"1_", 0, ErrSyntax}, {"0x10", 0, ErrSyntax},
		{"+_1", 0, ErrSyntax}, {"- 1", 0, ErrSyntax}, {"+-1", 0, ErrSyntax}, {"1é", 0, ErrSyntax}, {"1\u200b", 0, ErrSyntax},
	} {
		t.Run(tc.s, func(t *testing.T) {
			got, err := ParseInt(tc.s)
			if got != tc.want || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Errorf("ParseInt(%q) = %d, %v; want %d, %v", tc.s, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestParseFloat(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want float64
		ok   bool
	}{
		{" 5.5", 5.5, true}, {"1_000.5", 1000.5, true}, {".5", .5, true}, {"5.", 5, true}, {"1e5", 1e5, true},
		{"-1E-3", -1e-3, true}, {"INF", math.Inf(1), true}, {"-Infinity", math.Inf(-1), true}, {"+inf", math.Inf(1), true},
		{"\u0664.\u0662", 4.2, true}, {"1e400", math.Inf(1), true}, {"-1e400", math.Inf(-1), true}, {"1e-400", 0, true},
		{"0x1p3", 0, false}, {"1_e5", 0, false}, {"infinit", 0, false}, {"", 0, false}, {".", 0, false},
		{"e5", 0, false}, {"1e", 0, false}, {"1._5", 0, false}, {"1e5_", 0, false}, {"--1", 0, false}, {"nan1", 0, false},
	} {
		t.Run(tc.s, func(t *testing.T) {
			got, err := ParseFloat(tc.s)
			if (err == nil) != tc.ok || (tc.ok && got != tc.want) || (!tc.ok && !errors.Is(err, ErrSyntax)) {
				t.Errorf("ParseFloat(%q) = %v, %v; want %v ok=%v", tc.s, got, err, tc.want, tc.ok)
			}
		})
	}
	for _, s := range []string{"nan", "+nan", " -NaN\t"} {
		if f, err := ParseFloat(s); err != nil || !math.IsNaN(f) {
			t.Errorf("ParseFloat(%q) = %v, %v; want nan", s, f, err)
		}
	}
}

// TestParseNumbersAgainstPython compares int() and float() of generated
// strings with Python's.
func TestParseNumbersAgainstPython(t *testing.T) {
	// Not U+001C..U+001F: str.strip() removes them but int() and float()
	// do not, and ParseInt and ParseFloat strip them as config and
	// objects always have (see ParseInt).
	alphabet := []string{"0", "1", "5", "9", "_", "+", "-", ".", "e", "E", " ", "i", "n", "f", "a", "N", "I", "t", "y",
		"x", "\u0664", "\u2003", "\v", "\t", "\u00a0", "\U0001D7D7", "\u0966", "é", "\u200b", "\x85"}
	rng := rand.New(rand.NewPCG(5, 6))
	strs := []string{"9223372036854775807", "9223372036854775808", "-9223372036854775809", "1e400", "1e-400",
		"infinity", "-Infinity", "+nan", "1_000_000", "１２", "0.1e-1_0"}
	for range 20000 {
		s := ""
		for n := rng.IntN(8); n >= 0; n-- {
			s += alphabet[rng.IntN(len(alphabet))]
		}
		strs = append(strs, s)
	}
	const program = `
import json, sys
out = []
for s in json.load(sys.stdin):
    r = {}
    try:
        r["int"] = str(int(s))
    except ValueError:
        pass
    try:
        r["float"] = float(s).hex()
    except ValueError:
        pass
    out.append(r)
json.dump(out, sys.stdout)
`
	var want []struct {
		Int   *string
		Float *string
	}
	runPython(t, program, strs, &want)
	fails := 0
	for i, s := range strs {
		n, err := ParseInt(s)
		switch w := want[i].Int; {
		case w == nil:
			if !errors.Is(err, ErrSyntax) {
				fails++
				t.Errorf("int(%+q): Python refuses, ParseInt = %d, %v", s, n, err)
			}
		default:
			big, perr := strconv.ParseInt(*w, 10, 64)
			if perr != nil && !errors.Is(err, ErrRange) || perr == nil && (err != nil || n != big) {
				fails++
				t.Errorf("int(%+q) = %s in Python, ParseInt = %d, %v", s, *w, n, err)
			}
		}
		f, err := ParseFloat(s)
		switch w := want[i].Float; {
		case w == nil:
			if err == nil {
				fails++
				t.Errorf("float(%+q): Python refuses, ParseFloat = %v", s, f)
			}
		case *w == "nan":
			if err != nil || !math.IsNaN(f) {
				fails++
				t.Errorf("float(%+q) = nan in Python, ParseFloat = %v, %v", s, f, err)
			}
		default:
			pf, _ := strconv.ParseFloat(*w, 64) // float.hex(): 0x1.8p+1, inf, -inf
			if err != nil || f != pf || math.Signbit(f) != math.Signbit(pf) {
				fails++
				t.Errorf("float(%+q) = %s in Python, ParseFloat = %v, %v", s, *w, f, err)
			}
		}
		if fails > 30 {
			t.Fatal("too many differences")
		}
	}
	t.Logf("%d strings compared", len(strs))
}
