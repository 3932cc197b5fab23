package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// GeneratorMain is goslo-config-generator: oslo-config-generator's command
// line (--namespace, repeatable and required; --output-file;
// --wrap-width; --minimal; --summarize; --format ini|json|yaml;
// --config-file, whose [DEFAULT] may hold any of these) over the
// namespaces registered in this program. A service builds its own
// generator by importing the packages that register its namespaces and
// calling it from main:
//
//	func main() { os.Exit(config.GeneratorMain(os.Args[1:], os.Stdout, os.Stderr)) }
//
// It returns the exit status: 0, 1 when the sample cannot be written or
// --namespace is missing, 2 for a bad command line.
func GeneratorMain(args []string, stdout, stderr io.Writer) int {
	const prog = "goslo-config-generator"
	var (
		outputFile = &Opt[string]{Name: "output-file", Help: "Path of the file to write to. Defaults to stdout."}
		wrapWidth  = &Opt[int]{Name: "wrap-width", Default: 70, Type: Integer{Min: new(0)},
			Help: "The maximum length of help lines."}
		namespace = &Opt[[]string]{Name: "namespace", Type: MultiString{}, Required: true,
			Help: `Option namespace under "oslo.config.opts" in which to query for options.`}
		minimal   = &Opt[bool]{Name: "minimal", Default: false, Help: "Generate a minimal required configuration."}
		summarize = &Opt[bool]{Name: "summarize", Default: false,
			Help: "Only output summaries of help text to config files. Retain longer help text for Sphinx documents."}
		format = &Opt[string]{Name: "format", Dest: "format_", Default: "ini", Help: "Desired format for the output.",
			Type: String{Choices: []Choice[string]{
				{"ini", "The only format that can be used directly with oslo.config."},
				{"json", "Intended for third-party tools that want to write config files based on the sample config data."},
				{"yaml", "Same as json"},
			}}}
	)
	conf, code, ok := loadTool(prog, args, stdout, stderr, "Known namespaces: "+strings.Join(Namespaces(), ", ")+".",
		outputFile, wrapWidth, namespace, minimal, summarize, format)
	if !ok {
		return code
	}
	names := knownNamespaces(prog, namespace.Get(conf), stderr)
	nss, err := ListOpts(names...)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	so := SampleOptions{WrapWidth: wrapWidth.Get(conf), Minimal: minimal.Get(conf), Summarize: summarize.Get(conf),
		Format: SampleFormat(format.Get(conf)), OutputFile: outputFile.Get(conf), ConfigFiles: conf.ConfigFiles(),
		Namespaces: namespace.Get(conf)}
	if so.WrapWidth == 0 {
		so.WrapWidth = -1
	}
	w := stdout
	if path := outputFile.Get(conf); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", prog, err)
			return 1
		}
		defer f.Close()
		w = f
	}
	if err := WriteSample(w, nss, so); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	if f, ok := w.(*os.File); ok && f != os.Stdout {
		if err := f.Close(); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", prog, err)
			return 1
		}
	}
	return 0
}

