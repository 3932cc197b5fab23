package objects

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/goslo/goslo/internal/py"
)

// A hand-written JSON reader, because the primitive must be read the way
// Python's json module reads it and encoding/json cannot: integers stay
// integers (42 and 42.0 are different values for a String field), object
// keys keep their order (a dict given to a List field becomes its keys, in
// order), a duplicate key keeps its first position with its last value,
// and NaN/Infinity are accepted. It also reads a primitive into a compact
// tree with few allocations, which makes FromJSON fast.

type pkind uint8

const (
	pNull pkind = iota
	pBool
	pInt    // i
	pBig    // s holds an integer literal outside int64
	pFloat  // f
	pString // s
	pArray  // arr
	pObject // arr holds key, value, key, value...
)

// pval is one JSON value of a primitive being read.
type pval struct {
	kind pkind
	b    bool
	i    int64
	f    float64
	s    string
	arr  []pval
}

// members is the number of members of an object.
func (v *pval) members() int { return len(v.arr) / 2 }

// key and val return an object's i-th member.
func (v *pval) key(i int) string { return v.arr[2*i].s }
func (v *pval) val(i int) *pval  { return &v.arr[2*i+1] }

// maxDepth bounds nesting, as Python's recursion limit does.
const maxDepth = 1000

var errTooDeep = errors.New("nesting too deep")

type jsonParser struct {
	s     string
	pos   int
	depth int
	stack []pval    // scratch for the members of the arrays and objects being read
	arena []byte    // the fast path's copies of the strings and integers it keeps (see keep, keepInts)
	strs  []string  // the fast path's strings that lists, sets and dicts keep (see newStrings)
	dicts []strDict // the fast path's dicts (see newDict)
}

var parsers = sync.Pool{New: func() any { return &jsonParser{stack: make([]pval, 0, 64)} }}

// parseJSON reads one JSON document.
func parseJSON(data []byte) (pval, error) {
	p := parsers.Get().(*jsonParser)
	defer func() {
		*p = jsonParser{stack: p.stack[:0]}
		parsers.Put(p)
	}()
	if i := invalidUTF8(data); i >= 0 {
		return pval{}, &PrimitiveError{Err: fmt.Errorf("json: not UTF-8: byte 0x%02x at offset %d", data[i], i)}
	}
	p.s = string(data)
	var v pval
	p.skipSpace()
	if err := p.value(&v); err != nil {
		clear(p.stack[:cap(p.stack)])
		return pval{}, err
	}
	p.skipSpace()
	if p.pos != len(p.s) {
		return pval{}, p.errorf("extra data")
	}
	return v, nil
}

