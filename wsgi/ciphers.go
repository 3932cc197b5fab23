package wsgi

import (
	"crypto/tls"
	"fmt"
	"strings"
)

// [ssl] ciphers is written in OpenSSL's cipher list format
// ("ECDHE+AESGCM:!aNULL:AES256-SHA"). Go's crypto/tls has no parser for
// it, and OpenSSL's is not reachable without cgo, so this file evaluates
// such a list against the TLS 1.2 cipher suites Go implements: each is
// described by the same attributes OpenSSL's aliases select on (key
// exchange, authentication, encryption, MAC, first protocol version), and
// the list's operators (X, -X, !X, +X, A+B, @STRENGTH, @SECLEVEL=n) are
// applied in order as OpenSSL applies them. The result was checked against
// OpenSSL 3.0 through Python's ssl module (see ciphers_test.go).
//
// Like OpenSSL's list, it configures TLS 1.2 and below only: TLS 1.3
// suites are always enabled (OpenSSL sets them with a separate call that
// oslo never makes). Go chooses the order of preference itself, so the
// order of the list does not matter. Differences from OpenSSL, on purpose:
// a word that is neither an alias nor a cipher name is an error (OpenSSL
// skips it silently unless nothing matches), and a cipher OpenSSL knows
// but Go does not implement (DHE, CAMELLIA, ARIA, CCM, PSK, ...) is
// skipped and reported, so the error names what cannot be served.

type cipherAttrs struct {
	name  string // OpenSSL's name
	id    uint16
	kx    string // kRSA, kECDHE
	au    string // aRSA, aECDSA
	enc   string // AES128, AES256, AESGCM128, AESGCM256, CHACHA20
	mac   string // SHA1, SHA256, AEAD
	proto string // SSLv3, TLSv1, TLSv1.2: the first version that has it
}

// goCiphers are the TLS 1.2 suites of crypto/tls that OpenSSL 3 also
// offers. (Go's RC4 and 3DES suites are left out: OpenSSL 3 does not
// build them, so no oslo service could have used them.)
var goCiphers = []cipherAttrs{
	{"ECDHE-ECDSA-AES256-GCM-SHA384", tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "kECDHE", "aECDSA", "AESGCM256", "AEAD", "TLSv1.2"},
	{"ECDHE-RSA-AES256-GCM-SHA384", tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "kECDHE", "aRSA", "AESGCM256", "AEAD", "TLSv1.2"},
	{"ECDHE-ECDSA-CHACHA20-POLY1305", tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "kECDHE", "aECDSA", "CHACHA20", "AEAD", "TLSv1.2"},
	{"ECDHE-RSA-CHACHA20-POLY1305", tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "kECDHE", "aRSA", "CHACHA20", "AEAD", "TLSv1.2"},
	{"ECDHE-ECDSA-AES128-GCM-SHA256", tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "kECDHE", "aECDSA", "AESGCM128", "AEAD", "TLSv1.2"},
	{"ECDHE-RSA-AES128-GCM-SHA256", tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "kECDHE", "aRSA", "AESGCM128", "AEAD", "TLSv1.2"},
	{"ECDHE-ECDSA-AES128-SHA256", tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, "kECDHE", "aECDSA", "AES128", "SHA256", "TLSv1.2"},
	{"ECDHE-RSA-AES128-SHA256", tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, "kECDHE", "aRSA", "AES128", "SHA256", "TLSv1.2"},
	{"ECDHE-ECDSA-AES256-SHA", tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, "kECDHE", "aECDSA", "AES256", "SHA1", "TLSv1"},
	{"ECDHE-RSA-AES256-SHA", tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, "kECDHE", "aRSA", "AES256", "SHA1", "TLSv1"},
	{"ECDHE-ECDSA-AES128-SHA", tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, "kECDHE", "aECDSA", "AES128", "SHA1", "TLSv1"},
	{"ECDHE-RSA-AES128-SHA", tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, "kECDHE", "aRSA", "AES128", "SHA1", "TLSv1"},
	{"AES256-GCM-SHA384", tls.TLS_RSA_WITH_AES_256_GCM_SHA384, "kRSA", "aRSA", "AESGCM256", "AEAD", "TLSv1.2"},
	{"AES128-GCM-SHA256", tls.TLS_RSA_WITH_AES_128_GCM_SHA256, "kRSA", "aRSA", "AESGCM128", "AEAD", "TLSv1.2"},
	{"AES128-SHA256", tls.TLS_RSA_WITH_AES_128_CBC_SHA256, "kRSA", "aRSA", "AES128", "SHA256", "TLSv1.2"},
	{"AES256-SHA", tls.TLS_RSA_WITH_AES_256_CBC_SHA, "kRSA", "aRSA", "AES256", "SHA1", "SSLv3"},
	{"AES128-SHA", tls.TLS_RSA_WITH_AES_128_CBC_SHA, "kRSA", "aRSA", "AES128", "SHA1", "SSLv3"},
}

