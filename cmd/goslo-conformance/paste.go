package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/goslo/goslo/internal/ini"
	"github.com/goslo/goslo/paste"
)

func init() { subcommands["paste-tree"] = pasteTree }

// pasteTree loads application NAME of the paste ini FILE with every
// factory stubbed (paste.Inspect) and prints the tree of factory calls:
// {"tree": NODE} or {"error": {"type": CLASS, "message": TEXT}}, the
// directory of FILE written "<HERE>", like oracle/paste_tree.py.
func pasteTree(args []string, _ io.Reader) (any, error) {
	if len(args) != 2 {
		return nil, fmt.Errorf("usage: paste-tree FILE NAME")
	}
	abs, err := filepath.Abs(args[0])
	if err != nil {
		return nil, err
	}
	here := filepath.Dir(abs)
	n, err := paste.Inspect(abs, args[1])
	if err != nil {
		return map[string]any{"error": map[string]any{
			"type":    pythonClass(err),
			"message": strings.ReplaceAll(err.Error(), here, "<HERE>"),
		}}, nil
	}
	return map[string]any{"tree": treeJSON(n, here)}, nil
}

func treeJSON(n *paste.Node, here string) any {
	if n == nil {
		return nil
	}
	norm := func(m map[string]string) map[string]string {
		out := make(map[string]string, len(m))
		for k, v := range m {
			out[strings.ReplaceAll(k, here, "<HERE>")] = strings.ReplaceAll(v, here, "<HERE>")
		}
		return out
	}
	out := map[string]any{
		"kind":        n.Kind,
		"use":         strings.ReplaceAll(n.Use, here, "<HERE>"),
		"global_conf": norm(n.Global),
		"local_conf":  norm(n.Local),
	}
	switch n.Kind {
	case "filter":
		out["app"] = treeJSON(n.App, here)
	case "composite":
		apps := map[string]any{}
		for k, a := range n.Apps {
			apps[strings.ReplaceAll(k, here, "<HERE>")] = treeJSON(a, here)
		}
		out["apps"] = apps
	}
	return out
}

// pythonClass names the Python exception PasteDeploy raises for err (the
// answers only need some error; the class helps reading a mismatch).
func pythonClass(err error) string {
	var pe *ini.ParserError
	if errors.As(err, &pe) {
		return pe.Kind.String()
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "FileNotFoundError"
	case errors.Is(err, paste.ErrMissingKey) && strings.Contains(err.Error(), "no global setting"):
		return "KeyError"
	case errors.Is(err, paste.ErrLoop):
		return "RecursionError"
	case errors.Is(err, paste.ErrWrongKind):
		return "TypeError"
	case errors.Is(err, paste.ErrBadURI) && strings.Contains(err.Error(), "relative uri"):
		return "ValueError"
	case errors.Is(err, paste.ErrNoFactory), errors.Is(err, paste.ErrNoSection), errors.Is(err, paste.ErrAmbiguous),
		errors.Is(err, paste.ErrNoLoader), errors.Is(err, paste.ErrMultipleProtocols), errors.Is(err, paste.ErrMissingKey),
		errors.Is(err, paste.ErrExtraSettings), errors.Is(err, paste.ErrBadURI):
		return "LookupError"
	}
	return "OSError"
}
