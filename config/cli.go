package config

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

// The command line is parsed the way oslo.config's argparse parser parses
// it: options act in the order they appear, so "--debug --config-file
// a.conf" lets a.conf's debug win while "--config-file a.conf --debug"
// does not. Long options may be abbreviated to a unique prefix, as
// argparse allows. The standard flag package cannot do either.

type cliKind int

const (
	actStore cliKind = iota
	actTrue
	actFalse
	actAppend
	actConfigFile
	actConfigDir
	actHelp
	actVersion
)

type cliAction struct {
	flags   []string
	kind    cliKind
	slot    *slot
	metavar string
	help    string
}

func (a *cliAction) takesValue() bool {
	switch a.kind {
	case actStore, actAppend, actConfigFile, actConfigDir:
		return true
	}
	return false
}

// cliName is the primary command-line name of an option, without dashes.
func cliName(s *slot) string {
	if s.group.Name == DefaultGroup {
		return s.def.name
	}
	return s.group.Name + "-" + s.def.name
}

func (c *Config) cliActions(lo LoadOptions) (actions []*cliAction, positionals []*slot) {
	actions = append(actions, &cliAction{flags: []string{"-h", "--help"}, kind: actHelp, help: "show this help message and exit"})
	if lo.Version != "" {
		actions = append(actions, &cliAction{flags: []string{"--version"}, kind: actVersion, help: "show program's version number and exit"})
	}
	actions = append(actions,
		&cliAction{flags: []string{"--config-dir"}, kind: actConfigDir, metavar: "DIR", help: configDirOpt.Help},
		&cliAction{flags: []string{"--config-file"}, kind: actConfigFile, metavar: "PATH",
			help: strings.ReplaceAll(configFileOpt.Help, "%(default)s", pyRepr(lo.DefaultConfigFiles))},
	)
	var opts []*cliAction
	for _, g := range c.groups {
		for _, s := range g.opts {
			if !s.cli {
				continue
			}
			if s.def.positional {
				positionals = append(positionals, s)
				continue
			}
			opts = append(opts, c.optActions(s)...)
		}
	}
	sort.SliceStable(opts, func(i, j int) bool { return opts[i].flags[0] < opts[j].flags[0] })
	return append(actions, opts...), positionals
}

func (c *Config) optActions(s *slot) []*cliAction {
	d := s.def
	prefix := ""
	if s.group.Name != DefaultGroup {
		prefix = s.group.Name + "-"
	}
	depNames := func(no string) []string {
		var out []string
		for _, dep := range d.deprecated {
			g := dep.Group
			if g == DefaultGroup {
				g = ""
			}
			if dep.Name == "" && g == "" {
				continue
			}
			n := dep.Name
			if n == "" {
				n = d.name
			}
			if g != "" {
				g += "-"
			}
			out = append(out, "--"+g+no+n)
		}
		return out
	}
	main := &cliAction{slot: s, metavar: d.metavar, help: d.help}
	main.flags = []string{"--" + prefix + d.name}
	if d.short != "" {
		main.flags = append(main.flags, "-"+d.short)
	}
	main.flags = append(main.flags, depNames("")...)
	switch {
	case isBoolType(d.typ):
		main.kind = actTrue
		inv := &cliAction{slot: s, kind: actFalse, help: "The inverse of --" + d.name}
		inv.flags = append([]string{"--" + prefix + "no" + d.name}, depNames("no")...)
		return []*cliAction{main, inv}
	case d.typ.isMulti():
		main.kind = actAppend
	default:
		main.kind = actStore
	}
	if main.metavar == "" {
		main.metavar = strings.ToUpper(strings.ReplaceAll(prefix+d.dest, "-", "_"))
	}
	return []*cliAction{main}
}

func isBoolType(t anyType) bool {
	_, ok := t.raw().(Type[bool])
	return ok
}

var negativeNumber = regexp.MustCompile(`^-\d+$|^-\d*\.\d+$`)

