package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/goslo/goslo/objects"
	"github.com/goslo/goslo/objects/objectstest"
)

func init() { subcommands["object"] = objectCmd }

// objectRegistry holds the Go mirror of conformance/objects/testobjects.py.
var objectRegistry = objectstest.NewRegistry()

// objectCmd answers "object roundtrip", "object backport V" and
// "object changes": it loads the primitive on stdin through the registry
// (obj_from_primitive) and prints obj_to_primitive(), the primitive
// backported to V, or {"changes": [obj_what_changed(), sorted]}. A failure
// to load or dump is an {"error": ...} answer.
func objectCmd(args []string, stdin io.Reader) (any, error) {
	usage := errors.New("usage: object roundtrip|backport VERSION|changes < primitive.json")
	if len(args) == 0 {
		return nil, usage
	}
	mode, target := args[0], ""
	switch {
	case mode == "roundtrip" && len(args) == 1, mode == "changes" && len(args) == 1:
	case mode == "backport" && len(args) == 2:
		target = args[1]
	default:
		return nil, usage
	}
	in, err := io.ReadAll(stdin)
	if err != nil {
		return nil, fmt.Errorf("read stdin: %w", err)
	}
	return objectAnswer(mode, target, in), nil
}

// objectAnswer computes the JSON answer for one primitive.
func objectAnswer(mode, target string, in []byte) any {
	obj, err := objectRegistry.FromJSON(in)
	if err != nil {
		return errorAnswer(err)
	}
	if mode == "changes" {
		changed := obj.Changed()
		slices.Sort(changed)
		return map[string]any{"changes": append([]string{}, changed...)}
	}
	if mode == "backport" && target == "" {
		// The package reads "" as the object's own version; oslo fails.
		return errorAnswer(errors.New("objects: empty target version"))
	}
	out, err := obj.ToJSON(target)
	if err != nil {
		return errorAnswer(err)
	}
	return json.RawMessage(out)
}

func errorAnswer(err error) any {
	return map[string]any{"error": map[string]any{"type": pythonErrorName(err), "message": err.Error()}}
}

// pythonErrorName names the oslo exception that corresponds to err (for
// information: compare.py only checks that both sides are errors).
func pythonErrorName(err error) string {
	var (
		unsupported *objects.UnsupportedObjectError
		incompat    *objects.IncompatibleVersionError
		target      *objects.InvalidTargetVersionError
		prim        *objects.PrimitiveError
		action      *objects.ActionError
		readOnly    *objects.ReadOnlyFieldError
	)
	switch {
	case errors.As(err, &unsupported):
		return "UnsupportedObjectError"
	case errors.As(err, &incompat):
		return "IncompatibleObjectVersion"
	case errors.As(err, &target):
		return "InvalidTargetVersion"
	case errors.As(err, &prim) && prim.Key != "":
		return "KeyError"
	case errors.As(err, &prim):
		return "TypeError"
	case errors.As(err, &action):
		return "ObjectActionError"
	case errors.As(err, &readOnly):
		return "ReadOnlyFieldError"
	}
	return "ValueError"
}
