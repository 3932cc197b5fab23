package wsgi

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/goslo/goslo/config"
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

// TestNewServiceLoadsFromPaste: without an AppLoader the application comes
// from api_paste_config.
func TestNewServiceLoadsFromPaste(t *testing.T) {
	conf, _ := confWithFiles(t, map[string]string{"api.conf": "[DEFAULT]\nosapi_compute_listen = " + testHost() + "\n", "api-paste.ini": "[composite:osapi_compute]\n"},
		"--config-file", "$DIR/api.conf")
	old := DefaultPaste
	defer func() { DefaultPaste = old }()
	var loaded string
	DefaultPaste = func(file, name string) (http.Handler, error) {
		loaded = name + "@" + file
		return http.HandlerFunc(hello), nil
	}
	svc, err := NewService(conf, "osapi_compute", nil, ServiceOptions{Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop(context.Background())
	if !strings.HasPrefix(loaded, "osapi_compute@/") || !strings.HasSuffix(loaded, "/api-paste.ini") || svc.App() == nil {
		t.Fatalf("loaded %q", loaded)
	}
	conf2 := loadConf(t, "[DEFAULT]\napi_paste_config = /no/such.ini\n")
	if _, err := NewService(conf2, "osapi_compute", nil, ServiceOptions{Log: discardLog()}); err == nil || !strings.Contains(err.Error(), "Could not find config at /no/such.ini") {
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
