package objects

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goslo/goslo/internal/py"
)

// Datetimes travel as the strings oslo writes (_utils.isotime: seconds
// precision, "Z" for UTC, otherwise the offset as it was read) and are read
// with the iso8601 package's grammar. Both are reproduced here because the
// wire format depends on their details: "+00:00" stays "+00:00", a date
// alone is midnight UTC, "T03:4" is 03:00:04, the offset is never
// converted. time.Parse knows none of that.

var iso8601Re = regexp.MustCompile(`^(?P<year>[0-9]{4})(((-(?P<monthdash>[0-9]{1,2}))|(?P<month>[0-9]{2}))` +
	`(((-(?P<daydash>[0-9]{1,2}))|(?P<day>[0-9]{2}))` +
	`(((?P<separator>[ T])(?P<hour>[0-9]{2})(:?(?P<minute>[0-9]{2}))?` +
	`(:?(?P<second>[0-9]{1,2})([.,](?P<second_fraction>[0-9]+))?)?` +
	`(?P<timezone>Z|((?P<tz_sign>[-+])(?P<tz_hour>[0-9]{2}):?(?P<tz_minute>[0-9]{2})?))?)?))?)?\n?\z`)

// yyyymmRe is what iso8601's "(?!$)" after the month rejects: YYYYMM alone.
var yyyymmRe = regexp.MustCompile(`^[0-9]{6}\n?\z`)

var isoGroups = func() map[string]int {
	m := map[string]int{}
	for i, n := range iso8601Re.SubexpNames() {
		if n != "" {
			m[n] = i
		}
	}
	return m
}()

// zones caches the fixed zones of the offsets read ("+05:30"), so that
// reading a time does not allocate a new time.Location each time. There
// are fewer than 10000 possible names.
var zones sync.Map // string -> *time.Location

func fixedZone(name string, off int) *time.Location {
	if z, ok := zones.Load(name); ok {
		return z.(*time.Location)
	}
	name = strings.Clone(name) // kept: s may be the caller's buffer
	z, _ := zones.LoadOrStore(name, time.FixedZone(name, off))
	return z.(*time.Location)
}

// parseISOTime is oslo_utils.timeutils.parse_isotime (iso8601.parse_date
// with UTC as the default zone).
func parseISOTime(s string) (time.Time, error) {
	if t, ok, err := parseCanonicalTime(s); ok {
		return t, err
	}
	bad := fmt.Errorf("unable to parse date string %s", py.StrRepr(s))
	if yyyymmRe.MatchString(s) {
		return time.Time{}, bad
	}
	m := iso8601Re.FindStringSubmatchIndex(s)
	if m == nil {
		return time.Time{}, bad
	}
	group := func(name string) (string, bool) {
		i := isoGroups[name]
		if m[2*i] < 0 {
			return "", false
		}
		return s[m[2*i]:m[2*i+1]], true
	}
	num := func(def int, names ...string) int {
		for _, n := range names {
			if g, ok := group(n); ok {
				v, _ := strconv.Atoi(g)
				return v
			}
		}
		return def
	}
	year := num(0, "year")
	month := num(1, "month", "monthdash")
	day := num(1, "day", "daydash")
	hour := num(0, "hour")
	minute := num(0, "minute")
	second := num(0, "second")
	frac, _ := group("second_fraction")
	usec, err := fractionMicros(frac)
	if err != nil {
		return time.Time{}, err
	}
	loc := time.UTC
	if tz, ok := group("timezone"); ok && tz != "Z" {
		sign, _ := group("tz_sign")
		h := num(0, "tz_hour")
		mi := num(0, "tz_minute")
		name := fmt.Sprintf("%s%02d:%02d", sign, h, mi)
		off := h*3600 + mi*60
		if off >= 24*3600 {
			return time.Time{}, errors.New("offset must be strictly between -24 and 24 hours")
		}
		if sign == "-" {
			off = -off
		}
		loc = fixedZone(name, off)
	}
	return makeDateTime(year, month, day, hour, minute, second, usec, loc)
}

