package ini

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func readCP(t testing.TB, text string) (*ConfigParser, error) {
	t.Helper()
	p := NewConfigParser("f.ini")
	p.SetDefault("here", "/h")
	p.SetDefault("__file__", "/h/f.ini")
	return p, p.Read([]byte(text))
}

// TestConfigParserValues checks what configparser (Python 3.11, strict,
// optionxform = str) gives for a key; every expectation was asked of
// Python.
func TestConfigParserValues(t *testing.T) {
	tests := []struct {
		name, text, section, key, want string
		line                           int
	}{
		{"plain", "[s]\nk = v\n", "s", "k", "v", 2},
		{"case kept", "[s]\nMyKey = v\n", "s", "MyKey", "v", 2},
		{"colon", "[s]\nk: v\n", "s", "k", "v", 2},
		{"first delimiter wins", "[s]\na:b = c\n", "s", "a", "b = c", 2},
		{"no inline comment", "[s]\nk = v # c ; d\n", "s", "k", "v # c ; d", 2},
		{"spaces in key", "[s]\nmy key   =  my value  \n", "s", "my key", "my value", 2},
		{"continuation", "[s]\nk = a\n  b\n\tc\n", "s", "k", "a\nb\nc", 2},
		{"continuation with =", "[s]\nk = a\n  x = y\n", "s", "k", "a\nx = y", 2},
		{"blank lines kept inside", "[s]\nk = a\n\n  b\n", "s", "k", "a\n\nb", 2},
		{"trailing blank lines cut", "[s]\nk = a\n\n\n", "s", "k", "a", 2},
		{"comment inside skipped", "[s]\nk = a\n  # c\n  b\n", "s", "k", "a\nb", 2},
		{"empty first line", "[s]\nk =\n  v\n", "s", "k", "\nv", 2},
		{"indented key", "[s]\n  k = a\n  j = b\n", "s", "j", "b", 3},
		{"deeper than indented key", "[s]\n  k = a\n    more\n", "s", "k", "a\nmore", 2},
		{"header trailing text", "[s] ; x\nk = v\n", "s", "k", "v", 2},
		{"header up to last bracket", "[a]b]\nk = v\n", "a]b", "k", "v", 2},
		{"header spaces kept", "[ s ]\nk = v\n", " s ", "k", "v", 2},
		{"unclosed header is a key", "[s]\n[x=y\n", "s", "[x", "y", 2},
		{"crlf", "[s]\r\nk = a\r\n  b\r\n", "s", "k", "a\nb", 2},
		{"cr", "[s]\rk = a\r  b\r", "s", "k", "a\nb", 2},
		{"wide space indent", "[s]\nk = a\n\u3000b\n", "s", "k", "a\nb", 2},
		{"interpolation", "[s]\na = x\nb = %(a)s/%(here)s\n", "s", "b", "x//h", 3},
		{"percent escape", "[s]\nb = 100%%\n", "s", "b", "100%", 2},
		{"section before default", "[DEFAULT]\nd = %(s)s\n[s]\ns = l\nk = %(d)s\n", "s", "k", "l", 5},
		{"default overrides here", "[DEFAULT]\nhere = /x\n[s]\nk = %(here)s\n", "s", "k", "/x", 4},
		{"nested reference", "[s]\na = %(b)s%%\nb = %(c)s\nc = z\n", "s", "a", "z%", 2},
		{"default section", "[DEFAULT]\nd = 1\n[s]\n", DefaultSection, "d", "1", 2},
		{"default seen by section", "[DEFAULT]\nd = 1\n[s]\n", "s", "d", "1", 2},
		{"repeated DEFAULT merged", "[DEFAULT]\na = 1\n[s]\n[DEFAULT]\nb = 2\n", "s", "b", "2", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := readCP(t, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Get(tt.section, tt.key)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Get(%q, %q) = %q, want %q", tt.section, tt.key, got, tt.want)
			}
			if v, _ := p.Lookup(tt.section, tt.key); v.Line != tt.line || v.File != "f.ini" {
				t.Errorf("location %s:%d, want f.ini:%d", v.File, v.Line, tt.line)
			}
		})
	}
}

