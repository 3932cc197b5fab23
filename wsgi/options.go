package wsgi

import (
	"fmt"

	"github.com/goslo/goslo/config"
)

// The options of oslo_service.wsgi (wsgi_opts, in [DEFAULT]) with oslo's
// names, defaults and help. Read them with Get after RegisterOptions.
var (
	APIPasteConfig = &config.Opt[string]{Name: "api_paste_config", Default: "api-paste.ini",
		Help: "File name for the paste.deploy config for api service"}
	LogFormat = &config.Opt[string]{Name: "wsgi_log_format",
		Default: `%(client_ip)s "%(request_line)s" status: %(status_code)s  len: %(body_length)s time: %(wall_seconds).7f`,
		Help: "A python format string that is used as the template to generate log lines. " +
			"The following values can beformatted into it: client_ip, date_time, request_line, " +
			"status_code, body_length, wall_seconds."}
	TCPKeepIdle = &config.Opt[int]{Name: "tcp_keepidle", Default: 600,
		Help: "Sets the value of TCP_KEEPIDLE in seconds for each server socket. Not supported on OS X."}
	DefaultPoolSize = &config.Opt[int]{Name: "wsgi_default_pool_size", Default: 100,
		Help: "Size of the pool of greenthreads used by wsgi"}
	MaxHeaderLine = &config.Opt[int]{Name: "max_header_line", Default: 16384,
		Help: "Maximum line size of message headers to be accepted. max_header_line may need to be " +
			"increased when using large tokens (typically those generated when keystone is configured " +
			"to use PKI tokens with big service catalogs)."}
	KeepAlive = &config.Opt[bool]{Name: "wsgi_keep_alive", Default: true,
		Help: "If False, closes the client socket connection explicitly."}
	ClientSocketTimeout = &config.Opt[int]{Name: "client_socket_timeout", Default: 900,
		Help: "Timeout for client connections' socket operations. If an incoming connection is idle " +
			"for this number of seconds it will be closed. A value of '0' means wait forever."}
	ServerDebug = &config.Opt[bool]{Name: "wsgi_server_debug", Default: false,
		Help: "True if the server should send exception tracebacks to the clients on 500 errors. " +
			"If False, the server will respond with empty bodies."}
)

// The options of oslo_service.sslutils (ssl_opts, in [ssl]), with their
// old names in [DEFAULT].
var (
	SSLCAFile = &config.Opt[string]{Name: "ca_file", Group: SSLGroup,
		DeprecatedGroup: config.DefaultGroup, DeprecatedName: "ssl_ca_file",
		Help: "CA certificate file to use to verify connecting clients."}
	SSLCertFile = &config.Opt[string]{Name: "cert_file", Group: SSLGroup,
		DeprecatedGroup: config.DefaultGroup, DeprecatedName: "ssl_cert_file",
		Help: "Certificate file to use when starting the server securely."}
	SSLKeyFile = &config.Opt[string]{Name: "key_file", Group: SSLGroup,
		DeprecatedGroup: config.DefaultGroup, DeprecatedName: "ssl_key_file",
		Help: "Private key file to use when starting the server securely."}
	SSLVersion = &config.Opt[string]{Name: "version", Group: SSLGroup,
		Help: "SSL version to use (valid only if SSL enabled). Valid values are TLSv1 and SSLv23. " +
			"SSLv2, SSLv3, TLSv1_1, and TLSv1_2 may be available on some distributions."}
	SSLCiphers = &config.Opt[string]{Name: "ciphers", Group: SSLGroup,
		Help: "Sets the list of available ciphers. value should be a string in the OpenSSL cipher list format."}
)

// SSLGroup is the group of the TLS options, oslo's sslutils.config_section.
const SSLGroup = "ssl"

// Options returns the [DEFAULT] options of the WSGI server, in oslo's
// order (oslo_service.wsgi.list_opts).
func Options() []config.Option {
	return []config.Option{APIPasteConfig, LogFormat, TCPKeepIdle, DefaultPoolSize,
		MaxHeaderLine, KeepAlive, ClientSocketTimeout, ServerDebug}
}

// SSLOptions returns the [ssl] options (oslo_service.sslutils.list_opts).
func SSLOptions() []config.Option {
	return []config.Option{SSLCAFile, SSLCertFile, SSLKeyFile, SSLVersion, SSLCiphers}
}

// RegisterOptions registers the WSGI options in [DEFAULT] and the TLS
// options in [ssl] (oslo's wsgi.register_opts and sslutils.register_opts).
// Registering them again is harmless; NewServer and NewLoader call it.
func RegisterOptions(conf *config.Config) error {
	if err := conf.Register(Options()...); err != nil {
		return fmt.Errorf("wsgi: register options: %w", err)
	}
	if err := conf.RegisterGroup(config.Group{Name: SSLGroup, Title: "ssl options"}); err != nil {
		return fmt.Errorf("wsgi: register options: %w", err)
	}
	if err := conf.Register(SSLOptions()...); err != nil {
		return fmt.Errorf("wsgi: register options: %w", err)
	}
	return nil
}

// The options under oslo.service's namespace names, so a generator
// config file written for an OpenStack service (namespace =
// oslo.service.wsgi, oslo.service.sslutils) works unchanged.
func init() {
	config.RegisterNamespace("oslo.service.wsgi", func() []config.GroupOpts {
		return []config.GroupOpts{{Opts: Options()}}
	})
	config.RegisterNamespace("oslo.service.sslutils", func() []config.GroupOpts {
		return []config.GroupOpts{{Group: config.Group{Name: SSLGroup}, Opts: SSLOptions()}}
	})
}
