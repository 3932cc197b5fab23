package wsgi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/wsgi"
)

// A server for a handler: constructed (the socket opens), started,
// stopped (drained).
func Example() {
	conf := config.New()
	if err := wsgi.RegisterOptions(conf); err != nil {
		fmt.Println(err)
		return
	}
	if err := conf.Load(nil, config.LoadOptions{DefaultConfigFiles: []string{}, DefaultConfigDirs: []string{}}); err != nil {
		fmt.Println(err)
		return
	}
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello from", r.URL.Path)
	})
	srv, err := wsgi.NewServer(conf, "example", hello, wsgi.ServerOptions{
		Host: "127.0.0.1", Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	if err := srv.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Stop(ctx)

	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + srv.Addr().String() + "/v2.1")
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Print(resp.Status, ": ", string(body))
	// Output: 200 OK: hello from /v2.1
}

// A service made from a name, as nova's WSGIService: its address and
// number of workers come from [DEFAULT] NAME_listen, NAME_listen_port and
// NAME_workers.
func ExampleNewService() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "api.conf")
	os.WriteFile(file, []byte("[DEFAULT]\nosapi_compute_listen = 127.0.0.1\nosapi_compute_workers = 4\n"), 0o644)
	conf := config.New()
	if err := conf.Load([]string{"--config-file", file}, config.LoadOptions{DefaultConfigFiles: []string{}, DefaultConfigDirs: []string{}}); err != nil {
		fmt.Println(err)
		return
	}
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "{}") })
	svc, err := wsgi.NewService(conf, "osapi_compute", wsgi.Handler(app), wsgi.ServiceOptions{
		DefaultPort: 0, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer svc.Stop(context.Background())
	// The program would now run it:
	//	l, err := service.Launch(conf, svc, svc.Workers(), service.RestartReload)
	//	...
	//	err = l.Wait()
	fmt.Println(svc.Name(), svc.Host(), svc.Workers(), svc.UseSSL())
	// Output: osapi_compute 127.0.0.1 4 false
}
