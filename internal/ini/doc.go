// Package ini reads the two INI dialects an OpenStack service meets.
//
// Parse reads oslo.config's dialect (oslo_config/iniparser.py, used for
// --config-file and --config-dir): repeated sections are merged, a key may
// be assigned many times (every assignment is kept, in file order), values
// continue on indented lines, there are no inline comments, and a value
// wrapped in one pair of matching quotes loses them.
//
// ConfigParser reads the dialect of Python's configparser as PasteDeploy
// sets it up for api-paste.ini files (paste/deploy/loadwsgi.py): strict
// (a repeated section or key is an error, with both lines), keys keep
// their case, inline values continue on lines indented more than the key,
// and %(name)s interpolation with [DEFAULT], here and __file__.
//
// The package is hand-written rather than built on a general INI library
// because both dialects are defined by the Python code that reads them, down
// to which characters count as white space and which line an error is
// reported at; no Go INI library reproduces either. Every value keeps the
// file and line it came from, so a later error (a bad value, a missing
// required option) can point at the exact place an operator has to edit.
package ini
