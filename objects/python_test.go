package objects

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"
)

// The answers in these tables come from Python 3.11 with netaddr 0.8.0 and
// iso8601 1.0.2 (the versions oslo.versionedobjects 3.0.1 runs on).

func TestPyParseNumbers(t *testing.T) {
	ints := []struct {
		s    string
		want int64
		ok   bool
	}{
		{"42", 42, true}, {" 12 ", 12, true}, {"+5", 5, true}, {"-0", 0, true}, {"1_000", 1000, true},
		{"0005", 5, true}, {"\u0664\u0662", 42, true}, {"\u2003 5", 5, true}, {"\U0001D7D7", 9, true},
		{"12.0", 0, false}, {"abc", 0, false}, {"", 0, false}, {"1__0", 0, false}, {"_1", 0, false},
		{"1_", 0, false}, {"0x10", 0, false}, {"+_1", 0, false}, {"- 1", 0, false},
	}
	for _, tt := range ints {
		got, err := pyParseInt(tt.s)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("int(%q) = %d, %v; want %d ok=%v", tt.s, got, err, tt.want, tt.ok)
		}
	}
	floats := []struct {
		s    string
		want float64
		ok   bool
	}{
		{" 5.5", 5.5, true}, {"1_000.5", 1000.5, true}, {".5", .5, true}, {"5.", 5, true}, {"1e5", 1e5, true},
		{"-1E-3", -1e-3, true}, {"INF", math.Inf(1), true}, {"-Infinity", math.Inf(-1), true},
		{"\u0664.\u0662", 4.2, true}, {"1e400", math.Inf(1), true}, {"0x1p3", 0, false}, {"1_e5", 0, false},
		{"infinit", 0, false}, {"", 0, false}, {".", 0, false}, {"e5", 0, false}, {"1e", 0, false}, {"1._5", 0, false},
	}
	for _, tt := range floats {
		got, err := pyParseFloat(tt.s)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("float(%q) = %v, %v; want %v ok=%v", tt.s, got, err, tt.want, tt.ok)
		}
	}
	if f, err := pyParseFloat("nan"); err != nil || !math.IsNaN(f) {
		t.Errorf("float('nan') = %v, %v", f, err)
	}
}

func TestPyRepr(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{[]any{int64(1), "a'b", nil, true, map[string]any{"k": 2.5}}, `[1, "a'b", None, True, {'k': 2.5}]`},
		{"x\u00e9\u2003\x01\n\t\\", `'xé\u2003\x01\n\t\\'`},
		{"'\"", `'\'"'`},
		{"\U0001F600\u200b", `'😀\u200b'`},
	}
	for _, tt := range tests {
		if got := pyRepr(tt.v); got != tt.want {
			t.Errorf("repr(%#v) = %s, want %s", tt.v, got, tt.want)
		}
	}
}

