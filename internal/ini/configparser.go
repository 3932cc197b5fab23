package ini

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// DefaultSection is the name of configparser's special section whose keys
// every other section sees.
const DefaultSection = "DEFAULT"

// maxInterpolationDepth is configparser.MAX_INTERPOLATION_DEPTH.
const maxInterpolationDepth = 10

// maxInterpolationWork bounds the bytes and references one Get expands:
// ten levels of values that each name the next many times grow
// exponentially (Python runs out of memory on them).
const maxInterpolationWork = 1 << 20

// ConfigParser holds a file read in the dialect of Python's
// configparser.ConfigParser as PasteDeploy configures it (NicerConfigParser
// in paste/deploy/loadwsgi.py): strict (a section or an option repeated in
// one file is an error), keys keep their case (optionxform = str), "=" and
// ":" separate keys from values, "#" and ";" start comment lines, there are
// no inline comments, a value continues on lines indented deeper than its
// key (blank lines inside are kept), [DEFAULT] keys are seen by every
// section, and Get expands "%(name)s" references (BasicInterpolation).
//
// The defaults set with SetDefault before Read play the part of the
// constructor's defaults= argument ("here", "__file__" for Paste); the
// file's [DEFAULT] keys replace them in place.
//
// A ConfigParser is not safe for concurrent use; Clone gives an independent
// copy of the defaults that shares the (read-only) sections.
type ConfigParser struct {
	// Source names the file in errors and value locations.
	Source string

	defaults *options
	sections []*ParserSection
	byName   map[string]*ParserSection
}

// ParserSection is one section of a ConfigParser, in file order.
type ParserSection struct {
	Name string
	Line int // line of the header
	opts *options
}

// Keys returns the section's own keys in file order (without [DEFAULT]'s).
func (s *ParserSection) Keys() []string { return slices.Clone(s.opts.keys) }

// Raw returns the uninterpolated value of key in this section.
func (s *ParserSection) Raw(key string) (Value, bool) {
	v, ok := s.opts.vals[key]
	return v, ok
}

// options is an insertion-ordered map of values, like a Python dict.
type options struct {
	keys []string
	vals map[string]Value
}

func newOptions() *options { return &options{vals: map[string]Value{}} }

func (o *options) set(k string, v Value) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

func (o *options) clone() *options {
	c := &options{keys: slices.Clone(o.keys), vals: make(map[string]Value, len(o.vals))}
	for k, v := range o.vals {
		c.vals[k] = v
	}
	return c
}

// NewConfigParser returns an empty parser; source names the file in errors.
func NewConfigParser(source string) *ConfigParser {
	return &ConfigParser{Source: source, defaults: newOptions(), byName: map[string]*ParserSection{}}
}

// Clone returns a parser with its own copy of the defaults (so SetDefault
// on it leaves p alone) and the same sections.
func (p *ConfigParser) Clone() *ConfigParser {
	c := *p
	c.defaults = p.defaults.clone()
	return &c
}

// SetDefault sets a [DEFAULT] value that no file line holds, as the
// defaults= argument of ConfigParser's constructor or a later
// parser._defaults[key] = value do. An existing key keeps its position.
func (p *ConfigParser) SetDefault(key, value string) {
	p.defaults.set(key, Value{Text: value})
}

// HasDefault reports whether key is a [DEFAULT] key.
func (p *ConfigParser) HasDefault(key string) bool {
	_, ok := p.defaults.vals[key]
	return ok
}

// DefaultKeys returns the [DEFAULT] keys in order.
func (p *ConfigParser) DefaultKeys() []string { return slices.Clone(p.defaults.keys) }

// DefaultRaw returns the uninterpolated [DEFAULT] value of key.
func (p *ConfigParser) DefaultRaw(key string) (Value, bool) {
	v, ok := p.defaults.vals[key]
	return v, ok
}

// Sections returns the section names in file order, [DEFAULT] excluded.
func (p *ConfigParser) Sections() []string {
	names := make([]string, len(p.sections))
	for i, s := range p.sections {
		names[i] = s.Name
	}
	return names
}

// Section returns the named section ([DEFAULT] is not one), or nil.
func (p *ConfigParser) Section(name string) *ParserSection { return p.byName[name] }

