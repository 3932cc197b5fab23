package wsgi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/goslo/goslo/config"
)

const optsOracle = `
import json, sys
from oslo_service import _options
out = []
for group, opts in ((None, _options.wsgi_opts), ("ssl", _options.ssl_opts)):
    for o in opts:
        dep = [[d.group, d.name] for d in o.deprecated_opts]
        out.append({"group": group or "DEFAULT", "name": o.name, "type": type(o).__name__,
                    "default": o.default, "help": o.help, "deprecated": dep})
print(json.dumps(out))
`

// TestOptionsMatchOslo compares every option with oslo.service's own
// definition: name, group, type, default, help and deprecated names.
func TestOptionsMatchOslo(t *testing.T) {
	type pyOpt struct {
		Group, Name, Type, Help string
		Default                 any
		Deprecated              [][2]*string
	}
	var want []pyOpt
	python(t, optsOracle, nil, &want)
	conf := config.New()
	if err := RegisterOptions(conf); err != nil {
		t.Fatal(err)
	}
	if err := conf.Load(nil, config.LoadOptions{DefaultConfigFiles: []string{}, DefaultConfigDirs: []string{}}); err != nil {
		t.Fatal(err)
	}
	type goOpt struct {
		name, group, typ, help string
		deprecated             [][2]string
	}
	defs := map[string]goOpt{}
	add := func(name, group, typ, help string, dep [][2]string) {
		defs[group+"."+name] = goOpt{name, group, typ, help, dep}
	}
	for _, o := range []*config.Opt[string]{APIPasteConfig, LogFormat, SSLCAFile, SSLCertFile, SSLKeyFile, SSLVersion, SSLCiphers} {
		var dep [][2]string
		if o.DeprecatedName != "" {
			dep = [][2]string{{o.DeprecatedGroup, o.DeprecatedName}}
		}
		add(o.Name, groupOf(o.Group), "StrOpt", o.Help, dep)
	}
	for _, o := range []*config.Opt[int]{TCPKeepIdle, DefaultPoolSize, MaxHeaderLine, ClientSocketTimeout} {
		add(o.Name, groupOf(o.Group), "IntOpt", o.Help, nil)
	}
	for _, o := range []*config.Opt[bool]{KeepAlive, ServerDebug} {
		add(o.Name, groupOf(o.Group), "BoolOpt", o.Help, nil)
	}
	if len(want) != len(defs) {
		t.Errorf("oslo has %d options, goslo %d", len(want), len(defs))
	}
	for _, w := range want {
		t.Run(w.Group+"."+w.Name, func(t *testing.T) {
			g, ok := defs[w.Group+"."+w.Name]
			if !ok {
				t.Fatal("missing")
			}
			if g.typ != w.Type {
				t.Errorf("type %s, oslo %s", g.typ, w.Type)
			}
			if g.help != w.Help {
				t.Errorf("help\n got %q\nwant %q", g.help, w.Help)
			}
			v, err := conf.Value(w.Group, w.Name)
			if err != nil {
				t.Fatal(err)
			}
			gotDef := fmt.Sprint(v)
			if v == nil {
				gotDef = "<nil>"
			}
			wantDef := fmt.Sprint(w.Default)
			if f, ok := w.Default.(float64); ok {
				wantDef = fmt.Sprint(int(f))
			}
			if gotDef != wantDef {
				t.Errorf("default %q, oslo %q", gotDef, wantDef)
			}
			var wantDep [][2]string
			for _, d := range w.Deprecated {
				var pair [2]string
				if d[0] != nil {
					pair[0] = *d[0]
				}
				if d[1] != nil {
					pair[1] = *d[1]
				}
				wantDep = append(wantDep, pair)
			}
			if fmt.Sprint(g.deprecated) != fmt.Sprint(wantDep) {
				t.Errorf("deprecated %v, oslo %v", g.deprecated, wantDep)
			}
		})
	}
}

func groupOf(g string) string {
	if g == "" {
		return config.DefaultGroup
	}
	return g
}

// TestRegisterOptionsTwice: NewServer, NewLoader and the program may all
// register them.
func TestRegisterOptionsTwice(t *testing.T) {
	conf := config.New()
	for i := 0; i < 2; i++ {
		if err := RegisterOptions(conf); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDeprecatedSSLNames: [DEFAULT] ssl_cert_file still sets [ssl]
// cert_file, as in oslo.
func TestDeprecatedSSLNames(t *testing.T) {
	conf := loadConf(t, "[DEFAULT]\nssl_cert_file = /a/cert.pem\nssl_key_file = /a/key.pem\nssl_ca_file = /a/ca.pem\n")
	if got := SSLCertFile.Get(conf); got != "/a/cert.pem" {
		t.Errorf("cert_file %q", got)
	}
	if got := SSLKeyFile.Get(conf); got != "/a/key.pem" {
		t.Errorf("key_file %q", got)
	}
	if got := SSLCAFile.Get(conf); got != "/a/ca.pem" {
		t.Errorf("ca_file %q", got)
	}
}

// TestSampleMatchesOsloGenerator: the sample config of the namespaces is
// byte for byte oslo-config-generator's.
func TestSampleMatchesOsloGenerator(t *testing.T) {
	for _, ns := range []string{"oslo.service.wsgi", "oslo.service.sslutils"} {
		t.Run(ns, func(t *testing.T) {
			var want []string
			python(t, `
import json, sys, io, contextlib
from oslo_config import generator, cfg
conf = cfg.ConfigOpts()
generator.register_cli_opts(conf)
out = io.StringIO()
conf(["--namespace", json.load(sys.stdin)])
with contextlib.redirect_stdout(out):
    generator.generate(conf, output_file=sys.stdout)
print(json.dumps([out.getvalue()]))
`, ns, &want)
			nss, err := config.ListOpts(ns)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := config.WriteSample(&b, nss, config.SampleOptions{}); err != nil {
				t.Fatal(err)
			}
			if b.String() != want[0] {
				t.Fatalf("sample differs:\n--- goslo\n%s\n--- oslo\n%s", b.String(), want[0])
			}
		})
	}
}