// TestConfigParserErrors checks the errors configparser raises, and their
// lines.
func TestConfigParserErrors(t *testing.T) {
	tests := []struct {
		name, text string
		get        [2]string // section, key to Get; "" to only read
		kind       ParserErrorKind
		line       int
	}{
		{"duplicate section", "[s]\na = 1\n[s]\n", [2]string{}, DuplicateSectionError, 3},
		{"duplicate option", "[s]\na = 1\nb = 2\na: 3\n", [2]string{}, DuplicateOptionError, 4},
		{"duplicate default option", "[DEFAULT]\na = 1\n[s]\n[DEFAULT]\na = 2\n", [2]string{}, DuplicateOptionError, 5},
		{"no section header", "# c\na = 1\n", [2]string{}, MissingSectionHeaderError, 2},
		{"continuation before section", "  a = 1\n", [2]string{}, MissingSectionHeaderError, 1},
		{"no delimiter", "[s]\na = 1\njunk\nmore junk\n", [2]string{}, ParsingError, 3},
		{"empty key", "[s]\n= v\n", [2]string{}, ParsingError, 2},
		{"empty header", "[s]\n[]\n", [2]string{}, ParsingError, 2},
		{"not utf-8", "[s]\na = \xff\n", [2]string{}, UnicodeDecodeError, 0},
		{"bom is not skipped", "\ufeff[s]\n", [2]string{}, MissingSectionHeaderError, 1},
		{"missing reference", "[s]\na = 1\nb = %(c)s\n", [2]string{"s", "b"}, InterpolationMissingOptionError, 3},
		{"references are case-sensitive", "[s]\nA = 1\nb = %(a)s\n", [2]string{"s", "b"}, InterpolationMissingOptionError, 3},
		{"lone percent", "[s]\na = 50%\n", [2]string{"s", "a"}, InterpolationSyntaxError, 2},
		{"unclosed reference", "[s]\na = %(b\n", [2]string{"s", "a"}, InterpolationSyntaxError, 2},
		{"empty reference", "[s]\na = %()s\n", [2]string{"s", "a"}, InterpolationSyntaxError, 2},
		{"reference without s", "[s]\nb = 1\na = %(b)d\n", [2]string{"s", "a"}, InterpolationSyntaxError, 3},
		{"loop", "[s]\na = %(b)s\nb = %(a)s\n", [2]string{"s", "a"}, InterpolationDepthError, 2},
		{"no section", "[s]\n", [2]string{"t", "a"}, NoSectionError, 0},
		{"no option", "[s]\n", [2]string{"s", "a"}, NoOptionError, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := readCP(t, tt.text)
			if tt.get[0] != "" {
				if err != nil {
					t.Fatal(err)
				}
				_, err = p.Get(tt.get[0], tt.get[1])
			}
			var pe *ParserError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a %v", err, tt.kind)
			}
			if pe.Kind != tt.kind || pe.Line != tt.line {
				t.Errorf("got %v at line %d (%v), want %v at line %d", pe.Kind, pe.Line, err, tt.kind, tt.line)
			}
			if !strings.HasPrefix(err.Error(), "f.ini:") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestConfigParserDepth(t *testing.T) {
	// Ten nested references are fine, eleven are too many.
	for _, n := range []int{10, 11} {
		var b strings.Builder
		b.WriteString("[s]\n")
		for i := range n {
			fmt.Fprintf(&b, "k%d = %%(k%d)s%%%%\n", i, i+1)
		}
		fmt.Fprintf(&b, "k%d = end\n", n)
		p, err := readCP(t, b.String())
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Get("s", "k0")
		if (err == nil) != (n == 10) {
			t.Errorf("%d nested references: err = %v", n, err)
		}
	}
}

func TestConfigParserOrderAndClone(t *testing.T) {
	p, err := readCP(t, "[DEFAULT]\nz = 1\nhere = /x\n[b]\nk = 1\nz = 2\n[a]\n")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Sections(), []string{"b", "a"}; !cmp.Equal(got, want) {
		t.Errorf("Sections() = %q, want %q", got, want)
	}
	if got, want := p.DefaultKeys(), []string{"here", "__file__", "z"}; !cmp.Equal(got, want) {
		t.Errorf("DefaultKeys() = %q, want %q", got, want)
	}
	opts, err := p.Options("b")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"k", "z", "here", "__file__"}; !cmp.Equal(opts, want) {
		t.Errorf("Options(b) = %q, want %q", opts, want)
	}
	c := p.Clone()
	c.SetDefault("extra", "1")
	if p.HasDefault("extra") || !c.HasDefault("extra") {
		t.Error("Clone shares its defaults with the original")
	}
}

var cpCases = flag.Int("configparser-cases", 500, "generated files TestConfigParserOracle compares with Python's configparser")

// TestConfigParserOracle compares the reader with Python's configparser on
// generated files full of the dialect's corner cases.
func TestConfigParserOracle(t *testing.T) {
	if _, err := os.Stat(python); err != nil {
		t.Skip("differential test skipped: no ", python)
	}
	dir := t.TempDir()
	var names bytes.Buffer
	texts := make([]string, *cpCases)
	for i := range texts {
		texts[i] = genConfigParserText(rand.New(rand.NewPCG(uint64(i), 7)))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprint(i)), []byte(texts[i]), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&names, i)
	}
	cmd := exec.Command(python, "-X", "utf8", "testdata/configparser_oracle.py", dir)
	cmd.Stdin = &names
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 16<<20)
	errs := 0
	for i := 0; sc.Scan(); i++ {
		var want map[string]any
		if err := json.Unmarshal(sc.Bytes(), &want); err != nil {
			t.Fatal(err)
		}
		got := describe(t, texts[i])
		if _, ok := want["error"]; ok {
			errs++
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("case %d %q: (-python +go):\n%s", i, texts[i], d)
		}
	}
	t.Logf("%d files, %d errors", len(texts), errs)
}