// ValidatorMain is goslo-config-validator: oslo-config-validator's command
// line (--namespace, repeatable, or --opt-data FILE written by a
// generator with --format json or yaml; --input-file, required;
// --check-defaults; --exclude-options; --fatal-warnings; --exclude-group,
// repeatable). It writes one line per problem to stderr, as oslo logs
// them, and returns oslo's exit status: 1 when an error was found (or a
// warning, with --fatal-warnings), else 0; 2 for a bad command line.
func ValidatorMain(args []string, stdout, stderr io.Writer) int {
	const prog = "goslo-config-validator"
	var (
		namespace = &Opt[[]string]{Name: "namespace", Type: MultiString{},
			Help: `Option namespace under "oslo.config.opts" in which to query for options.`}
		inputFile = &Opt[string]{Name: "input-file", Required: true, Help: "Config file to validate."}
		optData   = &Opt[string]{Name: "opt-data",
			Help: "Path to a YAML file containing definitions of options, as output by the config generator."}
		checkDefaults = &Opt[bool]{Name: "check-defaults", Default: false,
			Help: "Report differences between the sample values and current values."}
		excludeOptions = &Opt[[]string]{Name: "exclude-options", Default: DefaultExcludeOptions,
			Help: "Exclude options matching these patterns when comparing the current and sample configurations."}
		fatalWarnings = &Opt[bool]{Name: "fatal-warnings", Default: false, Help: "Report failure if any warnings are found."}
		excludeGroup  = &Opt[[]string]{Name: "exclude-group", Type: MultiString{}, Default: []string{},
			Help: "Groups that should not be validated if they are present in the specified input-file. " +
				"This may be necessary for dynamically named groups which do not appear in the sample config data."}
	)
	conf, code, ok := loadTool(prog, args, stdout, stderr, "Known namespaces: "+strings.Join(Namespaces(), ", ")+".",
		namespace, inputFile, optData, checkDefaults, excludeOptions, fatalWarnings, excludeGroup)
	if !ok {
		return code
	}
	var od *OptData
	var err error
	switch {
	case len(namespace.Get(conf)) > 0:
		var nss []NamespaceOpts
		nss, err = ListOpts(knownNamespaces(prog, namespace.Get(conf), stderr)...)
		if err == nil {
			od, err = OptDataFromNamespaces(nss)
		}
	case optData.Get(conf) != "":
		od, err = ReadOptData(optData.Get(conf))
	default:
		err = errors.New("neither --namespace nor --opt-data provided")
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	v, err := Validate(inputFile.Get(conf), od, ValidateOptions{
		ExcludeGroups: excludeGroup.Get(conf), CheckDefaults: checkDefaults.Get(conf),
		ExcludeOptions: excludeOptions.Get(conf),
	})
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	if err := WriteProblems(stderr, v); err != nil {
		return 1
	}
	if v.Failed(fatalWarnings.Get(conf)) {
		return 1
	}
	return 0
}

// loadTool parses a tool's command line (and --config-file) as oslo's
// tools do with a ConfigOpts. ok is false when the tool must stop with
// code: after --help or --version (0), a bad command line (2), or a
// missing required option (the help, then 1; 0 when no argument was
// given at all, as oslo's tools exit).
func loadTool(prog string, args []string, stdout, stderr io.Writer, desc string, opts ...Option) (*Config, int, bool) {
	lo := LoadOptions{Prog: prog, Version: "goslo", Description: desc, Stdout: stdout,
		DefaultConfigFiles: []string{}, DefaultConfigDirs: []string{}, IgnoreEnv: true}
	newConf := func() *Config {
		c := New()
		if err := c.RegisterCLI(opts...); err != nil {
			panic(err) // the tools' own options are fixed
		}
		return c
	}
	conf := newConf()
	err := conf.Load(args, lo)
	if err == nil {
		return conf, 0, true
	}
	var usage *UsageError
	var required *RequiredError
	switch {
	case errors.Is(err, ErrHelp), errors.Is(err, ErrVersion):
		return nil, 0, false
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "%s\n%s: error: %s\n", usage.Usage, prog, usage.Msg)
		return nil, 2, false
	case errors.As(err, &required):
		_ = newConf().Load([]string{"--help"}, lo)
		if len(args) == 0 {
			return nil, 0, false
		}
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return nil, 1, false
	}
	fmt.Fprintf(stderr, "%s: %v\n", prog, err)
	return nil, 1, false
}

// knownNamespaces drops, with a warning, the names nobody registered, as
// oslo's tools do (stevedore logs "Could not load").
func knownNamespaces(prog string, names []string, stderr io.Writer) []string {
	known := map[string]bool{}
	for _, n := range Namespaces() {
		known[n] = true
	}
	var out []string
	for _, n := range names {
		if !known[n] {
			fmt.Fprintf(stderr, "%s: warning: could not load namespace %s (known: %s)\n", prog, n, strings.Join(Namespaces(), ", "))
			continue
		}
		out = append(out, n)
	}
	return out
}
