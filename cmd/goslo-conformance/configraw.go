package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/goslo/goslo/internal/ini"
)

func init() { subcommands["config-raw"] = configRaw }

// configRaw parses one file with oslo.config's dialect:
// {"sections": {SECTION: {KEY: [VALUE, ...]}}} or
// {"error": {"type": "ParseError", "line": N}}.
func configRaw(args []string, _ io.Reader) (any, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("usage: config-raw FILE")
	}
	f, err := ini.ParseFile(args[0])
	if err != nil {
		var pe *ini.ParseError
		if errors.As(err, &pe) {
			var line any
			if pe.Line > 0 {
				line = pe.Line
			}
			return map[string]any{"error": map[string]any{"type": "ParseError", "line": line, "message": pe.Error()}}, nil
		}
		return map[string]any{"error": map[string]any{"type": "IOError", "line": nil, "message": err.Error()}}, nil
	}
	sections := map[string]any{}
	for _, s := range f.Sections {
		keys := map[string][]string{}
		for _, k := range s.Keys {
			for _, v := range s.Values[k] {
				keys[k] = append(keys[k], v.Text)
			}
		}
		sections[s.Name] = keys
	}
	return map[string]any{"sections": sections}, nil
}
