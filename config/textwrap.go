package config

import (
	"strings"
	"unicode"

	"github.com/goslo/goslo/internal/ini"
)

// This file reproduces what oslo's sample generator does with help text:
// Python's str.splitlines, then textwrap.wrap(line, width,
// initial_indent='# ', subsequent_indent='# ', break_long_words=False,
// replace_whitespace=False) on each line. It is hand-written because a
// sample must match oslo-config-generator's byte for byte, and no Go
// wrapping library splits words the way textwrap's wordsep_re does
// (hyphenated words, em-dashes, Unicode word characters).

// pySplitLines is Python's str.splitlines(): \n, \r, \r\n, \v, \f,
// \x1c-\x1e, \x85, U+2028 and U+2029 end a line; a final terminator does
// not start another line.
func pySplitLines(s string) []string {
	var lines []string
	start := 0
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
		case '\r':
			if i+1 < len(rs) && rs[i+1] == '\n' {
				lines = append(lines, string(rs[start:i]))
				i++
				start = i + 1
				continue
			}
		default:
			continue
		}
		lines = append(lines, string(rs[start:i]))
		start = i + 1
	}
	if start < len(rs) {
		lines = append(lines, string(rs[start:]))
	}
	return lines
}

// pyExpandTabs is str.expandtabs(tabsize).
func pyExpandTabs(s string, tabsize int) string {
	if !strings.ContainsRune(s, '\t') {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		switch r {
		case '\t':
			n := tabsize - col%tabsize
			b.WriteString(strings.Repeat(" ", n))
			col += n
		case '\n', '\r':
			b.WriteRune(r)
			col = 0
		default:
			b.WriteRune(r)
			col++
		}
	}
	return b.String()
}

// The character classes of textwrap's wordsep_re.
func twSpace(r rune) bool { // [\t\n\x0b\x0c\r ]
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ':
		return true
	}
	return false
}

func pyWordChar(r rune) bool { // \w on str
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

func twLetter(r rune) bool { // [^\d\W]
	return pyWordChar(r) && !unicode.IsDigit(r)
}

func twWordPunct(r rune) bool { // [\w!"\'&.,?]
	switch r {
	case '!', '"', '\'', '&', '.', ',', '?':
		return true
	}
	return pyWordChar(r)
}

// dashesThenWord reports whether rs[j:] starts with two or more '-' and
// then a word character: (?=-{2,}\w).
func dashesThenWord(rs []rune, j int) (int, bool) {
	k := j
	for k < len(rs) && rs[k] == '-' {
		k++
	}
	return k, k-j >= 2 && k < len(rs) && pyWordChar(rs[k])
}

func at(rs []rune, i int, pred func(rune) bool) bool {
	return i >= 0 && i < len(rs) && pred(rs[i])
}

// twChunks splits text into textwrap's chunks (wordsep_re with
// break_on_hyphens): runs of white space, em-dashes between words, and
// words, hyphenated words broken after their hyphens.
func twChunks(text string) []string {
	rs := []rune(text)
	var chunks []string
	for i := 0; i < len(rs); {
		end := twMatch(rs, i)
		chunks = append(chunks, string(rs[i:end]))
		i = end
	}
	return chunks
}

// twMatch returns the end of wordsep_re's match at i (there always is one).
func twMatch(rs []rune, i int) int {
	if twSpace(rs[i]) {
		j := i
		for j < len(rs) && twSpace(rs[j]) {
			j++
		}
		return j
	}
	// (?<=wp) -{2,} (?=\w)
	if rs[i] == '-' && at(rs, i-1, twWordPunct) {
		if k, ok := dashesThenWord(rs, i); ok {
			return k
		}
	}
	// nws+? (hyphen | end of word | em-dash follows), lazily.
	for j := i + 1; ; j++ {
		if j < len(rs) && rs[j] == '-' {
			behind := at(rs, j-2, twLetter) && at(rs, j-1, twLetter) ||
				at(rs, j-3, twLetter) && at(rs, j-2, func(r rune) bool { return r == '-' }) && at(rs, j-1, twLetter)
			ahead := at(rs, j+1, twLetter) && (at(rs, j+2, twLetter) ||
				at(rs, j+2, func(r rune) bool { return r == '-' }) && at(rs, j+3, twLetter))
			if behind && ahead {
				return j + 1
			}
		}
		if j == len(rs) || twSpace(rs[j]) {
			return j
		}
		if at(rs, j-1, twWordPunct) {
			if _, ok := dashesThenWord(rs, j); ok {
				return j
			}
		}
	}
}

func pyIsBlank(s string) bool { return ini.TrimSpace(s) == "" }

// pyWrap is textwrap.wrap(text, width, initial_indent=indent,
// subsequent_indent=indent, break_long_words=False,
// replace_whitespace=False).
func pyWrap(text string, width int, indent string) []string {
	chunks := twChunks(pyExpandTabs(text, 8))
	runeLen := func(s string) int { return len([]rune(s)) }
	var lines []string
	room := width - runeLen(indent)
	for k := 0; k < len(chunks); {
		var cur []string
		curLen := 0
		if len(lines) > 0 && pyIsBlank(chunks[k]) {
			k++
		}
		for k < len(chunks) {
			l := runeLen(chunks[k])
			if curLen+l > room {
				break
			}
			cur = append(cur, chunks[k])
			curLen += l
			k++
		}
		if k < len(chunks) && runeLen(chunks[k]) > room && len(cur) == 0 {
			// A word longer than a line gets a line of its own.
			cur = append(cur, chunks[k])
			k++
		}
		if len(cur) > 0 && pyIsBlank(cur[len(cur)-1]) {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			lines = append(lines, indent+strings.Join(cur, ""))
		}
	}
	return lines
}
