package ini

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		want     map[string]map[string][]string
		errLine  int
	}{
		{"basic", "[DEFAULT]\na = 1\nb: 2\n", map[string]map[string][]string{"DEFAULT": {"a": {"1"}, "b": {"2"}}}, 0},
		{"merge and repeat", "[s]\na=1\n[t]\nx=y\n[s]\na=2\n", map[string]map[string][]string{"s": {"a": {"1", "2"}}, "t": {"x": {"y"}}}, 0},
		{"continuation", "[s]\na = 1\n  2\n\t3\n\nb = 4\n", map[string]map[string][]string{"s": {"a": {"1\n2\n3"}, "b": {"4"}}}, 0},
		{"no inline comment", "[s]\na = b # c\n", map[string]map[string][]string{"s": {"a": {"b # c"}}}, 0},
		{"quotes", "[s]\na = \"x\"\nb = 'y'\nc = \"\nd = \"z'\n", map[string]map[string][]string{"s": {"a": {"x"}, "b": {"y"}, "c": {""}, "d": {"\"z'"}}}, 0},
		{"crlf and cr", "[s]\r\na = 1\rb = 2\r\n", map[string]map[string][]string{"s": {"a": {"1"}, "b": {"2"}}}, 0},
		{"python space", "[s]\na = x\u00a0\n\x0c\nb = y\x1c\n", map[string]map[string][]string{"s": {"a": {"x"}, "b": {"y"}}}, 0},
		{"continuation first", "  a = 1\n", nil, 1},
		{"continuation after comment", "[s]\n# c\n  x\n", nil, 3},
		{"unterminated section", "[s]\n[t\n", nil, 2},
		{"trailing text after section", "[s] # x\n", nil, 1},
		{"empty section", "[]\n", nil, 1},
		{"no delimiter", "[s]\nabc\n", nil, 2},
		{"empty key", "[s]\n= v\n", nil, 2},
		{"key before section, reported where completed", "a = 1\n  more\n\n[s]\n", nil, 3},
		{"key before section at end", "a = 1\n  more", nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("x.conf", []byte(tt.in))
			if tt.errLine > 0 {
				pe, ok := err.(*ParseError)
				if !ok || pe.Line != tt.errLine || pe.File != "x.conf" {
					t.Fatalf("err = %v, want a ParseError at line %d", err, tt.errLine)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]map[string][]string{}
			for _, s := range f.Sections {
				got[s.Name] = map[string][]string{}
				for _, k := range s.Keys {
					for _, v := range s.Values[k] {
						got[s.Name][k] = append(got[s.Name][k], v.Text)
					}
				}
			}
			if !equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func equal(a, b map[string]map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for s, keys := range a {
		if len(keys) != len(b[s]) {
			return false
		}
		for k, vs := range keys {
			if strings.Join(vs, "\x00") != strings.Join(b[s][k], "\x00") || len(vs) != len(b[s][k]) {
				return false
			}
		}
	}
	return true
}

func TestValueLines(t *testing.T) {
	f, err := Parse("x.conf", []byte("[s]\n\na = 1\n  cont\nb = 2\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := f.Section("s")
	if s.Values["a"][0].Line != 3 || s.Values["b"][0].Line != 5 || s.Line != 1 {
		t.Errorf("lines: a=%d b=%d section=%d", s.Values["a"][0].Line, s.Values["b"][0].Line, s.Line)
	}
}

func TestNotUTF8(t *testing.T) {
	if _, err := Parse("x.conf", []byte("[s]\na = \xff\n")); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Fatalf("err = %v", err)
	}
}

// FuzzParse checks that no input panics, that every error is a ParseError
// with a line inside the input (or 0 for bad UTF-8), and that every value
// points at a real line.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"[DEFAULT]\na = 1\n", "[s]\na = 1\n  b\n\nc: d\n", "  x\n", "[s\n", "a=1\n[s]\n", "[s]\r\na = 'q'\r\n"} {
		f.Add([]byte(s))
	}
	if data, err := os.ReadFile("testdata/nova.conf"); err == nil {
		f.Add(data[:4096]) // a slice of a real file; the whole one slows mutation down
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("f.conf", data)
		lines := len(SplitLines(string(data)))
		if err != nil {
			pe, ok := err.(*ParseError)
			if !ok {
				t.Fatalf("error %T %v is not a *ParseError", err, err)
			}
			if pe.Line < 0 || pe.Line > lines || pe.Line == 0 && !strings.Contains(pe.Msg, "UTF-8") {
				t.Fatalf("error line %d outside 1..%d: %v", pe.Line, lines, err)
			}
			return
		}
		for _, s := range file.Sections {
			for _, k := range s.Keys {
				if k == "" || k != TrimSpace(k) {
					t.Fatalf("bad key %q", k)
				}
				for _, v := range s.Values[k] {
					if v.Line < 1 || v.Line > lines {
						t.Fatalf("value line %d outside 1..%d", v.Line, lines)
					}
				}
			}
		}
	})
}

func BenchmarkParseNovaConf(b *testing.B) {
	data, err := os.ReadFile("testdata/nova.conf")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("nova.conf", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOsloParseNovaConf times oslo.config's parser on the same file in
// the same run, for the ratio: its figure is the python-ns/op metric.
func BenchmarkOsloParseNovaConf(b *testing.B) {
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		b.Skip("no /usr/bin/python3")
	}
	script := `
import sys, time
from oslo_config import cfg
path = sys.argv[1]
n = 0
t0 = time.perf_counter()
while time.perf_counter() - t0 < 2.0:
    cfg.ConfigParser(path, {}).parse()
    n += 1
print(int((time.perf_counter() - t0) / n * 1e9))
`
	out, err := exec.Command("/usr/bin/python3", "-c", script, "testdata/nova.conf").Output()
	if err != nil {
		b.Skipf("oslo.config not importable: %v", err)
	}
	ns, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
	}
	b.ReportMetric(ns, "python-ns/parse")
}
