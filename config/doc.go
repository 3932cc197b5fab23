// Package config is oslo.config for Go: typed options in groups, read from
// oslo-style INI files, the command line and the environment, with the
// same precedence, interpolation and errors as the Python library.
//
// Declare each option once, register it, load, read:
//
//	var (
//		apiGroup = config.Group{Name: "api", Help: "API options."}
//		workers  = &config.Opt[int]{Name: "workers", Default: 1,
//			Type: config.Integer{Min: new(1)}, Help: "Worker processes."}
//		greeting = &config.Opt[string]{Name: "greeting", Group: "api",
//			Default: "hello", Mutable: true}
//	)
//
//	conf := config.New()
//	conf.RegisterGroup(apiGroup)
//	conf.Register(workers, greeting)
//	if err := conf.Load(os.Args[1:], config.LoadOptions{Project: "nova"}); err != nil { ... }
//	n := workers.Get(conf) // int
//
// # Sources and precedence
//
// As in oslo.config, from weakest to strongest: the declared default
// (Opt.Default, interpolated), SetDefault, the config files (--config-file,
// repeatable, later wins; --config-dir: its *.conf files in sorted order;
// the default files PROJECT.conf/PROG.conf from ~/.PROJECT/, ~/,
// /etc/PROJECT/, /etc/ when no --config-file is given), the environment
// (OS_GROUP__OPTION), the command line for options registered with
// RegisterCLI, and Override. Command-line arguments act in order: a file
// named after --debug can still set debug. A command-line option that a
// config file also sets is beaten by the environment, as in oslo.
//
// # The file dialect
//
// Files are read exactly as oslo_config.iniparser reads them (see
// internal/ini): repeated sections merge, a key assigned twice keeps the
// last value (a multi-valued option keeps all, across files), indented
// lines continue a value, there are no inline comments, one pair of
// enclosing quotes is removed, and group names match case-insensitively
// except DEFAULT. Values may refer to other options: $name or ${name}
// (the option's own group, then DEFAULT), ${group.name}; $$ and \$ are a
// literal $. An unknown name is an error.
//
// # Errors
//
// Load resolves and checks every option, so a bad value is reported at
// start-up with the file and line it was written at, the group and the
// option, rather than when some code path first reads it (oslo reports it
// lazily). Each kind of failure has its own type (ParseError, ValueError,
// RequiredError, NoSuchOptError, FilesNotFoundError, UsageError, ...);
// several value errors are joined.
//
// # Reload and mutate
//
// Reload re-reads the files and replaces every value; Mutate applies only
// the options declared Mutable, logs each change, warns about immutable
// ones that changed, and calls the hooks registered with OnMutate. Both
// leave the running values untouched when anything fails and return the
// error: a broken file on SIGHUP never takes a service down.
//
// # Reading values
//
// Opt.Get costs one atomic load and a type assertion, allocates nothing,
// and is safe from any goroutine while Reload or Mutate run: readers see
// either the old set of values or the new one, never a mix.
//
// # Tools
//
// Libraries and services list their options under a namespace
// (RegisterNamespace, oslo's oslo.config.opts entry points; goslo's
// libraries use oslo's names, such as oslo.service.service). WriteSample
// writes a sample file in oslo-config-generator's layout, byte for byte
// the same for the same options; Validate checks a file as
// oslo-config-validator does and also parses every value with its type,
// reporting FILE:LINE, group, option and reason. GeneratorMain and
// ValidatorMain are the commands cmd/goslo-config-generator and
// cmd/goslo-config-validator; a service ships its own as a short main.
//
// # What is not here
//
// oslo's alternative configuration sources (config_source drivers, such
// as remote files) are not implemented: the config_source option is
// registered and ignored. Sub-command options (SubCommandOpt) are not
// implemented. Regular expressions use Go's RE2 syntax, which lacks
// Python's look-around.
package config
