package py

import (
	"strings"
	"testing"
)

func TestJSONString(t *testing.T) {
	for _, tc := range []struct{ name, s, want string }{
		{"empty", "", `""`},
		{"plain", "GET /v2.1 it's", `"GET /v2.1 it's"`},
		{"short escapes", "\"\\\n\r\t\b\f", `"\"\\\n\r\t\b\f"`},
		{"controls", "\x00\x01\x1f\x7f", `"\u0000\u0001\u001f\u007f"`},
		{"latin-1", "é\u00a0", `"\u00e9\u00a0"`},
		{"bmp", "żółw\u2028", `"\u017c\u00f3\u0142w\u2028"`},
		{"astral", "🐢\U0010ffff", `"\ud83d\udc22\udbff\udfff"`},
		{"not utf-8", "a\xffb", `"a\ufffdb"`},
		{"/ stays", "a/b", `"a/b"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(AppendJSONString([]byte("x:"), tc.s)); got != "x:"+tc.want {
				t.Errorf("AppendJSONString(%q) = %s, want %s", tc.s, got, tc.want)
			}
			if got := string(AppendJSONChars(nil, tc.s)); got != strings.Trim(tc.want, `"`) {
				t.Errorf("AppendJSONChars(%q) = %s, want the same without quotes", tc.s, got)
			}
		})
	}
}

// TestJSONStringAgainstPython compares with json.dumps on every character
// of reprCodePoints and on mixed strings.
func TestJSONStringAgainstPython(t *testing.T) {
	var strs []string
	for _, r := range reprCodePoints() {
		strs = append(strs, string(r))
	}
	strs = append(strs, "", `a"b\c`, "line\nbreak\ttab", "mixé🐢\x00end", strings.Repeat("ab\u00e9", 50))
	const program = `
import json, sys
json.dump([json.dumps(s) for s in json.load(sys.stdin)], sys.stdout)
`
	var want []string
	runPython(t, program, strs, &want)
	for i, s := range strs {
		if got := string(AppendJSONString(nil, s)); got != want[i] {
			t.Errorf("json.dumps(%+q) = %s, Python %s", s, got, want[i])
		}
	}
}
