package config

import (
	"encoding/json"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPyWrapTable(t *testing.T) {
	tests := []struct {
		text  string
		width int
		want  []string
	}{
		{"", 70, nil},
		{"   ", 70, nil},
		{"short", 70, []string{"# short"}},
		{"  indented first line keeps its indent", 20, []string{"#   indented first", "# line keeps its", "# indent"}},
		{"a verylongwordthatcannotbebroken b", 10, []string{"# a", "# verylongwordthatcannotbebroken", "# b"}},
		{"well-known-and-long words", 14, []string{"# well-known-", "# and-long", "# words"}},
		{"em--dash here", 8, []string{"# em--", "# dash", "# here"}},
		{"tab\there", 70, []string{"# tab     here"}},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			if got := pyWrap(tc.text, tc.width, "# "); !cmp.Equal(got, tc.want) {
				t.Errorf("pyWrap(%q, %d) = %q, want %q", tc.text, tc.width, got, tc.want)
			}
		})
	}
}

func TestPySplitLines(t *testing.T) {
	tests := map[string][]string{
		"":           nil,
		"a":          {"a"},
		"a\n":        {"a"},
		"a\n\nb":     {"a", "", "b"},
		"a\r\nb\rc":  {"a", "b", "c"},
		"a\vb\fc":    {"a", "b", "c"},
		"a\u2028b":   {"a", "b"},
		"a\x1cb\n\n": {"a", "b", ""},
	}
	for in, want := range tests {
		if got := pySplitLines(in); !cmp.Equal(got, want) {
			t.Errorf("pySplitLines(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPyWrapMatchesTextwrap wraps random text of the characters that
// textwrap treats specially and compares with Python's textwrap, as the
// sample generator calls it.
func TestPyWrapMatchesTextwrap(t *testing.T) {
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import textwrap").Run(); err != nil {
		t.Skipf("%s cannot run textwrap: %v", python, err)
	}
	pieces := []string{"a", "bc", "word", "x-y", "-", "--", "---", " ", "  ", "\t", ",", ".", "!", "?",
		"'", "\"", "_", "9", "é", "ñ", "\u00a0", "longerwordhere", "hyphen-ated", "e-mail", "a1-b2", "--flag", "x"}
	rng := rand.New(rand.NewPCG(1, 2))
	type tcase struct {
		Text  string `json:"text"`
		Width int    `json:"width"`
	}
	var cases []tcase
	for range 3000 {
		var b strings.Builder
		for range rng.IntN(30) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		cases = append(cases, tcase{b.String(), 1 + rng.IntN(30)})
	}
	in, _ := json.Marshal(cases)
	cmd := exec.Command(python, "-c", `
import json, sys, textwrap
cases = json.load(sys.stdin)
print(json.dumps([textwrap.wrap(c["text"], c["width"], initial_indent="# ",
      subsequent_indent="# ", break_long_words=False, replace_whitespace=False) for c in cases]))
`)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var want [][]string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	fails := 0
	for i, c := range cases {
		got := pyWrap(c.Text, c.Width, "# ")
		if len(got) == 0 && len(want[i]) == 0 {
			continue
		}
		if !cmp.Equal(got, want[i]) {
			t.Errorf("pyWrap(%q, %d) = %q, textwrap gives %q", c.Text, c.Width, got, want[i])
			if fails++; fails > 10 {
				t.FailNow()
			}
		}
	}
}
