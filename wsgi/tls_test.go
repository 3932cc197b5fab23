package wsgi

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pki is a CA with a server and a client certificate, written as PEM
// files.
type pki struct {
	dir                       string
	caFile, certFile, keyFile string
	pool                      *x509.CertPool
	client                    tls.Certificate
	otherClient               tls.Certificate // signed by another CA
}

func newPKI(t testing.TB) *pki {
	t.Helper()
	p := &pki{dir: t.TempDir()}
	ca, caKey := selfSigned(t, "test CA")
	p.pool = x509.NewCertPool()
	p.pool.AddCert(ca)
	p.caFile = writePEM(t, p.dir, "ca.pem", "CERTIFICATE", ca.Raw)
	// An RSA server key, so that the aRSA suites can be tested.
	srvKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	srvDER := issue(t, ca, caKey, &srvKey.PublicKey, &x509.Certificate{
		Subject: pkix.Name{CommonName: "server"}, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	p.certFile = writePEM(t, p.dir, "server.pem", "CERTIFICATE", srvDER)
	p.keyFile = writePEM(t, p.dir, "server.key", "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(srvKey))
	p.client = clientCert(t, ca, caKey)
	other, otherKey := selfSigned(t, "other CA")
	p.otherClient = clientCert(t, other, otherKey)
	return p
}

func selfSigned(t testing.TB, name string) (*x509.Certificate, *ecdsa.PrivateKey) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert, key
}

func issue(t testing.TB, ca *x509.Certificate, caKey *ecdsa.PrivateKey, pub any, tmpl *x509.Certificate) []byte {
	tmpl.SerialNumber = big.NewInt(time.Now().UnixNano())
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, pub, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func clientCert(t testing.TB, ca *x509.Certificate, caKey *ecdsa.PrivateKey) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der := issue(t, ca, caKey, &key.PublicKey, &x509.Certificate{Subject: pkix.Name{CommonName: "client"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func writePEM(t testing.TB, dir, name, typ string, der []byte) string {
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// tlsGet makes one request with cfg and reports the connection state.
func tlsGet(addr string, cfg *tls.Config) (*tls.ConnectionState, string, error) {
	tr := &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("https://" + addr + "/")
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.TLS, resp.Proto + " " + string(b), err
}

func TestTLS(t *testing.T) {
	p := newPKI(t)
	base := fmt.Sprintf("[ssl]\ncert_file = %s\nkey_file = %s\n", p.certFile, p.keyFile)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who := "anonymous"
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			who = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		io.WriteString(w, who)
	})
	trust := func(c *tls.Config) *tls.Config {
		c.RootCAs, c.ServerName = p.pool, "localhost"
		return c
	}
	type attempt struct {
		name    string
		client  *tls.Config
		want    string // body, or "" when the handshake must fail
		version uint16
		suite   uint16
	}
	for _, tc := range []struct {
		name     string
		ini      string
		attempts []attempt
	}{
		{"server cert only", base, []attempt{
			{name: "no client cert", client: trust(&tls.Config{}), want: "HTTP/1.1 anonymous", version: tls.VersionTLS13},
			{name: "untrusting client", client: &tls.Config{ServerName: "localhost"}},
		}},
		{"client certs required", base + "ca_file = " + p.caFile + "\n", []attempt{
			{name: "with cert", client: trust(&tls.Config{Certificates: []tls.Certificate{p.client}}), want: "HTTP/1.1 client"},
			{name: "without cert", client: trust(&tls.Config{})},
			{name: "cert of another CA", client: trust(&tls.Config{Certificates: []tls.Certificate{p.otherClient}})},
		}},
		{"version TLSv1_2", base + "version = TLSv1_2\n", []attempt{
			{name: "any client", client: trust(&tls.Config{}), want: "HTTP/1.1 anonymous", version: tls.VersionTLS12},
			{name: "TLS 1.3 only", client: trust(&tls.Config{MinVersion: tls.VersionTLS13})},
		}},
		{"version SSLv23", base + "version = SSLv23\n", []attempt{
			{name: "any client", client: trust(&tls.Config{}), want: "HTTP/1.1 anonymous", version: tls.VersionTLS13},
		}},
		{"ciphers", base + "version = TLSv1_2\nciphers = ECDHE-RSA-AES128-GCM-SHA256:!aNULL\n", []attempt{
			{name: "any client", client: trust(&tls.Config{}), want: "HTTP/1.1 anonymous", version: tls.VersionTLS12, suite: tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256},
			{name: "other suite only", client: trust(&tls.Config{CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384}})},
		}},
		{"ciphers aliases", base + "version = TLSv1_2\nciphers = HIGH:!kRSA:!AESGCM:!SHA1:!SHA256\n", []attempt{
			{name: "any client", client: trust(&tls.Config{}), want: "HTTP/1.1 anonymous", version: tls.VersionTLS12, suite: tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t, loadConf(t, tc.ini), h, ServerOptions{UseSSL: true})
			addr := s.Addr().String()
			for _, a := range tc.attempts {
				t.Run(a.name, func(t *testing.T) {
					st, body, err := tlsGet(addr, a.client)
					if a.want == "" {
						if err == nil {
							t.Fatalf("request succeeded: %q", body)
						}
						return
					}
					if err != nil {
						t.Fatal(err)
					}
					if body != a.want {
						t.Fatalf("got %q, want %q", body, a.want)
					}
					if a.version != 0 && st.Version != a.version {
						t.Errorf("version %x, want %x", st.Version, a.version)
					}
					if a.suite != 0 && st.CipherSuite != a.suite {
						t.Errorf("suite %s, want %s", tls.CipherSuiteName(st.CipherSuite), tls.CipherSuiteName(a.suite))
					}
				})
			}
			// Plain HTTP on the TLS port gets an answer, not silence.
			out := exchange(t, addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			if !strings.HasPrefix(out, "HTTP/1.0 400 Bad Request") {
				t.Errorf("plain HTTP: %q", out)
			}
		})
	}
}

func TestTLSErrors(t *testing.T) {
	p := newPKI(t)
	missing := filepath.Join(p.dir, "missing.pem")
	for _, tc := range []struct{ name, ini, want string }{
		{"no cert", "", "When running server in SSL mode, you must specify both a cert_file and key_file"},
		{"no key", "[ssl]\ncert_file = " + p.certFile + "\n", "you must specify both a cert_file and key_file"},
		{"missing cert", "[ssl]\ncert_file = " + missing + "\nkey_file = " + p.keyFile + "\n", "[ssl] cert_file: Unable to find cert_file : " + missing},
		{"missing key", "[ssl]\ncert_file = " + p.certFile + "\nkey_file = " + missing + "\n", "Unable to find key_file"},
		{"missing ca", "[ssl]\ncert_file = " + p.certFile + "\nkey_file = " + p.keyFile + "\nca_file = " + missing + "\n", "Unable to find ca_file"},
		{"key does not match", "[ssl]\ncert_file = " + p.certFile + "\nkey_file = " + p.caFile + "\n", "[ssl] cert_file " + p.certFile},
		{"ca not PEM", "[ssl]\ncert_file = " + p.certFile + "\nkey_file = " + p.keyFile + "\nca_file = " + p.keyFile + "\n", "no PEM certificate"},
		{"bad version", "[ssl]\ncert_file = " + p.certFile + "\nkey_file = " + p.keyFile + "\nversion = TLSv9\n", "[ssl] version: invalid SSL version : TLSv9"},
		{"bad ciphers", "[ssl]\ncert_file = " + p.certFile + "\nkey_file = " + p.keyFile + "\nciphers = NOPE\n", `[ssl] ciphers "NOPE": unknown cipher or alias "NOPE"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewServer(loadConf(t, tc.ini), "api", http.HandlerFunc(hello), ServerOptions{Host: testHost(), UseSSL: true, Log: discardLog()})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	// Without use_ssl the [ssl] options are not looked at, as in oslo.
	if _, err := NewServer(loadConf(t, "[ssl]\ncert_file = "+missing+"\n"), "api", http.HandlerFunc(hello), ServerOptions{Host: testHost(), Log: discardLog()}); err != nil {
		t.Fatal(err)
	}
}

// TestTLSRestartReloadsCertificate: a restart reads the certificate files
// again (a renewed certificate is served without a new process).
func TestTLSRestartReloadsCertificate(t *testing.T) {
	p1, p2 := newPKI(t), newPKI(t)
	conf := loadConf(t, fmt.Sprintf("[ssl]\ncert_file = %s\nkey_file = %s\n", p1.certFile, p1.keyFile))
	s := startServer(t, conf, http.HandlerFunc(hello), ServerOptions{UseSSL: true})
	cfg := func(p *pki) *tls.Config { return &tls.Config{RootCAs: p.pool, ServerName: "localhost"} }
	if _, _, err := tlsGet(s.Addr().String(), cfg(p1)); err != nil {
		t.Fatal(err)
	}
	if err := SSLCertFile.Override(conf, p2.certFile); err != nil {
		t.Fatal(err)
	}
	if err := SSLKeyFile.Override(conf, p2.keyFile); err != nil {
		t.Fatal(err)
	}
	if err := s.Restart(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tlsGet(s.Addr().String(), cfg(p2)); err != nil {
		t.Fatalf("new certificate: %v", err)
	}
	if _, _, err := tlsGet(s.Addr().String(), cfg(p1)); err == nil {
		t.Fatal("the old certificate is still served")
	}
}
