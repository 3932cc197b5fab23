package log

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/goslo/goslo/reqctx"
)

// The attribute keys with a meaning of their own, as the keyword
// arguments of oslo.log's logger adapter: they are read at the top level
// of a record (not inside a group) and not printed as key=value.
const (
	// KeyContext: a *reqctx.RequestContext that replaces the one of the
	// context.Context (oslo's context= argument).
	KeyContext = "context"
	// KeyExcInfo: an error logged with its "traceback" (Exception).
	KeyExcInfo = "exc_info"
	// KeyInstance: the instance the line is about, formatted with
	// instance_format: a group (uuid=..., and any other fields the
	// format names), or a string written as it is.
	KeyInstance = "instance"
	// KeyInstanceUUID: an instance UUID, formatted with
	// instance_uuid_format.
	KeyInstanceUUID = "instance_uuid"
	// KeyResource: the resource of %(resource)s: a string written as it
	// is, or a group with a name, or a type and an id.
	KeyResource = "resource"
	// KeyLogger names the logger of records logged through a logger
	// made With it, for packages that cannot import this one (package
	// config logs with slog.Default().With("logger", "goslo.config")).
	KeyLogger = "logger"
)

// Exception returns the attribute that logs err as oslo's
// LOG.exception does: with logger.Error("...", log.Exception(err)) the
// line ends with ": " and the error (the error summary), and the error's
// text (fmt's %+v, so errors that carry a stack trace print it) follows
// on lines of its own, each prefixed with logging_exception_prefix.
func Exception(err error) slog.Attr { return slog.Any(KeyExcInfo, err) }

// Instance returns the attribute naming the instance a line is about, as
// oslo's instance= argument: instance_format ("[instance: %(uuid)s] ")
// formats it into %(instance)s.
func Instance(uuid string) slog.Attr {
	return slog.Group(KeyInstance, slog.String("uuid", uuid))
}

// InstanceUUID returns the attribute of oslo's instance_uuid= argument,
// formatted with instance_uuid_format.
func InstanceUUID(uuid string) slog.Attr { return slog.String(KeyInstanceUUID, uuid) }

// Resource returns the attribute of oslo's resource={'type': t, 'id': id}
// argument: %(resource)s shows "[t-id] ".
func Resource(typ, id string) slog.Attr {
	return slog.String(KeyResource, "["+typ+"-"+id+"] ")
}

// specials are the adapter arguments of a record or a handler.
type specials struct {
	rc           *reqctx.RequestContext
	exc          error
	instance     slog.Value
	hasInstance  bool
	instanceUUID string
	resource     string
	hasResource  bool
}

// take records a if it is a special attribute at the top level and
// reports whether it was one. exc_info and context are consumed; the
// instance and resource ones are also extras of JSON lines, as in oslo.
func (s *specials) take(a slog.Attr) (consumed bool) {
	switch a.Key {
	case KeyContext:
		if rc, ok := a.Value.Any().(*reqctx.RequestContext); ok {
			s.rc = rc
			return true
		}
	case KeyExcInfo:
		if err, ok := a.Value.Any().(error); ok {
			s.exc = err
			return true
		}
	case KeyInstance:
		s.instance, s.hasInstance = a.Value, true
	case KeyInstanceUUID:
		s.instanceUUID = a.Value.String()
	case KeyResource:
		s.resource, s.hasResource = resourceText(a.Value), true
	}
	return false
}

// resourceText is what oslo's adapter makes of resource=: the name, or
// the type and id, in brackets; anything else as it is.
func resourceText(v slog.Value) string {
	if v.Kind() != slog.KindGroup {
		return v.String()
	}
	var name, typ, id string
	for _, a := range v.Group() {
		switch a.Key {
		case "name":
			name = a.Value.String()
		case "type":
			typ = a.Value.String()
		case "id":
			id = a.Value.String()
		}
	}
	if name != "" {
		return "[" + name + "] "
	}
	if typ != "" && id != "" {
		return "[" + typ + "-" + id + "] "
	}
	return v.String()
}

// groupOrAttrs is one WithGroup or WithAttrs call.
type groupOrAttrs struct {
	group string
	attrs []slog.Attr
}

