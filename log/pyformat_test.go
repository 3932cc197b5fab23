package log

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestParsePyFormatErrors(t *testing.T) {
	for _, tc := range []struct{ format, want string }{
		{"%(a)", "incomplete format"},
		{"%(a", "incomplete format key"},
		{"x%", "incomplete format"},
		{"%(a)q", "unsupported format character 'q' (0x71) at index 4"},
		{"%(a)%", "unsupported format character '%' (0x25) at index 4"},
		{"%s", "has no mapping key"},
		{"%(a)*d", "* width"},
		{"%(a).*f", "* precision"},
		{"ok %% %(a)s", ""},
	} {
		t.Run(tc.format, func(t *testing.T) {
			_, err := parsePyFormat(tc.format)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("parsePyFormat(%q) = %v", tc.format, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("parsePyFormat(%q) = %v, want an error containing %q", tc.format, err, tc.want)
			}
		})
	}
}

// TestPyFormatAgainstPython checks log's reading of %(name)spec
// conversions (flags, width, precision, length modifiers) and its hand-off
// of the value to internal/py against Python; the conversions themselves,
// every spec on every kind of value, are internal/py's
// TestFormatAgainstPython.
func TestPyFormatAgainstPython(t *testing.T) {
	specs := []string{"s", "r", "a", "d", "i", "u", "o", "x", "X", "e", "E", "f", "F", "g", "G", "c",
		"-5s", "05s", ".2s", "10.3s", "-10r", "05d", "+d", " d", "+05d", "5.3d",
		"#x", "#o", "08.3f", "+.2e", "-12.4E", "#.3g", " 010.2f", "-010d", "ld", "hd", "Lf", "-3c"}
	vals := []value{
		vInt(0), vInt(-42), vInt(65), vFloat(math.Copysign(0, -1)), vFloat(2.675), vFloat(math.NaN()),
		vFloat(1700000000.1234567), vStr(""), vStr(`both ' and "`), vStr("żółw 🐢 é"),
		{}, vBool(true), vList([]string{"admin", "it's", "é\n"}),
	}
	type pair struct {
		format string
		val    value
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
	var resp []any
	runPython(t, "testdata/pyformat.py", req, &resp)
	fails, n := 0, 0
	for i, p := range pairs {
		want, ok := resp[i].(string)
		if !ok {
			continue // Python rejects it; compile-time checks reject it too
		}
		pf, err := parsePyFormat(p.format)
		if err != nil {
			t.Errorf("parsePyFormat(%q): %v", p.format, err)
			continue
		}
		sp := pf.pieces[0].spec
		if sp.numeric() && !(p.val.Kind == kInt || p.val.Kind == kFloat || p.val.Kind == kBool) {
			continue
		}
		n++
		got := string(appendFormatted([]byte(pf.pieces[0].lit), p.val, sp)) + pf.pieces[1].lit
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

func describe(v value) string {
	switch v.Kind {
	case kInt:
		return strconv.FormatInt(v.I, 10)
	case kFloat:
		return strconv.FormatFloat(v.F, 'g', -1, 64)
	case kStr:
		return strconv.Quote(v.S)
	case kBool:
		return "bool"
	case kList:
		return "list"
	}
	return "None"
}

func jsonValue(v value) map[string]any {
	switch v.Kind {
	case kInt:
		return map[string]any{"int": v.I}
	case kFloat:
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
		return map[string]any{"float": v.F}
	case kStr:
		return map[string]any{"str": v.S}
	case kBool:
		return map[string]any{"bool": v.I != 0}
	case kList:
		return map[string]any{"list": v.List}
	}
	return map[string]any{"none": true}
}
