package middleware

import (
	"fmt"
	"sync"

	"github.com/goslo/goslo/config"
)

// The group names oslo.middleware reads its options from.
const (
	GroupMiddleware  = "oslo_middleware"
	GroupCORS        = "cors"
	GroupHealthcheck = "healthcheck"
)

// Options of [oslo_middleware], with oslo.middleware's names, defaults and
// help.
var (
	// MaxRequestBodySize is sizelimit's limit (oslo_middleware.sizelimit).
	MaxRequestBodySize = &config.Opt[int]{Name: "max_request_body_size", Group: GroupMiddleware,
		Default: 114688, Type: config.Integer{},
		Help: "The maximum body size for each  request, in bytes.",
		DeprecatedOpts: []config.DeprecatedOpt{
			{Name: "osapi_max_request_body_size", Group: config.DefaultGroup},
			{Name: "max_request_body_size", Group: config.DefaultGroup},
		}}
	// SecureProxySSLHeader is the deprecated ssl filter's header
	// (oslo_middleware.ssl).
	SecureProxySSLHeader = &config.Opt[string]{Name: "secure_proxy_ssl_header", Group: GroupMiddleware,
		Default: "X-Forwarded-Proto", Type: config.String{}, DeprecatedForRemoval: true,
		Help: "The HTTP Header that will be used to determine what the original request protocol scheme was, even if it was hidden by a SSL termination proxy."}
	// EnableProxyHeadersParsing turns http_proxy_to_wsgi on
	// (oslo_middleware.http_proxy_to_wsgi).
	EnableProxyHeadersParsing = &config.Opt[bool]{Name: "enable_proxy_headers_parsing", Group: GroupMiddleware,
		Default: false, Type: config.Bool{},
		Help: "Whether the application is behind a proxy or not. This determines if the middleware should parse the headers or not."}
	// HTTPBasicAuthUserFile is basic_auth's password file. It is
	// registered and listed for compatibility; goslo has no basic_auth
	// filter (see the package documentation).
	HTTPBasicAuthUserFile = &config.Opt[string]{Name: "http_basic_auth_user_file", Group: GroupMiddleware,
		Default: "/etc/htpasswd", Type: config.String{},
		Help: "HTTP basic auth password file."}
)

// Options of [healthcheck].
var (
	HealthcheckPath = &config.Opt[string]{Name: "path", Group: GroupHealthcheck,
		Default: "/healthcheck", Type: config.String{}, DeprecatedForRemoval: true,
		Help: "The path to respond to healtcheck requests on."}
	HealthcheckDetailed = &config.Opt[bool]{Name: "detailed", Group: GroupHealthcheck,
		Default: false, Type: config.Bool{},
		Help: "Show more detailed information as part of the response. Security note: Enabling this option may expose sensitive details about the service being monitored. Be sure to verify that it will not violate your security policies."}
	HealthcheckBackends = &config.Opt[[]string]{Name: "backends", Group: GroupHealthcheck,
		Default: []string{}, Type: config.List[string]{},
		Help: "Additional backends that can perform health checks and report that information back as part of a request."}
	DisableByFilePath = &config.Opt[string]{Name: "disable_by_file_path", Group: GroupHealthcheck,
		Type: config.String{},
		Help: "Check the presence of a file to determine if an application is running on a port. Used by DisableByFileHealthcheck plugin."}
	DisableByFilePaths = &config.Opt[[]string]{Name: "disable_by_file_paths", Group: GroupHealthcheck,
		Default: []string{}, Type: config.List[string]{},
		Help: `Check the presence of a file based on a port to determine if an application is running on a port. Expects a "port:path" list of strings. Used by DisableByFilesPortsHealthcheck plugin.`}
)

// Help texts of the [cors] options.
const (
	helpAllowedOrigin    = `Indicate whether this resource may be shared with the domain received in the requests "origin" header. Format: "<protocol>://<host>[:<port>]", no trailing slash. Example: https://horizon.example.com`
	helpAllowCredentials = "Indicate that the actual request can include user credentials"
	helpExposeHeaders    = "Indicate which headers are safe to expose to the API. Defaults to HTTP Simple Headers."
	helpMaxAge           = "Maximum cache age of CORS preflight requests."
	helpAllowMethods     = "Indicate which methods can be used during the actual request."
	helpAllowHeaders     = "Indicate which header field names may be used during the actual request."
)

