package log

import (
	"fmt"
	"log/slog"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// textFormatter is oslo.log's ContextFormatter, compiled from the options
// once: the format strings parsed and checked, every field resolved.
type textFormatter struct {
	product, version string
	loc              *time.Location
	pid              int
	thread           int
	start            float64 // relativeCreated's origin, seconds

	// fmts[ctx][summary][debug]: the context or default format string,
	// with ": %(error_summary)s" appended or not, with the debug suffix
	// or not, as ContextFormatter.format builds it for each record.
	fmts          [2][2][2]*pyFormat
	summaryInFmt  [2]bool // the format names %(error_summary)s itself
	hasSuffix     bool
	prefix        *pyFormat
	userIdentity  *pyFormat
	instanceFmt   *pyFormat
	instanceUUID  *pyFormat
	datefmt       *dateFormat
	dateCache     atomic.Pointer[dateCache]
	prefixAsctime bool
}

var defaultDate = compileDateFormat("%Y-%m-%d %H:%M:%S")

type dateCache struct {
	sec int64
	s   string
}

// formatOpts are the format options, by option name, for errors.
type formatOpts struct {
	context, dflt, debugSuffix, exceptionPrefix, userIdentity string
	instance, instanceUUID, dateFormat                        string
}

// optError is an error in the value of an option.
func optError(opt string, err error) error {
	return fmt.Errorf("log: option %s: %w", opt, err)
}

func newTextFormatter(o formatOpts, product, version string) (*textFormatter, error) {
	f := &textFormatter{product: product, version: version, loc: time.Local, pid: os.Getpid(),
		start: processStart}
	f.thread = f.pid
	f.datefmt = compileDateFormat(o.dateFormat)
	// Each option alone first, so that an error names it.
	single := []struct{ opt, text string }{
		{"logging_context_format_string", o.context},
		{"logging_default_format_string", o.dflt},
		{"logging_debug_format_suffix", o.debugSuffix},
		{"logging_exception_prefix", o.exceptionPrefix},
	}
	for i, s := range single {
		pf, err := parsePyFormat(s.text)
		if err != nil {
			return nil, optError(s.opt, err)
		}
		kind := fkMain
		if i == 3 {
			kind = fkPrefix
		}
		if err := resolve(pf, kind, i == 0 || i == 2 || i == 3); err != nil {
			return nil, optError(s.opt, err)
		}
		if i == 3 {
			f.prefix = pf
		}
	}
	f.prefixAsctime = strings.Contains(o.exceptionPrefix, "%(asctime)")
	f.hasSuffix = o.debugSuffix != ""
	for c, base := range []string{o.dflt, o.context} {
		f.summaryInFmt[c] = strings.Contains(base, "%(error_summary)s")
		for s := 0; s < 2; s++ {
			for d := 0; d < 2; d++ {
				text := base
				if s == 1 && !f.summaryInFmt[c] {
					text += ": %(error_summary)s"
				}
				if d == 1 && f.hasSuffix {
					text += " " + o.debugSuffix
				}
				pf, err := parsePyFormat(text)
				if err == nil {
					err = resolve(pf, fkMain, c == 1)
				}
				if err != nil {
					opt := "logging_default_format_string"
					if c == 1 {
						opt = "logging_context_format_string"
					}
					if d == 1 {
						opt += " with logging_debug_format_suffix"
					}
					return nil, optError(opt, err)
				}
				f.fmts[c][s][d] = pf
			}
		}
	}
	var err error
	if f.userIdentity, err = parsePyFormat(o.userIdentity); err == nil {
		err = resolveFree(f.userIdentity, nil)
		for i := range f.userIdentity.pieces {
			// The keys of the context's logging values; others are "-".
			p := &f.userIdentity.pieces[i]
			if id, ok := fieldNames[p.key]; ok && (id >= fUserName || id == fProject || id == fUserIdentity) {
				p.field = id
			}
		}
	}
	if err != nil {
		return nil, optError("logging_user_identity_format", err)
	}
	if f.instanceFmt, err = parsePyFormat(o.instance); err == nil {
		err = resolveFree(f.instanceFmt, nil)
	}
	if err != nil {
		return nil, optError("instance_format", err)
	}
	if f.instanceUUID, err = parsePyFormat(o.instanceUUID); err == nil {
		err = resolveFree(f.instanceUUID, []string{"uuid"})
	}
	if err != nil {
		return nil, optError("instance_uuid_format", err)
	}
	return f, nil
}

// format kinds, for resolve.
const (
	fkMain = iota
	fkPrefix
)

// resolve looks up every field a format names and checks that its
// conversion suits the field's values, so that no line can fail later.
func resolve(pf *pyFormat, kind int, withContext bool) error {
	for i := range pf.pieces {
		p := &pf.pieces[i]
		if p.key == "" {
			continue
		}
		id, ok := fieldNames[p.key]
		if !ok {
			return fmt.Errorf("%%(%s)%c: unknown field (the fields are: %s)", p.key, p.spec.Conv, knownFieldList())
		}
		if kind == fkPrefix && (id == fMessage || id == fErrorSummary) {
			return fmt.Errorf("%%(%s)%c: the field is not known yet when the exception is formatted", p.key, p.spec.Conv)
		}
		if p.spec.numeric() {
			num := numberField(id) || (boolField(id) && withContext)
			if !num || (p.spec.integral() && floatField(id)) {
				what := "a number"
				if p.spec.integral() {
					what = "an integer"
				}
				return fmt.Errorf("%%(%s)%c: %%%c needs %s, and %s is not one", p.key, p.spec.Conv, p.spec.Conv, what, p.key)
			}
		}
		p.field = id
	}
	return nil
}

// resolveFree checks a format applied to a mapping of strings (the user
// identity, instance formats): string conversions only, and only the
// allowed keys when given.
func resolveFree(pf *pyFormat, allowed []string) error {
	for _, p := range pf.pieces {
		if p.key == "" {
			continue
		}
		if allowed != nil && !contains(allowed, p.key) {
			return fmt.Errorf("%%(%s)%c: unknown field (the field is: %s)", p.key, p.spec.Conv, strings.Join(allowed, ", "))
		}
		if p.spec.numeric() {
			return fmt.Errorf("%%(%s)%c: %%%c needs a number, and %s is not one", p.key, p.spec.Conv, p.spec.Conv, p.key)
		}
	}
	return nil
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// line is what ContextFormatter.format computes for a record before it
// formats it.
type line struct {
	e            *rec
	stream       bool
	instance     string
	userIdentity []byte // in e.scratch
	summary      string
	excLines     []string
	asctime      string
}

// format appends the line of a record (no newline). stream selects
// ColorHandler's behaviour: %(color)s set, and the reset sequence after
// the line.
func (f *textFormatter) format(b []byte, e *rec, stream bool) []byte {
	l := line{e: e, stream: stream}
	rc := e.sp.rc
	l.instance = f.instanceExtra(e)
	if rc != nil {
		e.scratch = f.appendUserIdentity(e.scratch[:0], rc)
		l.userIdentity = e.scratch
	}
	c := 0
	if rc != nil && rc.RequestID != "" {
		c = 1
	}
	var excText string
	if e.sp.exc != nil {
		excText = f.exceptionText(&l)
	}
	s := 0
	if e.sp.exc != nil && pyLevel(e.level) >= 30 {
		l.summary = strings.TrimRight(e.sp.exc.Error(), " \t\n\r\f\v")
		if !f.summaryInFmt[c] && l.summary != "" {
			s = 1
		}
	}
	if f.summaryInFmt[c] && l.summary == "" {
		l.summary = "-"
	}
	d := 0
	if e.level == slog.LevelDebug && f.hasSuffix {
		d = 1
	}
	b = f.apply(b, f.fmts[c][s][d], &l)
	if excText != "" {
		if len(b) == 0 || b[len(b)-1] != '\n' {
			b = append(b, '\n')
		}
		b = append(b, excText...)
	}
	if stream {
		b = append(b, resetColor...)
	}
	return b
}

const resetColor = "\033[00m"

// levelColors is ColorHandler's LEVEL_COLORS.
func levelColor(l slog.Level) string {
	switch pyLevel(l) {
	case 5:
		return "\033[00;35m"
	case 10:
		return "\033[00;32m"
	case 20:
		return "\033[00;36m"
	case 21:
		return "\033[01;36m"
	case 30:
		return "\033[01;33m"
	case 40, 50:
		return "\033[01;31m"
	}
	return ""
}

// instanceExtra is ContextFormatter's instance_extra: the instance, the
// instance UUID, or the context's resource UUID, formatted.
func (f *textFormatter) instanceExtra(e *rec) string {
	sp := &e.sp
	if sp.hasInstance && truthyValue(sp.instance) {
		v := sp.instance.Resolve()
		switch v.Kind() {
		case slog.KindGroup:
			m := map[string]string{}
			for _, a := range v.Group() {
				m[a.Key] = a.Value.Resolve().String()
			}
			return f.applyMap(f.instanceFmt, func(k string) (string, bool) { s, ok := m[k]; return s, ok })
		case slog.KindAny:
			if m, ok := v.Any().(map[string]string); ok {
				return f.applyMap(f.instanceFmt, func(k string) (string, bool) { s, ok := m[k]; return s, ok })
			}
			if m, ok := v.Any().(map[string]any); ok {
				return f.applyMap(f.instanceFmt, func(k string) (string, bool) {
					x, ok := m[k]
					return fmt.Sprint(x), ok
				})
			}
		}
		// Python: instance_format % instance fails on a non-mapping, and
		// the instance itself is used.
		return v.String()
	}
	if sp.instanceUUID != "" {
		return f.uuidExtra(sp.instanceUUID)
	}
	if rc := sp.rc; rc != nil && rc.ResourceUUID != "" {
		return f.uuidExtra(rc.ResourceUUID)
	}
	return ""
}

func (f *textFormatter) uuidExtra(uuid string) string {
	if len(f.instanceUUID.pieces) == 2 && f.instanceUUID.pieces[0].plain && f.instanceUUID.pieces[1].key == "" {
		// The default "[instance: %(uuid)s] ", without a map.
		return f.instanceUUID.pieces[0].lit + uuid + f.instanceUUID.pieces[1].lit
	}
	return f.applyMap(f.instanceUUID, func(string) (string, bool) { return uuid, true })
}

func truthyValue(v slog.Value) bool {
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return v.String() != ""
	case slog.KindGroup:
		return len(v.Group()) > 0
	case slog.KindAny:
		return v.Any() != nil
	}
	return true
}

// applyMap formats a mapping of strings; a missing key gives "-".
func (f *textFormatter) applyMap(pf *pyFormat, get func(string) (string, bool)) string {
	var b []byte
	for _, p := range pf.pieces {
		b = append(b, p.lit...)
		if p.key == "" {
			continue
		}
		s, ok := get(p.key)
		if !ok {
			s = "-"
		}
		b = appendFormatted(b, vStr(s), p.spec)
	}
	return string(b)
}

// appendUserIdentity applies logging_user_identity_format to the
// context's logging values, with "-" for unknown keys and false values
// (oslo's _ReplaceFalseValue).
func (f *textFormatter) appendUserIdentity(b []byte, rc contextValues) []byte {
	pf := f.userIdentity
	for _, p := range pf.pieces {
		b = append(b, p.lit...)
		if p.key == "" {
			continue
		}
		v := value{}
		switch p.field {
		case -1:
		case fUserIdentity:
			v = vStr(rc.UserIdentity())
		default:
			v = contextValue(rc, p.field)
		}
		if !v.Truthy() {
			v = vStr("-")
		}
		if p.plain {
			b = appendStr(b, v)
		} else {
			b = appendFormatted(b, v, p.spec)
		}
	}
	return b
}

// exceptionText is ContextFormatter.formatException: every line of the
// error's text, and an empty one after it, prefixed with
// logging_exception_prefix.
func (f *textFormatter) exceptionText(l *line) string {
	text := fmt.Sprintf("%+v", l.e.sp.exc)
	text = strings.TrimRight(text, "\n")
	lines := strings.Split(text+"\n", "\n")
	if f.prefixAsctime {
		l.asctime = f.asctime(l.e)
	}
	var prefix []byte
	prefix = f.apply(prefix, f.prefix, l)
	var b strings.Builder
	for i, s := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.Write(prefix)
		b.WriteString(s)
	}
	return b.String()
}