func TestIPParsing(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.2.3.4 abc", "1.2.3.4"}, {"1.2.3.4\n", "1.2.3.4"}, {"10", "0.0.0.10"}, {"1.2.3", "1.2.0.3"},
		{"0x0a.0.0.1", "10.0.0.1"}, {"010.0.0.1", "8.0.0.1"}, {"4294967295", "255.255.255.255"},
		{"::192.168.0.1", "::192.168.0.1"}, {"::0.0.0.1", "::1"}, {"::ffff:0:1.2.3.4", "::ffff:0:102:304"},
		{"1:0:0:1:0:0:0:1", "1:0:0:1::1"}, {"0:0:1:0:0:1:0:0", "::1:0:0:1:0:0"}, {"::FFFF:1.2.3.4", "::ffff:1.2.3.4"},
		{"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"}, {"0000:0000::1", "::1"}, {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
		{"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"}, {"::ffff:0.0.0.0", "::ffff:0.0.0.0"}, {"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
		{"::", "::"}, {"1::", "1::"},
	}
	for _, tt := range tests {
		a, err := parseIPString(tt.in)
		if err != nil {
			t.Errorf("IPAddress(%q): %v", tt.in, err)
			continue
		}
		if got := formatIP(a); got != tt.want {
			t.Errorf("str(IPAddress(%q)) = %s, want %s", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{" 1.2.3.4", "4294967296", "1.2.3.4.", "::1 ", "::1%eth0", "::1.2.3.04", "00000::1",
		"", "1.2.3.4\x00", "1::2::3", ":1::", "1:", "1.2.3.4/24", "08.1.1.1", "1.256.1.1"} {
		if a, err := parseIPString(bad); err == nil {
			t.Errorf("IPAddress(%q) = %v, want an error", bad, a)
		}
	}
	if a, err := ipFromBig("340282366920938463463374607431768211455"); err != nil || formatIP(a) != "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" {
		t.Errorf("IPAddress(2**128-1) = %v, %v", a, err)
	}
	if _, err := ipFromBig("340282366920938463463374607431768211456"); err == nil {
		t.Error("IPAddress(2**128) accepted")
	}
	if a, _ := ipFromInt(4294967296); formatIP(a) != "::1:0:0" {
		t.Errorf("IPAddress(2**32) = %s", formatIP(a))
	}
}

func TestPrefixParsing(t *testing.T) {
	tests := []struct {
		in      string
		version int
		want    string
	}{
		{"10.0.0.1/8", 0, "10.0.0.1/8"}, {"::1/64", 0, "::1/64"}, {"10.1/255.255.0.0", 0, "10.1.0.0/16"},
		{"10.0.0.0/0.0.255.255", 0, "10.0.0.0/16"}, {"10", 0, "10.0.0.0/32"}, {"10.0.0.0/ 8", 0, "10.0.0.0/8"},
		{"::ffff:1.2.3.4/120", 0, "::ffff:1.2.3.4/120"}, {"1.2.3/24", 0, "1.2.3.0/24"}, {"010.0.0.0/8", 0, "10.0.0.0/8"},
		{"2001:db8::/32", 6, "2001:db8::/32"},
	}
	for _, tt := range tests {
		p, err := parsePrefix(tt.in, tt.version)
		if err != nil {
			t.Errorf("IPNetwork(%q): %v", tt.in, err)
			continue
		}
		if got := string(appendPrefix(nil, p)); got != tt.want {
			t.Errorf("IPNetwork(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	for _, bad := range []struct {
		in string
		v  int
	}{{"1.2.3.4/33", 0}, {"10.0.0.0/255.0.255.0", 0}, {"::1/64", 4}, {"10.0.0.0/8", 6}, {"x", 0}, {"10.0.0.0/", 0}} {
		if p, err := parsePrefix(bad.in, bad.v); err == nil {
			t.Errorf("IPNetwork(%q, version=%d) = %v, want an error", bad.in, bad.v, p)
		}
	}
	var _ = netip.Prefix{}
}

func TestISOTime(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2024-01-02T03:4", "2024-01-02T03:00:04Z"},
		{"0005-01-01", "5-01-01T00:00:00Z"},
		{"2024-01-02T03:04:05+05:99", "2024-01-02T03:04:05+05:99"},
		{"2024-01-02 03:04:05", "2024-01-02T03:04:05Z"},
		{"2024-01-02T03:04:05,123Z", "2024-01-02T03:04:05Z"},
		{"20240102T030405Z", "2024-01-02T03:04:05Z"},
		{"2024", "2024-01-01T00:00:00Z"},
		{"2024-1-5", "2024-01-05T00:00:00Z"},
		{"2024-01-02T03:04:05-00:00", "2024-01-02T03:04:05-00:00"},
		{"2024-01-02T03:04:05+0530", "2024-01-02T03:04:05+05:30"},
		{"2024-01-02T03:04:05+05", "2024-01-02T03:04:05+05:00"},
		{"2024-01-02T03:04:05+05:", "2024-01-02T03:04:05+05:00"},
		{"2024-01-02T03:04:05\n", "2024-01-02T03:04:05Z"},
		{"2024-01-02T03", "2024-01-02T03:00:00Z"},
		{"2024-01-02T0304", "2024-01-02T03:04:00Z"},
		{"2024-01-02T03:04:5", "2024-01-02T03:04:05Z"},
		{"9999-12-31T23:59:59-23:59", "9999-12-31T23:59:59-23:59"},
		{"2024-01-02T030405.5+01", "2024-01-02T03:04:05+01:00"},
		{"2024-01-02T03:04:05.9999999999999999999999999Z", "2024-01-02T03:04:05Z"},
	}
	for _, tt := range tests {
		tm, err := parseISOTime(tt.in)
		if err != nil {
			t.Errorf("parse_isotime(%q): %v", tt.in, err)
			continue
		}
		if got := string(appendISOTime(nil, tm)); got != tt.want {
			t.Errorf("isotime(parse_isotime(%q)) = %s, want %s", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"2024-13-01", "202401", "2024-01-02T24:00:00", "2024-01-02T03:04:05+24:00",
		"2024-02-30", "2024-01-02T03:04:60", "2024-01-02t03:04:05", "2024-01-02T03:04:05 ", "0000-01-01",
		"yesterday", "2024-01-0203:04", "2024-01-02T03:04:05.99999999999999999999999999999Z"} {
		if tm, err := parseISOTime(bad); err == nil {
			t.Errorf("parse_isotime(%q) = %v, want an error", bad, tm)
		}
	}
}

func TestVersions(t *testing.T) {
	compat := []struct {
		requested, current string
		want               bool
	}{
		{"1.0", "1.3", true}, {"1.3", "1.3", true}, {"1.4", "1.3", false}, {"2.0", "1.3", false}, {"0.9", "1.3", false},
		{"1.3.0", "1.3", true}, {"1.3.1", "1.3", false}, {"1.3.0.0", "1.3", true}, {"1.2a1", "1.3", true},
		{"1.3rc1", "1.3", true}, {"1.3.post1", "1.3", false}, {"1.3.dev1", "1.3", true}, {"1!1.0", "1.3", false},
		{"1.3+local", "1.3", false}, {" 1.2", "1.3", true}, {"v1.2", "1.3", true}, {"01.3", "1.3", true},
		{"1.3a1", "1.3a2", true}, {"1.3b1", "1.3a2", false}, {"1.3.dev2", "1.3a1", true},
	}
	for _, tt := range compat {
		got, err := isCompatible(tt.requested, tt.current)
		if err != nil || got != tt.want {
			t.Errorf("is_compatible(%q, %q) = %v, %v; want %v", tt.requested, tt.current, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "1.x", "1..2", "a"} {
		if _, err := isCompatible(bad, "1.3"); err == nil {
			t.Errorf("is_compatible(%q) accepted", bad)
		}
	}
	order := []struct {
		a, b string
		want int
	}{
		{"1.2.5", "1.3", -1}, {"1.2.5", "1.2", 1}, {"1.3.0", "1.3", 1}, {"1.02", "1.2", 0}, {"-1.2", "0.1", -1},
		{"1_0.2", "1.3", 1}, {"\u0661.\u0662", "1.2", 0},
	}
	for _, tt := range order {
		got, err := Version(tt.a).Compare(Version(tt.b))
		if err != nil || got != tt.want {
			t.Errorf("compare(%s, %s) = %d, %v; want %d", tt.a, tt.b, got, err, tt.want)
		}
	}
	if !Version("1.0").Before("1.1") || Version("1.1").Before("1.1") || Version("1.0").Before("x") {
		t.Error("Before")
	}
}

func BenchmarkParseISOTime(b *testing.B) {
	for b.Loop() {
		if _, err := parseISOTime("2024-02-29T23:59:59.999999+05:30"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestStringSpecial(t *testing.T) {
	naive := func(s string, i int) int {
		for ; i < len(s); i++ {
			if c := s[i]; c == '"' || c == '\\' || c < 0x20 {
				return i
			}
		}
		return i
	}
	alphabet := []byte{'a', '"', '\\', 0, 0x1f, 0x20, 0x21, 0x5b, 0x5d, 0x7f, 0x80, 0xff, 0xe2, 0x22 ^ 0x80}
	seed := uint32(1)
	for n := 0; n < 20000; n++ {
		b := make([]byte, n%40)
		for i := range b {
			seed = seed*1664525 + 1013904223
			if seed>>28 < 12 {
				b[i] = 'x'
			} else {
				b[i] = alphabet[int(seed>>8)%len(alphabet)]
			}
		}
		s := string(b)
		for start := 0; start <= len(s); start += 3 {
			if got, want := stringSpecial(s, start), naive(s, start); got != want {
				t.Fatalf("stringSpecial(%q, %d) = %d, want %d", s, start, got, want)
			}
		}
	}
}

// TestAppendJSONString checks the word-at-a-time writer against a byte at
// a time one, and that encoding/json reads back the string with each
// invalid byte as U+FFFD.
func TestAppendJSONString(t *testing.T) {
	naive := func(s string) []byte {
		b := []byte{'"'}
		for i := 0; i < len(s); {
			c := s[i]
			switch {
			case c >= utf8.RuneSelf:
				r, size := utf8.DecodeRuneInString(s[i:])
				if r == utf8.RuneError && size == 1 {
					b = append(b, "\uFFFD"...)
				} else {
					b = append(b, s[i:i+size]...)
				}
				i += size
				continue
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, `\n`...)
			case c == '\r':
				b = append(b, `\r`...)
			case c == '\t':
				b = append(b, `\t`...)
			case c < 0x20:
				b = append(b, fmt.Sprintf(`\u%04x`, c)...)
			default:
				b = append(b, c)
			}
			i++
		}
		return append(b, '"')
	}
	alphabet := []string{"a", `"`, `\`, "\x00", "\n", "\t", "\x1f", " ", "\x7f", "\x80", "\xff", "é", "€", "\xe2\x82", "😀", "\xf0\x9f"}
	seed := uint32(7)
	for n := 0; n < 20000; n++ {
		var sb strings.Builder
		for range n % 40 {
			seed = seed*1664525 + 1013904223
			if seed>>28 < 12 {
				sb.WriteByte('x')
			} else {
				sb.WriteString(alphabet[int(seed>>8)%len(alphabet)])
			}
		}
		s := sb.String()
		got := appendJSONString(nil, s)
		if want := naive(s); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("appendJSONString(%q) = %s: %v", s, got, err)
		}
		var valid strings.Builder
		for _, r := range s {
			valid.WriteRune(r)
		}
		if back != valid.String() {
			t.Fatalf("appendJSONString(%q) reads back as %q, want %q", s, back, valid.String())
		}
	}
}
