package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// validateURI checks a URI the way oslo's types.URI does with the rfc3986
// package: split with RFC 3986's regular expression, percent-encode the
// path, require a scheme and a host, and check that scheme, host and path
// are well formed. rfc3986's grammar is written out here because Go's
// net/url accepts and rejects different strings.
func validateURI(s string, schemes []string) error {
	m := uriSplit().FindStringSubmatchIndex(s)
	part := func(i int) (string, bool) {
		if m[2*i] < 0 {
			return "", false
		}
		return s[m[2*i]:m[2*i+1]], true
	}
	scheme, hasScheme := part(1)
	authority, hasAuthority := part(2)
	path, _ := part(3)
	path = encodeComponent(path)

	host, hasHost := "", false
	if hasAuthority && authority != "" {
		host, hasHost = uriHost(authority)
	}
	var missing []string
	if !hasHost {
		missing = append(missing, "host")
	}
	if !hasScheme {
		missing = append(missing, "scheme")
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s required but missing in %q", strings.Join(missing, ", "), s)
	}
	var invalid []string
	if !uriScheme().MatchString(scheme) {
		invalid = append(invalid, "scheme")
	}
	if !uriHostValid(host) {
		invalid = append(invalid, "host")
	}
	if !uriPath().MatchString(path) {
		invalid = append(invalid, "path")
	}
	if len(invalid) > 0 {
		return fmt.Errorf("%s invalid in %q", strings.Join(invalid, ", "), s)
	}
	if len(schemes) > 0 {
		for _, want := range schemes {
			if strings.ToLower(want) == scheme {
				return nil
			}
		}
		return fmt.Errorf("scheme %q is not one of %v", scheme, schemes)
	}
	return nil
}

const (
	uriUnreserved = `A-Za-z0-9._~\-`
	uriSubDelims  = `!$&'()*+,;=`
	uriPct        = `%[A-Fa-f0-9]{2}`
	uriIPv4       = `([0-9]{1,3}\.){3}[0-9]{1,3}`
	uriHex        = `[0-9A-Fa-f]{1,4}`
)

var (
	uriSplit = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?://([^\\/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?`)
	})
	uriScheme = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*$`) })
	uriIPv6   = func() string {
		ls32 := fmt.Sprintf("(%s:%s|%s)", uriHex, uriHex, uriIPv4)
		h := uriHex
		v := []string{
			fmt.Sprintf("(%s:){6}%s", h, ls32),
			fmt.Sprintf("::(%s:){5}%s", h, ls32),
			fmt.Sprintf("(%s)?::(%s:){4}%s", h, h, ls32),
			fmt.Sprintf("((%s:)?%s)?::(%s:){3}%s", h, h, h, ls32),
			fmt.Sprintf("((%s:){0,2}%s)?::(%s:){2}%s", h, h, h, ls32),
			fmt.Sprintf("((%s:){0,3}%s)?::%s:%s", h, h, h, ls32),
			fmt.Sprintf("((%s:){0,4}%s)?::%s", h, h, ls32),
			fmt.Sprintf("((%s:){0,5}%s)?::%s", h, h, h),
			fmt.Sprintf("((%s:){0,6}%s)?::", h, h),
		}
		return "((" + strings.Join(v, ")|(") + "))"
	}()
	uriZone      = `(?:[` + uriUnreserved + `]|` + uriPct + `)+`
	uriIPLiteral = `\[(` + uriIPv6 + `(?:(?:%25|%)` + uriZone + `)?|v[0-9A-Fa-f]+\.[` + uriUnreserved + uriSubDelims + `:]+)\]`
	uriRegName   = `((?:` + uriPct + `|[` + uriSubDelims + uriUnreserved + `])*)`
	uriHostRE    = `(` + uriRegName + `|` + uriIPv4 + `|` + uriIPLiteral + `)`
	uriSubauth   = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:(?:([` + uriUnreserved + uriSubDelims + `:]|` + uriPct + `)+)@)?(` + uriHostRE + `):?([0-9]{1,5})?$`)
	})
	uriHostMatch  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^` + uriHostRE + `$`) })
	uriIPv4Match  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^` + uriIPv4 + `$`) })
	uriIPv6Match  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\[` + uriIPv6 + `(?:(?:%25|%)` + uriZone + `)?\]$`) })
	uriIPv6Strict = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\[` + uriIPv6 + `(?:%25` + uriZone + `)?\]$`) })
	pchar         = `([` + uriUnreserved + uriSubDelims + `:@]|` + uriPct + `)`
	pcharNC       = `([` + uriUnreserved + uriSubDelims + `@]|` + uriPct + `)`
	uriPath       = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^((/` + pchar + `*)*|/(` + pchar + `+(/` + pchar + `*)*)?|` + pcharNC + `+(/` + pchar + `*)*|` + pchar + `+(/` + pchar + `*)*|)$`)
	})
	uriPctMatch = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(uriPct) })
)

// uriHost returns the host of an authority, and false where rfc3986 finds
// none (an authority its grammar rejects, or an IPv4 host with a byte above
// 255).
func uriHost(authority string) (string, bool) {
	m := uriSubauth().FindStringSubmatch(authority)
	if m == nil {
		return "", false
	}
	host := m[2]
	if host != "" && uriIPv4Match().MatchString(host) && !validIPv4Bytes(host) {
		return "", false
	}
	return host, true
}

func uriHostValid(host string) bool {
	if !uriHostMatch().MatchString(host) {
		return false
	}
	if uriIPv4Match().MatchString(host) {
		return validIPv4Bytes(host)
	}
	if uriIPv6Match().MatchString(host) {
		return uriIPv6Strict().MatchString(host)
	}
	return true
}

func validIPv4Bytes(host string) bool {
	for _, b := range strings.Split(host, ".") {
		n, err := strconv.Atoi(b)
		if err != nil || n > 255 {
			return false
		}
	}
	return true
}

// encodeComponent is rfc3986's normalizers.encode_component: every byte
// that is neither reserved nor unreserved is percent-encoded, and so is '%'
// unless every '%' already starts a valid escape.
func encodeComponent(s string) string {
	keepPct := len(uriPctMatch().FindAllStringIndex(s, -1)) == strings.Count(s, "%")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && keepPct || c < 0x80 && c != '%' && strings.IndexByte(uriKeep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

const uriKeep = ":/?#[]@!$&'()*+,;=ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._!-~"
