package config

import "fmt"

// Source is where a value comes from (oslo's Locations).
type Source int

// The sources of a value, in oslo's numbering.
const (
	SourceDefault     Source = iota + 1 // the option's declared default
	SourceSetDefault                    // SetDefault
	SourceOverride                      // Override
	SourceFile                          // a config file (oslo's "user")
	SourceCommandLine                   // the command line
	SourceEnvironment                   // an OS_GROUP__OPT variable
)

var sourceNames = [...]string{"", "opt_default", "set_default", "set_override", "user", "command_line", "environment"}

func (s Source) String() string {
	if s > 0 && int(s) < len(sourceNames) {
		return sourceNames[s]
	}
	return fmt.Sprintf("Source(%d)", int(s))
}

// UserControlled reports whether an operator set the value (a file, the
// command line or the environment) rather than the code.
func (s Source) UserControlled() bool { return s >= SourceFile }

// Location is where a value comes from, oslo's LocationInfo with the line.
type Location struct {
	Source Source
	File   string // SourceFile: the file, absolute
	Line   int    // SourceFile: the line of the key
	Env    string // SourceEnvironment: the variable's name
}

// String renders a location the way errors show it: "/etc/x.conf:12",
// "environment OS_DEFAULT__DEBUG", "command line", "default".
func (l Location) String() string {
	switch l.Source {
	case SourceFile:
		if l.Line > 0 {
			return fmt.Sprintf("%s:%d", l.File, l.Line)
		}
		return l.File
	case SourceEnvironment:
		return "environment " + l.Env
	case SourceCommandLine:
		return "command line"
	case SourceOverride:
		return "override"
	case SourceSetDefault:
		return "set default"
	case SourceDefault:
		return "default"
	}
	return "unset"
}
