package db

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// URL is a parsed [database] connection string, the fields of
// SQLAlchemy's URL (sqlalchemy.engine.url, 1.4): "postgresql+psycopg2" is
// the drivername, "postgresql" its backend.
type URL struct {
	Drivername string
	// Username and Password are percent-decoded. HasUsername and
	// HasPassword tell an empty value ("postgresql://@host") from none.
	Username, Password       string
	HasUsername, HasPassword bool
	// Host is taken as written (not decoded), without the brackets of an
	// IPv6 address. HasPort tells whether a port was given.
	Host    string
	Port    int
	HasPort bool
	// Database is the text after the first "/" following the host, as
	// written (SQLAlchemy 1.4 does not decode it); HasDatabase is false
	// for "sqlite://", true for "sqlite:///" (an empty database).
	Database    string
	HasDatabase bool
	// Query holds the query arguments in order, percent- and
	// '+'-decoded; arguments without a value are dropped, as
	// urllib.parse.parse_qsl drops them.
	Query []QueryArg
}

// QueryArg is one name=value argument of a URL's query.
type QueryArg struct{ Name, Value string }

// Backend is the drivername before any "+": "postgresql" for
// "postgresql+psycopg2".
func (u *URL) Backend() string {
	b, _, _ := strings.Cut(u.Drivername, "+")
	return b
}

// Driver is the drivername after "+", or "" ("psycopg2" for
// "postgresql+psycopg2"). goslo ignores it: PostgreSQL is always reached
// through pgx.
func (u *URL) Driver() string {
	_, d, _ := strings.Cut(u.Drivername, "+")
	return d
}

// Get returns the values of a query argument, in order.
func (u *URL) Get(name string) []string {
	var out []string
	for _, a := range u.Query {
		if a.Name == name {
			out = append(out, a.Value)
		}
	}
	return out
}

// String writes the URL back with the password hidden ("***"), as
// SQLAlchemy's repr does: safe for logs and error messages.
func (u *URL) String() string {
	var b strings.Builder
	b.WriteString(u.Drivername)
	b.WriteString("://")
	if u.HasUsername {
		b.WriteString(quoteUserinfo(u.Username))
		if u.HasPassword {
			b.WriteByte(':')
			b.WriteString("***")
		}
		b.WriteByte('@')
	}
	if u.Host != "" {
		if strings.Contains(u.Host, ":") {
			b.WriteString("[" + u.Host + "]")
		} else {
			b.WriteString(u.Host)
		}
	}
	if u.HasPort {
		b.WriteString(":" + strconv.Itoa(u.Port))
	}
	if u.HasDatabase {
		b.WriteString("/" + u.Database)
	}
	if len(u.Query) > 0 {
		// By name (a stable sort keeps each name's values in order), as
		// SQLAlchemy writes them.
		q := slices.Clone(u.Query)
		slices.SortStableFunc(q, func(a, b QueryArg) int { return strings.Compare(a.Name, b.Name) })
		b.WriteByte('?')
		for i, a := range q {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(quotePlus(a.Name) + "=" + quotePlus(a.Value))
		}
	}
	return b.String()
}