// corsOpts are the [cors] options (or those of a deprecated [cors.NAME]
// group), declared with the given defaults.
type corsOpts struct {
	allowedOrigin    *config.Opt[[]string]
	allowCredentials *config.Opt[bool]
	exposeHeaders    *config.Opt[[]string]
	maxAge           *config.Opt[int]
	allowMethods     *config.Opt[[]string]
	allowHeaders     *config.Opt[[]string]
}

func newCORSOpts(group string, p CORSPolicy) corsOpts {
	return corsOpts{
		allowedOrigin: &config.Opt[[]string]{Name: "allowed_origin", Group: group,
			Type: config.List[string]{}, Help: helpAllowedOrigin},
		allowCredentials: &config.Opt[bool]{Name: "allow_credentials", Group: group,
			Default: p.AllowCredentials, Type: config.Bool{}, Help: helpAllowCredentials},
		exposeHeaders: &config.Opt[[]string]{Name: "expose_headers", Group: group,
			Default: nonNil(p.ExposeHeaders), Type: config.List[string]{}, Help: helpExposeHeaders},
		maxAge: &config.Opt[int]{Name: "max_age", Group: group,
			Default: p.MaxAge, Type: config.Integer{}, Help: helpMaxAge},
		allowMethods: &config.Opt[[]string]{Name: "allow_methods", Group: group,
			Default: nonNil(p.AllowMethods), Type: config.List[string]{}, Help: helpAllowMethods},
		allowHeaders: &config.Opt[[]string]{Name: "allow_headers", Group: group,
			Default: nonNil(p.AllowHeaders), Type: config.List[string]{}, Help: helpAllowHeaders},
	}
}

func (o corsOpts) list() []config.Option {
	return []config.Option{o.allowedOrigin, o.allowCredentials, o.exposeHeaders, o.maxAge, o.allowMethods, o.allowHeaders}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return append([]string{}, s...)
}