// parseCanonicalTime reads the forms oslo writes and most peers send,
// "2024-02-29" and "2024-02-29T23:59:59[.ffffff][Z|+05:30]", without the
// regular expression (which is slow). On these the expression's first
// choices all succeed, so the result is the same. ok is false for any
// other form.
func parseCanonicalTime(s string) (t time.Time, ok bool, err error) {
	digits := func(i, n int) (int, bool) {
		if i+n > len(s) {
			return 0, false
		}
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if !isDigit(c) {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	year, ok1 := digits(0, 4)
	month, ok2 := digits(5, 2)
	day, ok3 := digits(8, 2)
	if !ok1 || !ok2 || !ok3 || s[4] != '-' || s[7] != '-' {
		return t, false, nil
	}
	if len(s) == 10 {
		t, err = makeDateTime(year, month, day, 0, 0, 0, 0, time.UTC)
		return t, true, err
	}
	hour, ok1 := digits(11, 2)
	minute, ok2 := digits(14, 2)
	second, ok3 := digits(17, 2)
	if !ok1 || !ok2 || !ok3 || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return t, false, nil
	}
	i := 19
	frac := ""
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j == i+1 {
			return t, false, nil
		}
		frac, i = s[i+1:j], j
	}
	loc := time.UTC
	switch {
	case i == len(s):
	case s[i] == 'Z' && i+1 == len(s):
	case (s[i] == '+' || s[i] == '-') && i+6 == len(s) && s[i+3] == ':':
		h, ok1 := digits(i+1, 2)
		m, ok2 := digits(i+4, 2)
		if !ok1 || !ok2 {
			return t, false, nil
		}
		off := h*3600 + m*60
		if off >= 24*3600 {
			return t, true, errors.New("offset must be strictly between -24 and 24 hours")
		}
		if s[i] == '-' {
			off = -off
		}
		loc = fixedZone(s[i:], off)
	default:
		return t, false, nil
	}
	usec, err := fractionMicros(frac)
	if err != nil {
		return t, true, err
	}
	t, err = makeDateTime(year, month, day, hour, minute, second, usec, loc)
	return t, true, err
}

// fractionMicros is int(Decimal("0."+frac) * Decimal("1000000.0")) with
// Python's default decimal context (28 significant digits, half-even).
func fractionMicros(frac string) (int, error) {
	if frac == "" {
		return 0, nil
	}
	lz := len(frac) - len(strings.TrimLeft(frac, "0"))
	if lz == len(frac) {
		return 0, nil
	}
	const prec = 28
	digits := []byte(frac)
	if len(frac)-lz+7 > prec {
		// The product's coefficient is frac (without leading zeros)
		// followed by seven zeros; only 28 digits are kept.
		keep := lz + prec
		if keep < len(digits) {
			rest := digits[keep:]
			up := rest[0] > '5' || (rest[0] == '5' && (strings.TrimRight(string(rest[1:]), "0") != "" || (digits[keep-1]-'0')%2 == 1))
			digits = digits[:keep]
			if up {
				i := keep - 1
				for i >= 0 && digits[i] == '9' {
					digits[i] = '0'
					i--
				}
				if i < 0 {
					return 0, errors.New("microsecond must be in 0..999999")
				}
				digits[i]++
			}
		}
	}
	for len(digits) < 6 {
		digits = append(digits, '0')
	}
	n, _ := strconv.Atoi(string(digits[:6]))
	return n, nil
}

// makeDateTime is Python's datetime(...) constructor with its range checks.
func makeDateTime(year, month, day, hour, minute, second, usec int, loc *time.Location) (time.Time, error) {
	switch {
	case year < 1 || year > 9999:
		return time.Time{}, fmt.Errorf("year %d is out of range", year)
	case month < 1 || month > 12:
		return time.Time{}, errors.New("month must be in 1..12")
	case day < 1 || day > daysIn(year, month):
		return time.Time{}, errors.New("day is out of range for month")
	case hour > 23:
		return time.Time{}, errors.New("hour must be in 0..23")
	case minute > 59:
		return time.Time{}, errors.New("minute must be in 0..59")
	case second > 59:
		return time.Time{}, errors.New("second must be in 0..59")
	}
	return time.Date(year, time.Month(month), day, hour, minute, second, usec*1000, loc), nil
}

// daysIn is the number of days of a month (1..12) in the proleptic
// Gregorian calendar, as Python's and Go's.
func daysIn(year, month int) int {
	if month == 2 {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + (month+month/8)%2 // 31 for January, March, May, July, August, October, December
}

// utcSeconds reads the usual spelling of a UTC time, "YYYY-MM-DDTHH:MM:SS"
// and "Z" (or nothing, which the iso8601 grammar also reads as UTC), as
// Unix seconds, without building a time.Time: parseISOTime gives
// time.Unix(secs, 0).In(time.UTC) for it. ok is false for any other
// spelling and for fields out of range: parseISOTime decides those.
func utcSeconds(s string) (secs int64, ok bool) {
	if !(len(s) == 19 || len(s) == 20 && s[19] == 'Z') ||
		s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return 0, false
	}
	var f [6]int // year, month, day, hour, minute, second
	for k, at := range [6]int{0, 5, 8, 11, 14, 17} {
		end := at + 2
		if k == 0 {
			end = at + 4
		}
		for _, c := range []byte(s[at:end]) {
			if !isDigit(c) {
				return 0, false
			}
			f[k] = f[k]*10 + int(c-'0')
		}
	}
	year, month, day := f[0], f[1], f[2]
	if year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || f[3] > 23 || f[4] > 59 || f[5] > 59 {
		return 0, false
	}
	return daysFromCivil(year, month, day)*86400 + int64(f[3]*3600+f[4]*60+f[5]), true
}

