package log

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"testing"
	"testing/slogtest"
)

// captureHandler builds a Handler writing to a pipe-backed file and
// returns a function that closes it and returns what it wrote.
func captureHandler(t *testing.T, s settings) (*Handler, func() string) {
	t.Helper()
	mustLevels(t, s.debug, nil)
	path := t.TempDir() + "/capture.log"
	s.logFile = path
	h, err := build(s, "nova", "unknown", outputEnv{hostname: "h"})
	if err != nil {
		t.Fatal(err)
	}
	return h, func() string {
		h.Close()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
}

func TestSlogtestJSON(t *testing.T) {
	s := defaultSettings()
	s.useJSON = true
	h, out := captureHandler(t, s)
	err := slogtest.TestHandler(h, func() []map[string]any {
		var ms []map[string]any
		for _, line := range strings.Split(strings.TrimSpace(out()), "\n") {
			var j map[string]any
			if err := json.Unmarshal([]byte(line), &j); err != nil {
				t.Fatalf("%v: %q", err, line)
			}
			m, _ := j["extra"].(map[string]any)
			if m == nil {
				m = map[string]any{}
			}
			m[slog.MessageKey] = j["message"]
			m[slog.LevelKey] = j["levelname"]
			if ts, ok := j["asctime"]; ok {
				m[slog.TimeKey] = ts
			}
			ms = append(ms, m)
		}
		return ms
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSlogtestText runs slogtest on the text format: the time, level and
// message from a format string, the attributes after the message as
// key=value with dotted groups.
func TestSlogtestText(t *testing.T) {
	s := defaultSettings()
	s.formats.dflt = "%(asctime)s|%(levelname)s|%(message)s"
	h, out := captureHandler(t, s)
	err := slogtest.TestHandler(h, func() []map[string]any {
		var ms []map[string]any
		for _, line := range strings.Split(strings.TrimSpace(out()), "\n") {
			parts := strings.SplitN(line, "|", 3)
			m := map[string]any{}
			if parts[0] != "" {
				m[slog.TimeKey] = parts[0]
			}
			m[slog.LevelKey] = parts[1]
			msg, attrs, _ := strings.Cut(parts[2], " ")
			m[slog.MessageKey] = msg
			for _, kv := range splitAttrs(attrs) {
				k, v, _ := strings.Cut(kv, "=")
				path := strings.Split(k, ".")
				cur := m
				for _, g := range path[:len(path)-1] {
					sub, ok := cur[g].(map[string]any)
					if !ok {
						sub = map[string]any{}
						cur[g] = sub
					}
					cur = sub
				}
				cur[path[len(path)-1]] = v
			}
			ms = append(ms, m)
		}
		return ms
	})
	if err != nil {
		t.Fatal(err)
	}
}

// splitAttrs splits "a=1 b=\"x y\"" at the spaces outside quotes.
func splitAttrs(s string) []string {
	var out []string
	var cur bytes.Buffer
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			quoted = !quoted
		case c == ' ' && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
			continue
		}
		cur.WriteByte(c)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
