package paste_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/goslo/goslo/paste"
)

const exampleIni = `
[composite:osapi_compute]
use = egg:Paste#urlmap
/: versions
/v2.1: api_v21

[pipeline:api_v21]
pipeline = request_id api

[filter:request_id]
paste.filter_factory = oslo_middleware:RequestId.factory

[app:api]
paste.app_factory = nova.api.openstack.compute:APIRouterV21.factory
greeting = hello from %(here)s

[app:versions]
use = egg:nova#versions
`

// exampleFile writes the example's api-paste.ini into a new directory.
func exampleFile() (string, func()) {
	dir, err := os.MkdirTemp("", "paste-example")
	if err != nil {
		log.Fatal(err)
	}
	file := filepath.Join(dir, "api-paste.ini")
	if err := os.WriteFile(file, []byte(exampleIni), 0o644); err != nil {
		log.Fatal(err)
	}
	return file, func() { os.RemoveAll(dir) }
}

func ExampleRegistry_LoadApp() {
	file, cleanup := exampleFile()
	defer cleanup()

	reg := paste.NewRegistry()
	reg.Middleware("oslo_middleware:RequestId.factory", func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-OpenStack-Request-ID", "req-1")
			next.ServeHTTP(w, r)
		})
	})
	reg.App("nova.api.openstack.compute:APIRouterV21.factory", func(_, local map[string]string) (http.Handler, error) {
		greeting := strings.Fields(local["greeting"])[0] // "hello"
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "%s: %s under %s", greeting, r.URL.Path, paste.ScriptName(r.Context()))
		}), nil
	})
	reg.Handler("egg:nova#versions", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "versions")
	}))

	app, err := reg.LoadApp(file, "osapi_compute")
	if err != nil {
		log.Fatal(err)
	}
	for _, path := range []string{"/", "/v2.1/servers"} {
		w := httptest.NewRecorder()
		app.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%s -> %q %s", path, w.Body, w.Header().Get("X-OpenStack-Request-ID"))))
	}
	// Output:
	// / -> "versions"
	// /v2.1/servers -> "hello: /servers under /v2.1" req-1
}

func ExampleInspect() {
	file, cleanup := exampleFile()
	defer cleanup()

	tree, err := paste.Inspect(file, "osapi_compute")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tree.Kind, tree.Use)
	for _, prefix := range []string{"/", "/v2.1"} {
		for n := tree.Apps[prefix]; n != nil; n = n.App {
			fmt.Printf("  %s: %s %s\n", prefix, n.Kind, n.Use)
		}
	}
	// Output:
	// composite egg:Paste#urlmap
	//   /: app egg:nova#versions
	//   /v2.1: filter paste.filter_factory:oslo_middleware:RequestId.factory
	//   /v2.1: app paste.app_factory:nova.api.openstack.compute:APIRouterV21.factory
}

func ExampleURLMap() {
	m := &paste.URLMap{}
	show := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Printf("%s: script %q path %q\n", name, paste.ScriptName(r.Context()), r.URL.Path)
		})
	}
	m.Handle("/", show("versions"))
	m.Handle("/v2.1", show("api"))
	m.Handle("http://admin.example.com/v2.1", show("admin api"))
	for _, target := range []string{"/v2.1/servers", "/v2.10", "http://admin.example.com/v2.1/flavors"} {
		m.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, target, nil))
	}
	// Output:
	// api: script "/v2.1" path "/servers"
	// versions: script "" path "/v2.10"
	// admin api: script "/v2.1" path "/flavors"
}

func ExamplePipelineFactory() {
	dir, err := os.MkdirTemp("", "paste-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "api-paste.ini")
	err = os.WriteFile(file, []byte(`
[composite:api]
use = call:nova.api.auth:pipeline_factory_v21
keystone = authtoken app
noauth2 = noauth app

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
[filter:noauth]
paste.filter_factory = nova.api.openstack.auth:NoAuthMiddleware.factory
[app:app]
use = egg:nova#api
`), 0o644)
	if err != nil {
		log.Fatal(err)
	}
	strategy := "noauth2" // nova: CONF.api.auth_strategy
	reg := paste.NewRegistry()
	reg.Composite("call:nova.api.auth:pipeline_factory_v21", paste.PipelineFactory(func() string { return strategy }))
	for name, user := range map[string]string{"keystonemiddleware.auth_token:filter_factory": "from-token", "nova.api.openstack.auth:NoAuthMiddleware.factory": "admin"} {
		reg.Middleware(name, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				r.Header.Set("X-User", user)
				next.ServeHTTP(w, r)
			})
		})
	}
	reg.Handler("egg:nova#api", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("user:", r.Header.Get("X-User"))
	}))
	app, err := reg.LoadApp(file, "api")
	if err != nil {
		log.Fatal(err)
	}
	app.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	// Output: user: admin
}
