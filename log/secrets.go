package log

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"

	"github.com/goslo/goslo/internal/py"
)

// secretMask replaces the value of a secret option in a line.
const secretMask = "****"

// minSecretLen is the shortest secret value searched for: shorter ones
// would mask ordinary text.
const minSecretLen = 4

// secretSet is the values of the secret options, as they appear in text
// lines and in JSON strings.
type secretSet struct {
	values     []string
	text, json [][]byte
}

func (s *secretSet) empty() bool { return len(s.text) == 0 }

// refreshSecrets reads the values of the options declared Secret, so
// that no line shows them (a message that quotes a connection URL, a
// password passed as an attribute, the change of a mutable secret
// option that config logs).
func (h *Handler) refreshSecrets() {
	if h.conf == nil {
		return
	}
	var vals []string
	for _, e := range h.conf.Entries() {
		if !e.Secret || e.Value == nil {
			continue
		}
		vals = append(vals, secretStrings(e.Value)...)
	}
	// Values once secret stay masked: the old value of a changed option
	// is still a credential, and config logs the change.
	h.secretsMu.Lock()
	defer h.secretsMu.Unlock()
	if old := h.secrets.Load(); old != nil {
		vals = append(vals, old.values...)
	}
	h.secrets.Store(newSecretSet(vals))
}

func newSecretSet(vals []string) *secretSet {
	s := &secretSet{}
	seen := map[string]bool{}
	// Longest first, so that a secret containing another is masked whole.
	sort.Slice(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	for _, v := range vals {
		if len(v) < minSecretLen || seen[v] {
			continue
		}
		seen[v] = true
		s.values = append(s.values, v)
		s.text = append(s.text, []byte(v))
		if q := strconv.Quote(v); q[1:len(q)-1] != v {
			// As a quoted attribute value.
			s.text = append(s.text, []byte(q[1:len(q)-1]))
		}
		j := py.AppendJSONString(nil, v)
		s.json = append(s.json, j[1:len(j)-1])
	}
	return s
}

func secretStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []string:
		return v
	case map[string]string:
		var out []string
		for _, x := range v {
			out = append(out, x)
		}
		return out
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, secretStrings(x)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, x := range v {
			out = append(out, secretStrings(x)...)
		}
		return out
	case nil:
		return nil
	}
	return []string{fmt.Sprint(v)}
}

// mask replaces every secret in line. It returns line itself when there
// is none (the common case: no allocation).
func (s *secretSet) mask(line []byte, json bool) []byte {
	if len(line) == 0 {
		return line
	}
	list := s.text
	if json {
		list = s.json
	}
	for _, sec := range list {
		if bytes.Contains(line, sec) {
			line = bytes.ReplaceAll(line, sec, []byte(secretMask))
		}
	}
	return line
}
