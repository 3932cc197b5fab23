package wsgi

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/goslo/goslo/config"
)

// loadConf writes ini into a config file in a temporary directory and
// loads it, with the WSGI options registered.
func loadConf(t testing.TB, ini string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "test.conf")
	if err := os.WriteFile(file, []byte(ini), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := config.New()
	if err := RegisterOptions(conf); err != nil {
		t.Fatal(err)
	}
	if err := conf.Load([]string{"--config-file", file}, config.LoadOptions{
		DefaultConfigFiles: []string{}, DefaultConfigDirs: []string{}, IgnoreEnv: true}); err != nil {
		t.Fatal(err)
	}
	return conf
}
