package wsgi

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/goslo/goslo/config"
)

// tlsVersions maps [ssl] version, compared without case as oslo does, to
// the versions Go may negotiate. oslo's names pick one protocol
// (PROTOCOL_TLSv1_2 speaks TLS 1.2 only); SSLv23 negotiates the best both
// sides have. TLSv1_3 is goslo's: Python's ssl module has no such
// constant.
var tlsVersions = map[string][2]uint16{
	"tlsv1":   {tls.VersionTLS10, tls.VersionTLS10},
	"tlsv1_1": {tls.VersionTLS11, tls.VersionTLS11},
	"tlsv1_2": {tls.VersionTLS12, tls.VersionTLS12},
	"tlsv1_3": {tls.VersionTLS13, tls.VersionTLS13},
	"sslv23":  {0, 0}, // Go's defaults: TLS 1.2 and 1.3
}

// parseTLSVersion returns the lowest and highest version for [ssl]
// version (0, 0: Go's defaults).
func parseTLSVersion(v string) (uint16, uint16, error) {
	r, ok := tlsVersions[strings.ToLower(v)]
	if !ok {
		switch strings.ToLower(v) {
		case "sslv2", "sslv3":
			return 0, 0, fmt.Errorf("invalid SSL version : %s (Go does not implement SSL 2 or 3; valid: TLSv1, TLSv1_1, TLSv1_2, TLSv1_3, SSLv23)", v)
		}
		return 0, 0, fmt.Errorf("invalid SSL version : %s (valid: TLSv1, TLSv1_1, TLSv1_2, TLSv1_3, SSLv23)", v)
	}
	return r[0], r[1], nil
}

// tlsSettings reads [ssl] and builds the server's TLS configuration, with
// oslo's checks (sslutils.is_enabled) and error texts.
func tlsSettings(conf *config.Config, log *slog.Logger) (*tls.Config, error) {
	certFile := SSLCertFile.Get(conf)
	keyFile := SSLKeyFile.Get(conf)
	caFile := SSLCAFile.Get(conf)
	for _, f := range []struct{ opt, path string }{{"cert_file", certFile}, {"ca_file", caFile}, {"key_file", keyFile}} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(f.path); err != nil {
			return nil, fmt.Errorf("[ssl] %s: Unable to find %s : %s", f.opt, f.opt, f.path)
		}
	}
	if certFile == "" || keyFile == "" {
		return nil, errors.New("[ssl]: When running server in SSL mode, you must specify both a cert_file and key_file option value in your configuration file")
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("[ssl] cert_file %s, key_file %s: %w", certFile, keyFile, err)
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		// HTTP/1.1 only: the drain (Connection: close) is HTTP/1's, and
		// oslo's eventlet server speaks nothing else.
		NextProtos: []string{"http/1.1"},
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("[ssl] ca_file %s: %w", caFile, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("[ssl] ca_file %s: no PEM certificate in it", caFile)
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	if v := SSLVersion.Get(conf); v != "" {
		lo, hi, err := parseTLSVersion(v)
		if err != nil {
			return nil, fmt.Errorf("[ssl] version: %w", err)
		}
		cfg.MinVersion, cfg.MaxVersion = lo, hi
	}
	if list := SSLCiphers.Get(conf); list != "" {
		ids, unsupported, err := parseCiphers(list)
		if err != nil {
			return nil, fmt.Errorf("[ssl] ciphers %q: %w", list, err)
		}
		if len(unsupported) > 0 {
			log.Warn("[ssl] ciphers: Go does not implement some of the listed ciphers; they are left out",
				"ciphers", strings.Join(unsupported, ":"))
		}
		cfg.CipherSuites = ids
	}
	return cfg, nil
}