const python = "/usr/bin/python3"

// describe is the Go side of configparser_oracle.py.
func describe(t testing.TB, text string) map[string]any {
	p, err := readCP(t, text)
	if err != nil {
		var pe *ParserError
		if !errors.As(err, &pe) {
			t.Fatalf("not a ParserError: %v", err)
		}
		var line any
		if pe.Line > 0 {
			line = float64(pe.Line)
		}
		return map[string]any{"error": pe.Kind.String(), "line": line}
	}
	pairs := func(keys []string, get func(string) Value) []any {
		out := []any{}
		for _, k := range keys {
			out = append(out, []any{k, get(k).Text})
		}
		return out
	}
	sections := []any{}
	gets := []any{}
	addGets := func(s string, keys []string) {
		for _, k := range keys {
			v, err := p.Get(s, k)
			if err != nil {
				var pe *ParserError
				errors.As(err, &pe)
				gets = append(gets, []any{s, k, nil, pe.Kind.String()})
			} else {
				gets = append(gets, []any{s, k, v, nil})
			}
		}
	}
	addGets(DefaultSection, p.DefaultKeys())
	for _, name := range p.Sections() {
		s := p.Section(name)
		sections = append(sections, []any{name, pairs(s.Keys(), func(k string) Value { v, _ := s.Raw(k); return v })})
		opts, _ := p.Options(name)
		addGets(name, opts)
	}
	return map[string]any{
		"defaults": pairs(p.DefaultKeys(), func(k string) Value { v, _ := p.DefaultRaw(k); return v }),
		"sections": sections,
		"get":      gets,
	}
}

