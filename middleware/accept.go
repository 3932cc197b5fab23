package middleware

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Content negotiation as WebOb's acceptparse does it (the Accept header
// of RFC 7231 section 5.3.2), for the two places oslo.middleware
// negotiates: the error pages of WebOb's HTTP exceptions and the
// healthcheck's formats.

// mediaRange is one parsed element of an Accept header.
type mediaRange struct {
	typ, subtype string // lower case
	params       [][2]string
	q            float64
}

// parseAccept parses an Accept header value as WebOb's
// AcceptValidHeader. ok is false for a value that does not conform to
// the grammar (WebOb's AcceptInvalidHeader).
func parseAccept(v string) (ranges []mediaRange, ok bool) {
	p := acceptParser{s: v}
	if v == "" {
		return nil, true
	}
	// #element: ( "," / element ) *( OWS "," [ OWS element ] )
	if p.peek() == ',' {
		p.i++
	} else {
		r, ok := p.element()
		if !ok {
			return nil, false
		}
		ranges = append(ranges, r)
	}
	for !p.done() {
		p.ows()
		if p.peek() != ',' {
			return nil, false
		}
		p.i++
		save := p.i
		p.ows()
		if p.done() {
			// "a/b, " ends in blanks that no element follows.
			if p.i > save {
				return nil, false
			}
			break
		}
		if c := p.peek(); isTchar(c) {
			r, ok := p.element()
			if !ok {
				return nil, false
			}
			ranges = append(ranges, r)
		} else {
			p.i = save
		}
	}
	return ranges, true
}

type acceptParser struct {
	s string
	i int
}

func (p *acceptParser) done() bool { return p.i >= len(p.s) }

func (p *acceptParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *acceptParser) ows() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *acceptParser) token() (string, bool) {
	start := p.i
	for p.i < len(p.s) && isTchar(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i], p.i > start
}

// quoted reads a quoted-string and returns its unescaped value.
func (p *acceptParser) quoted() (string, bool) {
	if p.peek() != '"' {
		return "", false
	}
	start := p.i
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), true
		case c == '\\':
			if p.i+1 >= len(p.s) {
				p.i = start
				return "", false
			}
			n := p.s[p.i+1]
			if !(n == '\t' || n == ' ' || (n >= 0x21 && n <= 0x7e) || n >= 0x80) {
				p.i = start
				return "", false
			}
			b.WriteByte(n)
			p.i += 2
		case c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e) || c >= 0x80:
			b.WriteByte(c)
			p.i++
		default:
			p.i = start
			return "", false
		}
	}
	p.i = start
	return "", false
}

// value reads token / quoted-string.
func (p *acceptParser) value() (string, bool) {
	if p.peek() == '"' {
		return p.quoted()
	}
	return p.token()
}

// element reads media-range [ weight *( accept-ext ) ].
func (p *acceptParser) element() (mediaRange, bool) {
	var r mediaRange
	typ, ok := p.token()
	if !ok || p.peek() != '/' {
		return r, false
	}
	p.i++
	sub, ok := p.token()
	if !ok {
		return r, false
	}
	r.typ, r.subtype, r.q = strings.ToLower(typ), strings.ToLower(sub), 1
	// *( OWS ";" OWS parameter ), a parameter not named "q".
	for {
		save := p.i
		p.ows()
		if p.peek() != ';' {
			p.i = save
			break
		}
		p.i++
		p.ows()
		if p.isWeight() {
			p.i = save
			break
		}
		name, ok := p.token()
		if !ok || p.peek() != '=' {
			p.i = save
			break
		}
		p.i++
		val, ok := p.value()
		if !ok {
			p.i = save
			break
		}
		r.params = append(r.params, [2]string{strings.ToLower(name), val})
	}
	// weight = OWS ";" OWS "q=" qvalue, then *( accept-ext )
	save := p.i
	p.ows()
	if p.peek() == ';' {
		p.i++
		p.ows()
		if p.isWeight() {
			p.i += 2
			q, ok := p.qvalue()
			if !ok {
				p.i = save
				return r, true
			}
			r.q = q
			for {
				s2 := p.i
				p.ows()
				if p.peek() != ';' {
					p.i = s2
					break
				}
				p.i++
				p.ows()
				if _, ok := p.token(); !ok {
					p.i = s2
					break
				}
				if p.peek() == '=' {
					p.i++
					if _, ok := p.value(); !ok {
						p.i = s2
						break
					}
				}
			}
			return r, true
		}
	}
	p.i = save
	return r, true
}

func (p *acceptParser) isWeight() bool {
	return p.i+1 < len(p.s) && (p.s[p.i] == 'q' || p.s[p.i] == 'Q') && p.s[p.i+1] == '='
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
func (p *acceptParser) qvalue() (float64, bool) {
	start := p.i
	switch p.peek() {
	case '0':
		p.i++
		if p.peek() == '.' {
			p.i++
			for n := 0; n < 3 && p.peek() >= '0' && p.peek() <= '9'; n++ {
				p.i++
			}
		}
	case '1':
		p.i++
		if p.peek() == '.' {
			p.i++
			for n := 0; n < 3 && p.peek() == '0'; n++ {
				p.i++
			}
		}
	default:
		return 0, false
	}
	q, err := strconv.ParseFloat(p.s[start:p.i], 64)
	if err != nil {
		return 0, false
	}
	return q, true
}

func isTchar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 && c != 0
}

// acceptableOffers is WebOb's acceptable_offers for offers without
// parameters: the offers the header accepts, most preferred first (by
// the quality of the most specific range matching each; ties in the
// order given). present false (no header) or an invalid header accept
// every offer in order.
func acceptableOffers(value string, present bool, offers []string) []string {
	if !present {
		return offers
	}
	ranges, ok := parseAccept(value)
	if !ok {
		return offers
	}
	type match struct {
		offer       string
		q           float64
		idx, specif int
	}
	var matches []match
	for i, offer := range offers {
		otyp, osub, _ := strings.Cut(offer, "/")
		best := match{offer: offer, idx: i}
		for _, r := range ranges {
			var sp int
			switch {
			case r.typ == otyp && r.subtype == osub:
				if len(r.params) != 0 {
					continue // the offers have no parameters
				}
				sp = 3
			case r.subtype == "*" && r.typ == otyp:
				sp = 2
			case r.typ == "*" && r.subtype == "*":
				sp = 1
			default:
				continue
			}
			if sp <= best.specif {
				continue
			}
			best.q, best.specif = r.q, sp
		}
		if best.specif > 0 && best.q != 0 {
			matches = append(matches, best)
		}
	}
	sort.SliceStable(matches, func(a, b int) bool { return matches[a].q > matches[b].q })
	out := make([]string, len(matches))
	for i, m := range matches {
		out[i] = m.offer
	}
	return out
}

// wsgiHeader returns a request header as a WSGI environ has it: the
// values of repeated header lines joined with ",", and whether there was
// one.
func wsgiHeader(h http.Header, canonicalName string) (string, bool) {
	v, ok := h[canonicalName]
	if !ok || len(v) == 0 {
		return "", false
	}
	if len(v) == 1 {
		return v[0], true
	}
	return strings.Join(v, ","), true
}
