package config

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goslo/goslo/internal/ini"
)

// The error types follow oslo.config's exceptions, one Go type each, so a
// caller can tell them apart with errors.As. Every message names what an
// operator must fix: the file and line, the group and the option.

// ErrHelp is returned by Load when -h or --help was given; the help text
// has been written to LoadOptions.Stdout.
var ErrHelp = errors.New("config: help requested")

// ErrVersion is returned by Load when --version was given; the version has
// been written to LoadOptions.Stdout.
var ErrVersion = errors.New("config: version requested")

// ErrArgsAlreadyParsed is returned when a command-line option is registered
// after Load (oslo's ArgsAlreadyParsedError).
var ErrArgsAlreadyParsed = errors.New("config: arguments already parsed")

// ParseError is a syntax error in a config file (ConfigFileParseError).
type ParseError struct {
	File string
	Line int // 0 when no line applies
	Msg  string
	Text string
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("config: ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Text != "" {
		fmt.Fprintf(&b, ": %q", e.Text)
	}
	return b.String()
}

func parseErrorOf(file string, err error) error {
	var pe *ini.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: file, Line: pe.Line, Msg: pe.Msg, Text: pe.Text}
	}
	return &ParseError{File: file, Msg: err.Error()}
}

// ValueError is a value that its option's type rejects
// (ConfigFileValueError when it comes from a file, ConfigSourceValueError
// from the environment, DefaultValueError-like from a default).
type ValueError struct {
	Group, Option string
	Location      Location
	Value         string // the text, after interpolation
	Err           error
}

func (e *ValueError) Error() string {
	where := e.Location.String()
	return fmt.Sprintf("config: %s: [%s] %s: invalid value %q: %v", where, e.Group, e.Option, e.Value, e.Err)
}

func (e *ValueError) Unwrap() error { return e.Err }

// RequiredError is a required option with no value (RequiredOptError).
type RequiredError struct{ Group, Option string }

func (e *RequiredError) Error() string {
	return fmt.Sprintf("config: [%s] %s: value required", e.Group, e.Option)
}

// NoSuchOptError is a look-up of an option nobody registered, in code or
// through $name interpolation.
type NoSuchOptError struct{ Group, Option string }

func (e *NoSuchOptError) Error() string {
	return fmt.Sprintf("config: no such option %s in group [%s]", e.Option, e.Group)
}

// NoSuchGroupError is a look-up of a group nobody registered.
type NoSuchGroupError struct{ Group string }

func (e *NoSuchGroupError) Error() string {
	return fmt.Sprintf("config: no such group [%s]", e.Group)
}

// DuplicateOptError is a second, different definition under a registered
// name.
type DuplicateOptError struct{ Group, Option string }

func (e *DuplicateOptError) Error() string {
	return fmt.Sprintf("config: duplicate option [%s] %s with a different definition", e.Group, e.Option)
}

// DefaultValueError is a default that the option's own type rejects.
type DefaultValueError struct {
	Group, Option string
	Err           error
}

func (e *DefaultValueError) Error() string {
	return fmt.Sprintf("config: [%s] %s: bad default: %v", e.Group, e.Option, e.Err)
}

func (e *DefaultValueError) Unwrap() error { return e.Err }

// FilesNotFoundError lists --config-file files that do not exist.
type FilesNotFoundError struct{ Files []string }

func (e *FilesNotFoundError) Error() string {
	return "config: failed to find some config files: " + strings.Join(e.Files, ",")
}

// FilesPermissionError lists config files that cannot be read.
type FilesPermissionError struct{ Files []string }

func (e *FilesPermissionError) Error() string {
	return "config: failed to open some config files: " + strings.Join(e.Files, ",")
}

// DirNotFoundError is a --config-dir that does not exist.
type DirNotFoundError struct{ Dir string }

func (e *DirNotFoundError) Error() string {
	return "config: failed to read config file directory: " + e.Dir
}

// SubstitutionError is an interpolation ($name) that cannot be done: it
// names the option whose value holds the reference and wraps the cause
// (often a *NoSuchOptError).
type SubstitutionError struct {
	Group, Option string
	Ref           string
	Err           error
}

func (e *SubstitutionError) Error() string {
	return fmt.Sprintf("config: [%s] %s: cannot substitute $%s: %v", e.Group, e.Option, e.Ref,
		strings.TrimPrefix(e.Err.Error(), "config: "))
}

func (e *SubstitutionError) Unwrap() error { return e.Err }

// UsageError is a command line that cannot be parsed, or a bad value for a
// command-line option (where oslo's argparse exits the program).
type UsageError struct {
	Msg   string
	Usage string // the usage line, for the caller to print
}

func (e *UsageError) Error() string { return "config: " + e.Msg }