// daysFromCivil is the number of days from 1970-01-01 to a date of the
// proleptic Gregorian calendar (the usual era-of-400-years computation,
// for the years 1..9999 a DateTime holds).
func daysFromCivil(year, month, day int) int64 {
	if month <= 2 {
		year--
	}
	era := year / 400 // year >= 0
	yoe := year - era*400
	mp := (month + 9) % 12 // March is 0
	doy := (153*mp+2)/5 + day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(days int64) (year, month, day int) {
	z := days + 719468 // from 0000-03-01, which is day 0 of era 0
	era := z / 146097  // z >= 0 for the years 1..9999
	doe := int(z - era*146097)
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = doy - (153*mp+2)/5 + 1
	month = mp + 3
	if month > 12 {
		month -= 12
	}
	year = int(era)*400 + yoe
	if month <= 2 {
		year++
	}
	return year, month, day
}

// appendUTCSeconds writes what appendISOTime writes for
// time.Unix(secs, ns).In(time.UTC) (the seconds of a year 1..9999), from
// the seconds.
func appendUTCSeconds(b []byte, secs int64) []byte {
	days, rem := secs/86400, int(secs%86400)
	if rem < 0 {
		days, rem = days-1, rem+86400
	}
	year, month, day := civilFromDays(days)
	b = strconv.AppendInt(b, int64(year), 10)
	b = append(b, '-', byte('0'+month/10), byte('0'+month%10), '-', byte('0'+day/10), byte('0'+day%10), 'T')
	b = append2(b, rem/3600)
	b = append(b, ':')
	b = append2(b, rem/60%60)
	b = append(b, ':')
	b = append2(b, rem%60)
	return append(b, 'Z')
}

// isOffsetName reports whether a zone name has iso8601's "+HH:MM" form.
func isOffsetName(n string) bool {
	return len(n) == 6 && (n[0] == '+' || n[0] == '-') && isDigit(n[1]) && isDigit(n[2]) &&
		n[3] == ':' && isDigit(n[4]) && isDigit(n[5])
}

func offsetName(off int) string {
	sign := '+'
	if off < 0 {
		sign = '-'
		off = -off
	}
	return fmt.Sprintf("%c%02d:%02d", sign, off/3600, off/60%60)
}

// normalizeTime brings a Go time into the form a DateTime field keeps:
// microsecond precision like Python's datetime, and a zone that is either
// UTC or a fixed offset named "+HH:MM" (what iso8601 gives), so that it is
// written on the wire the way oslo writes it.
func normalizeTime(t time.Time) (time.Time, error) {
	t = t.Truncate(time.Microsecond)
	if y := t.Year(); y < 1 || y > 9999 {
		return time.Time{}, fmt.Errorf("year %d is out of range", y)
	}
	if t.Location() == time.UTC {
		return t, nil
	}
	name, off := t.Zone()
	switch {
	case name == "UTC" && off == 0:
		return t.UTC(), nil
	case isOffsetName(name):
		return t, nil
	}
	return t.In(fixedZone(offsetName(off), off)), nil
}

// appendISOTime is oslo_versionedobjects._utils.isotime: the time in its
// own zone to the second, then "Z" for UTC or the zone's name.
func appendISOTime(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	hour, min, sec := t.Clock()
	b = strconv.AppendInt(b, int64(year), 10)
	b = append(b, '-')
	b = append2(b, int(month))
	b = append(b, '-')
	b = append2(b, day)
	b = append(b, 'T')
	b = append2(b, hour)
	b = append(b, ':')
	b = append2(b, min)
	b = append(b, ':')
	b = append2(b, sec)
	name, _ := t.Zone()
	if t.Location() == time.UTC || name == "UTC" || name == "UTC+00:00" {
		return append(b, 'Z')
	}
	return append(b, name...)
}

func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10%10), byte('0'+n%10))
}

// pyDatetimeStr is str() of a Python datetime: isoformat with a space,
// microseconds when not zero, and the UTC offset.
func pyDatetimeStr(t time.Time) string {
	b := make([]byte, 0, 32)
	year, month, day := t.Date()
	hour, min, sec := t.Clock()
	b = append(b, fmt.Sprintf("%04d-", year)...)
	b = append2(b, int(month))
	b = append(b, '-')
	b = append2(b, day)
	b = append(b, ' ')
	b = append2(b, hour)
	b = append(b, ':')
	b = append2(b, min)
	b = append(b, ':')
	b = append2(b, sec)
	if us := t.Nanosecond() / 1000; us != 0 {
		b = append(b, fmt.Sprintf(".%06d", us)...)
	}
	_, off := t.Zone()
	b = append(b, offsetName(off)...)
	if off%60 != 0 {
		s := off % 60
		if s < 0 {
			s = -s
		}
		b = append(b, ':')
		b = append2(b, s)
	}
	return string(b)
}
