package wsgi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"

	"github.com/goslo/goslo/config"
)

// PasteFunc loads the application called name from a paste ini file, as
// paste.deploy.loadapp("config:"+file, name=name) does.
type PasteFunc func(file, name string) (http.Handler, error)

// ErrAppNotFound is what a PasteFunc wraps when the file has no
// application of that name (Paste's LookupError); the Loader then returns
// a *PasteAppNotFoundError.
var ErrAppNotFound = errors.New("no such application")

// DefaultPaste is the PasteFunc NewLoader gives a Loader. It is set by the
// paste integration; while it is nil a Loader needs its Paste field set.
var DefaultPaste PasteFunc

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
	// Paste loads an application from it; NewLoader sets DefaultPaste.
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
	return &Loader{ConfigPath: abs, Paste: DefaultPaste}, nil
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
	if l.Paste == nil {
		return nil, fmt.Errorf("wsgi: load app %q from %s: no paste loader (Loader.Paste is nil)", name, l.ConfigPath)
	}
	l.log().Debug(fmt.Sprintf("Loading app %s from %s", name, l.ConfigPath))
	h, err := l.Paste(l.ConfigPath, name)
	if err != nil {
		if errors.Is(err, ErrAppNotFound) {
			l.log().Error(fmt.Sprintf("Couldn't lookup app: %s", name), "err", err)
			return nil, &PasteAppNotFoundError{Name: name, Path: l.ConfigPath, Err: err}
		}
		return nil, fmt.Errorf("wsgi: load app %q from %s: %w", name, l.ConfigPath, err)
	}
	return h, nil
}