// invalidUTF8 returns the offset of the first byte of data that is not
// part of UTF-8, or -1. JSON text is Unicode: oslo's jsonutils.loads
// decodes the bytes it is given as UTF-8 (strictly) before it parses them,
// so such input is a UnicodeDecodeError there, whatever else is wrong
// with it.
func invalidUTF8(data []byte) int {
	if utf8.Valid(data) {
		return -1
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1 // not reached
}

func (p *jsonParser) errorf(format string, args ...any) error {
	line := 1 + strings.Count(p.s[:p.pos], "\n")
	col := p.pos - strings.LastIndexByte(p.s[:p.pos], '\n')
	return &PrimitiveError{Err: fmt.Errorf("json: line %d column %d (char %d): %s", line, col, p.pos, fmt.Sprintf(format, args...))}
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.s) {
		switch c := p.s[p.pos]; {
		case c > ' ': // no space, as in what ToJSON writes: one test
			return
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) literal(word string) bool {
	if strings.HasPrefix(p.s[p.pos:], word) {
		p.pos += len(word)
		return true
	}
	return false
}

func (p *jsonParser) value(v *pval) error {
	if p.pos >= len(p.s) {
		return p.errorf("expecting value")
	}
	switch c := p.s[p.pos]; {
	case c == '{':
		return p.object(v)
	case c == '[':
		return p.array(v)
	case c == '"':
		s, err := p.str()
		*v = pval{kind: pString, s: s}
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		if p.literal("-Infinity") {
			*v = pval{kind: pFloat, f: math.Inf(-1)}
			return nil
		}
		return p.number(v)
	case p.literal("null"):
		*v = pval{kind: pNull}
	case p.literal("true"):
		*v = pval{kind: pBool, b: true}
	case p.literal("false"):
		*v = pval{kind: pBool}
	case p.literal("NaN"):
		*v = pval{kind: pFloat, f: math.NaN()}
	case p.literal("Infinity"):
		*v = pval{kind: pFloat, f: math.Inf(1)}
	default:
		return p.errorf("expecting value")
	}
	return nil
}

func (p *jsonParser) number(v *pval) error {
	start := p.pos
	s := p.s
	i := p.pos
	if s[i] == '-' {
		i++
	}
	if i >= len(s) || !isDigit(s[i]) {
		return p.errorf("expecting value")
	}
	if s[i] == '0' {
		i++
	} else {
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	isFloat := false
	if i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
		isFloat = true
		i += 2
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			isFloat = true
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			i = j
		}
	}
	p.pos = i
	lit := s[start:i]
	if isFloat {
		f, err := strconv.ParseFloat(lit, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return p.errorf("bad number %s", lit)
		}
		*v = pval{kind: pFloat, f: f}
		return nil
	}
	n, err := strconv.ParseInt(lit, 10, 64)
	if err != nil {
		*v = pval{kind: pBig, s: lit}
		return nil
	}
	*v = pval{kind: pInt, i: n}
	return nil
}

func (p *jsonParser) str() (string, error) {
	p.pos++ // opening quote
	start := p.pos
	s := p.s
	i := start
	for i < len(s) {
		c := s[i]
		if c == '"' {
			p.pos = i + 1
			return s[start:i], nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			p.pos = i
			return "", p.errorf("invalid control character in string")
		}
		i++
	}
	var b strings.Builder
	b.WriteString(s[start:i])
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			p.pos = i + 1
			return b.String(), nil
		case c < 0x20:
			p.pos = i
			return "", p.errorf("invalid control character in string")
		case c != '\\':
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(s) {
			break
		}
		i++
		switch s[i] {
		case '"', '\\', '/':
			b.WriteByte(s[i])
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := hex4(s, i+1)
			if !ok {
				p.pos = i
				return "", p.errorf("invalid \\uXXXX escape")
			}
			i += 4
			if utf16.IsSurrogate(r) && i+2 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
				if r2, ok := hex4(s, i+3); ok {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						i += 6
					}
				}
			}
			b.WriteRune(r) // a lone surrogate becomes U+FFFD
		default:
			p.pos = i
			return "", p.errorf("invalid escape")
		}
		i++
	}
	p.pos = len(s)
	return "", p.errorf("unterminated string")
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

