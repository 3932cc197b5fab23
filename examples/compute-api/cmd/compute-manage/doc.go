// Command compute-manage is the compute API's management command, as
// nova-manage is nova's: it reads the service's configuration (the same
// --config-file and --config-dir, checked against every option the service
// registers) and acts on its database and its configuration.
//
//	compute-manage [--config-file FILE] [--config-dir DIR] CATEGORY ACTION [ARGS]
//
//	db sync [VERSION]                  upgrade the schema (to VERSION, default the latest); prints each migration applied
//	db version                         print the schema's current version
//	config generate [--output-file F]  write a sample configuration file of every option the service registers
//	config validate                    check the configuration files: unknown options, deprecated names, bad values, with FILE:LINE
//	service list                       the instances of the service with their heartbeat, up or down by service_down_time
//
// The exit status is 0 on success, 1 when the command failed (a database
// error, a configuration file with errors), and 2 for a command line that
// cannot be parsed.
//
// The sample configuration lists the service's own options (the namespace
// "compute-api", app.ListOpts) and the libraries' under oslo's namespace
// names (oslo.log, oslo.service.service, oslo.db, ...), in
// oslo-config-generator's layout: an operator who knows nova's sample
// finds the same sections, and oslo-config-generator and goslo's
// generator give the same file for the same options.
//
// Sub-commands are parsed by hand (category, action and their arguments
// are positional arguments of goslo's config, which has no sub-parsers):
// the command set is small and fixed.
package main
