package wsgi

import (
	"crypto/tls"
	"slices"
	"strings"
	"testing"
)

var cipherLists = []string{
	"ALL", "DEFAULT", "HIGH", "HIGH:!aNULL:!MD5", "ECDHE+AESGCM", "ECDHE+AESGCM:!ECDSA", "kRSA",
	"RSA", "aRSA", "aECDSA", "ECDSA", "SHA1", "SHA", "SHA256", "SHA384", "AESGCM", "AES", "AES128",
	"AES256", "CHACHA20", "SSLv3", "TLSv1", "TLSv1.0", "TLSv1.2", "ECDH", "EECDH", "ECDHE", "kECDHE",
	"kEECDH", "FIPS", "SUITEB128", "SUITEB128ONLY", "SUITEB192", "SUITEB128C2",
	"CHACHA20:ECDHE-RSA-AES128-SHA", "ALL:!RSA", "ALL:-AES:AES256", "ALL:!AES:AES256",
	"ECDHE-RSA-AES128-GCM-SHA256,AES256-SHA", "AES128-SHA AES256-SHA", "AES+SHA1",
	"ECDHE-RSA-AES128-SHA+AES128", "kRSA+AES128", "aRSA+kECDHE+AESGCM", "ALL:@SECLEVEL=0",
	"DEFAULT:@SECLEVEL=2", "ALL:+RSA", "ALL:COMPLEMENTOFDEFAULT", "RSA+AESGCM", "HIGH:@STRENGTH",
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256",
	"DHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384", "AES256-SHA256:AES128-SHA256",
	"ALL:!SHA1:!SHA256", "HIGH:-kRSA:kRSA+AESGCM", "!AES:ALL", "AECDH:ADH:aNULL",
	// Nothing Go has: OpenSSL fails the same way.
	"MEDIUM", "LOW", "EXPORT", "eNULL", "NULL", "aNULL", "DHE", "kDHE", "CAMELLIA", "PSK",
	"AESCCM", "DHE-RSA-AES256-GCM-SHA384", "COMPLEMENTOFALL", "ALL:!ALL",
}

const cipherOracle = `
import json, ssl, sys
out = []
for spec in json.load(sys.stdin):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        ctx.set_ciphers(spec)
        out.append(sorted(c["name"] for c in ctx.get_ciphers() if c["protocol"] != "TLSv1.3"))
    except ssl.SSLError:
        out.append(None)
print(json.dumps(out))
`

// TestCiphersAgainstOpenSSL evaluates each cipher list in Go and with
// OpenSSL (Python's ssl module) and compares the selections among the
// suites Go implements.
func TestCiphersAgainstOpenSSL(t *testing.T) {
	var want [][]string
	python(t, cipherOracle, cipherLists, &want)
	for i, list := range cipherLists {
		t.Run(list, func(t *testing.T) {
			var w []string
			if want[i] != nil {
				for _, n := range want[i] {
					if goCipherByName(n) != nil {
						w = append(w, n)
					}
				}
			}
			ids, _, err := parseCiphers(list)
			if len(w) == 0 {
				if err == nil {
					t.Fatalf("OpenSSL selects none of Go's suites, Go selects %v", suiteNames(ids))
				}
				return
			}
			if err != nil {
				t.Fatalf("Go: %v; OpenSSL selects %v", err, w)
			}
			got := suiteNames(ids)
			slices.Sort(got)
			if !slices.Equal(got, w) {
				t.Fatalf("\n got %v\nwant %v", got, w)
			}
		})
	}
}

func suiteNames(ids []uint16) []string {
	var out []string
	for _, id := range ids {
		for _, c := range goCiphers {
			if c.id == id {
				out = append(out, c.name)
			}
		}
	}
	return out
}

// TestCipherNamesKnownToOpenSSL: every OpenSSL cipher name is either one
// of Go's suites or in the list of those Go lacks, so that none of them
// is reported as unknown.
func TestCipherNamesKnownToOpenSSL(t *testing.T) {
	var all [][]string
	python(t, cipherOracle, []string{"ALL:COMPLEMENTOFALL:@SECLEVEL=0"}, &all)
	for _, n := range all[0] {
		if goCipherByName(n) == nil && !knownOpenSSLCiphers[n] {
			t.Errorf("OpenSSL cipher %s is unknown to goslo", n)
		}
	}
	// And Go's table matches crypto/tls's names for the same IDs.
	for _, c := range goCiphers {
		if tls.CipherSuiteName(c.id) == "" || strings.HasPrefix(tls.CipherSuiteName(c.id), "0x") {
			t.Errorf("%s: %#x is not a crypto/tls suite", c.name, c.id)
		}
	}
}

func TestCipherErrors(t *testing.T) {
	for _, tc := range []struct{ list, want string }{
		{"FOO", `unknown cipher or alias "FOO"`},
		{"FOO:AES128-SHA", `unknown cipher or alias "FOO"`},
		{"AES128-SHA:kECDH", `unknown cipher or alias "kECDH"`},
		{"", "empty cipher list"},
		{"::", "empty cipher list"},
		{"ECDHE++AES", "malformed"},
		{"@FOO", "unknown cipher list command"},
		{"DHE-RSA-AES256-GCM-SHA384:CAMELLIA128-SHA", "Go does not implement DHE-RSA-AES256-GCM-SHA384, CAMELLIA128-SHA"},
		{"MEDIUM", "no cipher can be selected"},
	} {
		t.Run(tc.list, func(t *testing.T) {
			_, _, err := parseCiphers(tc.list)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
	// Known but unsupported ciphers next to supported ones are reported,
	// not fatal.
	ids, unsup, err := parseCiphers("DHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384")
	if err != nil || len(ids) != 1 || ids[0] != tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 || !slices.Equal(unsup, []string{"DHE-RSA-AES256-GCM-SHA384"}) {
		t.Fatalf("got %v %v %v", ids, unsup, err)
	}
}

func TestParseTLSVersion(t *testing.T) {
	for _, tc := range []struct {
		in     string
		lo, hi uint16
		err    string
	}{
		{"TLSv1", tls.VersionTLS10, tls.VersionTLS10, ""},
		{"tlsv1_1", tls.VersionTLS11, tls.VersionTLS11, ""},
		{"TLSv1_2", tls.VersionTLS12, tls.VersionTLS12, ""},
		{"TLSV1_3", tls.VersionTLS13, tls.VersionTLS13, ""},
		{"SSLv23", 0, 0, ""},
		{"SSLv3", 0, 0, "Go does not implement SSL 2 or 3"},
		{"TLSv1.2", 0, 0, "invalid SSL version : TLSv1.2"},
		{"bogus", 0, 0, "invalid SSL version : bogus"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			lo, hi, err := parseTLSVersion(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || lo != tc.lo || hi != tc.hi {
				t.Fatalf("got %x %x %v", lo, hi, err)
			}
		})
	}
}
