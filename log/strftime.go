package log

import (
	"strconv"
	"time"

	"github.com/goslo/goslo/internal/py"
)

// This file is C's strftime as glibc implements it in the C locale, which
// Python's time.strftime calls for %(asctime)s with log_date_format.
// Go's time.Format uses a different layout language; operators' date
// formats are strftime's, so they are translated here once, at Setup.

// dateFormat is a compiled strftime format.
type dateFormat struct {
	text string
	ops  []dateOp
}

type dateOp struct {
	lit   string
	conv  byte // 0: literal only
	flag  byte // 0, '-', '_', '0', '^', '#'
	width int  // -1: the conversion's own
}

func compileDateFormat(s string) *dateFormat {
	f := &dateFormat{text: s}
	lit := []byte{}
	i := 0
	for i < len(s) {
		if s[i] != '%' {
			lit = append(lit, s[i])
			i++
			continue
		}
		start := i
		i++
		op := dateOp{width: -1}
		for i < len(s) && (s[i] == '-' || s[i] == '_' || s[i] == '0' || s[i] == '^' || s[i] == '#') {
			op.flag = s[i]
			i++
		}
		if w, k := py.Digits(s, i); k > 0 {
			op.width, i = w, i+k
		}
		if i < len(s) && (s[i] == 'E' || s[i] == 'O') {
			i++
		}
		if i >= len(s) {
			// glibc copies an unfinished conversion as it is.
			lit = appendBad(lit, s[start:], op)
			break
		}
		c := s[i]
		i++
		if c == '%' && op.flag == 0 && op.width < 0 {
			lit = append(lit, '%')
			continue
		}
		if !knownConv(c) {
			lit = appendBad(lit, s[start:i], op)
			continue
		}
		op.lit = string(lit)
		op.conv = c
		f.ops = append(f.ops, op)
		lit = lit[:0]
	}
	if len(lit) > 0 {
		f.ops = append(f.ops, dateOp{lit: string(lit), width: -1})
	}
	return f
}

// appendBad copies an unknown conversion as glibc does: as it is, padded
// to its width.
func appendBad(b []byte, text string, op dateOp) []byte {
	if op.flag == '^' {
		text = toUpper(text)
	}
	padc := byte(' ')
	if op.flag == '0' {
		padc = '0'
	}
	for k := len(text); k < op.width; k++ {
		b = append(b, padc)
	}
	return append(b, text...)
}

func knownConv(c byte) bool {
	switch c {
	case 'a', 'A', 'b', 'B', 'c', 'C', 'd', 'D', 'e', 'F', 'g', 'G', 'h', 'H', 'I', 'j', 'k', 'l',
		'm', 'M', 'n', 'p', 'P', 'r', 'R', 's', 'S', 't', 'T', 'u', 'U', 'V', 'w', 'W', 'x', 'X',
		'y', 'Y', 'z', 'Z', '%':
		return true
	}
	return false
}

