package wsgi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/middleware"
	"github.com/goslo/goslo/paste"
	"github.com/goslo/goslo/service"
)

func TestNewService(t *testing.T) {
	for _, tc := range []struct {
		name, ini   string
		opts        ServiceOptions
		workers     int
		ssl         bool
		wantErr     string
		preRegister config.Option
	}{
		{name: "defaults", workers: runtime.NumCPU()},
		{name: "workers", ini: "osapi_compute_workers = 3\n", workers: 3},
		{name: "workers below 1", ini: "osapi_compute_workers = 0\n", wantErr: "osapi_compute_workers"},
		{name: "enabled_ssl_apis", ini: "enabled_ssl_apis = metadata,osapi_compute\n", ssl: true,
			wantErr: "you must specify both a cert_file and key_file"},
		{name: "other API with ssl", ini: "enabled_ssl_apis = metadata\n", workers: runtime.NumCPU()},
		{name: "UseSSL forced off", ini: "enabled_ssl_apis = osapi_compute\n", opts: ServiceOptions{UseSSL: new(false)}, workers: runtime.NumCPU()},
		{name: "program's own option", ini: "osapi_compute_workers = 2\n", workers: 2,
			preRegister: &config.Opt[int]{Name: "osapi_compute_workers", Help: "Number of workers for OpenStack API service."}},
		{name: "program's option of another type", wantErr: "[DEFAULT] osapi_compute_workers is a string option, want int",
			preRegister: &config.Opt[string]{Name: "osapi_compute_workers", Default: "many"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			host := testHost()
			ini := fmt.Sprintf("[DEFAULT]\nosapi_compute_listen = %s\n%s", host, tc.ini)
			conf := loadConf(t, ini)
			if tc.preRegister != nil {
				if err := conf.Register(tc.preRegister); err != nil {
					t.Fatal(err)
				}
			}
			svc, err := NewService(conf, "osapi_compute", Handler(http.HandlerFunc(hello)), ServiceOptions{
				UseSSL: tc.opts.UseSSL, Log: discardLog()})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer svc.Stop(context.Background())
			if svc.Workers() != tc.workers || svc.UseSSL() != tc.ssl || svc.Name() != "osapi_compute" || svc.Host() != host {
				t.Fatalf("workers %d ssl %v name %q host %q", svc.Workers(), svc.UseSSL(), svc.Name(), svc.Host())
			}
			if err := svc.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			out := exchange(t, svc.Addr().String(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
			if !strings.HasSuffix(out, "hello") {
				t.Fatalf("got %q", out)
			}
		})
	}
}

// TestNewServiceRegistersByName: NAME_listen, NAME_listen_port and
// NAME_workers are options of the config afterwards, with their defaults.
func TestNewServiceRegistersByName(t *testing.T) {
	host := testHost()
	conf := loadConf(t, "[DEFAULT]\nmetadata_listen = "+host+"\n")
	svc, err := NewService(conf, "metadata", Handler(http.HandlerFunc(hello)), ServiceOptions{Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop(context.Background())
	for name, want := range map[string]any{"metadata_listen": host, "metadata_listen_port": 0, "metadata_workers": nil, "enabled_ssl_apis": []string{}} {
		v, err := conf.Value(config.DefaultGroup, name)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(v) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", name, v, want)
		}
	}
	// A second service of the same name re-registers the same options.
	if _, err := optByName(conf, &config.Opt[string]{Name: "metadata_listen", Default: "0.0.0.0",
		Help: "IP address on which the metadata API will listen."}); err != nil {
		t.Fatal(err)
	}
}

// novaPaste is a nova-shaped api-paste.ini: a urlmap of the versions
// document and the v2.1 API, each a pipeline of oslo.middleware's filters
// and stand-ins for nova's.
const novaPaste = `[composite:osapi_compute]
use = egg:Paste#urlmap
/: oscomputeversions
/v2.1: openstack_compute_api_v21

[composite:openstack_compute_api_v21]
use = call:nova.api.auth:pipeline_factory_v21
keystone = cors http_proxy_to_wsgi compute_req_id faultwrap sizelimit authtoken keystonecontext osapi_compute_app_v21
noauth2 = cors http_proxy_to_wsgi compute_req_id faultwrap sizelimit noauth2 osapi_compute_app_v21

[filter:compute_req_id]
paste.filter_factory = oslo_middleware:RequestId.factory

[filter:faultwrap]
paste.filter_factory = oslo_middleware:CatchErrors.factory

[filter:noauth2]
paste.filter_factory = nova.api.openstack.auth:NoAuthMiddleware.factory

[filter:sizelimit]
paste.filter_factory = oslo_middleware:RequestBodySizeLimiter.factory

[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory

[filter:cors]
paste.filter_factory = oslo_middleware.cors:filter_factory
oslo_config_project = nova

[app:osapi_compute_app_v21]
paste.app_factory = nova.api.openstack.compute:APIRouterV21.factory

[pipeline:oscomputeversions]
pipeline = cors faultwrap http_proxy_to_wsgi oscomputeversionapp

[app:oscomputeversionapp]
paste.app_factory = nova.api.openstack.compute.versions:Versions.factory
`

// novaRegistry registers oslo.middleware's filters and Go stand-ins for
// nova's factories.
func novaRegistry(t *testing.T, conf *config.Config) *paste.Registry {
	t.Helper()
	reg := paste.NewRegistry()
	if err := middleware.Register(reg, conf); err != nil {
		t.Fatal(err)
	}
	reg.Composite("call:nova.api.auth:pipeline_factory_v21", paste.PipelineFactory(func() string { return "noauth2" }))
	reg.Middleware("nova.api.openstack.auth:NoAuthMiddleware.factory", func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Auth-Token") == "" {
				http.Error(w, "no token", http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	reg.Handler("nova.api.openstack.compute:APIRouterV21.factory", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/servers":
			b, _ := io.ReadAll(r.Body)
			fmt.Fprintf(w, "servers %s %d", paste.ScriptName(r.Context()), len(b))
		case "/boom":
			panic("compute is broken")
		default:
			http.NotFound(w, r)
		}
	}))
	reg.Handler("nova.api.openstack.compute.versions:Versions.factory", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"versions": [{"id": "v2.1", "href": "%s/v2.1/"}]}`, middleware.ApplicationURL(r))
	}))
	return reg
}

// TestServiceFromPasteEndToEnd: NewService finds api-paste.ini beside the
// config file, loads the application of its name through paste with
// oslo.middleware's filters, and serves it on a real socket; a restart
// under keep-alive load through the whole pipeline loses nothing.
func TestServiceFromPasteEndToEnd(t *testing.T) {
	host := testHost()
	conf, _ := confWithFiles(t, map[string]string{
		"etc/nova/nova.conf": "[DEFAULT]\nosapi_compute_listen = " + host + "\n" +
			"wsgi_log_format = %(status_code)s %(request_line)s\n" +
			"[oslo_middleware]\nmax_request_body_size = 100\nenable_proxy_headers_parsing = true\n",
		"etc/nova/api-paste.ini": novaPaste,
	}, "--config-file", "$DIR/etc/nova/nova.conf")
	logs := newCapture()
	svc, err := NewService(conf, "osapi_compute", nil, ServiceOptions{Registry: novaRegistry(t, conf), Log: logs.logger()})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := svc.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	addr := svc.Addr().String()
	for _, tc := range []struct {
		name, req, status, body string
	}{
		{"versions behind a proxy", "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: api.example.com\r\nConnection: close\r\n\r\n",
			"HTTP/1.1 200 OK", `"href": "https://api.example.com/v2.1/"`},
		{"servers", "POST /v2.1/servers HTTP/1.1\r\nHost: x\r\nX-Auth-Token: t\r\nContent-Length: 5\r\nConnection: close\r\n\r\nabcde",
			"HTTP/1.1 200 OK", "servers /v2.1 5"},
		{"no token", "GET /v2.1/servers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "HTTP/1.1 401 Unauthorized", "no token"},
		{"sizelimit", "POST /v2.1/servers HTTP/1.1\r\nHost: x\r\nX-Auth-Token: t\r\nContent-Length: 101\r\nConnection: close\r\n\r\n" + strings.Repeat("x", 101),
			"HTTP/1.1 413 Request Entity Too Large", ""},
		{"catch_errors", "GET /v2.1/boom HTTP/1.1\r\nHost: x\r\nX-Auth-Token: t\r\nConnection: close\r\n\r\n", "HTTP/1.1 500 Internal Server Error", ""},
		{"header line too long", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 20000) + "\r\n\r\n", "HTTP/1.0 400 Header Line Too Long", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := exchange(t, addr, tc.req)
			if !strings.HasPrefix(out, tc.status) || !strings.Contains(out, tc.body) {
				t.Fatalf("got %.300q", out)
			}
			if strings.HasPrefix(tc.status, "HTTP/1.1") && !strings.Contains(out, "X-Openstack-Request-Id: req-") && tc.name != "versions behind a proxy" {
				t.Errorf("no request id: %.300q", out)
			}
		})
	}
	logs.wait(t, "the access line", func(r logRec) bool { return r.msg == "413 POST /v2.1/servers HTTP/1.1" })
	if strings.Contains(svc.Name(), " ") || svc.App() == nil {
		t.Fatal(svc.Name())
	}

	// A restart under keep-alive load, through the pipeline.
	load := startLoadCheck(addr, 6, func(r result) bool { return r.status == 200 && strings.Contains(r.body, "v2.1") })
	load.progress(t, 20)
	before := load.dials()
	if err := svc.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	load.reconnected(t, before)
	load.progress(t, 20)
	load.finish(t)

	// A paste file without the application.
	conf2, _ := confWithFiles(t, map[string]string{"api.conf": "[DEFAULT]\nmetadata_listen = " + testHost() + "\n", "api-paste.ini": novaPaste},
		"--config-file", "$DIR/api.conf")
	_, err = NewService(conf2, "metadata", nil, ServiceOptions{Registry: novaRegistry(t, conf2), Log: discardLog()})
	var nf *PasteAppNotFoundError
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "Could not load paste app 'metadata' from ") {
		t.Fatalf("got %v", err)
	}
	conf3 := loadConf(t, "[DEFAULT]\napi_paste_config = /no/such.ini\n")
	if _, err := NewService(conf3, "osapi_compute", nil, ServiceOptions{Log: discardLog()}); err == nil || !strings.Contains(err.Error(), "Could not find config at /no/such.ini") {
		t.Fatalf("got %v", err)
	}
}

// TestLaunchedServiceLosesNothing runs the service under the service
// package's launcher (one process), with keep-alive clients in a request
// loop and slow requests in flight, through SIGHUP (reload: the server
// restarts with the re-read configuration) and SIGTERM (graceful stop):
// no request fails, every slow request is answered in full.
func TestLaunchedServiceLosesNothing(t *testing.T) {
	host := testHost()
	conf, dir := confWithFiles(t, map[string]string{"api.conf": "[DEFAULT]\nosapi_compute_listen = " + host + "\n"},
		"--config-file", "$DIR/api.conf")
	app := newDrainApp()
	svc, err := NewService(conf, "osapi_compute", Handler(app), ServiceOptions{Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	sigs := make(chan os.Signal)
	daemon := true
	l, err := service.LaunchWith(conf, svc, 1, service.RestartReload, service.Options{Signals: sigs, Daemon: &daemon, Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- l.Wait() }()
	addr := svc.Addr().String()
	load := startLoad(addr, 8)
	load.progress(t, 20)

	// SIGHUP with a changed file: the server restarts with it.
	if err := os.WriteFile(dir+"/api.conf", []byte("[DEFAULT]\nosapi_compute_listen = "+host+"\nwsgi_keep_alive = false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	slow := slowRequests(addr, 3)
	waitFor(t, "slow requests in flight", func() bool { return app.slowIn.Load() == 3 })
	sigs <- syscall.SIGHUP
	waitFor(t, "the reloaded configuration", func() bool { return !KeepAlive.Get(conf) })
	load.progress(t, 20)
	close(app.release)
	checkSlow(t, slow, 3)
	load.progress(t, 20)

	// SIGTERM with slow requests in flight.
	app.slowIn.Store(0)
	app.release = make(chan struct{})
	slow = slowRequests(addr, 3)
	waitFor(t, "slow requests in flight", func() bool { return app.slowIn.Load() == 3 })
	load.finish(t)
	sigs <- syscall.SIGTERM
	waitFor(t, "draining", func() bool {
		svc.mu.Lock()
		defer svc.mu.Unlock()
		return svc.cur == nil
	})
	close(app.release)
	checkSlow(t, slow, 3)
	if err := <-done; err != nil {
		t.Fatalf("launcher: %v", err)
	}
}
