package middleware

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/goslo/goslo/config"
)

// CORSPolicy is what a CORS filter allows an origin: the [cors] options
// but allowed_origin.
type CORSPolicy struct {
	AllowCredentials bool     // Access-Control-Allow-Credentials: true
	ExposeHeaders    []string // Access-Control-Expose-Headers on actual requests
	MaxAge           int      // Access-Control-Max-Age on preflights; 0: none
	AllowMethods     []string // the methods a preflight may ask for (case matters)
	AllowHeaders     []string // the headers a preflight may ask for, besides the simple ones
}

// DefaultCORSPolicy returns the defaults of the [cors] options: oslo's,
// changed by SetCORSDefaults.
func DefaultCORSPolicy() CORSPolicy {
	p, _ := currentCORSDefaults()
	p.ExposeHeaders = nonNil(p.ExposeHeaders)
	p.AllowMethods = nonNil(p.AllowMethods)
	p.AllowHeaders = nonNil(p.AllowHeaders)
	return p
}

// corsSimpleHeaders are the headers a preflight may always ask for.
var corsSimpleHeaders = []string{"Accept", "Accept-Language", "Content-Type", "Cache-Control",
	"Content-Language", "Expires", "Last-Modified", "Pragma"}

// CORS is oslo.middleware's cors filter (http://www.w3.org/TR/cors/) with
// its exact behaviour:
//
//   - A response that already has Access-Control-Allow-Origin (set by
//     the application) is left alone.
//   - A preflight (any OPTIONS request): a response of the application
//     that is not 2xx is replaced by an empty 200 (so applications that
//     do not route OPTIONS still answer preflights). If the request has
//     an allowed Origin, an Access-Control-Request-Method among the
//     allowed methods, and only allowed Access-Control-Request-Headers
//     (the allowed ones and the simple ones, in any case), the response
//     gets Vary: Origin, Access-Control-Allow-Origin,
//     -Allow-Credentials: true (if allowed), -Max-Age (if not 0),
//     -Allow-Methods (the method asked for) and -Allow-Headers (the
//     headers asked for); else it gets no CORS header at all (the
//     browser then refuses the request).
//   - Any other request with an allowed Origin: ",Origin" is added to
//     Vary (or Vary: Origin set), and Access-Control-Allow-Origin,
//     -Allow-Credentials and -Expose-Headers are set.
//
// An origin is allowed when configured as written (scheme, host and
// port, no trailing slash); "*" allows any origin, and is then what
// Access-Control-Allow-Origin says.
type CORS struct {
	origins map[string]CORSPolicy
}

// NewCORS returns a CORS filter that allows no origin yet.
func NewCORS() *CORS { return &CORS{origins: map[string]CORSPolicy{}} }

const loggerCORS = "oslo_middleware.cors"

// AddOrigin allows origins with policy p, as oslo's add_origin: an origin
// already allowed keeps its policy (a warning is logged).
func (c *CORS) AddOrigin(origins []string, p CORSPolicy) {
	for _, o := range origins {
		if _, dup := c.origins[o]; dup {
			logger(loggerCORS).Warn(fmt.Sprintf("Allowed origin [%s] already exists, skipping", pyStrList(origins)))
			continue
		}
		p.ExposeHeaders = append([]string(nil), p.ExposeHeaders...)
		p.AllowMethods = append([]string(nil), p.AllowMethods...)
		p.AllowHeaders = append([]string(nil), p.AllowHeaders...)
		c.origins[o] = p
	}
}

// pyStrList is repr() of a list of str.
func pyStrList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// CORSFromConfig builds the filter from conf's [cors] group, and from the
// deprecated [cors.NAME] groups of its files (each read with [cors]'s
// values as defaults), as oslo's CORS filter does.
func CORSFromConfig(conf *config.Config) (*CORS, error) {
	fc, err := newFilterConf(conf, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("cors: %w", err)
	}
	return newCORSFromFilterConf(fc)
}