// looksLikeOption is argparse's classification of an argument as an
// option ('O') rather than a value ('A'): a known flag (also with =value
// or abbreviated) is an option; otherwise a negative number, or anything
// with a space, is a value.
func looksLikeOption(a string, byFlag map[string]*cliAction) bool {
	if a == "" || a[0] != '-' || a == "-" {
		return false
	}
	if _, ok := byFlag[a]; ok {
		return true
	}
	if f, _, ok := strings.Cut(a, "="); ok {
		if _, ok := byFlag[f]; ok {
			return true
		}
	}
	if strings.HasPrefix(a, "--") {
		f, _, _ := strings.Cut(a, "=")
		for flag := range byFlag {
			if strings.HasPrefix(flag, "--") && strings.HasPrefix(flag, f) {
				return true
			}
		}
	}
	if negativeNumber.MatchString(a) || strings.Contains(a, " ") {
		return false
	}
	return true
}

// parseArgs runs the command line's actions into ns.
func (c *Config) parseArgs(ns *namespace, args []string, lo LoadOptions) error {
	actions, positionals := c.cliActions(lo)
	byFlag := map[string]*cliAction{}
	for _, a := range actions {
		for _, f := range a.flags {
			byFlag[f] = a
		}
	}
	usage := c.usage(lo, actions, positionals)
	fail := func(format string, v ...any) error {
		return &UsageError{Msg: fmt.Sprintf(format, v...), Usage: usage}
	}
	var free []string
	var unknown []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			free = append(free, args[i+1:]...)
			break
		}
		if !looksLikeOption(a, byFlag) {
			free = append(free, a)
			continue
		}
		flag, val, hasVal := a, "", false
		act := byFlag[a]
		if act == nil && strings.HasPrefix(a, "--") {
			flag, val, hasVal = strings.Cut(a, "=")
			act = byFlag[flag]
			if act == nil {
				var matches []string
				for f := range byFlag {
					if strings.HasPrefix(f, "--") && strings.HasPrefix(f, flag) {
						matches = append(matches, f)
					}
				}
				sort.Strings(matches)
				if len(matches) > 1 {
					return fail("ambiguous option: %s could match %s", flag, strings.Join(matches, ", "))
				}
				if len(matches) == 1 {
					flag, act = matches[0], byFlag[matches[0]]
				}
			}
		} else if act == nil && len(a) > 2 {
			// -xVALUE, or several one-letter flags -xy.
			if short := byFlag[a[:2]]; short != nil {
				if short.takesValue() {
					flag, act, val, hasVal = a[:2], short, a[2:], true
				} else {
					for j := 1; j < len(a); j++ {
						f := "-" + a[j:j+1]
						sa := byFlag[f]
						if sa == nil {
							return fail("argument %s: ignored explicit argument %q", a[:j+1], a[j:])
						}
						if sa.takesValue() {
							if err := c.act(ns, sa, f, a[j+1:], lo, usage, actions, positionals); err != nil {
								return err
							}
							break
						}
						if err := c.act(ns, sa, f, "", lo, usage, actions, positionals); err != nil {
							return err
						}
					}
					continue
				}
			}
		}
		if act == nil {
			unknown = append(unknown, a)
			continue
		}
		if act.takesValue() {
			if !hasVal {
				if i+1 >= len(args) || args[i+1] == "--" || looksLikeOption(args[i+1], byFlag) {
					return fail("argument %s: expected one argument", strings.Join(act.flags, "/"))
				}
				i++
				val = args[i]
			}
		} else if hasVal {
			return fail("argument %s: ignored explicit argument %q", flag, val)
		}
		if err := c.act(ns, act, flag, val, lo, usage, actions, positionals); err != nil {
			return err
		}
	}
	// Positional options take the free arguments in order.
	for _, s := range positionals {
		switch {
		case s.def.typ.isMulti():
			ns.cli[s.idx] = append([]string{}, free...)
			free = nil
		case len(free) > 0:
			ns.cli[s.idx] = free[0]
			free = free[1:]
		case s.def.required:
			return fail("the following arguments are required: %s", strings.ReplaceAll(cliName(s), "-", "_"))
		}
	}
	unknown = append(unknown, free...)
	if len(unknown) > 0 {
		return fail("unrecognized arguments: %s", strings.Join(unknown, " "))
	}
	return nil
}

