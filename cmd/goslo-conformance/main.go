// Command goslo-conformance answers the conformance contract of
// ../shared/conformance: it reads what OpenStack's Python libraries read
// (oslo.config files, api-paste.ini files, versioned object primitives)
// through goslo's packages and prints the same JSON the Python oracles print.
//
// Usage:
//
//	goslo-conformance config-raw FILE
//	goslo-conformance config-typed SCHEMA.json ARG...
//	goslo-conformance paste-tree FILE NAME
//	goslo-conformance object roundtrip|backport V|changes < primitive.json
//
// The JSON answer goes to stdout and the exit status is 0, also for an
// {"error": ...} answer; only a misuse of the command itself exits non-zero.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
)

// subcommand answers one kind of case. It returns the JSON document to print.
type subcommand func(args []string, stdin io.Reader) (any, error)

// subcommands is filled by the init functions of the files of this package,
// one file per kind.
var subcommands = map[string]subcommand{}

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "goslo-conformance:", err)
		os.Exit(2)
	}
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: goslo-conformance %v ARG...", names())
	}
	cmd, ok := subcommands[args[0]]
	if !ok {
		return fmt.Errorf("unknown subcommand %q (have %v)", args[0], names())
	}
	doc, err := cmd(args[1:], stdin)
	if err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	return enc.Encode(doc)
}

func names() []string {
	var n []string
	for k := range subcommands {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}
