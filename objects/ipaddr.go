package objects

import (
	"errors"
	"fmt"
	"math/big"
	"net/netip"
	"strconv"
	"strings"
)

// IP addresses are read the way netaddr 0.8 (oslo's IPAddress field) reads
// them: an IPv4 string through the C library's inet_aton (so "10.0.0.1 x"
// and "10" are accepted), an IPv6 string through inet_pton, an integer as
// the address value; and IPv6 is written by inet_ntop, which differs from
// net/netip for IPv4-compatible addresses ("::192.168.0.1"). netip.Addr
// still holds the value.

// inetAton is glibc's inet_aton: one to four parts separated by dots,
// each decimal, octal (leading 0) or hex (leading 0x); the last part fills
// the remaining bytes; trailing whitespace and anything after it is
// ignored.
func inetAton(s string) (uint32, bool) {
	var res [4]byte
	n := 0 // bytes filled
	i := 0
	var val uint64
	for {
		if i >= len(s) || !isDigit(s[i]) {
			return 0, false
		}
		v, next, ok := strtoul(s, i)
		if !ok {
			return 0, false
		}
		val, i = v, next
		if i < len(s) && s[i] == '.' {
			if n > 2 || val > 0xff {
				return 0, false
			}
			res[n] = byte(val)
			n++
			i++
			continue
		}
		break
	}
	if i < len(s) && !isCSpace(s[i]) {
		return 0, false
	}
	max := [4]uint64{0xffffffff, 0xffffff, 0xffff, 0xff}
	if val > max[n] {
		return 0, false
	}
	w := uint32(res[0])<<24 | uint32(res[1])<<16 | uint32(res[2])<<8 | uint32(res[3])
	return w | uint32(val), true
}

func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// strtoul is C's strtoul(s+i, &end, 0) for a string that starts with a
// digit; ok is false on overflow of 32 bits.
func strtoul(s string, i int) (uint64, int, bool) {
	base := uint64(10)
	if s[i] == '0' {
		base = 8
		if i+2 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') && hexVal(s[i+2]) >= 0 {
			base = 16
			i += 2
		}
	}
	var v uint64
	for i < len(s) {
		d := hexVal(s[i])
		if d < 0 || uint64(d) >= base {
			break
		}
		v = v*base + uint64(d)
		if v > 0xffffffff {
			return 0, i, false
		}
		i++
	}
	return v, i, true
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// inetPton4 is glibc's strict inet_pton for IPv4: four decimal parts, no
// leading zeros.
func inetPton4(s string) ([4]byte, bool) {
	var out [4]byte
	octets, sawDigit, cur := 0, false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			if sawDigit && out[cur] == 0 {
				return out, false
			}
			v := int(out[cur])*10 + int(c-'0')
			if v > 255 {
				return out, false
			}
			out[cur] = byte(v)
			if !sawDigit {
				octets++
				if octets > 4 {
					return out, false
				}
				sawDigit = true
			}
		case c == '.' && sawDigit:
			if octets == 4 {
				return out, false
			}
			cur++
			out[cur] = 0
			sawDigit = false
		default:
			return out, false
		}
	}
	return out, octets == 4
}

