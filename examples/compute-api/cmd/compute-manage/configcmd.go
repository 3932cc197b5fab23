package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/goslo/goslo/config"
	_ "github.com/goslo/goslo/examples/compute-api/app" // the namespace compute-api
)

// sampleNamespaces are the namespaces of every option the service
// registers (app.RegisterOptions): its own, then its libraries', as a
// nova-config-generator.conf would list them.
var sampleNamespaces = []string{
	"compute-api",
	"oslo.log",
	"oslo.service.service",
	"oslo.service.wsgi",
	"oslo.service.sslutils",
	"oslo.service.periodic_task",
	"goslo.manager",
	"oslo.middleware",
	"oslo.db",
}

func listOpts() ([]config.NamespaceOpts, error) {
	return config.ListOpts(sampleNamespaces...)
}

func configGenerate(_ context.Context, m *manage, _ []string) (err error) {
	nss, err := listOpts()
	if err != nil {
		return err
	}
	if m.outputFile == "" {
		return config.WriteSample(m.stdout, nss, config.SampleOptions{})
	}
	f, err := os.Create(m.outputFile)
	if err != nil {
		return err
	}
	if err := config.WriteSample(f, nss, config.SampleOptions{OutputFile: m.outputFile}); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// configFiles are the files the configuration was read from: each
// --config-file (or the default files), then the *.conf files of each
// --config-dir in the order oslo reads them.
func (m *manage) configFiles() ([]string, error) {
	files := m.conf.ConfigFiles()
	for _, dir := range m.conf.ConfigDirs() {
		matches, err := filepath.Glob(filepath.Join(dir, "*.conf"))
		if err != nil {
			return nil, err
		}
		files = append(files, matches...) // Glob sorts them, as oslo does
	}
	return files, nil
}

// errInvalid is returned when a file has errors (they are printed).
var errInvalid = errors.New("the configuration has errors")

func configValidate(_ context.Context, m *manage, _ []string) error {
	nss, err := listOpts()
	if err != nil {
		return err
	}
	od, err := config.OptDataFromNamespaces(nss)
	if err != nil {
		return err
	}
	files, err := m.configFiles()
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no configuration file found: give --config-file or --config-dir")
	}
	failed := 0
	for _, file := range files {
		v, err := config.Validate(file, od, config.ValidateOptions{})
		if err != nil {
			fmt.Fprintf(m.stderr, "%s: %v\n", prog, err)
			failed++
			continue
		}
		if err := config.WriteProblems(m.stderr, v); err != nil {
			return err
		}
		if v.Failed(false) {
			failed++
			continue
		}
		fmt.Fprintf(m.stdout, "%s: OK\n", file)
	}
	if failed > 0 {
		return fmt.Errorf("%w (%d of %d files)", errInvalid, failed, len(files))
	}
	return nil
}
