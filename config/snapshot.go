package config

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
)

// A snapshot is the configuration files exactly as a Config read them.
// Worker processes are the same program started again and load their
// configuration themselves; a snapshot lets them load what their parent
// loaded rather than what the files say now, so that a worker started
// after an operator edited a file (a respawn, a scale-up) runs the same
// configuration as its siblings, as a forked oslo worker would. The
// service package's ProcessLauncher passes it; other code need not care.

// SnapshotEnv names the environment variable that hands a snapshot to a
// child process: the number of an inherited file descriptor to read it
// from. Load reads it once, then unsets it.
const SnapshotEnv = "GOSLO_CONFIG_SNAPSHOT_FD"

type snapshotData struct {
	Files map[string][]byte   `json:"files"` // nil: the file did not exist
	Dirs  map[string][]string `json:"dirs"`
}

type snapshotDoc struct {
	Main    snapshotData  `json:"main"`
	Mutable *snapshotData `json:"mutable,omitempty"` // after Mutate
}

func capture(ns *namespace) snapshotData {
	d := snapshotData{Files: map[string][]byte{}, Dirs: map[string][]string{}}
	for k, v := range ns.read {
		d.Files[k] = v
	}
	for _, f := range ns.notFound {
		d.Files[f] = nil
	}
	for k, v := range ns.dirs {
		d.Dirs[k] = v
	}
	return d
}

// Snapshot returns the files the current values were loaded from (and,
// after Mutate, the ones the mutable options were loaded from).
func (c *Config) Snapshot() ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ns == nil {
		return nil, ErrNotLoaded
	}
	doc := snapshotDoc{Main: capture(c.ns)}
	if c.mutableNS != nil {
		m := capture(c.mutableNS)
		doc.Mutable = &m
	}
	return json.Marshal(doc)
}

// takeSnapshot reads the snapshot handed to this process, if any.
func takeSnapshot() (*snapshotDoc, error) {
	fdText := os.Getenv(SnapshotEnv)
	if fdText == "" {
		return nil, nil
	}
	os.Unsetenv(SnapshotEnv)
	fd, err := strconv.Atoi(fdText)
	if err != nil {
		return nil, fmt.Errorf("config: %s=%q: %w", SnapshotEnv, fdText, err)
	}
	f := os.NewFile(uintptr(fd), "config-snapshot")
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("config: reading the snapshot: %w", err)
	}
	var doc snapshotDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("config: reading the snapshot: %w", err)
	}
	return &doc, nil
}