type cipherPred func(c *cipherAttrs) bool

func all(*cipherAttrs) bool  { return true }
func none(*cipherAttrs) bool { return false }

func isAES128(c *cipherAttrs) bool { return c.enc == "AES128" || c.enc == "AESGCM128" }
func isAES256(c *cipherAttrs) bool { return c.enc == "AES256" || c.enc == "AESGCM256" }

func byName(names ...string) cipherPred {
	return func(c *cipherAttrs) bool {
		for _, n := range names {
			if c.name == n {
				return true
			}
		}
		return false
	}
}

// cipherAliases are OpenSSL 3's aliases, as they select among goCiphers.
// Aliases that select only ciphers Go lacks map to none.
var cipherAliases = map[string]cipherPred{
	"ALL": all, "DEFAULT": all, "HIGH": all,
	"COMPLEMENTOFALL": none, "COMPLEMENTOFDEFAULT": none,
	"MEDIUM": none, "LOW": none, "EXP": none, "EXPORT": none, "EXPORT40": none, "EXPORT56": none,
	"eNULL": none, "NULL": none, "aNULL": none, "ADH": none, "AECDH": none,
	"kRSA":   func(c *cipherAttrs) bool { return c.kx == "kRSA" },
	"RSA":    func(c *cipherAttrs) bool { return c.kx == "kRSA" },
	"aRSA":   func(c *cipherAttrs) bool { return c.au == "aRSA" },
	"kECDHE": func(c *cipherAttrs) bool { return c.kx == "kECDHE" },
	"kEECDH": func(c *cipherAttrs) bool { return c.kx == "kECDHE" },
	"ECDHE":  func(c *cipherAttrs) bool { return c.kx == "kECDHE" },
	"EECDH":  func(c *cipherAttrs) bool { return c.kx == "kECDHE" },
	"ECDH":   func(c *cipherAttrs) bool { return c.kx == "kECDHE" },
	"aECDSA": func(c *cipherAttrs) bool { return c.au == "aECDSA" },
	"ECDSA":  func(c *cipherAttrs) bool { return c.au == "aECDSA" },
	"kDHE":   none, "kEDH": none, "DH": none, "DHE": none, "EDH": none, "kDHEPSK": none,
	"aDSS": none, "DSS": none, "PSK": none, "kPSK": none, "kECDHEPSK": none, "kRSAPSK": none, "aPSK": none,
	"SRP": none, "kSRP": none, "aSRP": none,
	"AES128":   isAES128,
	"AES256":   isAES256,
	"AES":      func(c *cipherAttrs) bool { return isAES128(c) || isAES256(c) },
	"AESGCM":   func(c *cipherAttrs) bool { return c.enc == "AESGCM128" || c.enc == "AESGCM256" },
	"CHACHA20": func(c *cipherAttrs) bool { return c.enc == "CHACHA20" },
	"AESCCM":   none, "AESCCM8": none,
	"CAMELLIA": none, "CAMELLIA128": none, "CAMELLIA256": none,
	"ARIA": none, "ARIA128": none, "ARIA256": none, "ARIAGCM": none,
	"3DES": none, "DES": none, "RC4": none, "RC2": none, "IDEA": none, "SEED": none, "MD5": none,
	"GOST94": none, "GOST89MAC": none, "kGOST": none, "aGOST": none, "aGOST01": none,
	"SHA1":          func(c *cipherAttrs) bool { return c.mac == "SHA1" },
	"SHA":           func(c *cipherAttrs) bool { return c.mac == "SHA1" },
	"SHA256":        func(c *cipherAttrs) bool { return c.mac == "SHA256" },
	"SHA384":        none,
	"SSLv3":         func(c *cipherAttrs) bool { return c.proto == "SSLv3" },
	"TLSv1":         func(c *cipherAttrs) bool { return c.proto == "TLSv1" },
	"TLSv1.0":       func(c *cipherAttrs) bool { return c.proto == "TLSv1" },
	"TLSv1.2":       func(c *cipherAttrs) bool { return c.proto == "TLSv1.2" },
	"FIPS":          func(c *cipherAttrs) bool { return c.enc != "CHACHA20" },
	"SUITEB128":     byName("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384"),
	"SUITEB128ONLY": byName("ECDHE-ECDSA-AES128-GCM-SHA256"),
	"SUITEB128C2":   byName("ECDHE-ECDSA-AES256-GCM-SHA384"),
	"SUITEB192":     byName("ECDHE-ECDSA-AES256-GCM-SHA384"),
}

