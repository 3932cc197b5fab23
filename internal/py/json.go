package py

import "unicode/utf8"

// AppendJSONString appends s as Python's json.dumps writes a str with
// ensure_ascii (its default): in double quotes, printable ASCII as it is,
// \" \\ \n \r \t \b \f, every other character as \uXXXX and characters
// beyond the BMP as a surrogate pair. s is read as UTF-8; a byte that is
// not UTF-8 counts as U+FFFD.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	b = AppendJSONChars(b, s)
	return append(b, '"')
}

// AppendJSONChars is AppendJSONString without the quotes, for a JSON
// string built of several pieces.
func AppendJSONChars(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				b = append(b, `\"`...)
			case '\\':
				b = append(b, `\\`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r > 0xffff {
			r -= 0x10000
			b = appendU4(b, 0xd800+(r>>10))
			b = appendU4(b, 0xdc00+(r&0x3ff))
		} else {
			b = appendU4(b, r)
		}
		i += size
		start = i
	}
	return append(b, s[start:]...)
}

func appendU4(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}