func newCORSFromFilterConf(fc *filterConf) (*CORS, error) {
	o := cors.opts
	origin, err := lookup(fc, o.allowedOrigin)
	if err != nil {
		return nil, err
	}
	cred, err := lookup(fc, o.allowCredentials)
	if err != nil {
		return nil, err
	}
	expose, err := lookup(fc, o.exposeHeaders)
	if err != nil {
		return nil, err
	}
	maxAge, err := lookup(fc, o.maxAge)
	if err != nil {
		return nil, err
	}
	methods, err := lookup(fc, o.allowMethods)
	if err != nil {
		return nil, err
	}
	headers, err := lookup(fc, o.allowHeaders)
	if err != nil {
		return nil, err
	}
	p := CORSPolicy{AllowCredentials: cred.get(), ExposeHeaders: expose.get(), MaxAge: maxAge.get(),
		AllowMethods: methods.get(), AllowHeaders: headers.get()}
	c := NewCORS()
	c.AddOrigin(origin.get(), p)
	for _, section := range fc.conf.ListAllSections() {
		if !strings.HasPrefix(section, "cors.") {
			continue
		}
		// debtcollector's DeprecationWarning, as Python's logging
		// shows warnings.
		logger("py.warnings").Warn("Multiple configuration blocks are deprecated and will be removed in future versions. Please consolidate your configuration in the [cors] configuration block.")
		sub := newCORSOpts(section, p)
		if err := fc.conf.Register(sub.list()...); err != nil {
			return nil, fmt.Errorf("[%s]: %w", section, err)
		}
		c.AddOrigin(sub.allowedOrigin.Get(fc.conf), CORSPolicy{
			AllowCredentials: sub.allowCredentials.Get(fc.conf),
			ExposeHeaders:    sub.exposeHeaders.Get(fc.conf),
			MaxAge:           sub.maxAge.Get(fc.conf),
			AllowMethods:     sub.allowMethods.Get(fc.conf),
			AllowHeaders:     sub.allowHeaders.Get(fc.conf),
		})
	}
	return c, nil
}

// policy finds the policy of an origin: its own, else the wildcard's.
func (c *CORS) policy(origin string) (string, CORSPolicy, bool) {
	if p, ok := c.origins[origin]; ok {
		return origin, p, true
	}
	if p, ok := c.origins["*"]; ok {
		return "*", p, true
	}
	logger(loggerCORS).Debug(fmt.Sprintf("CORS request from origin '%s' not permitted.", origin))
	return "", CORSPolicy{}, false
}

// Wrap returns next with CORS applied.
func (c *CORS) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin, hasOrigin := wsgiHeader(r.Header, "Origin")
		if r.Method != http.MethodOptions {
			if !hasOrigin {
				next.ServeHTTP(w, r)
				return
			}
			allowed, p, ok := c.policy(origin)
			if !ok {
				next.ServeHTTP(w, r)
				return
			}
			cw := &corsWriter{trackingWriter: trackingWriter{ResponseWriter: w}, apply: func(h http.Header) {
				applyActual(h, allowed, p)
			}}
			next.ServeHTTP(cw, r)
			cw.finish()
			return
		}
		cw := &corsWriter{trackingWriter: trackingWriter{ResponseWriter: w}, preflight: true,
			apply: func(h http.Header) { c.applyPreflight(h, r) }}
		cw.snap.take(w.Header())
		next.ServeHTTP(cw, r)
		cw.finish()
	})
}

// applyActual sets the headers of an actual request (CORS section 6.1).
func applyActual(h http.Header, origin string, p CORSPolicy) {
	if vary, ok := h["Vary"]; ok && len(vary) > 0 {
		// WebOb's headers['Vary'] is the last one; setting it
		// replaces them all.
		h["Vary"] = []string{vary[len(vary)-1] + ",Origin"}
	} else {
		h["Vary"] = []string{"Origin"}
	}
	h["Access-Control-Allow-Origin"] = []string{origin}
	if p.AllowCredentials {
		h["Access-Control-Allow-Credentials"] = []string{"true"}
	}
	if len(p.ExposeHeaders) > 0 {
		h["Access-Control-Expose-Headers"] = []string{strings.Join(p.ExposeHeaders, ",")}
	}
}

