package ini

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"
)

// Value is one assignment: its (joined) text and where it was written.
type Value struct {
	Text string
	File string
	Line int // 1-based line of the key
}

// Section is one section of a file, repeated sections merged. Keys keeps
// the first-seen order of the keys; Values holds every assignment of a key
// in file order.
type Section struct {
	Name   string
	Line   int // line of the first header
	Keys   []string
	Values map[string][]Value
}

// File is a parsed oslo.config file.
type File struct {
	Name     string
	Sections []*Section // in first-seen order
	byName   map[string]*Section
}

// Section returns the section named exactly name, or nil.
func (f *File) Section(name string) *Section {
	if f == nil {
		return nil
	}
	return f.byName[name]
}

// ParseError is a syntax error, reported at the line oslo.config reports it.
// Line is 0 when no line applies (the file is not valid UTF-8).
type ParseError struct {
	File string
	Line int
	Msg  string
	Text string // the offending line, after trailing space is removed
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	if e.Text == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s: %q", e.File, e.Line, e.Msg, e.Text)
}

// ErrNotUTF8 is wrapped by the error for a file that is not valid UTF-8.
var ErrNotUTF8 = errors.New("file is not valid UTF-8")

// ParseFile reads and parses the named file in oslo.config's dialect.
func ParseFile(name string) (*File, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return Parse(name, data)
}

// Parse parses data in oslo.config's dialect. name is used in errors and
// value locations only.
func Parse(name string, data []byte) (*File, error) {
	if !utf8.Valid(data) {
		return nil, &ParseError{File: name, Msg: ErrNotUTF8.Error()}
	}
	p := osloParser{f: &File{Name: name, byName: map[string]*Section{}}}
	if err := p.parse(string(data)); err != nil {
		return nil, err
	}
	return p.f, nil
}

type osloParser struct {
	f       *File
	section *Section
	lineno  int

	key     string // open assignment, "" when none
	keyLine int
	value   []string
}

func (p *osloParser) errorf(text, format string, args ...any) error {
	return &ParseError{File: p.f.Name, Line: p.lineno, Msg: fmt.Sprintf(format, args...), Text: text}
}

// flush completes the open assignment, as BaseParser._assignment does.
func (p *osloParser) flush() error {
	if p.key == "" {
		return nil
	}
	if p.section == nil {
		// Reported at the current line, like oslo's error_no_section.
		return &ParseError{File: p.f.Name, Line: p.lineno, Msg: "section must be started before assignment"}
	}
	s := p.section
	if _, ok := s.Values[p.key]; !ok {
		s.Keys = append(s.Keys, p.key)
	}
	s.Values[p.key] = append(s.Values[p.key], Value{Text: strings.Join(p.value, "\n"), File: p.f.Name, Line: p.keyLine})
	p.key, p.value = "", nil
	return nil
}

func (p *osloParser) parse(text string) error {
	for len(text) > 0 {
		var raw string
		raw, text = nextLine(text)
		p.lineno++
		line := TrimRightSpace(raw)
		switch {
		case line == "":
			// A blank line ends a multi-line value.
			if err := p.flush(); err != nil {
				return err
			}
			continue
		case line[0] == ' ' || line[0] == '\t':
			if p.key == "" {
				return p.errorf(line, "unexpected continuation line")
			}
			p.value = append(p.value, TrimLeftSpace(line))
			continue
		}
		if err := p.flush(); err != nil {
			return err
		}
		switch line[0] {
		case '[':
			if line[len(line)-1] != ']' {
				return p.errorf(line, "invalid section (must end with ])")
			}
			if len(line) <= 2 {
				return p.errorf(line, "empty section name")
			}
			p.newSection(line[1 : len(line)-1])
		case '#', ';':
			// comment
		default:
			key, value, err := p.splitKeyValue(line)
			if err != nil {
				return err
			}
			p.key, p.keyLine, p.value = key, p.lineno, []string{value}
		}
	}
	return p.flush()
}

func (p *osloParser) newSection(name string) {
	s, ok := p.f.byName[name]
	if !ok {
		s = &Section{Name: name, Line: p.lineno, Values: map[string][]Value{}}
		p.f.byName[name] = s
		p.f.Sections = append(p.f.Sections, s)
	}
	p.section = s
}

func (p *osloParser) splitKeyValue(line string) (string, string, error) {
	colon := strings.IndexByte(line, ':')
	equal := strings.IndexByte(line, '=')
	if colon < 0 && equal < 0 {
		return "", "", p.errorf(line, "no ':' or '=' found in assignment")
	}
	at := colon
	if colon < 0 || (equal >= 0 && equal < colon) {
		at = equal
	}
	key := TrimSpace(line[:at])
	value := TrimSpace(line[at+1:])
	if value != "" && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
		if len(value) == 1 {
			value = ""
		} else {
			value = value[1 : len(value)-1]
		}
	}
	if key == "" {
		return "", "", p.errorf(line, "key cannot be empty")
	}
	return key, value, nil
}

// nextLine returns the first line of text (without its terminator) and
// the rest, ending lines as SplitLines does.
func nextLine(text string) (line, rest string) {
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			return text[:i], text[i+1:]
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				return text[:i], text[i+2:]
			}
			return text[:i], text[i+1:]
		}
	}
	return text, ""
}

// SplitLines splits text the way Python's universal-newline file reading
// does: "\r\n", "\r" and "\n" end a line, and nothing else does. The line
// terminators are dropped.
func SplitLines(text string) []string {
	var lines []string
	for len(text) > 0 {
		i := strings.IndexAny(text, "\r\n")
		if i < 0 {
			lines = append(lines, text)
			break
		}
		lines = append(lines, text[:i])
		if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
			i++
		}
		text = text[i+1:]
	}
	return lines
}

// IsSpace reports whether r is white space for Python's str.strip and
// str.isspace: Go's unicode.IsSpace plus the four ASCII separators
// U+001C..U+001F.
func IsSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xA0,
		0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// TrimSpace is Python's str.strip().
func TrimSpace(s string) string { return TrimLeftSpace(TrimRightSpace(s)) }

// TrimRightSpace is Python's str.rstrip().
func TrimRightSpace(s string) string {
	for len(s) > 0 {
		c := s[len(s)-1]
		if c < utf8.RuneSelf {
			if !IsSpace(rune(c)) {
				return s
			}
			s = s[:len(s)-1]
			continue
		}
		r, size := utf8.DecodeLastRuneInString(s)
		if !IsSpace(r) {
			return s
		}
		s = s[:len(s)-size]
	}
	return s
}

// TrimLeftSpace is Python's str.lstrip().
func TrimLeftSpace(s string) string {
	for len(s) > 0 {
		c := s[0]
		if c < utf8.RuneSelf {
			if !IsSpace(rune(c)) {
				return s
			}
			s = s[1:]
			continue
		}
		r, size := utf8.DecodeRuneInString(s)
		if !IsSpace(r) {
			return s
		}
		s = s[size:]
	}
	return s
}
