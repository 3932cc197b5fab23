package wsgi

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
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
// Python's printf-style formatting is small and exactly specified, and no
// Go library implements it, so it is written here: %(key)[flags][width]
// [.precision][length]conversion with the flags "-+ #0", conversions
// s r a d i u o x X e E f F g G c, and %%. The format is compiled and
// checked once, when a server generation starts: a key eventlet does not
// provide, or a conversion Python would reject for that key's type (%d of
// request_line), is an error at start-up instead of a failure on every
// request.

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

// pyKind is the Python type of a value: what a conversion accepts.
type pyKind int

const (
	kindStr pyKind = iota
	kindInt
	kindFloat
)

func (k pyKind) String() string {
	return [...]string{"str", "int", "float"}[k]
}

// fieldKind is the Python type eventlet gives a field. client_port is an
// int on a TCP socket and ” (a str) on a Unix socket.
func fieldKind(f logField, unix bool) pyKind {
	switch f {
	case fieldClientPort:
		if unix {
			return kindStr
		}
		return kindInt
	case fieldBodyLength:
		return kindInt
	case fieldWallSeconds:
		return kindFloat
	}
	return kindStr
}

// logSpec is one piece of a compiled format: a literal, or a conversion.
type logSpec struct {
	lit   string
	field logField
	conv  byte // 0: literal
	flags struct{ minus, plus, space, alt, zero bool }
	width int // -1: none
	prec  int // -1: none
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
	lf := &logFormat{}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			lf.specs = append(lf.specs, logSpec{lit: lit.String()})
			lit.Reset()
		}
	}
	i := 0
	for i < len(format) {
		c := format[i]
		if c != '%' {
			lit.WriteByte(c)
			i++
			continue
		}
		start := i
		i++
		if i >= len(format) {
			return nil, fmt.Errorf("incomplete format")
		}
		if format[i] == '%' {
			lit.WriteByte('%')
			i++
			continue
		}
		var sp logSpec
		sp.width, sp.prec = -1, -1
		key := ""
		hasKey := false
		if format[i] == '(' {
			// Python counts nested parentheses in the key.
			depth := 1
			j := i + 1
			for j < len(format) && depth > 0 {
				switch format[j] {
				case '(':
					depth++
				case ')':
					depth--
				}
				j++
			}
			if depth > 0 {
				return nil, fmt.Errorf("incomplete format key")
			}
			key = format[i+1 : j-1]
			hasKey = true
			i = j
		}
	flags:
		for i < len(format) {
			switch format[i] {
			case '-':
				sp.flags.minus = true
			case '+':
				sp.flags.plus = true
			case ' ':
				sp.flags.space = true
			case '#':
				sp.flags.alt = true
			case '0':
				sp.flags.zero = true
			default:
				break flags
			}
			i++
		}
		if i < len(format) && format[i] == '*' {
			return nil, fmt.Errorf("* wants int: a width from the arguments cannot be used with a mapping")
		}
		n, j := digits(format, i)
		if j > i {
			sp.width, i = n, j
		}
		if i < len(format) && format[i] == '.' {
			i++
			if i < len(format) && format[i] == '*' {
				return nil, fmt.Errorf("* wants int: a precision from the arguments cannot be used with a mapping")
			}
			n, j := digits(format, i)
			sp.prec, i = n, j
		}
		for i < len(format) && (format[i] == 'h' || format[i] == 'l' || format[i] == 'L') {
			i++
		}
		if i >= len(format) {
			return nil, fmt.Errorf("incomplete format")
		}
		conv := format[i]
		i++
		if !strings.ContainsRune("sradiuoxXeEfFgGc", rune(conv)) {
			if conv >= utf8.RuneSelf {
				r, _ := utf8.DecodeRuneInString(format[i-1:])
				return nil, fmt.Errorf("unsupported format character %q (0x%x) at index %d", r, r, i-1)
			}
			return nil, fmt.Errorf("unsupported format character '%c' (0x%x) at index %d", conv, conv, i-1)
		}
		if !hasKey {
			return nil, fmt.Errorf("format requires a mapping: %q has no (name)", format[start:i])
		}
		f, ok := logFieldNames[key]
		if !ok {
			return nil, fmt.Errorf("unknown key %q (known: client_ip, client_port, date_time, request_line, status_code, body_length, wall_seconds)", key)
		}
		if err := checkConversion(conv, fieldKind(f, unix)); err != nil {
			return nil, fmt.Errorf("%s: %w", format[start:i], err)
		}
		sp.field, sp.conv = f, conv
		sp.plain = conv == 's' && sp.width < 0 && sp.prec < 0
		if f == fieldDateTime {
			lf.needDate = true
		}
		flush()
		lf.specs = append(lf.specs, sp)
	}
	flush()
	return lf, nil
}