// asctime is formatTime: log_date_format applied to the local time of
// the record's second, cached per second.
func (f *textFormatter) asctime(e *rec) string {
	if e.t.IsZero() {
		return ""
	}
	sec := int64(math.Floor(e.created))
	if c := f.dateCache.Load(); c != nil && c.sec == sec {
		return c.s
	}
	if f.datefmt.text == "" {
		// formatTime without a date format: Python's default, with the
		// milliseconds after a comma.
		var b [32]byte
		s := string(fmt.Appendf(defaultDate.format(b[:0], time.Unix(sec, 0).In(f.loc)), ",%03d", int(msecs(e.created))))
		return s
	}
	s := string(f.datefmt.format(nil, time.Unix(sec, 0).In(f.loc)))
	f.dateCache.Store(&dateCache{sec: sec, s: s})
	return s
}

// msecs is LogRecord.msecs: the milliseconds of created, truncated.
func msecs(created float64) float64 {
	return float64(int64((created - float64(int64(created))) * 1000))
}

// isotime is ContextFormatter._compute_iso_time.
func (f *textFormatter) isotime(e *rec) string {
	if e.t.IsZero() {
		return ""
	}
	return isoTime(e.created, f.loc)
}

// isoTime is datetime.fromtimestamp(created).replace(tzinfo=local)
// .isoformat(), microseconds rounded half to even from the float as
// Python does, and ".000000" added for a whole second as oslo does.
func isoTime(created float64, loc *time.Location) string {
	intpart, frac := math.Modf(created)
	us := math.RoundToEven(frac * 1e6)
	if us >= 1e6 {
		us -= 1e6
		intpart++
	} else if us < 0 {
		us += 1e6
		intpart--
	}
	t := time.Unix(int64(intpart), 0).In(loc)
	b := t.AppendFormat(nil, "2006-01-02T15:04:05")
	if us != 0 {
		b = append(b, '.')
		b = append(b, fmt.Sprintf("%06d", int64(us))...)
	}
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	b = append(b, sign)
	b = append(b, fmt.Sprintf("%02d:%02d", off/3600, off/60%60)...)
	if off%60 != 0 {
		b = append(b, fmt.Sprintf(":%02d", off%60)...)
	}
	s := string(b)
	if created == math.Trunc(created) && len(s) >= 6 {
		s = s[:len(s)-6] + ".000000" + s[len(s)-6:]
	}
	return s
}