// handler is the slog.Handler of a named logger: it tests levels against
// the logger's node and hands records to the active Handler (or to the
// one it belongs to).
type handler struct {
	node   *node
	named  bool     // made by Get: JSON lines carry oslo's adapter extras
	owner  *Handler // nil: the active one
	goas   []groupOrAttrs
	open   int // groups opened
	sp     specials
	hasSp  bool
	extras int // attributes in goas
}

func (h *handler) Enabled(_ context.Context, l slog.Level) bool { return h.node.enabled(l) }

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	h2 := *h
	var keep []slog.Attr
	for _, a := range attrs {
		if h2.open == 0 {
			if a.Key == KeyLogger && a.Value.Kind() == slog.KindString {
				name := a.Value.String()
				h2.node, h2.named = getNode(name), false
				continue
			}
			if h2.sp.take(a) {
				h2.hasSp = true
				continue
			}
			if a.Key == KeyInstance || a.Key == KeyInstanceUUID || a.Key == KeyResource {
				h2.hasSp = true
			}
		}
		keep = append(keep, a)
	}
	if len(keep) > 0 {
		h2.goas = append(h2.goas[:len(h2.goas):len(h2.goas)], groupOrAttrs{attrs: keep})
		h2.extras += len(keep)
	}
	return &h2
}

func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.goas = append(h2.goas[:len(h2.goas):len(h2.goas)], groupOrAttrs{group: name})
	h2.open++
	return &h2
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	s := h.owner
	if s == nil {
		s = active.Load()
	}
	if s == nil {
		return beforeSetup(h, r)
	}
	return s.handle(ctx, h, r)
}

// active is the Handler Setup installed last.
var active atomic.Pointer[Handler]

var stderrMu sync.Mutex

// beforeSetup writes what Python's logging writes before oslo.log is set
// up: the message (here with its attributes), on standard error.
func beforeSetup(h *handler, r slog.Record) error {
	var e rec
	e.init(context.Background(), h, &r)
	b := e.appendMessage(make([]byte, 0, 128))
	b = append(b, '\n')
	stderrMu.Lock()
	defer stderrMu.Unlock()
	_, err := os.Stderr.Write(b)
	return err
}

// rec is a record on its way to the outputs, with what oslo's
// formatters derive from it, computed once.
type rec struct {
	t     time.Time
	level slog.Level
	msg   string
	pc    uintptr
	h     *handler
	r     *slog.Record
	name  string
	sp    specials
	nrec  int // extras among the record's attributes

	created float64
	src     *frame

	rr      slog.Record // the record, when the rec is pooled
	scratch []byte
}

var recPool = sync.Pool{New: func() any { return new(rec) }}

// getRec returns a pooled rec for r; putRec gives it back.
func getRec(ctx context.Context, h *handler, r slog.Record) *rec {
	e := recPool.Get().(*rec)
	scratch := e.scratch
	e.rr = r
	e.init(ctx, h, &e.rr)
	e.scratch = scratch
	return e
}

func putRec(e *rec) {
	scratch := e.scratch
	*e = rec{}
	if cap(scratch) <= 4<<10 {
		e.scratch = scratch[:0]
	}
	recPool.Put(e)
}

// init prepares e for r: the special attributes, the request context.
func (e *rec) init(ctx context.Context, h *handler, r *slog.Record) {
	rr := e.rr
	*e = rec{t: r.Time, level: r.Level, msg: r.Message, pc: r.PC, h: h, r: r, name: h.node.name, rr: rr}
	if h.hasSp {
		e.sp = h.sp
	}
	e.nrec = e.r.NumAttrs()
	if h.open == 0 && e.nrec > 0 {
		e.r.Attrs(func(a slog.Attr) bool {
			if e.sp.take(a) {
				e.nrec--
			}
			return true
		})
	}
	if e.sp.rc == nil && ctx != nil {
		e.sp.rc = reqctx.From(ctx)
	}
	if !e.t.IsZero() {
		e.created = float64(e.t.UnixNano()) / 1e9
	}
}

// hasExtras reports whether the record has attributes to print.
func (e *rec) hasExtras() bool { return e.h.extras > 0 || e.nrec > 0 }

// frame is the source of a record as Python's LogRecord has it.
type frame struct {
	pathname, filename, module, funcName string
	lineno                               int
}