// quoteUserinfo escapes what SQLAlchemy's _sqla_url_quote escapes.
func quoteUserinfo(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ':', '@', '/':
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// quotePlus is urllib.parse.quote_plus.
func quotePlus(s string) string {
	const safe = "_.-~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			b.WriteByte('+')
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte(safe, c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// urlPattern is SQLAlchemy 1.4's _parse_url expression. Python's \w is
// Unicode-aware; so is this one.
var urlPattern = regexp.MustCompile(`^` +
	`(?P<name>[\p{L}\p{N}_+]+)://` +
	`(?:(?P<username>[^:/]*)(?::(?P<password>[^@]*))?@)?` +
	`(?:(?:\[(?P<ipv6host>[^/?]+)\]|(?P<ipv4host>[^/:?]+))?(?::(?P<port>[^/?]*))?)?` +
	`(?:/(?P<database>[^?]*))?` +
	`(?:\?(?P<query>.*))?`)

// ErrURL is wrapped by every error of ParseURL.
var ErrURL = errors.New("invalid connection URL")

// ParseURL parses a connection string by SQLAlchemy's rules (make_url):
//
//	sqlite://                       an in-memory database
//	sqlite:///relative/path.db      a file relative to the working directory
//	sqlite:////absolute/path.db     an absolute path
//	postgresql://user:pass@host:5432/dbname?sslmode=require
//	postgresql+psycopg2://...       any +driver is accepted
//
// The username and password are percent-decoded (a password with "@" or
// "/" is written %40, %2F), the query arguments are decoded as
// urllib.parse.parse_qsl decodes them. Errors wrap ErrURL and never
// contain the password.
func ParseURL(s string) (*URL, error) {
	m := urlPattern.FindStringSubmatchIndex(s)
	if m == nil {
		return nil, fmt.Errorf("db: %w: could not parse %q as a SQLAlchemy URL (expected backend://...)", ErrURL, redactRaw(s))
	}
	group := func(name string) (string, bool) {
		i := urlPattern.SubexpIndex(name)
		if m[2*i] < 0 {
			return "", false
		}
		return s[m[2*i]:m[2*i+1]], true
	}
	u := &URL{}
	u.Drivername, _ = group("name")
	if v, ok := group("username"); ok {
		u.Username, u.HasUsername = pyUnquote(v), true
	}
	if v, ok := group("password"); ok {
		u.Password, u.HasPassword = pyUnquote(v), true
	}
	if v, ok := group("ipv4host"); ok && v != "" {
		u.Host = v
	} else if v, ok := group("ipv6host"); ok {
		u.Host = v
	}
	if v, ok := group("port"); ok {
		p, err := pyInt(v)
		if err != nil {
			return nil, fmt.Errorf("db: %w: %s: port %q is not an integer", ErrURL, redactRaw(s), v)
		}
		u.Port, u.HasPort = p, true
	}
	if v, ok := group("database"); ok {
		u.Database, u.HasDatabase = v, true
	}
	if v, ok := group("query"); ok {
		u.Query = parseQSL(v)
	}
	return u, nil
}

// redactRaw hides the password of a connection string that may not
// parse, for error messages: whatever lies between "://user:" and the
// last "@" before the host.
func redactRaw(s string) string {
	_, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	start := len(s) - len(rest)
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndexByte(rest[:end], '@')
	if at < 0 {
		// The password pattern allows "/": look further.
		at = strings.LastIndexByte(rest, '@')
		if at < 0 {
			return s
		}
	}
	colon := strings.IndexByte(rest[:at], ':')
	if colon < 0 {
		return s
	}
	return s[:start+colon+1] + "***" + s[start+at:]
}

// pyInt converts a port as Python's int() converts a string: surrounding
// whitespace, a sign, single underscores between digits, and the decimal
// digits of any script are allowed.
func pyInt(s string) (int, error) {
	s = strings.TrimFunc(s, pyIsSpace)
	var b strings.Builder
	if s != "" && (s[0] == '+' || s[0] == '-') {
		b.WriteByte(s[0])
		s = s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return 0, strconv.ErrSyntax
	}
	for _, r := range s {
		switch {
		case r == '_':
		case '0' <= r && r <= '9':
			b.WriteRune(r)
		case unicode.Is(unicode.Nd, r):
			b.WriteByte(byte('0' + digitValue(r)))
		default:
			return 0, strconv.ErrSyntax
		}
	}
	return strconv.Atoi(b.String())
}

// digitValue is the value of a decimal digit (Unicode category Nd):
// those come in runs of ten, zero to nine.
func digitValue(r rune) int {
	start := r
	for unicode.Is(unicode.Nd, start-1) {
		start--
	}
	return int(r-start) % 10
}

func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// parseQSL is urllib.parse.parse_qsl(qs) with its defaults: "&"
// separates, empty values and names without "=" are dropped, "+" is a
// space, then %XX escapes are decoded.
func parseQSL(qs string) []QueryArg {
	var out []QueryArg
	for _, nv := range strings.Split(qs, "&") {
		if nv == "" {
			continue
		}
		name, value, ok := strings.Cut(nv, "=")
		if !ok || value == "" {
			continue
		}
		out = append(out, QueryArg{
			Name:  pyUnquote(strings.ReplaceAll(name, "+", " ")),
			Value: pyUnquote(strings.ReplaceAll(value, "+", " ")),
		})
	}
	return out
}

// pyUnquote is urllib.parse.unquote(s, errors="replace"): %XX escapes
// become bytes (a "%" not followed by two hex digits stays), runs of
// escaped bytes are decoded as UTF-8 with U+FFFD for each maximal invalid
// subsequence, as Python's decoder does.
func pyUnquote(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	var raw []byte // pending bytes of an ASCII run, decoded together
	flush := func() {
		b.WriteString(decodeReplace(raw))
		raw = raw[:0]
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			// Non-ASCII text is kept as it is.
			flush()
			_, w := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+w])
			i += w
			continue
		}
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			raw = append(raw, byte(v))
			i += 3
			continue
		}
		raw = append(raw, c)
		i++
	}
	flush()
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// decodeReplace decodes UTF-8 with Python's errors="replace": one U+FFFD
// for each maximal subpart of an ill-formed sequence.
func decodeReplace(p []byte) string {
	if utf8.Valid(p) {
		return string(p)
	}
	var b strings.Builder
	for i := 0; i < len(p); {
		r, w := utf8.DecodeRune(p[i:])
		if r != utf8.RuneError || w > 1 {
			b.WriteRune(r)
			i += w
			continue
		}
		b.WriteRune(utf8.RuneError)
		i += maximalSubpart(p[i:])
	}
	return b.String()
}

// maximalSubpart returns the length of the ill-formed sequence at the
// start of p that one replacement character stands for (Unicode's
// "maximal subpart" practice, which Python follows).
func maximalSubpart(p []byte) int {
	c := p[0]
	var n int
	lo, hi := byte(0x80), byte(0xBF)
	switch {
	case c >= 0xC2 && c <= 0xDF:
		n = 2
	case c == 0xE0:
		n, lo = 3, 0xA0
	case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
		n = 3
	case c == 0xED:
		n, hi = 3, 0x9F
	case c == 0xF0:
		n, lo = 4, 0x90
	case c >= 0xF1 && c <= 0xF3:
		n = 4
	case c == 0xF4:
		n, hi = 4, 0x8F
	default:
		return 1
	}
	i := 1
	for ; i < n && i < len(p); i++ {
		b := p[i]
		if i == 1 {
			if b < lo || b > hi {
				break
			}
		} else if b < 0x80 || b > 0xBF {
			break
		}
	}
	return i
}