func (p *jsonParser) array(v *pval) error {
	p.depth++
	if p.depth > maxDepth {
		return p.errorf("%v", errTooDeep)
	}
	p.pos++
	mark := len(p.stack)
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == ']' {
		p.pos++
	} else {
		for {
			var e pval
			p.skipSpace()
			if err := p.value(&e); err != nil {
				return err
			}
			p.stack = append(p.stack, e)
			p.skipSpace()
			if p.pos >= len(p.s) {
				return p.errorf("expecting ',' delimiter")
			}
			if p.s[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.s[p.pos] == ']' {
				p.pos++
				break
			}
			return p.errorf("expecting ',' delimiter")
		}
	}
	*v = pval{kind: pArray, arr: p.pop(mark)}
	p.depth--
	return nil
}

// pop takes the values pushed since mark off the stack.
func (p *jsonParser) pop(mark int) []pval {
	arr := make([]pval, len(p.stack)-mark)
	copy(arr, p.stack[mark:])
	clear(p.stack[mark:])
	p.stack = p.stack[:mark]
	return arr
}

func (p *jsonParser) object(v *pval) error {
	p.depth++
	if p.depth > maxDepth {
		return p.errorf("%v", errTooDeep)
	}
	p.pos++
	mark := len(p.stack)
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		p.pos++
	} else {
		for {
			p.skipSpace()
			if p.pos >= len(p.s) || p.s[p.pos] != '"' {
				return p.errorf("expecting property name enclosed in double quotes")
			}
			k, err := p.str()
			if err != nil {
				return err
			}
			p.skipSpace()
			if p.pos >= len(p.s) || p.s[p.pos] != ':' {
				return p.errorf("expecting ':' delimiter")
			}
			p.pos++
			p.skipSpace()
			var e pval
			if err := p.value(&e); err != nil {
				return err
			}
			p.addMember(mark, k, e)
			p.skipSpace()
			if p.pos >= len(p.s) {
				return p.errorf("expecting ',' delimiter")
			}
			if p.s[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.s[p.pos] == '}' {
				p.pos++
				break
			}
			return p.errorf("expecting ',' delimiter")
		}
	}
	*v = pval{kind: pObject, arr: p.pop(mark)}
	p.depth--
	return nil
}

// addMember appends a member to the object being read; a repeated key
// keeps its first position and takes the new value, like a Python dict.
func (p *jsonParser) addMember(mark int, k string, e pval) {
	for j := mark; j < len(p.stack); j += 2 {
		if p.stack[j].s == k {
			p.stack[j+1] = e
			return
		}
	}
	p.stack = append(p.stack, pval{kind: pString, s: k}, e)
}

// get returns the value of key k of an object, or nil.
func (v *pval) get(k string) *pval {
	for i := 0; i < len(v.arr); i += 2 {
		if v.arr[i].s == k {
			return &v.arr[i+1]
		}
	}
	return nil
}

// pyTypeName names the Python type json.loads gives for v.
func (v *pval) pyTypeName() string {
	switch v.kind {
	case pNull:
		return "NoneType"
	case pBool:
		return "bool"
	case pInt, pBig:
		return "int"
	case pFloat:
		return "float"
	case pString:
		return "str"
	case pArray:
		return "list"
	}
	return "dict"
}

// iterate returns what Python's "for x in v" yields: the elements of a
// list, the characters of a str, the keys of a dict.
func (v *pval) iterate() ([]pval, error) {
	switch v.kind {
	case pArray:
		return v.arr, nil
	case pString:
		out := make([]pval, 0, len(v.s))
		for i, r := range v.s {
			if r == utf8.RuneError {
				out = append(out, pval{kind: pString, s: v.s[i : i+1]})
				continue
			}
			out = append(out, pval{kind: pString, s: string(r)})
		}
		return out, nil
	case pObject:
		out := make([]pval, v.members())
		for i := range out {
			out[i] = v.arr[2*i]
		}
		return out, nil
	}
	return nil, fmt.Errorf("'%s' object is not iterable", v.pyTypeName())
}

// pyRepr is Python's str() of the value json.loads gives for v, which is
// what a UUID field stores ("%s" % value).
func (v *pval) pyStr() string {
	if v.kind == pString {
		return v.s
	}
	return v.pyRepr()
}

func (v *pval) pyRepr() string {
	var b strings.Builder
	v.appendRepr(&b)
	return b.String()
}

func (v *pval) appendRepr(b *strings.Builder) {
	switch v.kind {
	case pNull:
		b.WriteString("None")
	case pBool:
		if v.b {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case pInt:
		b.WriteString(strconv.FormatInt(v.i, 10))
	case pBig:
		b.WriteString(pyIntString(v.s))
	case pFloat:
		b.WriteString(py.FloatRepr(v.f))
	case pString:
		b.WriteString(py.StrRepr(v.s))
	case pArray:
		b.WriteByte('[')
		for i := range v.arr {
			if i > 0 {
				b.WriteString(", ")
			}
			v.arr[i].appendRepr(b)
		}
		b.WriteByte(']')
	case pObject:
		b.WriteByte('{')
		for i := 0; i < v.members(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(py.StrRepr(v.key(i)))
			b.WriteString(": ")
			v.val(i).appendRepr(b)
		}
		b.WriteByte('}')
	}
}

// toPval turns a primitive built of Go values (what encoding/json gives
// for "any", with or without UseNumber, or what ToPrimitive returns) into
// the reader's tree. Map keys are taken in sorted order.
func toPval(x any, depth int) (pval, error) {
	if depth > maxDepth {
		return pval{}, errTooDeep
	}
	switch x := x.(type) {
	case nil:
		return pval{kind: pNull}, nil
	case bool:
		return pval{kind: pBool, b: x}, nil
	case string:
		return pval{kind: pString, s: x}, nil
	case int:
		return pval{kind: pInt, i: int64(x)}, nil
	case int64:
		return pval{kind: pInt, i: x}, nil
	case int32:
		return pval{kind: pInt, i: int64(x)}, nil
	case float64:
		return pval{kind: pFloat, f: x}, nil
	case float32:
		return pval{kind: pFloat, f: float64(x)}, nil
	case json.Number:
		p := jsonParser{s: string(x)}
		var v pval
		if p.number(&v) != nil || p.pos != len(p.s) {
			return pval{}, fmt.Errorf("bad number %q", string(x))
		}
		return v, nil
	case []any:
		arr := make([]pval, len(x))
		for i, e := range x {
			v, err := toPval(e, depth+1)
			if err != nil {
				return pval{}, err
			}
			arr[i] = v
		}
		return pval{kind: pArray, arr: arr}, nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		arr := make([]pval, 0, 2*len(keys))
		for _, k := range keys {
			v, err := toPval(x[k], depth+1)
			if err != nil {
				return pval{}, err
			}
			arr = append(arr, pval{kind: pString, s: k}, v)
		}
		return pval{kind: pObject, arr: arr}, nil
	}
	rv := reflect.ValueOf(x)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return pval{kind: pInt, i: rv.Int()}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return pval{kind: pBig, s: strconv.FormatUint(u, 10)}, nil
		}
		return pval{kind: pInt, i: int64(u)}, nil
	case reflect.String:
		return pval{kind: pString, s: rv.String()}, nil
	case reflect.Slice, reflect.Array:
		arr := make([]pval, rv.Len())
		for i := range arr {
			v, err := toPval(rv.Index(i).Interface(), depth+1)
			if err != nil {
				return pval{}, err
			}
			arr[i] = v
		}
		return pval{kind: pArray, arr: arr}, nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			break
		}
		m := make(map[string]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			m[it.Key().String()] = it.Value().Interface()
		}
		return toPval(m, depth)
	}
	return pval{}, fmt.Errorf("unsupported primitive value of type %T", x)
}