// inetPton6 is glibc's inet_pton for IPv6.
func inetPton6(s string) ([16]byte, bool) {
	var tmp [16]byte
	if s == "" {
		return tmp, false
	}
	i := 0
	if s[0] == ':' {
		i++
		if i >= len(s) || s[i] != ':' {
			return tmp, false
		}
	}
	tp, colonp := 0, -1
	curtok := i
	seen := 0
	val := 0
	for i < len(s) {
		ch := s[i]
		i++
		if d := hexVal(ch); d >= 0 {
			if seen == 4 {
				return tmp, false
			}
			val = val<<4 | d
			seen++
			continue
		}
		if ch == ':' {
			curtok = i
			if seen == 0 {
				if colonp >= 0 {
					return tmp, false
				}
				colonp = tp
				continue
			} else if i == len(s) {
				return tmp, false
			}
			if tp+2 > 16 {
				return tmp, false
			}
			tmp[tp], tmp[tp+1] = byte(val>>8), byte(val)
			tp += 2
			seen, val = 0, 0
			continue
		}
		if ch == '.' && tp+4 <= 16 {
			if v4, ok := inetPton4(s[curtok:]); ok {
				copy(tmp[tp:], v4[:])
				tp += 4
				seen = 0
				break
			}
		}
		return tmp, false
	}
	if seen > 0 {
		if tp+2 > 16 {
			return tmp, false
		}
		tmp[tp], tmp[tp+1] = byte(val>>8), byte(val)
		tp += 2
	}
	if colonp >= 0 {
		if tp == 16 {
			return tmp, false
		}
		n := tp - colonp
		copy(tmp[16-n:], tmp[colonp:tp])
		for j := colonp; j < 16-n; j++ {
			tmp[j] = 0
		}
		tp = 16
	}
	return tmp, tp == 16
}

// formatIP writes an address as netaddr does: dotted IPv4, and IPv6 by
// glibc's inet_ntop (longest run of two or more zero groups compressed,
// the first one on a tie; "::a.b.c.d" and "::ffff:a.b.c.d" for the
// IPv4-compatible and IPv4-mapped forms).
func formatIP(a netip.Addr) string {
	var buf [48]byte // room for any address: one allocation, the string's
	return string(appendIP(buf[:0], a))
}

func appendIP(b []byte, a netip.Addr) []byte {
	if a.Is4() {
		return a.AppendTo(b)
	}
	raw := a.As16()
	var words [8]uint16
	for i := range words {
		words[i] = uint16(raw[2*i])<<8 | uint16(raw[2*i+1])
	}
	bestBase, bestLen, curBase, curLen := -1, 0, -1, 0
	for i, w := range words {
		if w == 0 {
			if curBase < 0 {
				curBase, curLen = i, 1
			} else {
				curLen++
			}
			continue
		}
		if curBase >= 0 {
			if bestBase < 0 || curLen > bestLen {
				bestBase, bestLen = curBase, curLen
			}
			curBase = -1
		}
	}
	if curBase >= 0 && (bestBase < 0 || curLen > bestLen) {
		bestBase, bestLen = curBase, curLen
	}
	if bestBase >= 0 && bestLen < 2 {
		bestBase = -1
	}
	for i := 0; i < 8; i++ {
		if bestBase >= 0 && i >= bestBase && i < bestBase+bestLen {
			if i == bestBase {
				b = append(b, ':')
			}
			continue
		}
		if i != 0 {
			b = append(b, ':')
		}
		if i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff)) {
			b = netip.AddrFrom4([4]byte(raw[12:16])).AppendTo(b)
			return b
		}
		b = strconv.AppendUint(b, uint64(words[i]), 16)
	}
	if bestBase >= 0 && bestBase+bestLen == 8 {
		b = append(b, ':')
	}
	return b
}

var errIPFormat = errors.New("failed to detect a valid IP address")

// parseIPString is netaddr.IPAddress(s) for a str without a version: IPv4
// by inet_aton first, then IPv6 by inet_pton.
func parseIPString(s string) (netip.Addr, error) {
	if strings.ContainsRune(s, '/') {
		return netip.Addr{}, errors.New("IPAddress() does not support netmasks or subnet prefixes")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return netip.Addr{}, errIPFormat
	}
	if v, ok := inetAton(s); ok {
		return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), nil
	}
	if v6, ok := inetPton6(s); ok {
		return netip.AddrFrom16(v6), nil
	}
	return netip.Addr{}, errIPFormat
}

// ipFromInt is netaddr.IPAddress(n): 0..2^32-1 is IPv4, above that IPv6.
func ipFromInt(n int64) (netip.Addr, error) {
	switch {
	case n < 0:
		return netip.Addr{}, errIPFormat
	case n <= 0xffffffff:
		return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), nil
	}
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[15-i] = byte(n >> (8 * i))
	}
	return netip.AddrFrom16(b), nil
}

