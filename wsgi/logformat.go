package wsgi

import (
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/goslo/goslo/internal/py"
)

// The access log line is written with wsgi_log_format, a Python
// %-format string applied to a mapping, as eventlet.wsgi does:
//
//	log_format % {'client_ip': ..., 'client_port': ..., 'date_time': ...,
//	              'request_line': ..., 'status_code': ..., 'body_length': ...,
//	              'wall_seconds': ...}
//
// The parser and the conversions of Python's printf-style formatting
// are internal/py's, shared with the log package; what is the access
// log's own is here: the fields, their Python types, and the errors. The
// format is compiled and checked once, when a server generation starts: a
// key eventlet does not provide, or a conversion Python would reject for
// that key's type (%d of request_line), is an error at start-up instead
// of a failure on every request.

// logField is one value eventlet puts in the mapping.
type logField int

const (
	fieldClientIP logField = iota
	fieldClientPort
	fieldDateTime
	fieldRequestLine
	fieldStatusCode
	fieldBodyLength
	fieldWallSeconds
)

var logFieldNames = map[string]logField{
	"client_ip": fieldClientIP, "client_port": fieldClientPort, "date_time": fieldDateTime,
	"request_line": fieldRequestLine, "status_code": fieldStatusCode,
	"body_length": fieldBodyLength, "wall_seconds": fieldWallSeconds,
}

// fieldKind is the Python type eventlet gives a field. client_port is an
// int on a TCP socket and ” (a str) on a Unix socket.
func fieldKind(f logField, unix bool) py.Kind {
	switch f {
	case fieldClientPort:
		if unix {
			return py.KindStr
		}
		return py.KindInt
	case fieldBodyLength:
		return py.KindInt
	case fieldWallSeconds:
		return py.KindFloat
	}
	return py.KindStr
}

// logSpec is one piece of a compiled format: a literal, or a conversion.
type logSpec struct {
	lit   string
	field logField
	spec  py.Spec // Conv 0: literal
	plain bool
}

// logFormat is a compiled wsgi_log_format.
type logFormat struct {
	specs    []logSpec
	needDate bool
}

// accessRecord is what one request contributes to its access log line.
type accessRecord struct {
	clientIP    string
	clientPort  int
	unix        bool
	when        time.Time
	method, uri string
	proto       string
	status      int
	bodyLength  int64
	wall        time.Duration
}

// compileLogFormat parses a Python %-format meant for a mapping. unix
// tells whether client_port is a str (Unix socket) rather than an int.
func compileLogFormat(format string, unix bool) (*logFormat, error) {
	pieces, perr := py.ParseFormat(format)
	// The conversions before a syntax error are checked first, so that
	// the error is the first fault in the text.
	lf := &logFormat{}
	for _, p := range pieces {
		if p.Lit != "" {
			lf.specs = append(lf.specs, logSpec{lit: p.Lit})
		}
		if !p.Converts() {
			continue
		}
		text := format[p.Start:p.End]
		if !p.HasKey {
			return nil, fmt.Errorf("format requires a mapping: %q has no (name)", text)
		}
		f, ok := logFieldNames[p.Key]
		if !ok {
			return nil, fmt.Errorf("unknown key %q (known: client_ip, client_port, date_time, request_line, status_code, body_length, wall_seconds)", p.Key)
		}
		if err := checkConversion(p.Spec.Conv, fieldKind(f, unix)); err != nil {
			return nil, fmt.Errorf("%s: %w", text, err)
		}
		if f == fieldDateTime {
			lf.needDate = true
		}
		lf.specs = append(lf.specs, logSpec{field: f, spec: p.Spec, plain: p.Spec.Plain()})
	}
	if perr != nil {
		var fe *py.FormatError
		if !errors.As(perr, &fe) {
			return nil, perr
		}
		switch fe.Kind {
		case py.ErrStarWidth:
			return nil, fmt.Errorf("* wants int: a width from the arguments cannot be used with a mapping")
		case py.ErrStarPrecision:
			return nil, fmt.Errorf("* wants int: a precision from the arguments cannot be used with a mapping")
		case py.ErrUnsupported:
			if fe.Char >= utf8.RuneSelf {
				return nil, fmt.Errorf("unsupported format character %q (0x%x) at index %d", fe.Char, fe.Char, fe.Pos)
			}
			return nil, fmt.Errorf("unsupported format character '%c' (0x%x) at index %d", fe.Char, fe.Char, fe.Pos)
		}
		return nil, perr // incomplete format (key)
	}
	return lf, nil
}