func (c *Config) act(ns *namespace, a *cliAction, flag, val string, lo LoadOptions, usage string, actions []*cliAction, positionals []*slot) error {
	switch a.kind {
	case actHelp:
		io.WriteString(lo.Stdout, c.help(lo, usage, actions, positionals))
		return ErrHelp
	case actVersion:
		fmt.Fprintln(lo.Stdout, lo.Version)
		return ErrVersion
	case actConfigFile:
		ns.configFiles = append(ns.configFiles, val)
		ns.configFilesGiven = true
		return c.readFile(ns, val)
	case actConfigDir:
		ns.configDirs = append(ns.configDirs, val)
		if _, listed := ns.fromDir(val); !listed {
			if _, err := os.Stat(expandHome(val)); err != nil {
				return &DirNotFoundError{Dir: val}
			}
		}
		return c.readDir(ns, val)
	case actStore:
		ns.cli[a.slot.idx] = val
	case actTrue:
		ns.cli[a.slot.idx] = true
	case actFalse:
		ns.cli[a.slot.idx] = false
	case actAppend:
		prev, _ := ns.cli[a.slot.idx].([]string)
		ns.cli[a.slot.idx] = append(append([]string{}, prev...), val)
	}
	return nil
}

func (c *Config) usage(lo LoadOptions, actions []*cliAction, positionals []*slot) string {
	if lo.Usage != "" {
		return "usage: " + strings.ReplaceAll(lo.Usage, "%(prog)s", lo.Prog)
	}
	var b strings.Builder
	b.WriteString("usage: " + lo.Prog)
	for _, a := range actions {
		b.WriteString(" [" + a.flags[0])
		if a.takesValue() {
			b.WriteString(" " + a.metavar)
		}
		b.WriteString("]")
	}
	for _, s := range positionals {
		n := strings.ReplaceAll(cliName(s), "-", "_")
		if s.def.metavar != "" {
			n = s.def.metavar
		}
		switch {
		case s.def.typ.isMulti():
			b.WriteString(" [" + n + " ...]")
		case !s.def.required:
			b.WriteString(" [" + n + "]")
		default:
			b.WriteString(" " + n)
		}
	}
	return b.String()
}

func (c *Config) help(lo LoadOptions, usage string, actions []*cliAction, positionals []*slot) string {
	var b strings.Builder
	b.WriteString(usage + "\n")
	if lo.Description != "" {
		b.WriteString("\n" + lo.Description + "\n")
	}
	if len(positionals) > 0 {
		b.WriteString("\npositional arguments:\n")
		for _, s := range positionals {
			writeHelpLine(&b, strings.ReplaceAll(cliName(s), "-", "_"), s.def.help)
		}
	}
	b.WriteString("\noptions:\n")
	for _, a := range actions {
		var names []string
		for _, f := range a.flags {
			if a.takesValue() {
				f += " " + a.metavar
			}
			names = append(names, f)
		}
		writeHelpLine(&b, strings.Join(names, ", "), a.help)
	}
	return b.String()
}

func writeHelpLine(b *strings.Builder, names, help string) {
	const col = 24
	line := "  " + names
	if help == "" {
		b.WriteString(line + "\n")
		return
	}
	wrapped := wrap(help, 78-col)
	if len(line) >= col-1 {
		b.WriteString(line + "\n")
		line = ""
	}
	for i, w := range wrapped {
		if i == 0 && line != "" {
			b.WriteString(line + strings.Repeat(" ", col-len(line)) + w + "\n")
			continue
		}
		b.WriteString(strings.Repeat(" ", col) + w + "\n")
	}
}

// wrap breaks text into lines of at most width characters at spaces, as
// Python's textwrap.wrap does for plain text.
func wrap(text string, width int) []string {
	var lines []string
	var cur strings.Builder
	for _, w := range strings.Fields(text) {
		if cur.Len() > 0 && cur.Len()+1+len(w) > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}
