package paste

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goslo/goslo/internal/ini"
)

// The kinds of load errors; test for them with errors.Is. The ini syntax
// and interpolation errors of the files themselves carry the file and line
// as well (their messages say which).
var (
	// ErrNoFactory: the file names a factory nobody registered.
	ErrNoFactory = errors.New("no factory registered")
	// ErrWrongKind: a factory is used for something it does not make (an
	// app factory in a [filter:] section, a filter where an application
	// is needed, ...).
	ErrWrongKind = errors.New("wrong kind of factory")
	// ErrNoSection: no section of the needed type has the name.
	ErrNoSection = errors.New("no section")
	// ErrAmbiguous: several sections have the name ([app:x] and
	// [composite:x]).
	ErrAmbiguous = errors.New("ambiguous section name")
	// ErrNoLoader: a section has neither "use" nor a paste.*_factory key.
	ErrNoLoader = errors.New("no loader given")
	// ErrMultipleProtocols: a section has several paste.*_factory keys.
	ErrMultipleProtocols = errors.New("multiple protocols given")
	// ErrMissingKey: a [pipeline:] without "pipeline", a [filter-app:]
	// without "next", a "get" of a global that does not exist.
	ErrMissingKey = errors.New("missing setting")
	// ErrExtraSettings: a [pipeline:] section with keys besides
	// "pipeline".
	ErrExtraSettings = errors.New("extra (disallowed) settings")
	// ErrBadURI: a "use" or name with an unknown scheme, a malformed
	// call: reference, a relative config: path with nothing to resolve it
	// against.
	ErrBadURI = errors.New("bad reference")
	// ErrLoop: a section that includes itself (a pipeline naming itself,
	// config files that include each other), or nesting too deep.
	ErrLoop = errors.New("loop")
)

// Error locates a load error: the file, the line, the section and the key
// where the problem is written, and what was being loaded from there. An
// Error often wraps another one, from the section that key leads to.
type Error struct {
	File    string // the ini file
	Line    int    // line of Key (or of the section header); 0 if unknown
	Section string // section name without brackets, e.g. "pipeline:main"
	Key     string // e.g. "pipeline", "use", "filter-with"
	Item    string // what the key led to, e.g. `filter "authtoken"`
	Err     error
}

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	var b strings.Builder
	e.format(&b, "")
	return b.String()
}

// format writes the error; an inner Error in the same file shows only its
// line, not the file name again.
func (e *Error) format(b *strings.Builder, prevFile string) {
	switch {
	case e.File != "" && e.File != prevFile:
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(b, ":%d", e.Line)
		}
		b.WriteString(": ")
	case e.Line > 0:
		fmt.Fprintf(b, "line %d: ", e.Line)
	}
	if e.Section != "" {
		fmt.Fprintf(b, "[%s]", e.Section)
		if e.Key != "" {
			b.WriteString(" " + e.Key)
		}
		b.WriteString(": ")
	} else if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	if e.Item != "" {
		b.WriteString(e.Item + ": ")
	}
	file := e.File
	if file == "" {
		file = prevFile
	}
	var inner *Error
	if errors.As(e.Err, &inner) && inner == e.Err {
		inner.format(b, file)
		return
	}
	var pe *ini.ParserError
	if errors.As(e.Err, &pe) && pe == e.Err && pe.Source == file && (pe.Line == 0 || pe.Line == e.Line) {
		b.WriteString(pe.Msg) // the file and line are said already
		return
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
}
