package middleware

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goslo/goslo/config"
)

// resetCORSDefaults undoes SetCORSDefaults for a test.
func resetCORSDefaults(t *testing.T) {
	t.Cleanup(func() {
		cors.mu.Lock()
		cors.defs = CORSDefaults{}
		cors.mu.Unlock()
	})
}

func goSample(t *testing.T, namespaces ...string) string {
	t.Helper()
	var args []string
	for _, n := range namespaces {
		args = append(args, "--namespace", n)
	}
	var out, errb bytes.Buffer
	if code := config.GeneratorMain(args, &out, &errb); code != 0 {
		t.Fatalf("generator: %d: %s", code, errb.String())
	}
	return out.String()
}

// pySample runs oslo-config-generator after a Python prelude.
func pySample(t *testing.T, prelude string, namespaces ...string) string {
	t.Helper()
	needOracle(t)
	args := "["
	for _, n := range namespaces {
		args += "'--namespace', '" + n + "', "
	}
	args += "]"
	script := prelude + "\nfrom oslo_config import generator\ngenerator.main(args=" + args + ")\n"
	cmd := exec.Command(python, "-c", script)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python generator: %v\n%s", err, stderr.String())
	}
	return string(out)
}

// The sample files of oslo.middleware's namespaces are those of
// oslo-config-generator: names, defaults, help, deprecations.
func TestSampleMatchesOslo(t *testing.T) {
	for _, ns := range [][]string{
		{"oslo.middleware"},
		{"oslo.middleware.cors"},
		{"oslo.middleware.healthcheck"},
		{"oslo.middleware.http_proxy_to_wsgi"},
		{"oslo.middleware.sizelimit"},
		{"oslo.middleware.ssl"},
		{"oslo.middleware.basic_auth"},
		{"oslo.middleware.cors", "oslo.middleware.sizelimit"},
	} {
		t.Run(strings.Join(ns, "+"), func(t *testing.T) {
			want := pySample(t, "", ns...)
			if diff := cmp.Diff(want, goSample(t, ns...)); diff != "" {
				t.Errorf("sample differs from oslo-config-generator (-oslo +goslo):\n%s", diff)
			}
		})
	}
}

// SetCORSDefaults changes the sample as cors.set_defaults does.
func TestSetCORSDefaultsSample(t *testing.T) {
	resetCORSDefaults(t)
	f := false
	age := 60
	SetCORSDefaults(CORSDefaults{AllowHeaders: []string{"X-Auth-Token", "X-OpenStack-Request-ID"}, MaxAge: &age})
	SetCORSDefaults(CORSDefaults{AllowCredentials: &f, ExposeHeaders: []string{"X-OpenStack-Request-ID"}})
	want := pySample(t, `
from oslo_middleware import cors
cors.set_defaults(allow_headers=['X-Auth-Token', 'X-OpenStack-Request-ID'], max_age=60)
cors.set_defaults(allow_credentials=False, expose_headers=['X-OpenStack-Request-ID'])
`, "oslo.middleware.cors")
	if diff := cmp.Diff(want, goSample(t, "oslo.middleware.cors")); diff != "" {
		t.Errorf("sample differs (-oslo +goslo):\n%s", diff)
	}
}

// SetCORSDefaults gives the Configs registered afterwards its defaults;
// their files still win.
func TestSetCORSDefaultsConfig(t *testing.T) {
	resetCORSDefaults(t)
	age := 5
	SetCORSDefaults(CORSDefaults{MaxAge: &age, AllowMethods: []string{"GET"}})
	conf := config.New()
	if err := RegisterOptions(conf); err != nil {
		t.Fatal(err)
	}
	if err := RegisterOptions(conf); err != nil {
		t.Fatalf("registering twice: %v", err)
	}
	p := DefaultCORSPolicy()
	if p.MaxAge != 5 || !cmp.Equal(p.AllowMethods, []string{"GET"}) || !p.AllowCredentials {
		t.Errorf("DefaultCORSPolicy = %+v", p)
	}
	if got := cors.opts.maxAge.Get(conf); got != 5 {
		t.Errorf("max_age = %d, want the new default 5", got)
	}
	if got := cors.opts.allowMethods.Get(conf); !cmp.Equal(got, []string{"GET"}) {
		t.Errorf("allow_methods = %q", got)
	}
	if got := cors.opts.allowCredentials.Get(conf); !got {
		t.Errorf("allow_credentials changed without being set")
	}
}

