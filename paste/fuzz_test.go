package paste

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/goslo/goslo/internal/ini"
)

// FuzzLoad loads fuzzed files (a main file, a file it may include as
// config:other.ini, an application name) with Inspect and with a registry
// of real factories. Nothing may panic or hang; a failed load must give a
// "paste: " error that locates itself: a *Error naming the file (and,
// below the top, the section and key), or a syntax error with its line.
func FuzzLoad(f *testing.F) {
	for i := range 40 {
		g := &gen{r: rand.New(rand.NewPCG(uint64(i), 42))}
		main := g.file(true)
		name := g.appName()
		f.Add(main, g.file(false), name)
	}
	f.Add("[composite:main]\nuse = egg:Paste#urlmap\n/ = main\n", "", "main")
	f.Add("[app:main]\nuse = config:other.ini#x\n", "[app:x]\nuse = config:main.ini\n", "main")
	reg := NewRegistry()
	reg.Handler("egg:svc#x", http.NotFoundHandler())
	reg.Middleware("egg:svc#f", func(h http.Handler) http.Handler { return h })
	reg.App("svc.mod:a", func(_, _ map[string]string) (http.Handler, error) { return http.NotFoundHandler(), nil })
	f.Fuzz(func(t *testing.T, main, other, name string) {
		files := map[string]string{"/d/main.ini": main, "/d/other.ini": other}
		read := func(p string) ([]byte, error) {
			if s, ok := files[p]; ok {
				return []byte(s), nil
			}
			return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
		}
		opts := []Option{func(o *options) { o.readFile = read }}
		n, err := Inspect("/d/main.ini", name, opts...)
		if err == nil && (n == nil || (n.Kind != "app" && n.Kind != "composite" && n.Kind != "filter")) {
			t.Fatalf("Inspect gave %+v and no error", n)
		}
		checkLocated(t, err)
		h, err := reg.LoadApp("/d/main.ini", name, opts...)
		if err == nil && h == nil {
			t.Fatal("LoadApp gave no handler and no error")
		}
		checkLocated(t, err)
	})
}

func checkLocated(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if !strings.HasPrefix(err.Error(), "paste: ") {
		t.Fatalf("error %q lacks the paste: prefix", err)
	}
	var pe *ini.ParserError
	if errors.As(err, &pe) && pe.Line == 0 && pe.Kind != ini.UnicodeDecodeError {
		t.Fatalf("syntax error without a line: %v", err)
	}
	var le *Error
	if !errors.As(err, &le) {
		if pe == nil {
			t.Fatalf("error %q is neither located nor a syntax error", err)
		}
		return
	}
	if le.File == "" {
		t.Fatalf("error %q does not name the file", err)
	}
	// Below the top, every level names a section.
	for e := error(le); e != nil; {
		var inner *Error
		if !errors.As(e, &inner) {
			break
		}
		if inner != le && inner.Section == "" {
			t.Fatalf("error %q: a level without a section", err)
		}
		e = inner.Err
	}
}
