package middleware

import (
	"fmt"
	"sync"

	"github.com/goslo/goslo/config"
)

// filterConf is what an oslo.middleware filter reads its options from:
// oslo's ConfigurableMiddleware keeps the paste configuration (the global
// conf updated with the section's local conf) and the service's
// ConfigOpts, and an option named in the paste configuration beats the
// service's value.
type filterConf struct {
	conf  *config.Config
	paste map[string]string
}

// newFilterConf merges the paste configuration as oslo's factory does and
// picks the Config: a Config of its own, loaded from the project's
// default config files, when the paste configuration names
// oslo_config_project (with oslo_config_file and oslo_config_program as
// oslo reads them); else conf; else a Config holding the defaults.
func newFilterConf(conf *config.Config, global, local map[string]string) (*filterConf, error) {
	merged := make(map[string]string, len(global)+len(local))
	for k, v := range global {
		merged[k] = v
	}
	for k, v := range local {
		merged[k] = v
	}
	fc := &filterConf{conf: conf, paste: merged}
	if project, ok := merged["oslo_config_project"]; ok {
		c, err := projectConfig(project, merged)
		if err != nil {
			return nil, err
		}
		fc.conf = c
	}
	if fc.conf == nil {
		c, err := defaultsConfig()
		if err != nil {
			return nil, err
		}
		fc.conf = c
	}
	if err := RegisterOptions(fc.conf); err != nil {
		return nil, err
	}
	return fc, nil
}

// projectConfig is oslo's ConfigOpts()([], project=..., prog=...,
// default_config_files=...): the project's own files, found where oslo
// looks for them.
func projectConfig(project string, paste map[string]string) (*config.Config, error) {
	c := config.New()
	if err := RegisterOptions(c); err != nil {
		return nil, err
	}
	lo := config.LoadOptions{Project: project, Prog: paste["oslo_config_program"]}
	if f, ok := paste["oslo_config_file"]; ok {
		lo.DefaultConfigFiles = []string{f}
	}
	if err := c.Load([]string{}, lo); err != nil {
		return nil, fmt.Errorf("oslo_config_project %s: %w", project, err)
	}
	return c, nil
}

var defaults struct {
	once sync.Once
	conf *config.Config
	err  error
}

// defaultsConfig is a Config with the options registered and nothing
// loaded: every value is its default (oslo falls back to cfg.CONF).
func defaultsConfig() (*config.Config, error) {
	defaults.once.Do(func() {
		c := config.New()
		if err := RegisterOptions(c); err != nil {
			defaults.err = err
			return
		}
		defaults.conf = c
	})
	return defaults.conf, defaults.err
}

// setting is an option's value for one filter: fixed when the paste
// configuration gives it, else read from the Config at each use (as
// oslo's _conf_get does), so that a reload takes effect. get costs an
// atomic load.
type setting[T any] struct {
	fixed bool
	v     T
	opt   *config.Opt[T]
	conf  *config.Config
}

func (s *setting[T]) get() T {
	if s.fixed {
		return s.v
	}
	return s.opt.Get(s.conf)
}

// lookup returns opt's setting for this filter: the paste value under the
// option's name, converted by its type (oslo's set_override), or the
// Config's.
func lookup[T any](fc *filterConf, opt *config.Opt[T]) (*setting[T], error) {
	s := &setting[T]{opt: opt, conf: fc.conf}
	raw, ok := fc.paste[opt.Name]
	if !ok {
		return s, nil
	}
	v, err := opt.Type.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s = %s: %w", opt.Name, raw, err)
	}
	s.fixed, s.v = true, v
	return s, nil
}

// fixedSetting is a setting with a value given in Go.
func fixedSetting[T any](v T) *setting[T] { return &setting[T]{fixed: true, v: v} }

// confSetting is a setting read from conf at each use.
func confSetting[T any](conf *config.Config, opt *config.Opt[T]) *setting[T] {
	return &setting[T]{opt: opt, conf: conf}
}