// jsonPlain marks the bytes a JSON string holds as they are: printable
// ASCII but '"' and '\\'.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendJSONString writes s as a JSON string; invalid UTF-8 becomes U+FFFD
// (written as such, so that reading and writing again gives the same text).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Skip plain ASCII eight bytes at a time.
		for i+8 <= len(s) {
			w := load8(s, i)
			if m := specialBytes(w) | w&0x8080808080808080; m != 0 {
				i += bits.TrailingZeros64(m) / 8
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if jsonPlain[c] {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, s[start:i]...)
				b = append(b, "\uFFFD"...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, `\u00`...)
			b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// readBack is s as a reader gets it back once appendJSONString wrote it:
// each byte that is not UTF-8 becomes U+FFFD.
func readBack(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r) // utf8.RuneError for each such byte
	}
	return b.String()
}

// readBackOrder sorts the members of a map being written whose keys
// (key(m)) are not all UTF-8, and drops those that would repeat a key:
// keys are compared as they read back, and of keys that read back alike
// only one is kept, so that writing what is read back gives the same text.
// (Keys that are all UTF-8 are simply sorted.)
func readBackOrder[M any](ms []M, key func(M) string) []M {
	slices.SortFunc(ms, func(a, b M) int {
		return cmp.Or(strings.Compare(readBack(key(a)), readBack(key(b))), strings.Compare(key(a), key(b)))
	})
	return slices.CompactFunc(ms, func(a, b M) bool { return readBack(key(a)) == readBack(key(b)) })
}

var errNonFinite = errors.New("NaN and Infinity are not valid JSON")

// appendJSONFloat writes f as Python's json.dumps does (its repr).
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, errNonFinite
	}
	return py.AppendFloatRepr(b, f), nil
}

// appendPrimitive writes a primitive made of Go values as JSON, map keys
// sorted.
func appendPrimitive(b []byte, x any) ([]byte, error) {
	switch x := x.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		if x {
			return append(b, "true"...), nil
		}
		return append(b, "false"...), nil
	case string:
		return appendJSONString(b, x), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case float64:
		return appendJSONFloat(b, x)
	case json.Number:
		return append(b, x...), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendPrimitive(b, e); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		var kbuf [16]string
		keys := kbuf[:0]
		for k := range x {
			keys = append(keys, k)
		}
		if valid := !slices.ContainsFunc(keys, func(k string) bool { return !utf8.ValidString(k) }); valid {
			slices.Sort(keys)
		} else {
			keys = readBackOrder(keys, func(k string) string { return k })
		}
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			var err error
			if b, err = appendPrimitive(b, x[k]); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	}
	j, err := json.Marshal(x)
	if err != nil {
		return b, err
	}
	return append(b, j...), nil
}
