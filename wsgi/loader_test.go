package wsgi

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/paste"
)

func TestLoaderFindsPasteFile(t *testing.T) {
	// The same trees are given to oslo_service.wsgi.Loader, in one run.
	type osloCase struct {
		name string
		args []string
		want string
	}
	var oslo []osloCase
	defer func() {
		if t.Failed() || len(oslo) == 0 {
			return
		}
		var in [][]string
		for _, c := range oslo {
			in = append(in, c.args)
		}
		var got []*string
		python(t, osloLoaderOracle, in, &got)
		for i, c := range oslo {
			if got[i] == nil && c.want != "" || got[i] != nil && *got[i] != c.want {
				t.Errorf("%s: oslo finds %v, goslo %q", c.name, got[i], c.want)
			}
		}
	}()
	for _, tc := range []struct {
		name  string
		files map[string]string
		args  []string
		want  string // relative to the directory; "" means not found
		// oslo differs: it takes a directory of that name.
		osloDiffers bool
	}{
		{"beside the config file", map[string]string{"etc/api.conf": "", "etc/api-paste.ini": "[app:main]\n"},
			[]string{"--config-file", "$DIR/etc/api.conf"}, "etc/api-paste.ini", false},
		{"named in the config", map[string]string{"etc/api.conf": "[DEFAULT]\napi_paste_config = paste/custom.ini\n", "etc/paste/custom.ini": ""},
			[]string{"--config-file", "$DIR/etc/api.conf"}, "etc/paste/custom.ini", false},
		{"last config file's directory first", map[string]string{"a/api.conf": "", "b/api.conf": "", "a/api-paste.ini": "", "b/api-paste.ini": ""},
			[]string{"--config-file", "$DIR/a/api.conf", "--config-file", "$DIR/b/api.conf"}, "b/api-paste.ini", false},
		{"in the config dir", map[string]string{"etc/api.conf": "", "conf.d/x.conf": "", "conf.d/api-paste.ini": "", "etc/api-paste.ini": ""},
			[]string{"--config-file", "$DIR/etc/api.conf", "--config-dir", "$DIR/conf.d"}, "conf.d/api-paste.ini", false},
		{"absolute path", map[string]string{"etc/api.conf": "[DEFAULT]\napi_paste_config = $DIR/elsewhere/p.ini\n", "elsewhere/p.ini": ""},
			[]string{"--config-file", "$DIR/etc/api.conf"}, "elsewhere/p.ini", false},
		{"absolute path missing", map[string]string{"etc/api.conf": "[DEFAULT]\napi_paste_config = /no/such/api-paste.ini\n"},
			[]string{"--config-file", "$DIR/etc/api.conf"}, "", false},
		{"nowhere", map[string]string{"etc/api.conf": ""},
			[]string{"--config-file", "$DIR/etc/api.conf"}, "", false},
		{"a directory is not a paste file", map[string]string{"etc/api.conf": "", "etc/api-paste.ini/x": ""},
			[]string{"--config-file", "$DIR/etc/api.conf"}, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conf, dir := confWithFiles(t, tc.files, tc.args...)
			l, err := NewLoader(conf)
			if tc.want == "" {
				var nf *ConfigNotFoundError
				if !errors.As(err, &nf) || !strings.Contains(err.Error(), "Could not find config at "+APIPasteConfig.Get(conf)) {
					t.Fatalf("got %v, want ConfigNotFoundError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(dir, tc.want); l.ConfigPath != want {
				t.Fatalf("found %q, want %q", l.ConfigPath, want)
			}
		})
		if !tc.osloDiffers {
			conf, dir := confWithFiles(t, tc.files, tc.args...)
			want := ""
			if tc.want != "" {
				want = filepath.Join(dir, tc.want)
			}
			oslo = append(oslo, osloCase{tc.name, conf.Args(), want})
		}
	}
}

// confWithFiles writes files (name -> content) under a temporary
// directory and loads a Config with the WSGI options and args; "$DIR" in
// args and contents stands for that directory.
func confWithFiles(t *testing.T, files map[string]string, args ...string) (*config.Config, string) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(content, "$DIR", dir)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args = append([]string{}, args...)
	for i := range args {
		args[i] = strings.ReplaceAll(args[i], "$DIR", dir)
	}
	conf := config.New()
	if err := RegisterOptions(conf); err != nil {
		t.Fatal(err)
	}
	if err := conf.Load(args, config.LoadOptions{Project: "goslo-wsgi-test-none", DefaultConfigFiles: []string{}, DefaultConfigDirs: []string{}, IgnoreEnv: true}); err != nil {
		t.Fatal(err)
	}
	return conf, dir
}

const osloLoaderOracle = `
import json, sys
from oslo_config import cfg
from oslo_service import wsgi
out = []
for args in json.load(sys.stdin):
    conf = cfg.ConfigOpts()
    conf(args, project="goslo-wsgi-test-none", default_config_files=[], default_config_dirs=[])
    try:
        out.append(wsgi.Loader(conf).config_path)
    except wsgi.ConfigNotFound:
        out.append(None)
print(json.dumps(out))
`

func TestLoaderLoadApp(t *testing.T) {
	conf, dir := confWithFiles(t, map[string]string{"api.conf": "", "api-paste.ini": ""}, "--config-file", "$DIR/api.conf")
	l, err := NewLoader(conf)
	if err != nil {
		t.Fatal(err)
	}
	l.Log = discardLog()
	var gotFile, gotName string
	app := http.HandlerFunc(hello)
	l.Paste = func(file, name string) (http.Handler, error) {
		gotFile, gotName = file, name
		switch name {
		case "osapi_compute":
			return app, nil
		case "missing":
			return nil, errors.New("paste: " + file + ": " + ErrAppNotFound.Error() + ` "missing"`)
		case "gone":
			return nil, &wrapped{ErrAppNotFound}
		}
		return nil, errors.New("filter authtoken: no factory")
	}
	h, err := l.LoadApp("osapi_compute")
	if err != nil || h == nil || gotName != "osapi_compute" || gotFile != filepath.Join(dir, "api-paste.ini") {
		t.Fatalf("%v %v %q %q", h, err, gotFile, gotName)
	}
	_, err = l.LoadApp("gone")
	var nf *PasteAppNotFoundError
	if !errors.As(err, &nf) || nf.Name != "gone" || !strings.Contains(err.Error(), "Could not load paste app 'gone' from "+l.ConfigPath) {
		t.Fatalf("got %v", err)
	}
	_, err = l.LoadApp("broken")
	if err == nil || errors.As(err, &nf) || !strings.Contains(err.Error(), `wsgi: load app "broken" from `+l.ConfigPath+": filter authtoken: no factory") {
		t.Fatalf("got %v", err)
	}
	// Without Paste, the paste package loads it: the file is empty.
	l.Paste = nil
	if _, err := l.LoadApp("x"); !errors.As(err, &nf) || !errors.Is(err, paste.ErrNoSection) {
		t.Fatalf("got %v", err)
	}
}

type wrapped struct{ err error }

func (w *wrapped) Error() string { return "lookup: " + w.err.Error() }
func (w *wrapped) Unwrap() error { return w.err }
