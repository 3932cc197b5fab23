package log

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goslo/goslo/internal/py"
	"github.com/goslo/goslo/reqctx"
)

// jsonFormatter is oslo.log's JSONFormatter: one JSON object per line,
// with its field names and order, and Python's json.dumps spelling
// (", " and ": " separators, non-ASCII escaped).
type jsonFormatter struct {
	hostname string
	tf       *textFormatter // for asctime's cache and the clock fields
}

func newJSONFormatter(hostname, dateFormat string) *jsonFormatter {
	if hostname == "" {
		hostname, _ = os.Hostname()
	}
	tf := &textFormatter{loc: time.Local, pid: os.Getpid(), start: processStart,
		datefmt: compileDateFormat(dateFormat)}
	tf.thread = tf.pid
	return &jsonFormatter{hostname: hostname, tf: tf}
}

func (f *jsonFormatter) format(b []byte, e *rec) []byte {
	tf := f.tf
	src := e.source()
	b = append(b, `{"message": `...)
	b = py.AppendJSONString(b, e.msg)
	if !e.t.IsZero() {
		b = append(b, `, "asctime": `...)
		b = py.AppendJSONString(b, tf.asctime(e))
	}
	b = append(b, `, "name": `...)
	b = py.AppendJSONString(b, e.name)
	b = append(b, `, "msg": `...)
	b = py.AppendJSONString(b, e.msg)
	b = append(b, `, "args": [], "levelname": `...)
	b = py.AppendJSONString(b, levelName(e.level))
	b = append(b, `, "levelno": `...)
	b = strconv.AppendInt(b, int64(pyLevel(e.level)), 10)
	b = append(b, `, "pathname": `...)
	b = py.AppendJSONString(b, src.pathname)
	b = append(b, `, "filename": `...)
	b = py.AppendJSONString(b, src.filename)
	b = append(b, `, "module": `...)
	b = py.AppendJSONString(b, src.module)
	b = append(b, `, "lineno": `...)
	b = strconv.AppendInt(b, int64(src.lineno), 10)
	b = append(b, `, "funcname": `...)
	b = py.AppendJSONString(b, src.funcName)
	if !e.t.IsZero() {
		b = append(b, `, "created": `...)
		b = appendJSONFloat(b, e.created)
		b = append(b, `, "msecs": `...)
		b = appendJSONFloat(b, msecs(e.created))
		b = append(b, `, "relative_created": `...)
		b = appendJSONFloat(b, (e.created-tf.start)*1000)
	}
	b = append(b, `, "thread": `...)
	b = strconv.AppendInt(b, int64(tf.thread), 10)
	b = append(b, `, "thread_name": "MainThread", "process_name": "MainProcess", "process": `...)
	b = strconv.AppendInt(b, int64(tf.pid), 10)
	b = append(b, `, "traceback": `...)
	if e.sp.exc != nil {
		b = append(b, '[')
		n := 0
		for _, l := range strings.Split(fmt.Sprintf("%+v", e.sp.exc), "\n") {
			l = strings.TrimRight(l, " \t\r\f\v")
			if l == "" {
				continue
			}
			if n > 0 {
				b = append(b, ", "...)
			}
			b = py.AppendJSONString(b, l)
			n++
		}
		b = append(b, ']')
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `, "hostname": `...)
	b = py.AppendJSONString(b, f.hostname)
	b = append(b, `, "error_summary": `...)
	summary := ""
	if e.sp.exc != nil && pyLevel(e.level) >= 30 {
		summary = strings.TrimRight(e.sp.exc.Error(), " \t\n\r\f\v")
	}
	b = py.AppendJSONString(b, summary)
	b = append(b, `, "context": `...)
	if rc := e.sp.rc; rc != nil {
		b = appendJSONContext(b, rc)
	} else {
		b = append(b, "{}"...)
	}
	b = append(b, `, "extra": `...)
	b = f.appendExtra(b, e)
	return append(b, '}')
}

