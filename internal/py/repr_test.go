package py

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestFloatRepr: the tables of wsgi's and objects' tests of their former
// copies, merged. The answers come from Python 3.
func TestFloatRepr(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		want string
	}{
		{0, "0.0"}, {math.Copysign(0, -1), "-0.0"}, {1, "1.0"}, {1.5, "1.5"}, {0.1, "0.1"}, {-2.5, "-2.5"},
		{0.30000000000000004, "0.30000000000000004"}, {123.456, "123.456"}, {123456789.0, "123456789.0"},
		{1e15, "1000000000000000.0"}, {1234567890123456.0, "1234567890123456.0"},
		{1e16, "1e+16"}, {1e22, "1e+22"}, {1.5e300, "1.5e+300"},
		{0.0001, "0.0001"}, {1.5e-4, "0.00015"}, {0.00001, "1e-05"}, {5.2e-05, "5.2e-05"},
		{5e-324, "5e-324"}, {math.MaxFloat64, "1.7976931348623157e+308"}, {-2.5e-300, "-2.5e-300"},
		{math.Inf(1), "inf"}, {math.Inf(-1), "-inf"}, {math.NaN(), "nan"}, {9007199254740993, "9007199254740992.0"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := FloatRepr(tc.f); got != tc.want {
				t.Errorf("FloatRepr(%v) = %q, want %q", tc.f, got, tc.want)
			}
			if got := string(AppendFloatRepr([]byte("x="), tc.f)); got != "x="+tc.want {
				t.Errorf("AppendFloatRepr(x=, %v) = %q", tc.f, got)
			}
		})
	}
}

func TestStrRepr(t *testing.T) {
	for _, tc := range []struct {
		name, s, repr, ascii string
	}{
		{"empty", "", `''`, `''`},
		{"plain", "abc", `'abc'`, `'abc'`},
		{"single quote", "it's", `"it's"`, `"it's"`},
		{"double quote", `say "hi"`, `'say "hi"'`, `'say "hi"'`},
		{"both quotes", `both ' and "`, `'both \' and "'`, `'both \' and "'`},
		{"escapes", "tab\tnew\nline\r\\", `'tab\tnew\nline\r\\'`, `'tab\tnew\nline\r\\'`},
		{"controls", "\x00\x1f\x7f", `'\x00\x1f\x7f'`, `'\x00\x1f\x7f'`},
		{"latin-1", "é\u0085\u00a0\u00ad", `'é\x85\xa0\xad'`, `'\xe9\x85\xa0\xad'`},
		{"bmp", "żółw\u2003\u200b\u2028\ufeff", `'żółw\u2003\u200b\u2028\ufeff'`, `'\u017c\xf3\u0142w\u2003\u200b\u2028\ufeff'`},
		{"astral", "🐢\U000e0001", `'🐢\U000e0001'`, `'\U0001f422\U000e0001'`},
		{"private and unassigned", "\ue000\u0378\U0010ffff", `'\ue000\u0378\U0010ffff'`, `'\ue000\u0378\U0010ffff'`},
		{"not utf-8", "a\xffb", "'a\ufffdb'", `'a\ufffdb'`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := StrRepr(tc.s); got != tc.repr {
				t.Errorf("StrRepr(%q) = %s, want %s", tc.s, got, tc.repr)
			}
			if got := string(AppendStrRepr([]byte("<"), tc.s)); got != "<"+tc.repr {
				t.Errorf("AppendStrRepr(<, %q) = %s", tc.s, got)
			}
			if got := string(AppendStrASCII(nil, tc.s)); got != tc.ascii {
				t.Errorf("AppendStrASCII(%q) = %s, want %s", tc.s, got, tc.ascii)
			}
		})
	}
}

// reprCodePoints are characters of every kind, one string each: the
// ASCII and Latin-1 ranges whole, and samples of the rest.
func reprCodePoints() []rune {
	var rs []rune
	for r := rune(0); r < 0x250; r++ {
		rs = append(rs, r)
	}
	for _, span := range [][2]rune{{0x370, 0x380}, {0x600, 0x610}, {0x1680, 0x1681}, {0x2000, 0x2070},
		{0x3000, 0x3003}, {0xd7f0, 0xd800}, {0xe000, 0xe002}, {0xfdd0, 0xfdd2}, {0xfeff, 0xff00},
		{0xfff0, 0x10000}, {0x1f600, 0x1f602}, {0xe0000, 0xe0002}, {0xf0000, 0xf0001}, {0x10fffe, 0x110000}} {
		for r := span[0]; r < span[1]; r++ {
			rs = append(rs, r)
		}
	}
	return rs
}

// TestReprAgainstPython compares repr() and ascii() of strings and
// repr() of floats with Python's own.
func TestReprAgainstPython(t *testing.T) {
	var strs []string
	for _, r := range reprCodePoints() {
		strs = append(strs, string(r))
	}
	strs = append(strs, "", "it's", `"`, `'"`, `a'b"c`, "\\'", "x\u00e9\u2003\x01\n\t\\")
	floats := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64,
		math.SmallestNonzeroFloat64, 2.2250738585072014e-308, 9999999999999998, 1e16, 0.0001, 0.00009999999999999999}
	for e := -30; e <= 30; e++ {
		p := math.Pow(10, float64(e))
		floats = append(floats, p, -p, math.Nextafter(p, 0), math.Nextafter(p, math.Inf(1)), 1.5*p, 1.0/3*p)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		f := math.Float64frombits(rng.Uint64())
		if !math.IsNaN(f) {
			floats = append(floats, f)
		}
	}
	for range 1000 { // where AppendFloatRepr takes Go's fixed form
		floats = append(floats, (rng.Float64()-0.5)*math.Pow(10, float64(rng.IntN(20)-4)))
	}
	hex := make([]string, len(floats))
	for i, f := range floats {
		hex[i] = strconv.FormatFloat(f, 'x', -1, 64)
	}
	const program = `
import json, sys
req = json.load(sys.stdin)
json.dump({"repr": [repr(s) for s in req["strs"]], "ascii": [ascii(s) for s in req["strs"]],
           "floats": [repr(float.fromhex(h)) for h in req["floats"]]}, sys.stdout)
`
	var resp struct{ Repr, ASCII, Floats []string }
	runPython(t, program, map[string]any{"strs": strs, "floats": hex}, &resp)
	for i, s := range strs {
		if got := StrRepr(s); got != resp.Repr[i] {
			t.Errorf("repr(%+q) = %s, Python %s", s, got, resp.Repr[i])
		}
		if got := string(AppendStrASCII(nil, s)); got != resp.ASCII[i] {
			t.Errorf("ascii(%+q) = %s, Python %s", s, got, resp.ASCII[i])
		}
	}
	for i, f := range floats {
		if got := FloatRepr(f); got != resp.Floats[i] {
			t.Errorf("repr(%s) = %s, Python %s", hex[i], got, resp.Floats[i])
		}
	}
	t.Logf("%d strings, %d floats compared", len(strs), len(floats))
}