// parseCiphers evaluates an OpenSSL cipher list. It returns Go's suite IDs
// and the cipher names of the list that OpenSSL knows but Go lacks.
func parseCiphers(list string) (ids []uint16, unsupported []string, err error) {
	var active []*cipherAttrs
	killed := map[*cipherAttrs]bool{}
	contains := func(c *cipherAttrs) int {
		for i, a := range active {
			if a == c {
				return i
			}
		}
		return -1
	}
	tokens := strings.FieldsFunc(list, func(r rune) bool { return r == ':' || r == ',' || r == ' ' || r == ';' })
	if len(tokens) == 0 {
		return nil, nil, fmt.Errorf("empty cipher list")
	}
	for _, tok := range tokens {
		if strings.HasPrefix(tok, "@") {
			if tok == "@STRENGTH" || strings.HasPrefix(tok, "@SECLEVEL=") {
				continue // ordering and OpenSSL's security levels: Go decides
			}
			return nil, nil, fmt.Errorf("unknown cipher list command %q", tok)
		}
		op := byte(0)
		if tok[0] == '!' || tok[0] == '-' || tok[0] == '+' {
			op, tok = tok[0], tok[1:]
		}
		var preds []cipherPred
		for _, word := range strings.Split(tok, "+") {
			if word == "" {
				return nil, nil, fmt.Errorf("malformed cipher list item %q", tok)
			}
			if p, ok := cipherAliases[word]; ok {
				preds = append(preds, p)
				continue
			}
			if goCipherByName(word) != nil {
				preds = append(preds, byName(word))
				continue
			}
			if knownOpenSSLCiphers[word] {
				unsupported = append(unsupported, word)
				preds = append(preds, none)
				continue
			}
			return nil, nil, fmt.Errorf("unknown cipher or alias %q", word)
		}
		for i := range goCiphers {
			c := &goCiphers[i]
			match := true
			for _, p := range preds {
				if !p(c) {
					match = false
					break
				}
			}
			if !match {
				continue
			}
			switch op {
			case 0:
				if !killed[c] && contains(c) < 0 {
					active = append(active, c)
				}
			case '-', '!':
				if j := contains(c); j >= 0 {
					active = append(active[:j], active[j+1:]...)
				}
				if op == '!' {
					killed[c] = true
				}
			case '+':
				if j := contains(c); j >= 0 {
					active = append(append(active[:j], active[j+1:]...), c)
				}
			}
		}
	}
	if len(active) == 0 {
		if len(unsupported) > 0 {
			return nil, unsupported, fmt.Errorf("no cipher can be selected: Go does not implement %s", strings.Join(unsupported, ", "))
		}
		return nil, nil, fmt.Errorf("no cipher can be selected")
	}
	for _, c := range active {
		ids = append(ids, c.id)
	}
	return ids, unsupported, nil
}