// appendJSONContext writes get_logging_values in its order.
func appendJSONContext(b []byte, rc *reqctx.RequestContext) []byte {
	b = append(b, '{')
	for i, id := range jsonContextFields {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = py.AppendJSONString(b, jsonContextKeys[i])
		b = append(b, ": "...)
		if id == fUserIdentity {
			b = append(b, '"')
			for k, s := range [...]string{rc.UserID, rc.ProjectID, rc.DomainID, rc.UserDomainID, rc.ProjectDomainID} {
				if k > 0 {
					b = append(b, ' ')
				}
				if s == "" {
					s = "-"
				}
				b = py.AppendJSONChars(b, s)
			}
			b = append(b, '"')
			continue
		}
		b = appendJSONValue(b, contextValue(rc, id))
	}
	return append(b, '}')
}

var (
	jsonContextKeys   = reqctx.LoggingKeys()
	jsonContextFields = func() []int {
		ids := make([]int, len(jsonContextKeys))
		for i, k := range jsonContextKeys {
			ids[i] = fieldNames[k]
		}
		return ids
	}()
)

func appendJSONValue(b []byte, v value) []byte {
	switch v.Kind {
	case kNone:
		return append(b, "null"...)
	case kStr:
		return py.AppendJSONString(b, v.S)
	case kInt:
		return strconv.AppendInt(b, v.I, 10)
	case kFloat:
		return appendJSONFloat(b, v.F)
	case kBool:
		if v.I != 0 {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case kList:
		b = append(b, '[')
		for i, s := range v.List {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = py.AppendJSONString(b, s)
		}
		return append(b, ']')
	}
	return b
}

// jsonKV is one member of the "extra" object.
type jsonKV struct {
	key   string
	val   slog.Value
	group []jsonKV
	isGrp bool
}

// appendExtra writes the "extra" object: oslo's adapter keys (project,
// version) for loggers from Get, then the attributes, keys sorted at the
// top level as oslo sorts extra_keys, groups as nested objects.
func (f *jsonFormatter) appendExtra(b []byte, e *rec) []byte {
	if !e.hasExtras() && !e.sp.hasResource && !e.sp.hasInstance && e.sp.instanceUUID == "" {
		if !e.h.named {
			return append(b, "{}"...)
		}
		b = append(b, `{"project": `...)
		if rc := e.sp.rc; rc != nil {
			b = appendJSONValue(b, vOptStr(rc.ProjectID))
		} else {
			b = append(b, `"unknown"`...)
		}
		return append(b, `, "version": "unknown"}`...)
	}
	var top []jsonKV
	if e.h.named {
		project := slog.StringValue("unknown")
		if rc := e.sp.rc; rc != nil {
			// The context's values are copied onto the record before
			// extra is read, and "project" is one of them.
			if rc.ProjectID == "" {
				project = slog.AnyValue(nil)
			} else {
				project = slog.StringValue(rc.ProjectID)
			}
		}
		top = append(top, jsonKV{key: "project", val: project}, jsonKV{key: "version", val: slog.StringValue("unknown")})
	}
	// Build the tree of groups: handler attributes, then the record's
	// inside the groups opened by WithGroup.
	cur := &top
	var stack []*[]jsonKV
	var names []string
	isTop := true
	for _, g := range e.h.goas {
		if g.group != "" {
			stack = append(stack, cur)
			names = append(names, g.group)
			child := &[]jsonKV{}
			cur = child
			isTop = false
			continue
		}
		for _, a := range g.attrs {
			*cur = appendJSONAttr(*cur, a)
		}
	}
	e.r.Attrs(func(a slog.Attr) bool {
		if isTop && (a.Key == KeyContext || a.Key == KeyExcInfo) && isSpecialConsumed(a) {
			return true
		}
		if isTop && a.Key == KeyResource {
			// oslo's adapter turns resource= into its text.
			a = slog.String(KeyResource, resourceText(a.Value.Resolve()))
		}
		*cur = appendJSONAttr(*cur, a)
		return true
	})
	// Close the groups, dropping empty ones.
	for i := len(stack) - 1; i >= 0; i-- {
		parent := stack[i]
		if len(*cur) > 0 {
			*parent = append(*parent, jsonKV{key: names[i], group: *cur, isGrp: true})
		}
		cur = parent
	}
	slices.SortStableFunc(top, func(a, b jsonKV) int { return strings.Compare(a.key, b.key) })
	return appendJSONObject(b, dedupe(top))
}

// dedupe keeps the last of members with the same key, as a Python dict.
func dedupe(kvs []jsonKV) []jsonKV {
	out := kvs[:0]
	for i, kv := range kvs {
		if i+1 < len(kvs) && kvs[i+1].key == kv.key {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func appendJSONAttr(kvs []jsonKV, a slog.Attr) []jsonKV {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return kvs
	}
	if a.Value.Kind() == slog.KindGroup {
		var sub []jsonKV
		for _, ga := range a.Value.Group() {
			sub = appendJSONAttr(sub, ga)
		}
		if len(sub) == 0 {
			return kvs
		}
		if a.Key == "" {
			return append(kvs, sub...)
		}
		return append(kvs, jsonKV{key: a.Key, group: sub, isGrp: true})
	}
	return append(kvs, jsonKV{key: a.Key, val: a.Value})
}

func appendJSONObject(b []byte, kvs []jsonKV) []byte {
	b = append(b, '{')
	for i, kv := range kvs {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = py.AppendJSONString(b, kv.key)
		b = append(b, ": "...)
		if kv.isGrp {
			b = appendJSONObject(b, kv.group)
		} else {
			b = appendJSONSlog(b, kv.val)
		}
	}
	return append(b, '}')
}

// appendJSONSlog writes an attribute's value as oslo's jsonutils would
// write the Python value: strings, numbers, booleans, null; times as
// jsonutils writes datetimes; other values through encoding/json when it
// can, else as text (oslo falls back to repr()).
func appendJSONSlog(b []byte, v slog.Value) []byte {
	switch v.Kind() {
	case slog.KindString:
		return py.AppendJSONString(b, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindFloat64:
		return appendJSONFloat(b, v.Float64())
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool())
	case slog.KindDuration:
		return appendJSONFloat(b, v.Duration().Seconds())
	case slog.KindTime:
		return py.AppendJSONString(b, v.Time().Format("2006-01-02T15:04:05.000000"))
	}
	x := v.Any()
	switch x := x.(type) {
	case nil:
		return append(b, "null"...)
	case error:
		return py.AppendJSONString(b, x.Error())
	case fmt.Stringer:
		return py.AppendJSONString(b, x.String())
	case *reqctx.RequestContext:
		return appendJSONContext(b, x)
	}
	data, err := json.Marshal(x)
	if err != nil {
		return py.AppendJSONString(b, fmt.Sprintf("%+v", x))
	}
	// Re-spell encoding/json's output the way Python writes it.
	var parsed any
	if err := json.Unmarshal(data, &parsed); err != nil {
		return py.AppendJSONString(b, string(data))
	}
	return appendPyJSON(b, parsed)
}

// appendPyJSON writes a decoded JSON value in Python's spelling.
func appendPyJSON(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, v)
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return strconv.AppendInt(b, int64(v), 10)
		}
		return appendJSONFloat(b, v)
	case string:
		return py.AppendJSONString(b, v)
	case []any:
		b = append(b, '[')
		for i, x := range v {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendPyJSON(b, x)
		}
		return append(b, ']')
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = py.AppendJSONString(b, k)
			b = append(b, ": "...)
			b = appendPyJSON(b, v[k])
		}
		return append(b, '}')
	}
	return py.AppendJSONString(b, fmt.Sprint(v))
}

// appendJSONFloat writes a float as Python's json module: repr, and
// NaN, Infinity, -Infinity.
func appendJSONFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	}
	return py.AppendFloatRepr(b, f)
}
