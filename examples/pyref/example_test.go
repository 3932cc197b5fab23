package main

import (
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/goslo/goslo/config"
)

// Example loads pyref's paste pipeline from its unchanged api-paste.ini,
// with the factories Registry gives, and asks it for one created item, as
// a client of the running service would.
func Example() {
	conf := config.New()
	if err := RegisterOptions(conf); err != nil {
		panic(err)
	}
	if err := conf.Load([]string{"--config-file", "etc/pyref.conf"}, config.LoadOptions{Prog: "pyref",
		DefaultConfigDirs: []string{}, IgnoreEnv: true}); err != nil {
		panic(err)
	}
	reg, err := Registry(conf)
	if err != nil {
		panic(err)
	}
	app, err := reg.LoadApp("etc/api-paste.ini", "pyref")
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/items", strings.NewReader(`{"name": "café", "value": 2.50}`)))
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Println(rec.Body.String())
	// Output:
	// 201 application/json
	// {"item": {"id": 11, "name": "caf\u00e9", "value": 2.5}}
}