// apply formats one of the compiled format strings for a line.
func (f *textFormatter) apply(b []byte, pf *pyFormat, l *line) []byte {
	for i := range pf.pieces {
		p := &pf.pieces[i]
		b = append(b, p.lit...)
		if p.key == "" {
			continue
		}
		b = f.appendField(b, p, l)
	}
	return b
}

func (f *textFormatter) appendField(b []byte, p *piece, l *line) []byte {
	e := l.e
	// The frequent fields first, without building a value.
	switch p.field {
	case fMessage:
		if p.plain {
			return e.appendMessage(b)
		}
		return appendFormatted(b, vStr(string(e.appendMessage(nil))), p.spec)
	case fAsctime:
		if l.asctime == "" {
			l.asctime = f.asctime(e)
		}
		if p.plain {
			return append(b, l.asctime...)
		}
		return appendFormatted(b, vStr(l.asctime), p.spec)
	case fMsecs:
		if p.spec.Conv == 'd' && p.spec.Zero && p.spec.Width == 3 && !p.spec.Minus && !p.spec.Plus && !p.spec.Space && p.spec.Prec < 0 {
			ms := int(msecs(e.created))
			return append(b, byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
		}
	case fProcess:
		if p.plain || (p.spec.Conv == 'd' && p.spec.Width < 0 && p.spec.Prec < 0 && !p.spec.Plus && !p.spec.Space) {
			return strconv.AppendInt(b, int64(f.pid), 10)
		}
	case fLevelname:
		if p.plain {
			return append(b, levelName(e.level)...)
		}
	case fName:
		if p.plain {
			return append(b, e.name...)
		}
	case fUserIdentity:
		if p.plain {
			return append(b, l.userIdentity...)
		}
	}
	v := f.fieldValue(p.field, l)
	if p.plain {
		return appendStr(b, v)
	}
	return appendFormatted(b, v, p.spec)
}

// fieldValue is the value of a field for a line.
func (f *textFormatter) fieldValue(id int, l *line) value {
	e := l.e
	rc := e.sp.rc
	switch id {
	case fName:
		return vStr(e.name)
	case fMsg:
		return vStr(e.msg)
	case fArgs:
		return vStr("()")
	case fLevelname:
		return vStr(levelName(e.level))
	case fLevelno:
		return vInt(int64(pyLevel(e.level)))
	case fPathname:
		return vStr(e.source().pathname)
	case fFilename:
		return vStr(e.source().filename)
	case fModule:
		return vStr(e.source().module)
	case fLineno:
		return vInt(int64(e.source().lineno))
	case fFuncName:
		return vStr(e.source().funcName)
	case fExcInfo:
		if e.sp.exc != nil {
			return vStr(fmt.Sprintf("%T: %v", e.sp.exc, e.sp.exc))
		}
		return value{}
	case fExcText:
		if e.sp.exc != nil {
			return vStr(f.exceptionText(&line{e: e, stream: l.stream, instance: l.instance}))
		}
		return value{}
	case fStackInfo:
		return value{}
	case fCreated:
		return vFloat(e.created)
	case fMsecs:
		return vFloat(msecs(e.created))
	case fRelativeCreated:
		if e.t.IsZero() {
			return vFloat(0)
		}
		return vFloat((e.created - f.start) * 1000)
	case fThread:
		return vInt(int64(f.thread))
	case fThreadName:
		return vStr("MainThread")
	case fProcessName:
		return vStr("MainProcess")
	case fProcess:
		return vInt(int64(f.pid))
	case fMessage:
		return vStr(string(e.appendMessage(nil)))
	case fAsctime:
		return vStr(f.asctime(e))
	case fExtraKeys:
		return vList(extraKeys(e))
	case fProject:
		if rc != nil {
			return contextValue(rc, fProject)
		}
		return vStr(f.product)
	case fVersion:
		return vStr(f.version)
	case fInstance:
		return vStr(l.instance)
	case fColor:
		if l.stream {
			return vStr(levelColor(e.level))
		}
		return vStr("")
	case fResetColor:
		if l.stream {
			return vStr(resetColor)
		}
		return vStr("")
	case fUserIdentity:
		return vStr(string(l.userIdentity))
	case fResource:
		return vStr(e.sp.resource)
	case fIsotime:
		return vStr(f.isotime(e))
	case fErrorSummary:
		return vStr(l.summary)
	}
	if rc == nil {
		return vStr("")
	}
	return contextValue(rc, id)
}

// extraKeys is the record's extra_keys: the keyword arguments oslo's
// adapter puts in extra (project, version and the attributes at the top
// level), sorted.
func extraKeys(e *rec) []string {
	keys := []string{}
	if !e.h.named {
		return keys
	}
	keys = append(keys, "project", "version")
	for _, g := range e.h.goas {
		if g.group != "" {
			keys = append(keys, g.group)
			break
		}
		for _, a := range g.attrs {
			keys = append(keys, a.Key)
		}
	}
	if e.h.open == 0 {
		e.r.Attrs(func(a slog.Attr) bool {
			if a.Key != KeyExcInfo && a.Key != "" {
				keys = append(keys, a.Key)
			}
			return true
		})
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}