// checkConversion reports the TypeError Python raises for conv applied to
// a value of kind k.
func checkConversion(conv byte, k py.Kind) error {
	switch conv {
	case 'd', 'i', 'u':
		if k == py.KindStr {
			return fmt.Errorf("%%%c format: a real number is required, not str", conv)
		}
	case 'o', 'x', 'X':
		if k != py.KindInt {
			return fmt.Errorf("%%%c format: an integer is required, not %s", conv, k)
		}
	case 'e', 'E', 'f', 'F', 'g', 'G':
		if k == py.KindStr {
			return fmt.Errorf("must be real number, not str")
		}
	case 'c':
		if k == py.KindFloat {
			return fmt.Errorf("%%c requires int or char")
		}
		if k == py.KindStr {
			// Only a one-character string would do; eventlet's strings
			// are longer.
			return fmt.Errorf("%%c requires int or char")
		}
	}
	return nil
}

// appendLine appends the formatted line for rec to b.
func (lf *logFormat) appendLine(b []byte, rec *accessRecord) []byte {
	var date string
	if lf.needDate {
		date = logDateTime(rec.when)
	}
	for i := range lf.specs {
		sp := &lf.specs[i]
		if sp.spec.Conv == 0 {
			b = append(b, sp.lit...)
			continue
		}
		if sp.plain {
			b = appendPlain(b, sp.field, rec, date)
			continue
		}
		b = sp.appendValue(b, fieldValue(sp.field, rec, date))
	}
	return b
}

// appendPlain writes a field with %s and no width or precision, the
// common case, without materialising a string.
func appendPlain(b []byte, f logField, rec *accessRecord, date string) []byte {
	switch f {
	case fieldClientIP:
		return append(b, rec.clientIP...)
	case fieldClientPort:
		if rec.unix {
			return b
		}
		return strconv.AppendInt(b, int64(rec.clientPort), 10)
	case fieldDateTime:
		return append(b, date...)
	case fieldRequestLine:
		return appendRequestLine(b, rec)
	case fieldStatusCode:
		return strconv.AppendInt(b, int64(rec.status), 10)
	case fieldBodyLength:
		return strconv.AppendInt(b, rec.bodyLength, 10)
	case fieldWallSeconds:
		return py.AppendFloatRepr(b, rec.wall.Seconds())
	}
	return b
}

func appendRequestLine(b []byte, rec *accessRecord) []byte {
	b = append(b, rec.method...)
	b = append(b, ' ')
	b = append(b, rec.uri...)
	b = append(b, ' ')
	return append(b, rec.proto...)
}

func fieldValue(f logField, rec *accessRecord, date string) py.Value {
	switch f {
	case fieldClientIP:
		return py.Str(rec.clientIP)
	case fieldClientPort:
		if rec.unix {
			return py.Str("")
		}
		return py.Int(int64(rec.clientPort))
	case fieldDateTime:
		return py.Str(date)
	case fieldRequestLine:
		return py.Str(string(appendRequestLine(nil, rec)))
	case fieldStatusCode:
		return py.Str(strconv.Itoa(rec.status))
	case fieldBodyLength:
		return py.Int(rec.bodyLength)
	case fieldWallSeconds:
		return py.Float(rec.wall.Seconds())
	}
	return py.Value{}
}

// appendValue formats v as Python's printf-style formatting does. A str
// that is not UTF-8 (a request line) is Latin-1 to %r and %a.
func (sp *logSpec) appendValue(b []byte, v py.Value) []byte {
	if (sp.spec.Conv == 'r' || sp.spec.Conv == 'a') && v.Kind == py.KindStr {
		v.S = latin1Fallback(v.S)
	}
	return py.AppendFormat(b, v, sp.spec)
}

// latin1Fallback returns s with every byte that is not UTF-8 replaced by
// the character of the same number: eventlet decodes the request line as
// Latin-1, so that is the character Python sees.
func latin1Fallback(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			r = rune(s[i])
		}
		b = utf8.AppendRune(b, r)
		i += size
	}
	return string(b)
}

var monthNames = [...]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// logDateTime is BaseHTTPRequestHandler.log_date_time_string: local time
// as "%02d/%3s/%04d %02d:%02d:%02d". The text of the current second is
// kept, as requests share it.
func logDateTime(t time.Time) string {
	sec := t.Unix()
	if c := dateCache.Load(); c != nil && c.sec == sec {
		return c.text
	}
	t = t.Local()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	text := fmt.Sprintf("%02d/%3s/%04d %02d:%02d:%02d", d, monthNames[mo], y, h, mi, s)
	dateCache.Store(&cachedDate{sec, text})
	return text
}

type cachedDate struct {
	sec  int64
	text string
}

var dateCache atomic.Pointer[cachedDate]