// Options returns the keys of section followed by the [DEFAULT] keys it
// does not have itself, like RawConfigParser.options.
func (p *ConfigParser) Options(section string) ([]string, error) {
	s := p.byName[section]
	if s == nil {
		return nil, &ParserError{Kind: NoSectionError, Source: p.Source, Section: section,
			Msg: fmt.Sprintf("no section %s", pyRepr(section))}
	}
	keys := slices.Clone(s.opts.keys)
	for _, k := range p.defaults.keys {
		if _, ok := s.opts.vals[k]; !ok {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// Lookup returns the uninterpolated value of option as section sees it
// (its own value, else the [DEFAULT] one). section may be DefaultSection.
func (p *ConfigParser) Lookup(section, option string) (Value, bool) {
	if s := p.byName[section]; s != nil {
		if v, ok := s.opts.vals[option]; ok {
			return v, true
		}
	}
	v, ok := p.defaults.vals[option]
	return v, ok
}

// Get returns option of section with "%(name)s" references expanded, as
// ConfigParser.get does: name is looked up in the section, then in
// [DEFAULT]; "%%" is a literal "%"; any other "%" is an error, and so is a
// reference nested more than ten deep. section may be DefaultSection.
func (p *ConfigParser) Get(section, option string) (string, error) {
	s := p.byName[section]
	if s == nil && section != DefaultSection {
		return "", &ParserError{Kind: NoSectionError, Source: p.Source, Section: section,
			Msg: fmt.Sprintf("no section %s", pyRepr(section))}
	}
	v, ok := p.Lookup(section, option)
	if !ok {
		return "", &ParserError{Kind: NoOptionError, Source: p.Source, Section: section, Option: option,
			Msg: fmt.Sprintf("no option %s in section %s", pyRepr(option), pyRepr(section))}
	}
	if !strings.Contains(v.Text, "%") {
		return v.Text, nil
	}
	var b strings.Builder
	work := maxInterpolationWork
	if err := p.interpolate(&b, section, option, v, v.Text, 1, &work); err != nil {
		return "", err
	}
	return b.String(), nil
}

// interpolate is BasicInterpolation._interpolate_some.
func (p *ConfigParser) interpolate(b *strings.Builder, section, option string, raw Value, rest string, depth int, work *int) error {
	fail := func(kind ParserErrorKind, ref, format string, args ...any) error {
		return &ParserError{Kind: kind, Source: p.Source, Line: raw.Line, Section: section, Option: option,
			Reference: ref, Msg: fmt.Sprintf(format, args...)}
	}
	if depth > maxInterpolationDepth {
		return fail(InterpolationDepthError, "",
			"option %s in section %s: recursion limit exceeded in value substitution: a reference cannot be substituted in %d steps; raw value: %s",
			pyRepr(option), pyRepr(section), maxInterpolationDepth, pyRepr(raw.Text))
	}
	if *work -= len(rest) + 1; *work < 0 {
		return fail(InterpolationDepthError, "",
			"option %s in section %s: the value grows beyond %d bytes when interpolated; raw value: %s",
			pyRepr(option), pyRepr(section), maxInterpolationWork, pyRepr(raw.Text))
	}
	for rest != "" {
		i := strings.IndexByte(rest, '%')
		if i < 0 {
			b.WriteString(rest)
			return nil
		}
		b.WriteString(rest[:i])
		rest = rest[i:]
		switch {
		case strings.HasPrefix(rest, "%%"):
			b.WriteByte('%')
			rest = rest[2:]
		case strings.HasPrefix(rest, "%("):
			// %\(([^)]+)\)s
			end := strings.IndexByte(rest[2:], ')')
			if end <= 0 || 2+end+1 >= len(rest) || rest[2+end+1] != 's' {
				return fail(InterpolationSyntaxError, "",
					"option %s in section %s: bad interpolation variable reference %s",
					pyRepr(option), pyRepr(section), pyRepr(rest))
			}
			name := rest[2 : 2+end]
			rest = rest[2+end+2:]
			v, ok := p.Lookup(section, name)
			if !ok {
				return fail(InterpolationMissingOptionError, name,
					"option %s in section %s contains an interpolation key %s which is not a valid option name; raw value: %s",
					pyRepr(option), pyRepr(section), pyRepr(name), pyRepr(raw.Text))
			}
			if strings.Contains(v.Text, "%") {
				if err := p.interpolate(b, section, option, raw, v.Text, depth+1, work); err != nil {
					return err
				}
			} else {
				if *work -= len(v.Text) + 1; *work < 0 {
					return fail(InterpolationDepthError, "",
						"option %s in section %s: the value grows beyond %d bytes when interpolated; raw value: %s",
						pyRepr(option), pyRepr(section), maxInterpolationWork, pyRepr(raw.Text))
				}
				b.WriteString(v.Text)
			}
		default:
			return fail(InterpolationSyntaxError, "",
				"option %s in section %s: '%%' must be followed by '%%' or '(', found: %s",
				pyRepr(option), pyRepr(section), pyRepr(rest))
		}
	}
	return nil
}

// ParserErrorKind tells the configparser errors apart; its String is the
// Python exception class.
type ParserErrorKind int

// The configparser exceptions a read or a get can raise.
const (
	ParsingError ParserErrorKind = iota + 1
	MissingSectionHeaderError
	DuplicateSectionError
	DuplicateOptionError
	NoSectionError
	NoOptionError
	InterpolationSyntaxError
	InterpolationMissingOptionError
	InterpolationDepthError
	UnicodeDecodeError
)

var kindNames = map[ParserErrorKind]string{
	ParsingError:                    "ParsingError",
	MissingSectionHeaderError:       "MissingSectionHeaderError",
	DuplicateSectionError:           "DuplicateSectionError",
	DuplicateOptionError:            "DuplicateOptionError",
	NoSectionError:                  "NoSectionError",
	NoOptionError:                   "NoOptionError",
	InterpolationSyntaxError:        "InterpolationSyntaxError",
	InterpolationMissingOptionError: "InterpolationMissingOptionError",
	InterpolationDepthError:         "InterpolationDepthError",
	UnicodeDecodeError:              "UnicodeDecodeError",
}

func (k ParserErrorKind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("ParserErrorKind(%d)", int(k))
}

// ParserError is an error of the configparser dialect. Line is the 1-based
// line the error is about (for interpolation errors, the line of the
// option's key), 0 when none applies.
type ParserError struct {
	Kind      ParserErrorKind
	Source    string
	Line      int
	Section   string
	Option    string
	Reference string // the missing name of an InterpolationMissingOptionError
	Msg       string
	// Lines lists every bad line of a ParsingError (Line is the first).
	Lines []int
}

func (e *ParserError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Source, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Source, e.Msg)
}

// Read parses data (the whole file) into p, as ConfigParser.read_file does
// for a file opened in text mode: the data must be UTF-8, "\r\n", "\r" and
// "\n" end lines. The first structural error (missing section header,
// duplicate section or option) stops the read; lines that are neither a
// header, an option nor a continuation are collected and reported together
// at the end as a ParsingError, as configparser does.
func (p *ConfigParser) Read(data []byte) error {
	if !utf8.Valid(data) {
		return &ParserError{Kind: UnicodeDecodeError, Source: p.Source, Msg: "file is not valid UTF-8"}
	}
	r := reader{p: p, addedSec: map[string]bool{}, addedOpt: map[[2]string]bool{}, parts: map[*options]map[string][]string{}}
	err := r.read(string(data))
	r.join()
	if err != nil {
		return err
	}
	if len(r.bad) > 0 {
		return &ParserError{Kind: ParsingError, Source: p.Source, Line: r.bad[0], Lines: r.bad,
			Msg: fmt.Sprintf("source contains parsing errors: %s", r.badText)}
	}
	return nil
}

type reader struct {
	p        *ConfigParser
	addedSec map[string]bool
	addedOpt map[[2]string]bool
	// parts holds the lines of every value read, joined at the end.
	parts   map[*options]map[string][]string
	bad     []int
	badText string
}

func (r *reader) badLine(lineno int, line string) {
	r.bad = append(r.bad, lineno)
	if r.badText != "" {
		r.badText += ", "
	}
	r.badText += fmt.Sprintf("[line %2d]: %s", lineno, pyRepr(line))
}

// read is RawConfigParser._read with the options PasteDeploy uses.
func (r *reader) read(text string) error {
	p := r.p
	var (
		cursect     *options
		sectname    string
		optname     string // "" when no option is open (Python's falsy optname)
		indentLevel = 0
	)
	for i, line := range SplitLines(text) {
		lineno := i + 1
		value := TrimSpace(line)
		comment := strings.HasPrefix(value, "#") || strings.HasPrefix(value, ";")
		if comment {
			value = ""
		}
		if value == "" {
			// empty_lines_in_values: a blank (not comment) line becomes
			// part of the open value; trailing ones are cut at the join.
			if !comment && cursect != nil && optname != "" {
				r.parts[cursect][optname] = append(r.parts[cursect][optname], "")
			}
			continue
		}
		curIndent := indentOf(line)
		if cursect != nil && optname != "" && curIndent > indentLevel {
			r.parts[cursect][optname] = append(r.parts[cursect][optname], value)
			continue
		}
		indentLevel = curIndent
		if header, ok := sectionHeader(value); ok {
			switch s := p.byName[header]; {
			case s != nil:
				if r.addedSec[header] {
					return &ParserError{Kind: DuplicateSectionError, Source: p.Source, Line: lineno, Section: header,
						Msg: fmt.Sprintf("section %s already exists", pyRepr(header))}
				}
				cursect = s.opts
				r.addedSec[header] = true
			case header == DefaultSection:
				cursect = p.defaults
			default:
				s = &ParserSection{Name: header, Line: lineno, opts: newOptions()}
				p.sections = append(p.sections, s)
				p.byName[header] = s
				cursect = s.opts
				r.addedSec[header] = true
			}
			sectname = header
			optname = ""
			continue
		}
		if cursect == nil {
			return &ParserError{Kind: MissingSectionHeaderError, Source: p.Source, Line: lineno,
				Msg: fmt.Sprintf("file contains no section headers: %s", pyRepr(line))}
		}
		d := strings.IndexAny(value, "=:")
		if d < 0 {
			r.badLine(lineno, line)
			continue
		}
		name := TrimRightSpace(value[:d])
		if name == "" {
			r.badLine(lineno, line)
		}
		if r.addedOpt[[2]string{sectname, name}] {
			return &ParserError{Kind: DuplicateOptionError, Source: p.Source, Line: lineno, Section: sectname, Option: name,
				Msg: fmt.Sprintf("option %s in section %s already exists", pyRepr(name), pyRepr(sectname))}
		}
		r.addedOpt[[2]string{sectname, name}] = true
		cursect.set(name, Value{File: p.Source, Line: lineno})
		if r.parts[cursect] == nil {
			r.parts[cursect] = map[string][]string{}
		}
		r.parts[cursect][name] = []string{TrimSpace(value[d+1:])}
		optname = name
	}
	return nil
}

// join is _join_multiline_values: the lines of a value are joined with
// "\n" and trailing white space (the blank lines) is removed.
func (r *reader) join() {
	for opts, vals := range r.parts {
		for name, lines := range vals {
			v := opts.vals[name]
			v.Text = TrimRightSpace(strings.Join(lines, "\n"))
			opts.vals[name] = v
		}
	}
}

// indentOf is the position, in characters, of the first non-space
// character of line (configparser's NONSPACECRE).
func indentOf(line string) int {
	n := 0
	for _, c := range line {
		if !IsSpace(c) {
			return n
		}
		n++
	}
	return 0
}

// sectionHeader matches configparser's SECTCRE, `\[(?P<header>.+)\]`,
// at the start of the stripped line: the header runs to the last "]", and
// whatever follows it is ignored.
func sectionHeader(value string) (string, bool) {
	if value[0] != '[' {
		return "", false
	}
	end := strings.LastIndexByte(value, ']')
	if end < 2 {
		return "", false
	}
	return value[1:end], true
}

// pyRepr quotes s for messages the way Python's repr does for plain text.
func pyRepr(s string) string {
	s = strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\t", `\t`, "\r", `\r`).Replace(s)
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
}