// ipFromBig handles integers beyond int64 (up to 2^128-1, IPv6).
func ipFromBig(literal string) (netip.Addr, error) {
	n, ok := new(big.Int).SetString(literal, 10)
	if !ok || n.Sign() < 0 || n.BitLen() > 128 {
		return netip.Addr{}, errIPFormat
	}
	var b [16]byte
	n.FillBytes(b[:])
	return netip.AddrFrom16(b), nil
}

// parsePrefix is netaddr.IPNetwork(s) for a str: an address (IPv4 may be
// abbreviated, "10.1" is 10.1.0.0), then "/" and a prefix length, a
// netmask or a hostmask; without one, a host network. version is 4, 6 or
// 0 for either. Host bits are kept, as netaddr keeps them.
func parsePrefix(s string, version int) (netip.Prefix, error) {
	addr, rest, hasSlash := strings.Cut(s, "/")
	try := func(v int) (netip.Prefix, error) {
		var a netip.Addr
		if v == 4 {
			b, ok := inetPton4(addr)
			if !ok {
				exp, ok2 := expandPartialIPv4(addr)
				if !ok2 {
					return netip.Prefix{}, fmt.Errorf("invalid IPNetwork %s", s)
				}
				if b, ok = inetPton4(exp); !ok {
					return netip.Prefix{}, fmt.Errorf("invalid IPNetwork %s", s)
				}
			}
			a = netip.AddrFrom4(b)
		} else {
			b, ok := inetPton6(addr)
			if !ok {
				return netip.Prefix{}, fmt.Errorf("invalid IPNetwork address %s", s)
			}
			a = netip.AddrFrom16(b)
		}
		width := a.BitLen()
		bitsLen := width
		if hasSlash {
			if n, err := pyParseInt(rest); err == nil {
				if n < 0 || n > int64(width) {
					return netip.Prefix{}, fmt.Errorf("invalid prefix for IPv%d address", v)
				}
				bitsLen = int(n)
			} else {
				m, ok := maskPrefix(rest, v)
				if !ok {
					return netip.Prefix{}, fmt.Errorf("invalid IPNetwork %s", s)
				}
				bitsLen = m
			}
		}
		return netip.PrefixFrom(a, bitsLen), nil
	}
	if version != 0 {
		return try(version)
	}
	if p, err := try(4); err == nil {
		return p, nil
	}
	return try(6)
}

// expandPartialIPv4 is netaddr's expand_partial_address: "10.1" becomes
// "10.1.0.0" (each part through int()).
func expandPartialIPv4(s string) (string, bool) {
	if strings.ContainsRune(s, ':') {
		return "", false
	}
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return "", false
	}
	out := make([]string, 0, 4)
	for _, p := range parts {
		n, err := pyParseInt(p)
		if err != nil {
			return "", false
		}
		out = append(out, strconv.FormatInt(n, 10))
	}
	for len(out) < 4 {
		out = append(out, "0")
	}
	return strings.Join(out, "."), true
}

// maskPrefix turns a netmask or hostmask into a prefix length.
func maskPrefix(s string, version int) (int, bool) {
	var raw []byte
	if version == 4 {
		b, ok := inetPton4(s)
		if !ok {
			return 0, false
		}
		raw = b[:]
	} else {
		b, ok := inetPton6(s)
		if !ok {
			return 0, false
		}
		raw = b[:]
	}
	ones := func(inv bool) (int, bool) {
		n, done := 0, false
		for _, x := range raw {
			if inv {
				x = ^x
			}
			for bit := 7; bit >= 0; bit-- {
				if x>>uint(bit)&1 == 1 {
					if done {
						return 0, false
					}
					n++
				} else {
					done = true
				}
			}
		}
		return n, true
	}
	if n, ok := ones(false); ok {
		return n, true
	}
	if n, ok := ones(true); ok {
		return n, true
	}
	return 0, false
}

func appendPrefix(b []byte, p netip.Prefix) []byte {
	b = appendIP(b, p.Addr())
	b = append(b, '/')
	return strconv.AppendInt(b, int64(p.Bits()), 10)
}