var (
	shortDays   = [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	longDays    = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	shortMonths = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	longMonths  = [...]string{"January", "February", "March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December"}
)

// format appends t formatted.
func (f *dateFormat) format(b []byte, t time.Time) []byte {
	for _, op := range f.ops {
		b = append(b, op.lit...)
		if op.conv != 0 {
			b = appendConv(b, t, op)
		}
	}
	return b
}

func appendConv(b []byte, t time.Time, op dateOp) []byte {
	num := func(n, w int, padc byte) []byte {
		if op.width > w {
			w = op.width
		}
		switch op.flag {
		case '-':
			w, padc = max(op.width, 0), ' '
		case '_':
			padc = ' '
		case '0':
			padc = '0'
		}
		neg := n < 0
		if neg {
			n = -n
		}
		var d [20]byte
		s := strconv.AppendInt(d[:0], int64(n), 10)
		if neg {
			w--
			if padc == ' ' {
				for k := len(s); k < w; k++ {
					b = append(b, ' ')
				}
				b = append(b, '-')
				return append(b, s...)
			}
			b = append(b, '-')
		}
		for k := len(s); k < w; k++ {
			b = append(b, padc)
		}
		return append(b, s...)
	}
	str := func(s string, upper, swap bool) []byte {
		if op.flag == '^' || upper {
			s = toUpper(s)
		} else if op.flag == '#' && swap {
			s = swapCase(s)
		}
		if op.width > len(s) {
			padc := byte(' ')
			if op.flag == '0' {
				padc = '0'
			}
			for k := len(s); k < op.width; k++ {
				b = append(b, padc)
			}
		}
		return append(b, s...)
	}
	sub := func(layout string) []byte {
		// A composite conversion: its parts, then padded as a whole.
		inner := compileDateFormat(layout).format(nil, t)
		s := string(inner)
		if op.flag == '^' {
			s = toUpper(s)
		}
		if op.width > len(s) {
			padc := byte(' ')
			if op.flag == '0' {
				padc = '0'
			}
			for k := len(s); k < op.width; k++ {
				b = append(b, padc)
			}
		}
		return append(b, s...)
	}
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	switch op.conv {
	case 'a':
		return str(shortDays[t.Weekday()], false, true)
	case 'A':
		return str(longDays[t.Weekday()], false, true)
	case 'b', 'h':
		return str(shortMonths[month-1], false, true)
	case 'B':
		return str(longMonths[month-1], false, true)
	case 'c':
		return sub("%a %b %e %H:%M:%S %Y")
	case 'C':
		return num(floorDiv(year, 100), 2, '0')
	case 'd':
		return num(day, 2, '0')
	case 'D':
		return sub("%m/%d/%y")
	case 'e':
		return num(day, 2, ' ')
	case 'F':
		return sub("%Y-%m-%d")
	case 'g':
		y, _ := t.ISOWeek()
		return num(((y%100)+100)%100, 2, '0')
	case 'G':
		y, _ := t.ISOWeek()
		return num(y, 1, '0')
	case 'H':
		return num(hour, 2, '0')
	case 'I':
		return num((hour+11)%12+1, 2, '0')
	case 'j':
		return num(t.YearDay(), 3, '0')
	case 'k':
		return num(hour, 2, ' ')
	case 'l':
		return num((hour+11)%12+1, 2, ' ')
	case 'm':
		return num(int(month), 2, '0')
	case 'M':
		return num(minute, 2, '0')
	case 'n':
		return str("\n", false, false)
	case 'p':
		if hour < 12 {
			return str("AM", false, true)
		}
		return str("PM", false, true)
	case 'P':
		op.flag = 0
		if hour < 12 {
			return str("am", false, false)
		}
		return str("pm", false, false)
	case 'r':
		return sub("%I:%M:%S %p")
	case 'R':
		return sub("%H:%M")
	case 's':
		return num(int(t.Unix()), 1, '0')
	case 'S':
		return num(sec, 2, '0')
	case 't':
		return str("\t", false, false)
	case 'T':
		return sub("%H:%M:%S")
	case 'u':
		return num((int(t.Weekday())+6)%7+1, 1, '0')
	case 'U':
		return num((t.YearDay()+6-int(t.Weekday()))/7, 2, '0')
	case 'V':
		_, w := t.ISOWeek()
		return num(w, 2, '0')
	case 'w':
		return num(int(t.Weekday()), 1, '0')
	case 'W':
		return num((t.YearDay()+6-(int(t.Weekday())+6)%7)/7, 2, '0')
	case 'x':
		return sub("%m/%d/%y")
	case 'X':
		return sub("%H:%M:%S")
	case 'y':
		return num(((year%100)+100)%100, 2, '0')
	case 'Y':
		return num(year, 1, '0')
	case 'z':
		_, off := t.Zone()
		sign := byte('+')
		if off < 0 {
			sign, off = '-', -off
		}
		m := off / 60
		v := (m/60)*100 + m%60
		if op.width > 4 && op.flag == 0 {
			// glibc pads the sign and then the digits, each to the width.
			b = py.AppendRepeat(b, ' ', op.width-1)
		}
		b = append(b, sign)
		switch op.flag {
		case '-':
			return strconv.AppendInt(b, int64(v), 10)
		case '_':
			op.flag = 0
			return num(v, 4, ' ')
		}
		op.flag = 0
		return num(v, 4, '0')
	case 'Z':
		name, _ := t.Zone()
		return str(name, false, true)
	case '%':
		return str("%", false, false)
	}
	return b
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func toUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

// swapCase is glibc's '#' flag: names in lower case (%p in lower case).
func swapCase(s string) string {
	b := []byte(s)
	allUpper := true
	for _, c := range b {
		if c >= 'a' && c <= 'z' {
			allUpper = false
		}
	}
	for i, c := range b {
		if allUpper && c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		} else if !allUpper && c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}
