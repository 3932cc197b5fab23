package log

import (
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// oslo's levels that slog lacks. slog's levels are four apart where
// Python's are ten apart: Python level n is slog level (n-20)*2/5, so
// DEBUG, INFO, WARNING and ERROR are slog's own, TRACE (5) is -6 and
// CRITICAL (50) is 12.
const (
	LevelTrace    = slog.Level(-6)
	LevelCritical = slog.Level(12)
)

// pyLevel is the Python level number of a slog level.
func pyLevel(l slog.Level) int {
	n := int(l) * 5
	q := n / 2
	if n < 0 && n%2 != 0 {
		q-- // floor
	}
	return 20 + q
}

// slogLevel is the lowest slog level whose Python number is at least n.
func slogLevel(n int) slog.Level {
	m := (n - 20) * 2
	q := m / 5
	if m > 0 && m%5 != 0 {
		q++ // ceil
	}
	return slog.Level(q)
}

// levelName is the levelname Python shows for a level.
func levelName(l slog.Level) string {
	switch l {
	case LevelTrace:
		return "TRACE"
	case slog.LevelDebug:
		return "DEBUG"
	case slog.LevelInfo:
		return "INFO"
	case slog.LevelWarn:
		return "WARNING"
	case slog.LevelError:
		return "ERROR"
	case LevelCritical:
		return "CRITICAL"
	}
	return "Level " + strconv.Itoa(pyLevel(l))
}

// pyLevelNames is Python logging's _nameToLevel with oslo's TRACE.
var pyLevelNames = map[string]int{
	"CRITICAL": 50, "FATAL": 50, "ERROR": 40, "WARN": 30, "WARNING": 30,
	"INFO": 20, "DEBUG": 10, "NOTSET": 0, "TRACE": 5,
}

// parseLevel reads the level of a default_log_levels pair as oslo.log
// does: an integer (a Python level number) or a level name, case
// sensitive as Python's. notset reports NOTSET (0): inherit the parent's.
func parseLevel(s string) (l slog.Level, notset bool, err error) {
	n, ok := pyInt(s)
	if !ok {
		n, ok = pyLevelNames[s]
		if !ok {
			return 0, false, fmt.Errorf("unknown level: %q", s)
		}
	}
	if n == 0 {
		return 0, true, nil
	}
	return slogLevel(n), false, nil
}

// pyInt parses what Python's int() accepts for small decimal numbers.
func pyInt(s string) (int, bool) {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "_", "")
	n, err := strconv.Atoi(s)
	if err != nil || n > math.MaxInt32 || n < math.MinInt32 {
		return 0, false
	}
	return n, true
}

// inherit marks a logger without a level of its own.
const inherit = math.MinInt64

// node is one named logger: its name and its effective level, kept up to
// date by the level table so that Enabled costs two atomic loads.
type node struct {
	name  string
	root  bool
	level atomic.Int64 // an slog.Level, or inherit: the root's
}

func (n *node) threshold() slog.Level {
	if v := n.level.Load(); v != inherit {
		return slog.Level(v)
	}
	return rootLevel.Level()
}

func (n *node) enabled(l slog.Level) bool { return l >= n.threshold() }

// The logger hierarchy: like Python's logging module, one per process.
var (
	rootLevel = func() *slog.LevelVar {
		v := new(slog.LevelVar)
		v.Set(slog.LevelWarn) // Python's root level before set-up
		return v
	}()
	rootNode = func() *node {
		n := &node{name: "root", root: true}
		n.level.Store(inherit)
		return n
	}()

	levelsMu sync.Mutex
	nodes    = map[string]*node{}
	table    = map[string]slog.Level{} // default_log_levels, without the root
	loggers  sync.Map                  // name -> *slog.Logger
)

// lookup returns the level the table gives name: the level of its
// longest dotted prefix (itself, its parent, ...), as Python's logger
// hierarchy does.
func lookup(t map[string]slog.Level, name string) (slog.Level, bool) {
	for {
		if l, ok := t[name]; ok {
			return l, true
		}
		i := strings.LastIndexByte(name, '.')
		if i < 0 {
			return 0, false
		}
		name = name[:i]
	}
}

// getNode returns the node of a logger name, creating it.
func getNode(name string) *node {
	if name == "" || name == "root" {
		return rootNode
	}
	levelsMu.Lock()
	defer levelsMu.Unlock()
	n, ok := nodes[name]
	if !ok {
		n = &node{name: name}
		n.level.Store(inherit)
		if l, ok := lookup(table, name); ok {
			n.level.Store(int64(l))
		}
		nodes[name] = n
	}
	return n
}

// levelTable is the parsed form of debug and default_log_levels.
type levelTable struct {
	root  slog.Level
	table map[string]slog.Level
}

// parseLevels reads default_log_levels as oslo.log's setup does: each
// "logger=LEVEL" pair sets that logger's level, later pairs win, an empty
// name or "root" is the root logger (whose level is otherwise DEBUG with
// debug, INFO without).
func parseLevels(debug bool, pairs []string) (levelTable, error) {
	lt := levelTable{root: slog.LevelInfo, table: map[string]slog.Level{}}
	if debug {
		lt.root = slog.LevelDebug
	}
	for _, pair := range pairs {
		mod, levelText, _ := strings.Cut(pair, "=")
		l, notset, err := parseLevel(levelText)
		if err != nil {
			return levelTable{}, fmt.Errorf("default_log_levels: %q: %w", pair, err)
		}
		switch {
		case mod == "" || mod == "root":
			if !notset {
				lt.root = l
			} else {
				lt.root = slogLevel(0)
			}
		case notset:
			delete(lt.table, mod)
		default:
			lt.table[mod] = l
		}
	}
	return lt, nil
}

// apply installs a level table: the root level and every logger's.
func (lt levelTable) apply() {
	levelsMu.Lock()
	defer levelsMu.Unlock()
	table = lt.table
	rootLevel.Set(lt.root)
	for name, n := range nodes {
		if l, ok := lookup(table, name); ok {
			n.level.Store(int64(l))
		} else {
			n.level.Store(inherit)
		}
	}
}

// Get returns the logger of a name, a dotted path such as "nova.api" or
// "goslo.wsgi" (oslo.log's getLogger). Its level is the one
// default_log_levels gives its longest dotted prefix (for "nova.api.v2":
// "nova.api.v2", then "nova.api", then "nova"), else the root level, DEBUG
// with debug set and INFO without; records it lets through carry the name
// (%(name)s). As in oslo.log, a name starting "oslo_" becomes "oslo.".
// "" and "root" name the root logger, the one slog.Default logs to after
// Setup. Loggers may be made before Setup (as package variables): they
// log through whatever Setup installs; before it, WARNING and above go to
// standard error.
func Get(name string) *slog.Logger {
	if strings.HasPrefix(name, "oslo_") {
		name = "oslo." + name[5:]
	}
	if l, ok := loggers.Load(name); ok {
		return l.(*slog.Logger)
	}
	h := &handler{node: getNode(name), named: name != "" && name != "root"}
	l, _ := loggers.LoadOrStore(name, slog.New(h))
	return l.(*slog.Logger)
}
