package paste

import (
	"os"
	"strings"
	"unicode/utf8"

	"github.com/goslo/goslo/internal/ini"
)

// Python's posixpath and urllib helpers, as loadwsgi.py uses them: the
// "here" and "__file__" values and config: references must come out the
// same string Paste makes.

// pyAbspath is os.path.abspath.
func pyAbspath(p string) string {
	if !strings.HasPrefix(p, "/") {
		wd, err := os.Getwd()
		if err == nil {
			p = pyJoin(wd, p)
		}
	}
	return pyNormpath(p)
}

func pyJoin(a, b string) string {
	if strings.HasPrefix(b, "/") {
		return b
	}
	if a == "" || strings.HasSuffix(a, "/") {
		return a + b
	}
	return a + "/" + b
}

// pyNormpath is posixpath.normpath (exactly two leading slashes are kept).
func pyNormpath(p string) string {
	if p == "" {
		return "."
	}
	initial := 0
	if strings.HasPrefix(p, "/") {
		initial = 1
		if strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "///") {
			initial = 2
		}
	}
	var comps []string
	for _, c := range strings.Split(p, "/") {
		if c == "" || c == "." {
			continue
		}
		if c != ".." || (initial == 0 && len(comps) == 0) || (len(comps) > 0 && comps[len(comps)-1] == "..") {
			comps = append(comps, c)
		} else if len(comps) > 0 {
			comps = comps[:len(comps)-1]
		}
	}
	out := strings.Repeat("/", initial) + strings.Join(comps, "/")
	if out == "" {
		return "."
	}
	return out
}

// pyDirname is posixpath.dirname.
func pyDirname(p string) string {
	head := p[:strings.LastIndexByte(p, '/')+1]
	if head != "" && strings.Trim(head, "/") != "" {
		head = strings.TrimRight(head, "/")
	}
	return head
}

// pyUnquote is urllib.parse.unquote: %XX escapes are decoded as UTF-8
// (invalid bytes become U+FFFD); a "%" not followed by two hex digits stays.
func pyUnquote(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	var raw []byte
	flush := func() {
		for len(raw) > 0 {
			r, n := utf8.DecodeRune(raw)
			b.WriteRune(r) // RuneError for an invalid byte
			raw = raw[n:]
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			raw = append(raw, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		flush()
		b.WriteByte(s[i])
	}
	flush()
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// fields is Python's str.split() with no argument.
func fields(s string) []string { return strings.FieldsFunc(s, ini.IsSpace) }

// absoluteName is loadwsgi's _Loader.absolute_name: a name with a scheme,
// `^[a-zA-Z]+:`.
func absoluteName(name string) bool {
	scheme, _, ok := strings.Cut(name, ":")
	return ok && isLetters(scheme)
}
