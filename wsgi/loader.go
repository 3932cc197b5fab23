package wsgi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/paste"
)

// PasteFunc loads the application called name from a paste ini file, as
// paste.deploy.loadapp("config:"+file, name=name) does.
type PasteFunc func(file, name string) (http.Handler, error)

// ErrAppNotFound is what a PasteFunc wraps when the file has no
// application of that name; the Loader then returns a
// *PasteAppNotFoundError. (The paste package's ErrNoSection and
// ErrNoFactory count too, as oslo counts Paste's LookupError.)
var ErrAppNotFound = errors.New("no such application")

// ConfigNotFoundError is oslo's ConfigNotFound: api_paste_config names no
// file that exists.
type ConfigNotFoundError struct{ Path string }

func (e *ConfigNotFoundError) Error() string {
	return fmt.Sprintf("wsgi: api_paste_config: Could not find config at %s", e.Path)
}

// PasteAppNotFoundError is oslo's PasteAppNotFound.
type PasteAppNotFoundError struct {
	Name, Path string
	Err        error
}

func (e *PasteAppNotFoundError) Error() string {
	return fmt.Sprintf("wsgi: Could not load paste app '%s' from %s: %v", e.Name, e.Path, e.Err)
}

func (e *PasteAppNotFoundError) Unwrap() error { return e.Err }

// Loader loads applications from the paste file named by
// api_paste_config (oslo_service.wsgi.Loader).
type Loader struct {
	// ConfigPath is the paste file found, an absolute path.
	ConfigPath string
	// Registry has the factories the file names (oslo.middleware's:
	// middleware.Register); nil means paste.DefaultRegistry.
	Registry *paste.Registry
	// Paste, when set, loads instead of the registry.
	Paste PasteFunc
	// Log receives the loader's messages; nil: slog.Default().
	Log *slog.Logger
}

// NewLoader finds the paste file as oslo does: api_paste_config as is
// when it is an absolute path, else searched with Config.FindFile beside
// the config files (each --config-dir, the directories of the config
// files, last first, then ~/.PROJECT/, ~/, /etc/PROJECT/, /etc/).
func NewLoader(conf *config.Config) (*Loader, error) {
	if err := RegisterOptions(conf); err != nil {
		return nil, err
	}
	name := APIPasteConfig.Get(conf)
	var found string
	if !filepath.IsAbs(name) {
		found = conf.FindFile(name)
	} else {
		found = name
	}
	if found == "" || !isFile(found) {
		return nil, &ConfigNotFoundError{Path: name}
	}
	abs, err := filepath.Abs(found)
	if err != nil {
		return nil, fmt.Errorf("wsgi: api_paste_config %s: %w", found, err)
	}
	return &Loader{ConfigPath: abs}, nil
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

func (l *Loader) log() *slog.Logger {
	if l.Log != nil {
		return l.Log.With("logger", "goslo.wsgi")
	}
	return slog.Default().With("logger", "goslo.wsgi")
}

// LoadApp loads the application called name from the paste file.
func (l *Loader) LoadApp(name string) (http.Handler, error) {
	l.log().Debug(fmt.Sprintf("Loading app %s from %s", name, l.ConfigPath))
	load := l.Paste
	if load == nil {
		reg := l.Registry
		if reg == nil {
			reg = paste.DefaultRegistry
		}
		load = func(file, name string) (http.Handler, error) { return reg.LoadApp(file, name) }
	}
	h, err := load(l.ConfigPath, name)
	if err != nil {
		if errors.Is(err, ErrAppNotFound) || errors.Is(err, paste.ErrNoSection) || errors.Is(err, paste.ErrNoFactory) {
			l.log().Error(fmt.Sprintf("Couldn't lookup app: %s", name), "err", err)
			return nil, &PasteAppNotFoundError{Name: name, Path: l.ConfigPath, Err: err}
		}
		return nil, fmt.Errorf("wsgi: load app %q from %s: %w", name, l.ConfigPath, err)
	}
	return h, nil
}