var (
	frames       sync.Map // pc -> *frame
	unknownFrame = &frame{pathname: "(unknown file)", filename: "(unknown file)",
		module: "Unknown module", funcName: "(unknown function)"}
)

// source returns the record's source, cached by program counter.
func (e *rec) source() *frame {
	if e.src != nil {
		return e.src
	}
	if e.pc == 0 {
		e.src = unknownFrame
		return e.src
	}
	if f, ok := frames.Load(e.pc); ok {
		e.src = f.(*frame)
		return e.src
	}
	fs := runtime.CallersFrames([]uintptr{e.pc})
	rf, _ := fs.Next()
	f := &frame{pathname: rf.File, lineno: rf.Line}
	f.filename = filepath.Base(rf.File)
	f.module = strings.TrimSuffix(f.filename, filepath.Ext(f.filename))
	fn := rf.Function
	if i := strings.LastIndexByte(fn, '/'); i >= 0 {
		fn = fn[i+1:]
	}
	if i := strings.IndexByte(fn, '.'); i >= 0 {
		fn = fn[i+1:]
	}
	f.funcName = fn
	frames.Store(e.pc, f)
	e.src = f
	return f
}

// appendMessage appends the message and, after it, the record's
// attributes as key=value: oslo's format strings have no place for
// attributes, so they travel in %(message)s.
func (e *rec) appendMessage(b []byte) []byte {
	b = append(b, e.msg...)
	if !e.hasExtras() {
		return b
	}
	var prefix []byte
	top := true
	for _, g := range e.h.goas {
		if g.group != "" {
			prefix = append(append(prefix, g.group...), '.')
			top = false
			continue
		}
		for _, a := range g.attrs {
			if top && isSpecialConsumed(a) {
				continue
			}
			b = appendTextAttr(b, prefix, a)
		}
	}
	e.r.Attrs(func(a slog.Attr) bool {
		if top && isSpecialConsumed(a) {
			return true
		}
		b = appendTextAttr(b, prefix, a)
		return true
	})
	return b
}

// isSpecialConsumed reports attributes the text of a line shows
// elsewhere than as key=value.
func isSpecialConsumed(a slog.Attr) bool {
	switch a.Key {
	case KeyContext:
		_, ok := a.Value.Any().(*reqctx.RequestContext)
		return ok
	case KeyExcInfo:
		_, ok := a.Value.Any().(error)
		return ok
	case KeyInstance, KeyInstanceUUID, KeyResource:
		return true
	}
	return false
}

func appendTextAttr(b, prefix []byte, a slog.Attr) []byte {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return b
	}
	if a.Value.Kind() == slog.KindGroup {
		attrs := a.Value.Group()
		if len(attrs) == 0 {
			return b
		}
		p := prefix
		if a.Key != "" {
			p = append(append(prefix[:len(prefix):len(prefix)], a.Key...), '.')
		}
		for _, ga := range attrs {
			b = appendTextAttr(b, p, ga)
		}
		return b
	}
	b = append(b, ' ')
	b = append(b, prefix...)
	b = appendTextString(b, a.Key)
	b = append(b, '=')
	switch a.Value.Kind() {
	case slog.KindString:
		return appendTextString(b, a.Value.String())
	case slog.KindTime:
		return a.Value.Time().AppendFormat(b, time.RFC3339Nano)
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok {
			return appendTextString(b, err.Error())
		}
		return appendTextString(b, fmt.Sprint(a.Value.Any()))
	}
	return appendTextString(b, a.Value.String())
}

// appendTextString writes s as slog's TextHandler does: quoted when it is
// empty or holds spaces, '=', quotes or unprintable characters.
func appendTextString(b []byte, s string) []byte {
	if needsQuoting(s) {
		return appendQuoted(b, s)
	}
	return append(b, s...)
}

func needsQuoting(s string) bool {
	if s == "" {
		return true
	}
	for _, r := range s {
		if r <= ' ' || r == '=' || r == '"' || r == 0x7f || r == 0xfffd || (r >= 0x80 && !unicode.IsPrint(r)) {
			return true
		}
	}
	return false
}

func appendQuoted(b []byte, s string) []byte {
	return fmt.Appendf(b, "%q", s)
}