// applyPreflight sets the headers of a preflight (CORS section 6.2) when
// it passes every check.
func (c *CORS) applyPreflight(h http.Header, r *http.Request) {
	origin, ok := wsgiHeader(r.Header, "Origin")
	if !ok {
		return
	}
	origin, p, ok := c.policy(origin)
	if !ok {
		return
	}
	method, ok := wsgiHeader(r.Header, "Access-Control-Request-Method")
	if !ok {
		logger(loggerCORS).Debug("CORS request does not contain Access-Control-Request-Method header.")
		return
	}
	var requested []string
	if v, ok := wsgiHeader(r.Header, "Access-Control-Request-Headers"); ok {
		for _, s := range strings.Split(v, ",") {
			if s = pyStrip(s); s != "" {
				requested = append(requested, s)
			}
		}
	}
	if !contains(p.AllowMethods, method) {
		logger(loggerCORS).Debug(fmt.Sprintf("Request method '%s' not in permitted list: %s", method, pyStrList(p.AllowMethods)))
		return
	}
	for _, rh := range requested {
		if !containsUpper(p.AllowHeaders, rh) && !containsUpper(corsSimpleHeaders, rh) {
			permitted := make([]string, 0, len(p.AllowHeaders)+len(corsSimpleHeaders))
			for _, x := range append(append([]string{}, p.AllowHeaders...), corsSimpleHeaders...) {
				permitted = append(permitted, strings.ToUpper(x))
			}
			logger(loggerCORS).Debug(fmt.Sprintf("Request header '%s' not in permitted list: %s", rh, pyStrList(permitted)))
			return
		}
	}
	h["Vary"] = []string{"Origin"}
	h["Access-Control-Allow-Origin"] = []string{origin}
	if p.AllowCredentials {
		h["Access-Control-Allow-Credentials"] = []string{"true"}
	}
	if p.MaxAge != 0 {
		h["Access-Control-Max-Age"] = []string{strconv.Itoa(p.MaxAge)}
	}
	h["Access-Control-Allow-Methods"] = []string{method}
	if len(requested) > 0 {
		h["Access-Control-Allow-Headers"] = []string{strings.Join(requested, ",")}
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func containsUpper(l []string, s string) bool {
	u := strings.ToUpper(s)
	for _, x := range l {
		if strings.ToUpper(x) == u {
			return true
		}
	}
	return false
}

// corsWriter applies the CORS headers when the response starts, unless
// the application set Access-Control-Allow-Origin; for a preflight it
// replaces a response that is not 2xx by an empty 200.
type corsWriter struct {
	trackingWriter
	preflight bool
	apply     func(http.Header)
	snap      headerSnapshot
	decided   bool
	discard   bool // the application's response is replaced
}

// decide runs when the application starts its response with code.
func (c *corsWriter) decide(code int) {
	c.decided = true
	h := c.ResponseWriter.Header()
	if _, ok := h["Access-Control-Allow-Origin"]; ok {
		c.trackingWriter.WriteHeader(code)
		return
	}
	if c.preflight && (code < 200 || code >= 300) {
		c.discard = true
		c.snap.restore(h)
		c.apply(h)
		c.trackingWriter.WriteHeader(http.StatusOK)
		return
	}
	c.apply(h)
	c.trackingWriter.WriteHeader(code)
}

func (c *corsWriter) WriteHeader(code int) {
	if c.decided {
		if !c.discard {
			c.trackingWriter.WriteHeader(code)
		}
		return
	}
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		c.trackingWriter.WriteHeader(code)
		return
	}
	c.decide(code)
}

func (c *corsWriter) Write(p []byte) (int, error) {
	if !c.decided {
		c.decide(http.StatusOK)
	}
	if c.discard {
		return len(p), nil
	}
	return c.trackingWriter.Write(p)
}

func (c *corsWriter) WriteString(s string) (int, error) {
	if !c.decided {
		c.decide(http.StatusOK)
	}
	if c.discard {
		return len(s), nil
	}
	return c.trackingWriter.WriteString(s)
}

func (c *corsWriter) ReadFrom(src io.Reader) (int64, error) {
	if !c.decided {
		c.decide(http.StatusOK)
	}
	if c.discard {
		return io.Copy(io.Discard, src)
	}
	return c.trackingWriter.ReadFrom(src)
}

func (c *corsWriter) Flush() {
	if !c.decided {
		c.decide(http.StatusOK)
	}
	if !c.discard {
		c.trackingWriter.Flush()
	}
}

// finish handles an application that wrote nothing: its response is an
// empty 200.
func (c *corsWriter) finish() {
	if !c.decided {
		c.decide(http.StatusOK)
	}
}

// corsFactory is the paste filter factory (oslo's CORS.factory).
func corsFactory(conf *config.Config) func(global, local map[string]string) (func(http.Handler) http.Handler, error) {
	return func(global, local map[string]string) (func(http.Handler) http.Handler, error) {
		_, hasOrigin := local["allowed_origin"]
		_, hasProject := local["oslo_config_project"]
		if !hasOrigin && !hasProject {
			return nil, fmt.Errorf("allowed_origin or oslo_config_project is required")
		}
		fc, err := newFilterConf(conf, global, local)
		if err != nil {
			return nil, err
		}
		c, err := newCORSFromFilterConf(fc)
		if err != nil {
			return nil, err
		}
		return c.Wrap, nil
	}
}