// genConfigParserText makes a file of the dialect's corner cases.
func genConfigParserText(r *rand.Rand) string {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	indent := func() string {
		return pick("", "", "", " ", "  ", "\t", "    ", "\u3000", "\x0c", " \t")
	}
	key := func() string {
		k := pick("k", "k", "key", "Key", "a b", "set x", "here", "d", "x", "v"+fmt.Sprint(r.IntN(3)))
		if r.IntN(4) > 0 {
			k += fmt.Sprint(r.IntN(20)) // fewer duplicates
		}
		return k
	}
	value := func() string {
		return pick("v", "", "a b", " spaced ", "%(k)s", "%(d)s", "%(here)s", "%%", "50%", "%(x", "%(Key)s",
			"a # b", "a ; b", "=", ":", "x = y", "é", "%(v0)s%(v1)s")
	}
	var b strings.Builder
	if r.IntN(10) == 0 {
		b.WriteString(pick("k = v\n", "  x\n", "# c\n"))
	}
	for range 1 + r.IntN(4) {
		header := pick("[s]", "[t]", "[u]", "[DEFAULT]", "[v] junk", "[a]b]", "[ s ]", "[S]", "[w]")
		if r.IntN(20) == 0 {
			header = pick("[]", "[s")
		}
		b.WriteString(indent() + header + "\n")
		for range r.IntN(6) {
			switch r.IntN(10) {
			case 0:
				b.WriteString(indent() + pick("# c", "; c", "#", "") + "\n")
			case 1:
				b.WriteString(indent() + pick("more", "x = y", "[t]", "# c") + "\n")
			case 2:
				if r.IntN(5) == 0 {
					b.WriteString(pick("junk", "= v", " : v") + "\n")
				}
			default:
				b.WriteString(indent() + key() + pick(" = ", "=", ": ", " : ", " \t= ") + value() + "\n")
			}
		}
	}
	text := b.String()
	switch r.IntN(8) {
	case 0:
		text = strings.ReplaceAll(text, "\n", "\r\n")
	case 1:
		text = strings.ReplaceAll(text, "\n", "\r")
	case 2:
		text = strings.TrimSuffix(text, "\n")
	}
	return text
}

// FuzzConfigParser: any input reads without panic; an error is a
// ParserError that names the file and (for syntax errors) a line of it;
// every value read has the line of its key; Get never panics.
func FuzzConfigParser(f *testing.F) {
	for i := range 50 {
		f.Add(genConfigParserText(rand.New(rand.NewPCG(uint64(i), 7))))
	}
	f.Add("[s]\nk = %(k)s\n")
	f.Fuzz(func(t *testing.T, text string) {
		p := NewConfigParser("f.ini")
		p.SetDefault("here", "/h")
		err := p.Read([]byte(text))
		if err != nil {
			var pe *ParserError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a ParserError", err)
			}
			if pe.Source != "f.ini" {
				t.Fatalf("error %v does not name the file", err)
			}
			if pe.Kind != UnicodeDecodeError && (pe.Line < 1 || pe.Line > len(SplitLines(text))) {
				t.Fatalf("error %v: line %d outside the file", err, pe.Line)
			}
			return
		}
		lines := len(SplitLines(text))
		for _, s := range append(p.Sections(), DefaultSection) {
			opts, err := p.Options(s)
			if s == DefaultSection {
				opts, err = p.DefaultKeys(), nil
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range opts {
				v, _ := p.Lookup(s, k)
				if v.File == "f.ini" && (v.Line < 1 || v.Line > lines) {
					t.Fatalf("[%s] %s: line %d outside the file", s, k, v.Line)
				}
				if _, err := p.Get(s, k); err != nil {
					var pe *ParserError
					if !errors.As(err, &pe) || pe.Section != s || pe.Option != k {
						t.Fatalf("Get(%q, %q): %v does not name the option", s, k, err)
					}
				}
			}
		}
	})
}

func TestConfigParserExponentialValue(t *testing.T) {
	// Each level names the next 16 times: 16^10 expansions. Python never
	// finishes; the reader gives up with an error.
	var b strings.Builder
	b.WriteString("[s]\n")
	for i := range 10 {
		fmt.Fprintf(&b, "k%d = %s\n", i, strings.Repeat(fmt.Sprintf("%%(k%d)s", i+1), 16))
	}
	b.WriteString("k10 = x\n")
	p, err := readCP(t, b.String())
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Get("s", "k0")
	var pe *ParserError
	if !errors.As(err, &pe) || pe.Kind != InterpolationDepthError || pe.Line != 2 {
		t.Errorf("err = %v, want an InterpolationDepthError at line 2", err)
	}
}