// osloCORSPolicy is oslo's defaults of the [cors] options.
var osloCORSPolicy = CORSPolicy{
	AllowCredentials: true,
	ExposeHeaders:    []string{},
	MaxAge:           3600,
	AllowMethods:     []string{"OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "PATCH"},
	AllowHeaders:     []string{},
}

// cors holds the [cors] options, declared with oslo's defaults, and the
// defaults a service set with SetCORSDefaults.
var cors = struct {
	opts corsOpts
	mu   sync.Mutex
	defs CORSDefaults
}{opts: newCORSOpts(GroupCORS, osloCORSPolicy)}

// CORSDefaults are the defaults a service gives the [cors] options, as
// the keyword arguments of oslo_middleware.cors.set_defaults: a nil field
// keeps the current default. allowed_origin has no default to set, as in
// oslo.
type CORSDefaults struct {
	AllowCredentials *bool
	ExposeHeaders    []string
	MaxAge           *int
	AllowMethods     []string
	AllowHeaders     []string
}

// SetCORSDefaults changes the defaults of the [cors] options, as
// oslo_middleware.cors.set_defaults does: services call it to offer the
// headers their API needs (X-Auth-Token, X-OpenStack-Request-ID, ...)
// without operators configuring them. The new defaults apply to every
// Config the options are registered with afterwards (RegisterOptions,
// Register) and to the sample files the config generator writes; call
// it before those, from the service's setup. Fields left nil keep the
// defaults set before. Several calls combine, later fields winning.
func SetCORSDefaults(d CORSDefaults) {
	cors.mu.Lock()
	defer cors.mu.Unlock()
	if d.AllowCredentials != nil {
		v := *d.AllowCredentials
		cors.defs.AllowCredentials = &v
	}
	if d.ExposeHeaders != nil {
		cors.defs.ExposeHeaders = nonNil(d.ExposeHeaders)
	}
	if d.MaxAge != nil {
		v := *d.MaxAge
		cors.defs.MaxAge = &v
	}
	if d.AllowMethods != nil {
		cors.defs.AllowMethods = nonNil(d.AllowMethods)
	}
	if d.AllowHeaders != nil {
		cors.defs.AllowHeaders = nonNil(d.AllowHeaders)
	}
}

// currentCORSDefaults is oslo's policy with SetCORSDefaults applied.
func currentCORSDefaults() (CORSPolicy, CORSDefaults) {
	cors.mu.Lock()
	defer cors.mu.Unlock()
	p := osloCORSPolicy
	d := cors.defs
	if d.AllowCredentials != nil {
		p.AllowCredentials = *d.AllowCredentials
	}
	if d.ExposeHeaders != nil {
		p.ExposeHeaders = d.ExposeHeaders
	}
	if d.MaxAge != nil {
		p.MaxAge = *d.MaxAge
	}
	if d.AllowMethods != nil {
		p.AllowMethods = d.AllowMethods
	}
	if d.AllowHeaders != nil {
		p.AllowHeaders = d.AllowHeaders
	}
	return p, d
}

// applyCORSDefaults gives conf the defaults set with SetCORSDefaults.
func applyCORSDefaults(conf *config.Config) error {
	_, d := currentCORSDefaults()
	o := cors.opts
	var err error
	set := func(e error) {
		if err == nil && e != nil {
			err = e
		}
	}
	if d.AllowCredentials != nil {
		set(o.allowCredentials.SetDefault(conf, *d.AllowCredentials))
	}
	if d.ExposeHeaders != nil {
		set(o.exposeHeaders.SetDefault(conf, nonNil(d.ExposeHeaders)))
	}
	if d.MaxAge != nil {
		set(o.maxAge.SetDefault(conf, *d.MaxAge))
	}
	if d.AllowMethods != nil {
		set(o.allowMethods.SetDefault(conf, nonNil(d.AllowMethods)))
	}
	if d.AllowHeaders != nil {
		set(o.allowHeaders.SetDefault(conf, nonNil(d.AllowHeaders)))
	}
	return err
}

var (
	sizelimitOpts   = []config.Option{MaxRequestBodySize}
	sslOpts         = []config.Option{SecureProxySSLHeader}
	proxyOpts       = []config.Option{EnableProxyHeadersParsing}
	basicAuthOpts   = []config.Option{HTTPBasicAuthUserFile}
	healthcheckOpts = []config.Option{HealthcheckPath, HealthcheckDetailed, HealthcheckBackends,
		DisableByFilePath, DisableByFilePaths}
)

// RegisterOptions registers oslo.middleware's options ([oslo_middleware],
// [cors], [healthcheck]) with conf, with the [cors] defaults set by
// SetCORSDefaults. Register calls it; registering again does nothing.
func RegisterOptions(conf *config.Config) error {
	groups := [][]config.Option{sizelimitOpts, sslOpts, cors.opts.list(), proxyOpts, healthcheckOpts, basicAuthOpts}
	for _, opts := range groups {
		if err := conf.Register(opts...); err != nil {
			return fmt.Errorf("middleware: register options: %w", err)
		}
	}
	if err := applyCORSDefaults(conf); err != nil {
		return fmt.Errorf("middleware: cors defaults: %w", err)
	}
	return nil
}

// The namespaces of oslo.middleware's oslo.config.opts entry points, so
// that a generator or validator configuration written for an OpenStack
// service (namespace = oslo.middleware) works unchanged.
func init() {
	corsListing := func() []config.GroupOpts {
		p, _ := currentCORSDefaults()
		return []config.GroupOpts{{Group: config.Group{Name: GroupCORS}, Opts: newCORSOpts(GroupCORS, p).list()}}
	}
	mw := func(opts []config.Option) func() []config.GroupOpts {
		return func() []config.GroupOpts {
			return []config.GroupOpts{{Group: config.Group{Name: GroupMiddleware}, Opts: opts}}
		}
	}
	healthcheck := func() []config.GroupOpts {
		return []config.GroupOpts{{Group: config.Group{Name: GroupHealthcheck}, Opts: healthcheckOpts}}
	}
	config.RegisterNamespace("oslo.middleware", func() []config.GroupOpts {
		var all []config.GroupOpts
		for _, l := range []func() []config.GroupOpts{mw(sizelimitOpts), mw(sslOpts), corsListing,
			mw(proxyOpts), healthcheck, mw(basicAuthOpts)} {
			all = append(all, l()...)
		}
		return all
	})
	config.RegisterNamespace("oslo.middleware.sizelimit", mw(sizelimitOpts))
	config.RegisterNamespace("oslo.middleware.ssl", mw(sslOpts))
	config.RegisterNamespace("oslo.middleware.cors", corsListing)
	config.RegisterNamespace("oslo.middleware.http_proxy_to_wsgi", mw(proxyOpts))
	config.RegisterNamespace("oslo.middleware.healthcheck", healthcheck)
	config.RegisterNamespace("oslo.middleware.basic_auth", mw(basicAuthOpts))
}
