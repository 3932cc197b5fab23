package paste

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var randomCases = flag.Int("random-cases", 400, "number of generated paste files TestOracleRandom compares with PasteDeploy")

// TestOracleRandom generates paste files from a grammar of what Paste
// reads (every section type, use/explicit/filter-with/next/pipeline,
// set/get, [DEFAULT], interpolation, continuation lines, comments,
// config: includes, duplicates and mistakes) and compares Inspect with
// PasteDeploy on each. The seed is fixed, so a failure repeats; raise
// -random-cases for a longer run.
func TestOracleRandom(t *testing.T) {
	needOracle(t)
	dir := t.TempDir()
	var cases []oracleCase
	var texts []string
	for i := range *randomCases {
		g := &gen{r: rand.New(rand.NewPCG(uint64(i), 42))}
		main := g.file(true)
		load := g.appName()
		other := g.file(false)
		d := filepath.Join(dir, fmt.Sprint(i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, text := range map[string]string{"main.ini": main, "other.ini": other} {
			if err := os.WriteFile(filepath.Join(d, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		cases = append(cases, oracleCase{filepath.Join(d, "main.ini"), load})
		texts = append(texts, "--- main.ini\n"+main+"--- other.ini\n"+other)
	}
	compareWithOracle(t, cases, func(i int) string {
		return fmt.Sprintf("case %d (load %q)\n%s", i, cases[i].name, texts[i])
	})
}

var (
	names    = []string{"main", "a", "b", "f1", "f2", "app", "p", "comp"}
	prefixes = []string{"app", "app", "app", "filter", "filter", "filter", "pipeline", "pipeline", "composite", "composite",
		"filter-app", "application", "composit"}
	plainKeys = []string{"k1", "k2", "level", "name", "db", "here"}
)

type gen struct {
	r       *rand.Rand
	keys    map[string]bool // keys of the current section
	cur     string          // its name
	apps    []string        // names of the app-like sections of the file
	filters []string        // names of its filter sections
}

// appName and filterName mostly name a section the file has, and seldom
// the section being written (a loop).
func (g *gen) appName() string {
	for range 3 {
		n := g.pick(names...)
		if len(g.apps) > 0 && g.chance(0.9) {
			n = g.pick(g.apps...)
		}
		if n != g.cur || g.chance(0.1) {
			return n
		}
	}
	return "app"
}

func (g *gen) filterName() string {
	for range 3 {
		n := g.pick("f1", "f2", "nope")
		if len(g.filters) > 0 && g.chance(0.9) {
			n = g.pick(g.filters...)
		}
		if n != g.cur || g.chance(0.1) {
			return n
		}
	}
	return "f2"
}

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) chance(p float64) bool    { return g.r.Float64() < p }

func (g *gen) value() string {
	switch g.r.IntN(12) {
	case 0:
		if g.chance(0.3) {
			return "%(" + g.pick(plainKeys...) + ")s"
		}
		return "%(here)s"
	case 1:
		return "%(here)s/" + g.pick("etc", "x.conf")
	case 2:
		return "%(__file__)s"
	case 3:
		return "100%%"
	case 4:
		if g.chance(0.1) {
			return "50%"
		}
		if g.chance(0.2) {
			return "v%(k1)s-%(k2)s"
		}
		return "%%(here)s"
	case 5:
		return ""
	case 6:
		return "a b  c"
	}
	return g.pick("1", "true", "x", "/v2", "sqlite://", "value with # hash", "x:y")
}

func (g *gen) ref(filter bool) string {
	switch g.r.IntN(14) {
	case 0:
		return "egg:svc"
	case 1:
		return "call:svc.mod:" + g.pick("factory", "Obj.factory")
	case 2:
		return "config:other.ini#" + g.pick(names...)
	case 3:
		return "config:other.ini"
	case 4:
		return "EGG:Svc#" + g.pick(names...)
	case 5, 6, 7:
		if filter {
			return g.filterName()
		}
		return g.appName()
	case 8:
		if g.chance(0.2) {
			return g.pick("call:nocolon", "http://x", "egg:svc#call:m:f")
		}
	}
	return "egg:svc#" + g.pick("x", "y", "z", "f")
}

func (g *gen) key(k, v string) string {
	if g.keys[k] && !g.chance(0.03) {
		return "" // a duplicate key now and then
	}
	g.keys[k] = true
	sep := g.pick(" = ", "=", ": ", " =", "  =  ")
	line := k + sep + v
	if g.chance(0.1) {
		// continue the value on more lines
		line += "\n" + g.pick("  ", "\t", "    ") + g.pick("more", "x = y", "# not a comment")
		if g.chance(0.3) {
			line += "\n\n  after blank"
		}
	}
	return line + "\n"
}

func (g *gen) section(prefix, name string) string {
	var b strings.Builder
	header := prefix + ":" + name
	if g.chance(0.05) {
		header = prefix + ": " + name + " "
	}
	b.WriteString("[" + header + "]\n")
	g.keys = map[string]bool{}
	g.cur = name
	switch prefix {
	case "pipeline":
		n := 1 + g.r.IntN(3)
		var words []string
		for range n {
			if g.chance(0.1) {
				words = append(words, "egg:svc#f")
			} else {
				words = append(words, g.filterName())
			}
		}
		if g.chance(0.1) {
			words = append(words, "egg:svc#app")
		} else {
			words = append(words, g.appName())
		}
		if g.chance(0.1) {
			words = words[:0]
		}
		b.WriteString(g.key("pipeline", strings.Join(words, " ")))
		if g.chance(0.05) {
			b.WriteString(g.key("extra", "1"))
		}
		return b.String()
	case "filter-app":
		if !g.chance(0.1) {
			b.WriteString(g.key("next", g.appName()))
		}
	case "composite", "composit":
		for range g.r.IntN(3) {
			b.WriteString(g.key(g.pick("/", "/v2", "domain example.com /v1", "noauth", "keystone"),
				g.pick(g.appName(), g.appName(), g.filterName()+" "+g.appName(), "", "egg:svc#q", "call:m:app")))
		}
	}
	switch {
	case g.chance(0.75):
		b.WriteString(g.key("use", g.ref(prefix == "filter" || prefix == "filter-app")))
	case g.chance(0.85):
		proto := g.pick("paste.app_factory", "paste.composite_factory", "paste.composit_factory")
		if prefix == "filter" || prefix == "filter-app" {
			proto = g.pick("paste.filter_factory", "paste.filter_app_factory")
		}
		if g.chance(0.05) {
			proto = g.pick("paste.app_factory", "paste.filter_factory")
		}
		b.WriteString(g.key(proto, "svc.mod:"+g.pick("a", "b")))
		if g.chance(0.1) {
			b.WriteString(g.key(g.pick("paste.app_factory", "paste.filter_factory"), "svc.mod:c"))
		}
	}
	if g.chance(0.15) {
		b.WriteString(g.key("filter-with", g.filterName()))
	}
	for range g.r.IntN(4) {
		switch g.r.IntN(6) {
		case 0:
			b.WriteString(g.key("set "+g.pick(plainKeys...), g.value()))
		case 1:
			b.WriteString(g.key("get "+g.pick("k1", "local_db"), g.pick("here", "__file__", g.pick(plainKeys...))))
		case 2:
			b.WriteString(g.pick("# a comment\n", "; another\n", "\n", "  # indented comment\n"))
		default:
			b.WriteString(g.key(g.pick(plainKeys...), g.value()))
		}
	}
	if g.chance(0.05) {
		b.WriteString(g.key("require", "svc"))
	}
	return b.String()
}

// file makes a paste file; main leans towards sections main loads.
func (g *gen) file(main bool) string {
	var b strings.Builder
	if g.chance(0.4) {
		b.WriteString("[DEFAULT]\n")
		g.keys = map[string]bool{}
		for range 1 + g.r.IntN(3) {
			switch g.r.IntN(8) {
			case 0:
				b.WriteString(g.key("set "+g.pick(plainKeys...), g.value()))
			case 1:
				b.WriteString(g.key("get k2", g.pick(plainKeys...)))
			default:
				b.WriteString(g.key(g.pick(plainKeys...), g.value()))
			}
		}
		b.WriteString("\n")
	}
	n := 2 + g.r.IntN(6)
	if !main {
		n = g.r.IntN(4)
	}
	type sect struct{ prefix, name string }
	var sects []sect
	used := map[string]bool{}
	g.apps, g.filters = nil, nil
	for i := range n {
		prefix := g.pick(prefixes...)
		name := g.pick(names...)
		if i == 0 && main {
			name = "main"
		}
		switch {
		case strings.HasPrefix(name, "f") && !g.chance(0.1):
			prefix = "filter"
		case prefix == "filter" && !g.chance(0.1):
			prefix = "app"
		}
		if used[name] && !g.chance(0.05) {
			continue // an ambiguous or duplicate section now and then
		}
		used[name] = true
		sects = append(sects, sect{prefix, name})
		if prefix == "filter" {
			g.filters = append(g.filters, name)
		} else {
			g.apps = append(g.apps, name)
		}
	}
	for _, sc := range sects {
		b.WriteString(g.section(sc.prefix, sc.name))
		b.WriteString(g.pick("\n", "", "\n\n", "# trailer\n"))
	}
	text := b.String()
	if g.chance(0.05) {
		text = strings.ReplaceAll(text, "\n", "\r\n")
	}
	return text
}