// The options read where oslo reads them, with oslo's defaults and old
// names.
func TestOptions(t *testing.T) {
	tests := []struct {
		name, file string
		check      func(*config.Config) any
		want       any
	}{
		{"max body default", "", func(c *config.Config) any { return MaxRequestBodySize.Get(c) }, 114688},
		{"max body", "[oslo_middleware]\nmax_request_body_size = 42\n", func(c *config.Config) any { return MaxRequestBodySize.Get(c) }, 42},
		{"max body old name", "[DEFAULT]\nosapi_max_request_body_size = 7\n", func(c *config.Config) any { return MaxRequestBodySize.Get(c) }, 7},
		{"max body old group", "[DEFAULT]\nmax_request_body_size = 8\n", func(c *config.Config) any { return MaxRequestBodySize.Get(c) }, 8},
		{"proxy default", "", func(c *config.Config) any { return EnableProxyHeadersParsing.Get(c) }, false},
		{"proxy on", "[oslo_middleware]\nenable_proxy_headers_parsing = yes\n", func(c *config.Config) any { return EnableProxyHeadersParsing.Get(c) }, true},
		{"ssl header", "", func(c *config.Config) any { return SecureProxySSLHeader.Get(c) }, "X-Forwarded-Proto"},
		{"basic auth file", "", func(c *config.Config) any { return HTTPBasicAuthUserFile.Get(c) }, "/etc/htpasswd"},
		{"cors origin unset", "", func(c *config.Config) any { return cors.opts.allowedOrigin.Get(c) }, []string(nil)},
		{"cors origins", "[cors]\nallowed_origin = https://a, https://b\n", func(c *config.Config) any { return cors.opts.allowedOrigin.Get(c) }, []string{"https://a", "https://b"}},
		{"cors credentials", "", func(c *config.Config) any { return cors.opts.allowCredentials.Get(c) }, true},
		{"cors expose", "", func(c *config.Config) any { return cors.opts.exposeHeaders.Get(c) }, []string{}},
		{"cors max age", "", func(c *config.Config) any { return cors.opts.maxAge.Get(c) }, 3600},
		{"cors methods", "", func(c *config.Config) any { return cors.opts.allowMethods.Get(c) },
			[]string{"OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "PATCH"}},
		{"healthcheck path", "", func(c *config.Config) any { return HealthcheckPath.Get(c) }, "/healthcheck"},
		{"healthcheck detailed", "[healthcheck]\ndetailed = true\n", func(c *config.Config) any { return HealthcheckDetailed.Get(c) }, true},
		{"healthcheck backends", "[healthcheck]\nbackends = disable_by_file\n", func(c *config.Config) any { return HealthcheckBackends.Get(c) }, []string{"disable_by_file"}},
		{"disable file unset", "", func(c *config.Config) any { _, ok := DisableByFilePath.Lookup(c); return ok }, false},
		{"disable files", "[healthcheck]\ndisable_by_file_paths = 5000:/a,35357:/b\n", func(c *config.Config) any { return DisableByFilePaths.Get(c) }, []string{"5000:/a", "35357:/b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conf := loadConf(t, tc.file)
			if got := tc.check(conf); !cmp.Equal(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

// A bad value is reported when the options are registered on a loaded
// Config, naming the option.
func TestBadOptionValue(t *testing.T) {
	conf := config.New()
	path := writeFile(t, "bad.conf", "[oslo_middleware]\nmax_request_body_size = lots\n")
	if err := conf.Load([]string{"--config-file", path}, config.LoadOptions{DefaultConfigFiles: []string{}, DefaultConfigDirs: []string{}}); err != nil {
		t.Fatal(err)
	}
	err := RegisterOptions(conf)
	if err == nil || !strings.Contains(err.Error(), "max_request_body_size") {
		t.Errorf("RegisterOptions = %v, want an error naming max_request_body_size", err)
	}
}
