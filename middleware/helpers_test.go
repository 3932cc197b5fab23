package middleware

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/goslo/goslo/config"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// loadConf is a Config with the options registered and file loaded.
func loadConf(t *testing.T, file string) *config.Config {
	t.Helper()
	conf := config.New()
	if err := RegisterOptions(conf); err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, "test.conf", file)
	if err := conf.Load([]string{"--config-file", path}, config.LoadOptions{DefaultConfigFiles: []string{}, DefaultConfigDirs: []string{}}); err != nil {
		t.Fatal(err)
	}
	return conf
}

// serve runs one request through h with httptest.
func serve(h http.Handler, method, target string, headerKV ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(headerKV); i += 2 {
		r.Header.Add(headerKV[i], headerKV[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}