func goCipherByName(name string) *cipherAttrs {
	for i := range goCiphers {
		if goCiphers[i].name == name {
			return &goCiphers[i]
		}
	}
	return nil
}

// knownOpenSSLCiphers are the TLS 1.2 cipher names of OpenSSL 3.0
// ("ALL:COMPLEMENTOFALL:@SECLEVEL=0") that Go does not implement, the
// legacy ones OpenSSL 3 no longer builds, and the TLS 1.3 suites (which a
// cipher list cannot select).
var knownOpenSSLCiphers = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`
ADH-AES128-GCM-SHA256 ADH-AES128-SHA ADH-AES128-SHA256 ADH-AES256-GCM-SHA384 ADH-AES256-SHA
ADH-AES256-SHA256 ADH-CAMELLIA128-SHA ADH-CAMELLIA128-SHA256 ADH-CAMELLIA256-SHA ADH-CAMELLIA256-SHA256
AECDH-AES128-SHA AECDH-AES256-SHA AECDH-NULL-SHA AES128-CCM AES128-CCM8 AES256-CCM AES256-CCM8
AES256-SHA256 ARIA128-GCM-SHA256 ARIA256-GCM-SHA384 CAMELLIA128-SHA CAMELLIA128-SHA256 CAMELLIA256-SHA
CAMELLIA256-SHA256 DHE-DSS-AES128-GCM-SHA256 DHE-DSS-AES128-SHA DHE-DSS-AES128-SHA256
DHE-DSS-AES256-GCM-SHA384 DHE-DSS-AES256-SHA DHE-DSS-AES256-SHA256 DHE-DSS-ARIA128-GCM-SHA256
DHE-DSS-ARIA256-GCM-SHA384 DHE-DSS-CAMELLIA128-SHA DHE-DSS-CAMELLIA128-SHA256 DHE-DSS-CAMELLIA256-SHA
DHE-DSS-CAMELLIA256-SHA256 DHE-PSK-AES128-CBC-SHA DHE-PSK-AES128-CBC-SHA256 DHE-PSK-AES128-CCM
DHE-PSK-AES128-CCM8 DHE-PSK-AES128-GCM-SHA256 DHE-PSK-AES256-CBC-SHA DHE-PSK-AES256-CBC-SHA384
DHE-PSK-AES256-CCM DHE-PSK-AES256-CCM8 DHE-PSK-AES256-GCM-SHA384 DHE-PSK-ARIA128-GCM-SHA256
DHE-PSK-ARIA256-GCM-SHA384 DHE-PSK-CAMELLIA128-SHA256 DHE-PSK-CAMELLIA256-SHA384 DHE-PSK-CHACHA20-POLY1305
DHE-PSK-NULL-SHA DHE-PSK-NULL-SHA256 DHE-PSK-NULL-SHA384 DHE-RSA-AES128-CCM DHE-RSA-AES128-CCM8
DHE-RSA-AES128-GCM-SHA256 DHE-RSA-AES128-SHA DHE-RSA-AES128-SHA256 DHE-RSA-AES256-CCM DHE-RSA-AES256-CCM8
DHE-RSA-AES256-GCM-SHA384 DHE-RSA-AES256-SHA DHE-RSA-AES256-SHA256 DHE-RSA-ARIA128-GCM-SHA256
DHE-RSA-ARIA256-GCM-SHA384 DHE-RSA-CAMELLIA128-SHA DHE-RSA-CAMELLIA128-SHA256 DHE-RSA-CAMELLIA256-SHA
DHE-RSA-CAMELLIA256-SHA256 DHE-RSA-CHACHA20-POLY1305 ECDHE-ARIA128-GCM-SHA256 ECDHE-ARIA256-GCM-SHA384
ECDHE-ECDSA-AES128-CCM ECDHE-ECDSA-AES128-CCM8 ECDHE-ECDSA-AES256-CCM ECDHE-ECDSA-AES256-CCM8
ECDHE-ECDSA-AES256-SHA384 ECDHE-ECDSA-ARIA128-GCM-SHA256 ECDHE-ECDSA-ARIA256-GCM-SHA384
ECDHE-ECDSA-CAMELLIA128-SHA256 ECDHE-ECDSA-CAMELLIA256-SHA384 ECDHE-ECDSA-NULL-SHA ECDHE-PSK-AES128-CBC-SHA
ECDHE-PSK-AES128-CBC-SHA256 ECDHE-PSK-AES256-CBC-SHA ECDHE-PSK-AES256-CBC-SHA384 ECDHE-PSK-CAMELLIA128-SHA256
ECDHE-PSK-CAMELLIA256-SHA384 ECDHE-PSK-CHACHA20-POLY1305 ECDHE-PSK-NULL-SHA ECDHE-PSK-NULL-SHA256
ECDHE-PSK-NULL-SHA384 ECDHE-RSA-AES256-SHA384 ECDHE-RSA-CAMELLIA128-SHA256 ECDHE-RSA-CAMELLIA256-SHA384
ECDHE-RSA-NULL-SHA NULL-MD5 NULL-SHA NULL-SHA256 PSK-AES128-CBC-SHA PSK-AES128-CBC-SHA256 PSK-AES128-CCM
PSK-AES128-CCM8 PSK-AES128-GCM-SHA256 PSK-AES256-CBC-SHA PSK-AES256-CBC-SHA384 PSK-AES256-CCM PSK-AES256-CCM8
PSK-AES256-GCM-SHA384 PSK-ARIA128-GCM-SHA256 PSK-ARIA256-GCM-SHA384 PSK-CAMELLIA128-SHA256
PSK-CAMELLIA256-SHA384 PSK-CHACHA20-POLY1305 PSK-NULL-SHA PSK-NULL-SHA256 PSK-NULL-SHA384
RSA-PSK-AES128-CBC-SHA RSA-PSK-AES128-CBC-SHA256 RSA-PSK-AES128-GCM-SHA256 RSA-PSK-AES256-CBC-SHA
RSA-PSK-AES256-CBC-SHA384 RSA-PSK-AES256-GCM-SHA384 RSA-PSK-ARIA128-GCM-SHA256 RSA-PSK-ARIA256-GCM-SHA384
RSA-PSK-CAMELLIA128-SHA256 RSA-PSK-CAMELLIA256-SHA384 RSA-PSK-CHACHA20-POLY1305 RSA-PSK-NULL-SHA
RSA-PSK-NULL-SHA256 RSA-PSK-NULL-SHA384 SRP-AES-128-CBC-SHA SRP-AES-256-CBC-SHA SRP-DSS-AES-128-CBC-SHA
SRP-DSS-AES-256-CBC-SHA SRP-RSA-AES-128-CBC-SHA SRP-RSA-AES-256-CBC-SHA
DES-CBC3-SHA ECDHE-RSA-DES-CBC3-SHA ECDHE-ECDSA-DES-CBC3-SHA EDH-RSA-DES-CBC3-SHA EDH-DSS-DES-CBC3-SHA
DES-CBC-SHA RC4-SHA RC4-MD5 ECDHE-RSA-RC4-SHA ECDHE-ECDSA-RC4-SHA
TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256
TLS_AES_128_CCM_SHA256 TLS_AES_128_CCM_8_SHA256`) {
		m[n] = true
	}
	return m
}()
