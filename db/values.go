package db

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/goslo/goslo/objects"
)

// timeLayout is how SQLite stores a time: naive UTC to the microsecond,
// SQLAlchemy's DateTime storage format on SQLite, which sorts as text.
const timeLayout = "2006-01-02 15:04:05.000000"

// TimeArg returns t as a statement argument in the form the backend
// stores times, for statements written by hand: UTC to the microsecond,
// as text for SQLite, a time.Time for PostgreSQL's timestamp (without
// time zone, as OpenStack's models declare DateTime columns).
func (d *DB) TimeArg(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if d.backend == SQLite {
		return t.Format(timeLayout)
	}
	return t
}

// timeLayouts are the forms a time read back may take: ours, SQLite's
// CURRENT_TIMESTAMP, ISO 8601 with a zone, and the other forms SQLite's
// date functions take (minutes without seconds) or Go's Time.String
// writes, which the SQLite driver reads as times too.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	time.RFC3339Nano,
	"2006-01-02",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999 -0700 MST",
}

// parseTime reads a time column: a time.Time (the driver parsed it; a
// naive one is UTC) or text. A NULL gives ok false.
func parseTime(v any) (t time.Time, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return time.Time{}, false, nil
	case time.Time:
		return x.UTC(), true, nil
	case []byte:
		v = string(x)
	}
	s, isString := v.(string)
	if !isString {
		return time.Time{}, false, fmt.Errorf("a %T is not a time", v)
	}
	if t, ok := parseStored(s); ok {
		return t, true, nil
	}
	if i := strings.Index(s, " m="); i > 0 {
		s = s[:i] // Time.String's monotonic clock reading
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("%q is not a time", s)
}

// parseStored reads a time in timeLayout, the form TimeArg writes on
// SQLite (what nearly every time column holds), without time.Parse's
// search through a layout; false for anything else.
func parseStored(s string) (time.Time, bool) {
	if len(s) != len(timeLayout) || s[4] != '-' || s[7] != '-' || s[10] != ' ' ||
		s[13] != ':' || s[16] != ':' || s[19] != '.' {
		return time.Time{}, false
	}
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			c := s[i] - '0'
			if c > 9 {
				return 0, false
			}
			n = n*10 + int(c)
		}
		return n, true
	}
	year, ok1 := num(s[0:4])
	month, ok2 := num(s[5:7])
	day, ok3 := num(s[8:10])
	hour, ok4 := num(s[11:13])
	minute, ok5 := num(s[14:16])
	sec, ok6 := num(s[17:19])
	usec, ok7 := num(s[20:26])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || month < 1 || month > 12 || day < 1 ||
		(day > 28 && day > daysIn(time.Month(month), year)) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, usec*1000, time.UTC), true
}

// daysIn is the number of days of month in year.
func daysIn(month time.Month, year int) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// colKind is how a field's value is stored.
type colKind uint8

const (
	kString     colKind = iota // strings, UUIDs, enums, MAC and IP addresses and networks: text
	kInt                       // integers
	kFloat                     // floats
	kBool                      // booleans
	kTime                      // DateTime
	kJSON                      // a JSON column: lists, dicts, sets (no objects inside)
	kObject                    // a JSON column holding an object's primitive
	kObjectList                // a JSON column holding a list of object primitives
)

// kindOf returns how a field of type t is stored, as a column of its own
// (json false) or as JSON.
func kindOf(t objects.Type, asJSON bool) (colKind, error) {
	name := t.String()
	if asJSON {
		switch {
		case strings.HasPrefix(name, "Object("):
			return kObject, nil
		case strings.HasPrefix(name, "List(Object("):
			return kObjectList, nil
		case strings.Contains(name, "Object("):
			return 0, fmt.Errorf("type %s holds objects inside a collection: only Object and a List of Objects can be stored as JSON", name)
		}
		return kJSON, nil
	}
	switch {
	case name == "Integer", name == "NonNegativeInteger":
		return kInt, nil
	case name == "Float", name == "NonNegativeFloat":
		return kFloat, nil
	case name == "Boolean", name == "FlexibleBoolean":
		return kBool, nil
	case name == "DateTime":
		return kTime, nil
	case name == "String", name == "SensitiveString", name == "UUID", name == "MACAddress",
		strings.HasPrefix(name, "Enum("),
		strings.HasPrefix(name, "IPV") || strings.HasPrefix(name, "IPAddress") || strings.HasPrefix(name, "IPNetwork"):
		return kString, nil
	}
	return 0, fmt.Errorf("type %s needs a JSON column (Column.JSON)", name)
}

// arg converts a field's value (its natural Go form) to a statement
// argument.
func (d *DB) arg(k colKind, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch k {
	case kTime:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("a %T is not a time", v)
		}
		return d.TimeArg(t), nil
	case kString:
		switch x := v.(type) {
		case netip.Addr:
			return x.String(), nil
		case netip.Prefix:
			return x.String(), nil
		}
		return v, nil
	case kJSON, kObject, kObjectList:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(jsonValue(v)); err != nil {
			return nil, err
		}
		return strings.TrimSuffix(buf.String(), "\n"), nil
	}
	return v, nil
}

// jsonValue prepares a field value for encoding/json: times are written
// as oslo writes them in a primitive's lists (ISO 8601 with their offset),
// to the microsecond.
func jsonValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.Format("2006-01-02T15:04:05.999999Z07:00")
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonValue(e)
		}
		return out
	}
	return v
}

// value converts a column's value as the driver returns it to what Set
// takes for a field of kind k.
func (m *Model) value(k colKind, v any) (any, error) {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	if v == nil {
		return nil, nil
	}
	switch k {
	case kTime:
		t, _, err := parseTime(v)
		return t, err
	case kBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64:
			return x != 0, nil
		case string:
			// A PostgreSQL boolean read as text, or SQLite text.
			b, err := strconv.ParseBool(x)
			if err != nil {
				return nil, fmt.Errorf("%q is not a boolean", x)
			}
			return b, nil
		}
		return nil, fmt.Errorf("a %T is not a boolean", v)
	case kJSON, kObject, kObjectList:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("a JSON column holds a %T", v)
		}
		return m.decodeJSON(k, s)
	}
	return v, nil
}

func (m *Model) decodeJSON(k colKind, s string) (any, error) {
	if strings.TrimSpace(s) == "null" {
		return nil, nil
	}
	switch k {
	case kObject:
		if m.Registry == nil {
			return nil, fmt.Errorf("model %s has no Registry to load objects with", m.Table)
		}
		return m.Registry.FromJSON([]byte(s))
	case kObjectList:
		if m.Registry == nil {
			return nil, fmt.Errorf("model %s has no Registry to load objects with", m.Table)
		}
		var raws []json.RawMessage
		if err := json.Unmarshal([]byte(s), &raws); err != nil {
			return nil, err
		}
		out := make([]*objects.Object, len(raws))
		for i, r := range raws {
			o, err := m.Registry.FromJSON(r)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out[i] = o
		}
		return out, nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}
