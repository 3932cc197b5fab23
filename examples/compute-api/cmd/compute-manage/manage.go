package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/examples/compute-api/app"
)

const (
	prog    = "compute-manage"
	version = "0.1.0"
	project = "compute-api" // the service's configuration files: /etc/compute-api/compute-api.conf, ...
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // the command failed
	exitUsage   = 2 // the command line cannot be parsed (argparse's status)
)

// A command is one CATEGORY ACTION.
type command struct {
	category, action string
	args             string // the arguments, for the usage
	help             string
	maxArgs          int
	run              func(ctx context.Context, m *manage, args []string) error
}

var commands = []command{
	{"db", "sync", "[VERSION]", "upgrade the database schema to VERSION (default: the latest)", 1, dbSync},
	{"db", "version", "", "print the database schema's current version", 0, dbVersion},
	{"config", "generate", "[--output-file FILE]", "write a sample configuration file of every option the service registers", 0, configGenerate},
	{"config", "validate", "", "check the configuration files (--config-file, --config-dir) against the service's options", 0, configValidate},
	{"service", "list", "", "list the instances of the service with their heartbeat: up or down", 0, serviceList},
}

func commandList() string {
	var b strings.Builder
	b.WriteString("commands:\n")
	for _, c := range commands {
		use := c.category + " " + c.action
		if c.args != "" {
			use += " " + c.args
		}
		fmt.Fprintf(&b, "  %-38s %s\n", use, c.help)
	}
	return b.String()
}

// usageError is a command line that names no known command or gives it
// bad arguments.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, v ...any) error { return &usageError{fmt.Sprintf(format, v...)} }

// manage is one run of the command: its configuration and its output.
type manage struct {
	conf           *config.Config
	stdout, stderr io.Writer
	category       string
	action         string
	args           []string
	outputFile     string
	usage          string
}

// cliOpts are compute-manage's own command-line arguments.
type cliOpts struct {
	category, action, outputFile *config.Opt[string]
	args                         *config.Opt[[]string]
}

func newCLIOpts() cliOpts {
	return cliOpts{
		category: &config.Opt[string]{Name: "category", Positional: true, Help: "db, config or service"},
		action:   &config.Opt[string]{Name: "action", Positional: true, Help: "what to do (see the commands below)"},
		args: &config.Opt[[]string]{Name: "args", Positional: true, Type: config.MultiString{}, Metavar: "ARGS",
			Help: "the action's arguments"},
		outputFile: &config.Opt[string]{Name: "output-file", Metavar: "FILE",
			Help: "config generate: the file to write the sample to (default: standard output)"},
	}
}

// load parses the command line and the configuration files. withService
// registers every option of the service (app.RegisterOptions), so that a
// value the service would refuse is refused here too, with its file and
// line; without, only compute-manage's own arguments are known.
func load(args []string, stdout, stderr io.Writer, withService bool) (*manage, error) {
	conf := config.New()
	o := newCLIOpts()
	if err := conf.RegisterCLI(o.category, o.action, o.args, o.outputFile); err != nil {
		return nil, err
	}
	if withService {
		if err := app.RegisterOptions(conf); err != nil {
			return nil, err
		}
	}
	lo := config.LoadOptions{Project: project, Prog: prog, Version: version, Stdout: stdout,
		Usage:       prog + " [options] CATEGORY ACTION [ARGS]",
		Description: "Manage the compute API service: its database and its configuration.\n\n" + commandList()}
	if err := conf.Load(args, lo); err != nil {
		return nil, err
	}
	return &manage{conf: conf, stdout: stdout, stderr: stderr,
		category: o.category.Get(conf), action: o.action.Get(conf), args: o.args.Get(conf),
		outputFile: o.outputFile.Get(conf), usage: "usage: " + lo.Usage}, nil
}

// run is the command: it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	m, err := load(args, stdout, stderr, true)
	if err != nil {
		var usage *config.UsageError
		switch {
		case errors.Is(err, config.ErrHelp), errors.Is(err, config.ErrVersion):
			return exitOK
		case errors.As(err, &usage):
			fmt.Fprintf(stderr, "%s\n%s: error: %s\n", usage.Usage, prog, usage.Msg)
			return exitUsage
		}
		// The files hold a value the service would refuse. "config
		// validate" still lists every problem of every file: its files are
		// found without the service's options.
		if bare, berr := load(args, io.Discard, io.Discard, false); berr == nil &&
			bare.category == "config" && bare.action == "validate" {
			bare.stdout, bare.stderr = stdout, stderr
			return bare.exec(ctx)
		}
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return exitFailure
	}
	return m.exec(ctx)
}

// exec runs the command the arguments name.
func (m *manage) exec(ctx context.Context) int {
	err := m.dispatch(ctx)
	var usage *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &usage):
		fmt.Fprintf(m.stderr, "%s\n%s: error: %s\n\n%s", m.usage, prog, usage.msg, commandList())
		return exitUsage
	}
	fmt.Fprintf(m.stderr, "%s: %v\n", prog, err)
	return exitFailure
}

func (m *manage) dispatch(ctx context.Context) error {
	if m.category == "" {
		return usagef("a command is required")
	}
	var actions []string
	for _, c := range commands {
		if c.category != m.category {
			continue
		}
		actions = append(actions, c.action)
		if c.action != m.action {
			continue
		}
		name := c.category + " " + c.action
		if len(m.args) > c.maxArgs {
			return usagef("%s: unexpected arguments: %s", name, strings.Join(m.args[c.maxArgs:], " "))
		}
		if m.outputFile != "" && name != "config generate" {
			return usagef("%s: --output-file is an argument of config generate only", name)
		}
		if err := c.run(ctx, m, m.args); err != nil {
			var usage *usageError
			if errors.As(err, &usage) {
				return err
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
	if actions == nil {
		return usagef("unknown category %q (choose from db, config, service)", m.category)
	}
	if m.action == "" {
		return usagef("%s: an action is required (choose from %s)", m.category, strings.Join(actions, ", "))
	}
	return usagef("%s: unknown action %q (choose from %s)", m.category, m.action, strings.Join(actions, ", "))
}
