package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strings"
)

// match compares a produced JSON document with an expected one by the rules
// of conformance/compare.py: objects need the same keys, arrays the same
// order, booleans equal only booleans, numbers compare by value (an
// expected integer needs an integral number). When the expected document
// is an error, any {"error": ...} answer matches. It returns "" on a match
// and a description of the first difference otherwise.
func match(got, want []byte) string {
	g, err := decode(got)
	if err != nil {
		return fmt.Sprintf("output is not JSON: %v", err)
	}
	w, err := decode(want)
	if err != nil {
		return fmt.Sprintf("expected answer is not JSON: %v", err)
	}
	if isError(w) {
		if isError(g) {
			return ""
		}
		return "expected an error, got a value"
	}
	return diff("$", g, w)
}

func decode(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// isInt reports whether n was written as an integer literal.
func isInt(n json.Number) bool { return !strings.ContainsAny(n.String(), ".eE") }

func sameInt(a, b json.Number) bool {
	x, ok1 := new(big.Int).SetString(a.String(), 10)
	y, ok2 := new(big.Int).SetString(b.String(), 10)
	return ok1 && ok2 && x.Cmp(y) == 0
}

func isError(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, ok = m["error"]
	return ok
}

func diff(path string, g, w any) string {
	switch w := w.(type) {
	case map[string]any:
		gm, ok := g.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %s, want an object", path, short(g))
		}
		var keys []string
		for k := range w {
			keys = append(keys, k)
		}
		for k := range gm {
			if _, ok := w[k]; !ok {
				return fmt.Sprintf("%s: unexpected key %q", path, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := gm[k]
			if !ok {
				return fmt.Sprintf("%s: missing key %q", path, k)
			}
			if d := diff(path+"."+k, gv, w[k]); d != "" {
				return d
			}
		}
		return ""
	case []any:
		ga, ok := g.([]any)
		if !ok {
			return fmt.Sprintf("%s: got %s, want an array", path, short(g))
		}
		if len(ga) != len(w) {
			return fmt.Sprintf("%s: got %d items, want %d", path, len(ga), len(w))
		}
		for i := range w {
			if d := diff(fmt.Sprintf("%s[%d]", path, i), ga[i], w[i]); d != "" {
				return d
			}
		}
		return ""
	case json.Number:
		gn, ok := g.(json.Number)
		if !ok {
			return fmt.Sprintf("%s: got %s, want %s", path, short(g), w)
		}
		if isInt(w) {
			if !isInt(gn) || gn.String() != w.String() && !sameInt(gn, w) {
				return fmt.Sprintf("%s: got %s, want the integer %s", path, gn, w)
			}
			return ""
		}
		gf, err1 := gn.Float64()
		wf, err2 := w.Float64()
		if err1 != nil || err2 != nil || gf != wf && !(math.IsNaN(gf) && math.IsNaN(wf)) {
			return fmt.Sprintf("%s: got %s, want %s", path, gn, w)
		}
		return ""
	default:
		if g != w {
			return fmt.Sprintf("%s: got %s, want %s", path, short(g), short(w))
		}
		return ""
	}
}

func short(v any) string {
	b, _ := json.Marshal(v)
	s := string(b)
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return strings.ReplaceAll(s, "\n", " ")
}
