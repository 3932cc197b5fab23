package config

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
)

// Entry is one option's current value, for dumps.
type Entry struct {
	Group, Name string // Name is the option's dest
	Value       any    // nil: unset
	Secret      bool
	Location    Location
}

// Display renders the value as oslo's log_opt_values does: Python's str()
// of the value, and **** for a secret option.
func (e Entry) Display() string {
	if e.Secret {
		return "****"
	}
	if e.Value == nil {
		return "None"
	}
	return pyStr(e.Value)
}

// Entries returns every option's value: DEFAULT's options sorted by name,
// then each group's in registration order of the groups.
func (c *Config) Entries() []Entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	snap := c.snap.Load()
	var out []Entry
	for _, g := range c.groups {
		slots := append([]*slot{}, g.opts...)
		sort.Slice(slots, func(i, j int) bool { return slots[i].def.dest < slots[j].def.dest })
		for _, s := range slots {
			out = append(out, Entry{Group: g.Name, Name: s.def.dest, Value: snap.vals[s.idx], Secret: s.def.secret, Location: snap.locs[s.idx]})
		}
	}
	return out
}

// ValueLines returns the lines oslo's log_opt_values writes: where the
// options came from, then "name = value" for every option, secrets masked.
func (c *Config) ValueLines() []string {
	lines := []string{
		strings.Repeat("*", 80),
		"Configuration options gathered from:",
		"command line args: " + pyRepr(c.Args()),
		"config files: " + pyRepr(c.ConfigFiles()),
		strings.Repeat("=", 80),
	}
	for _, e := range c.Entries() {
		name := e.Name
		if e.Group != DefaultGroup {
			name = e.Group + "." + e.Name
		}
		lines = append(lines, fmt.Sprintf("%-30s = %s", name, e.Display()))
	}
	return append(lines, strings.Repeat("*", 80))
}

// LogValues logs ValueLines at level, one record per line, as oslo's
// log_opt_values does.
func (c *Config) LogValues(l *slog.Logger, level slog.Level) {
	ctx := context.Background()
	if !l.Enabled(ctx, level) {
		return
	}
	for _, line := range c.ValueLines() {
		l.Log(ctx, level, line)
	}
}

// WriteValues writes ValueLines to w.
func (c *Config) WriteValues(w io.Writer) error {
	_, err := io.WriteString(w, strings.Join(c.ValueLines(), "\n")+"\n")
	return err
}
