package log

import (
	"regexp"
	"strings"
	"sync"
	"unicode"
)

// sanitizeKeys is oslo_utils.strutils' _SANITIZE_KEYS, in its order.
var sanitizeKeys = []string{"adminpass", "admin_pass", "password", "admin_password",
	"auth_token", "new_pass", "auth_password", "secret_uuid",
	"secret", "sys_pswd", "token", "configdrive",
	"chappassword", "encrypted_key", "private_key",
	"fernetkey", "sslkey", "passphrase",
	"cephclusterfsid", "octaviaheartbeatkey", "rabbitcookie",
	"cephmanilaclientkey", "pacemakerremoteauthkey",
	"designaterndckey", "cephadminkey", "heatauthencryptionkey",
	"cephclientkey", "keystonecredential",
	"barbicansimplecryptokek", "cephrgwkey", "swifthashsuffix",
	"migrationsshkey", "cephmdskey", "cephmonkey"}

// The patterns of strutils, in Python's syntax: _FORMAT_PATTERNS_2 (two
// groups kept), _FORMAT_PATTERNS_1 (one kept) and the wildcard one.
var (
	formatPatterns2 = []string{
		`(%(key)s[0-9]*\s*[=]\s*[\"\'])[^\"\']*([\"\'])`,
		`(%(key)s[0-9]*\s*[=]\s*[\"])[^\"]*([\"])`,
		`(%(key)s[0-9]*\s*[=]\s*[\'])[^\']*([\'])`,
		`(%(key)s[0-9]*\s+[\"\'])[^\"\']*([\"\'])`,
		`([-]{2}%(key)s[0-9]*\s+)[^\'^\"^=^\s]+([\s]*)`,
		`(<%(key)s[0-9]*>)[^<]*(</%(key)s[0-9]*>)`,
		`([\"\']%(key)s[0-9]*[\"\']\s*:\s*[\"\'])[^\"\']*([\"\'])`,
		`([\'"][^"\']*%(key)s[0-9]*[\'"]\s*:\s*u?[\'"])[^\"\']*([\'"])`,
		`([\'"][^\'"]*%(key)s[0-9]*[\'"]\s*,\s*\'--?[A-z]+\'\s*,\s*u?[\'"])[^\"\']*([\'"])`,
		`(%(key)s[0-9]*\s*--?[A-z]+\s*)\S+(\s*)`,
	}
	formatPatterns1        = []string{`(%(key)s[0-9]*\s*[=]\s*)[^\s^\'^\"]+`}
	formatPatternsWildcard = []string{`([\'\"][^\"\']*%(key)s[0-9]*[\'\"]\s*:\s*u?[\'\"].*[\'\"])[^\"\']*([\'\"])`}
)

// pyWhitespace is what \s matches in a Python str pattern.
const pyWhitespace = `\t\n\v\f\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`

// translatePattern turns one of strutils' patterns into RE2 syntax with
// Python's meaning: Unicode \s, and IGNORECASE's folds that RE2 lacks
// (İ and ı match i; İ, ı also in [A-z]).
func translatePattern(p, key string) string {
	var k strings.Builder
	for _, r := range key {
		if r == 'i' {
			k.WriteString(`[iIİı]`)
		} else {
			k.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	p = strings.ReplaceAll(p, "%(key)s", k.String())
	p = strings.ReplaceAll(p, `[A-z]`, `[A-zİı]`)
	var b strings.Builder
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			n := p[i+1]
			i++
			switch {
			case n == 's' && inClass:
				b.WriteString(pyWhitespace)
			case n == 's':
				b.WriteString("[" + pyWhitespace + "]")
			case n == 'S':
				b.WriteString("[^" + pyWhitespace + "]")
			case n == '\'' || n == '"':
				b.WriteByte(n)
			default:
				b.WriteByte('\\')
				b.WriteByte(n)
			}
		case c == '[' && !inClass:
			inClass = true
			b.WriteByte(c)
			if i+1 < len(p) && p[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
		case c == ']' && inClass:
			inClass = false
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return "(?is)" + b.String()
}

type maskPatterns struct {
	key              string
	two, one, wildcs []*regexp.Regexp
}

var maskTable = sync.OnceValue(func() []maskPatterns {
	var t []maskPatterns
	for _, key := range sanitizeKeys {
		mp := maskPatterns{key: key}
		for _, p := range formatPatterns2 {
			mp.two = append(mp.two, regexp.MustCompile(translatePattern(p, key)))
		}
		for _, p := range formatPatterns1 {
			mp.one = append(mp.one, regexp.MustCompile(translatePattern(p, key)))
		}
		for _, p := range formatPatternsWildcard {
			mp.wildcs = append(mp.wildcs, regexp.MustCompile(translatePattern(p, key)))
		}
		t = append(t, mp)
	}
	return t
})

// MaskPassword replaces the values of passwords, tokens and other
// secrets in a message with "***", as oslo_utils.strutils.mask_password:
// key=value, key="value", --key value, <key>value</key>, 'key': 'value'
// (JSON and Python dict text) and more, for the key names strutils
// knows (password, admin_pass, auth_token, token, secret, private_key,
// ...), in any case and with a number after them (password2).
// Use it on text that may carry credentials before logging it.
func MaskPassword(message string) string { return MaskPasswordWith(message, "***") }

// MaskPasswordWith is MaskPassword with another replacement text.
func MaskPasswordWith(message, secret string) string {
	var lower string
	table := maskTable()
	for i := range table {
		mp := &table[i]
		if lower == "" {
			lower = pyLower(message)
		}
		if !strings.Contains(lower, mp.key) {
			continue
		}
		before := message
		for _, re := range mp.two {
			message = replaceGroups(re, message, secret, true)
		}
		for _, re := range mp.one {
			message = replaceGroups(re, message, secret, false)
		}
		for _, re := range mp.wildcs {
			message = replaceGroups(re, message, "", false) // \g<1> alone, as strutils
		}
		if message != before {
			lower = ""
		}
	}
	return message
}

// replaceGroups replaces every match with its first group, the secret
// and (when two) its second group: re.sub with \g<1>secret\g<2>.
func replaceGroups(re *regexp.Regexp, s, secret string, two bool) string {
	ms := re.FindAllStringSubmatchIndex(s, -1)
	if ms == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		b.WriteString(s[last:m[0]])
		if m[2] >= 0 {
			b.WriteString(s[m[2]:m[3]])
		}
		b.WriteString(secret)
		if two && m[4] >= 0 {
			b.WriteString(s[m[4]:m[5]])
		}
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// pyLower is Python's str.lower for the test of a key's presence: the
// simple lower case, except İ, whose lower case is "i̇".
func pyLower(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == 'İ' {
			b.WriteString("i\u0307")
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