func digits(s string, i int) (int, int) {
	n := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if n < 1<<20 {
			n = n*10 + int(s[i]-'0')
		}
		i++
	}
	return n, i
}

// checkConversion reports the TypeError Python raises for conv applied to
// a value of kind k.
func checkConversion(conv byte, k pyKind) error {
	switch conv {
	case 'd', 'i', 'u':
		if k == kindStr {
			return fmt.Errorf("%%%c format: a real number is required, not str", conv)
		}
	case 'o', 'x', 'X':
		if k != kindInt {
			return fmt.Errorf("%%%c format: an integer is required, not %s", conv, k)
		}
	case 'e', 'E', 'f', 'F', 'g', 'G':
		if k == kindStr {
			return fmt.Errorf("must be real number, not str")
		}
	case 'c':
		if k == kindFloat {
			return fmt.Errorf("%%c requires int or char")
		}
		if k == kindStr {
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
		if sp.conv == 0 {
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

// pyValue is a field's value as Python sees it.
type pyValue struct {
	kind pyKind
	s    string
	i    int64
	f    float64
}

func fieldValue(f logField, rec *accessRecord, date string) pyValue {
	switch f {
	case fieldClientIP:
		return pyValue{kind: kindStr, s: rec.clientIP}
	case fieldClientPort:
		if rec.unix {
			return pyValue{kind: kindStr}
		}
		return pyValue{kind: kindInt, i: int64(rec.clientPort)}
	case fieldDateTime:
		return pyValue{kind: kindStr, s: date}
	case fieldRequestLine:
		return pyValue{kind: kindStr, s: string(appendRequestLine(nil, rec))}
	case fieldStatusCode:
		return pyValue{kind: kindStr, s: strconv.Itoa(rec.status)}
	case fieldBodyLength:
		return pyValue{kind: kindInt, i: rec.bodyLength}
	case fieldWallSeconds:
		return pyValue{kind: kindFloat, f: rec.wall.Seconds()}
	}
	return pyValue{}
}

// appendValue formats v as Python's printf-style formatting does.
func (sp *logSpec) appendValue(b []byte, v pyValue) []byte {
	var body, sign string
	numeric := false
	switch sp.conv {
	case 's':
		body = pyStr(v)
	case 'r':
		body = pyRepr(v, false)
	case 'a':
		body = pyRepr(v, true)
	case 'c':
		if v.i < 0 || v.i > unicode.MaxRune {
			// Python raises OverflowError for each such line.
			body = "\ufffd"
		} else {
			body = string(rune(v.i))
		}
	case 'd', 'i', 'u':
		numeric = true
		n := v.i
		if v.kind == kindFloat {
			n = int64(math.Trunc(v.f))
		}
		sign, body = splitSign(n)
		body = strconv.FormatUint(uint64(absInt(n)), 10)
		if sp.prec >= 0 && len(body) < sp.prec {
			body = strings.Repeat("0", sp.prec-len(body)) + body
		}
	case 'o', 'x', 'X':
		numeric = true
		n := v.i
		sign, _ = splitSign(n)
		base := map[byte]int{'o': 8, 'x': 16, 'X': 16}[sp.conv]
		body = strconv.FormatUint(uint64(absInt(n)), base)
		if sp.prec >= 0 && len(body) < sp.prec {
			body = strings.Repeat("0", sp.prec-len(body)) + body
		}
		if sp.conv == 'X' {
			body = strings.ToUpper(body)
		}
		if sp.flags.alt {
			body = map[byte]string{'o': "0o", 'x': "0x", 'X': "0X"}[sp.conv] + body
		}
	case 'e', 'E', 'f', 'F', 'g', 'G':
		numeric = true
		f := v.f
		if v.kind == kindInt {
			f = float64(v.i)
		}
		if math.Signbit(f) {
			sign, f = "-", -f
		}
		body = pyFloatFormat(f, sp.conv, sp.prec, sp.flags.alt)
	}
	if numeric && sign == "" {
		if sp.flags.plus {
			sign = "+"
		} else if sp.flags.space {
			sign = " "
		}
	}
	if !numeric && sp.prec >= 0 {
		body = truncateRunes(body, sp.prec)
	}
	n := utf8.RuneCountInString(sign) + utf8.RuneCountInString(body)
	pad := 0
	if sp.width > n {
		pad = sp.width - n
	}
	switch {
	case pad == 0:
		b = append(b, sign...)
		b = append(b, body...)
	case sp.flags.minus:
		b = append(b, sign...)
		b = append(b, body...)
		b = appendRepeat(b, ' ', pad)
	case sp.flags.zero && numeric && !isNonFinite(body):
		b = append(b, sign...)
		if len(body) >= 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X' || body[1] == 'o') {
			b = append(b, body[:2]...)
			body = body[2:]
		}
		b = appendRepeat(b, '0', pad)
		b = append(b, body...)
	default:
		b = appendRepeat(b, ' ', pad)
		b = append(b, sign...)
		b = append(b, body...)
	}
	return b
}

func isNonFinite(s string) bool {
	switch strings.ToLower(s) {
	case "inf", "nan":
		return true
	}
	return false
}

func splitSign(n int64) (string, string) {
	if n < 0 {
		return "-", ""
	}
	return "", ""
}

func absInt(n int64) uint64 {
	if n < 0 {
		return uint64(-n)
	}
	return uint64(n)
}

func appendRepeat(b []byte, c byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, c)
	}
	return b
}

func truncateRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// pyStr is str(v).
func pyStr(v pyValue) string {
	switch v.kind {
	case kindInt:
		return strconv.FormatInt(v.i, 10)
	case kindFloat:
		return string(py.AppendFloatRepr(nil, v.f))
	}
	return v.s
}

// pyRepr is repr(v), or ascii(v) when ascii is set.
func pyRepr(v pyValue, ascii bool) string {
	if v.kind != kindStr {
		return pyStr(v)
	}
	s := latin1Fallback(v.s)
	if ascii {
		return string(py.AppendStrASCII(nil, s))
	}
	return py.StrRepr(s)
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

// pyFloatFormat formats a non-negative f with %e, %f or %g as Python's
// printf-style formatting does.
func pyFloatFormat(f float64, conv byte, prec int, alt bool) string {
	upper := conv == 'E' || conv == 'F' || conv == 'G'
	if math.IsInf(f, 0) || math.IsNaN(f) {
		s := "inf"
		if math.IsNaN(f) {
			s = "nan"
		}
		if upper {
			s = strings.ToUpper(s)
		}
		return s
	}
	if prec < 0 {
		prec = 6
	}
	var s string
	switch conv {
	case 'e', 'E':
		s = strconv.FormatFloat(f, 'e', prec, 64)
		if alt && prec == 0 {
			m, e, _ := strings.Cut(s, "e")
			s = m + ".e" + e
		}
	case 'f', 'F':
		s = strconv.FormatFloat(f, 'f', prec, 64)
		if alt && prec == 0 {
			s += "."
		}
	case 'g', 'G':
		if prec == 0 {
			prec = 1
		}
		// %g: scientific when the exponent is below -4 or at least the
		// precision, trailing zeros removed unless '#'.
		e := strconv.FormatFloat(f, 'e', prec-1, 64)
		_, expText, _ := strings.Cut(e, "e")
		exp, _ := strconv.Atoi(expText)
		if exp < -4 || exp >= prec {
			s = e
			if !alt {
				m, x, _ := strings.Cut(s, "e")
				s = trimFraction(m) + "e" + x
			} else if !strings.Contains(s, ".") {
				m, x, _ := strings.Cut(s, "e")
				s = m + ".e" + x
			}
		} else {
			s = strconv.FormatFloat(f, 'f', prec-1-exp, 64)
			if !alt {
				s = trimFraction(s)
			} else if !strings.Contains(s, ".") {
				s += "."
			}
		}
	}
	if upper {
		s = strings.ToUpper(s)
	}
	return s
}

func trimFraction(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
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
