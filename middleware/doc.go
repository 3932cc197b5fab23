// Package middleware is oslo.middleware for net/http: the filters an
// OpenStack API service puts in front of its application, with the
// options, headers, status codes and error pages of oslo.middleware 5.
//
// Each filter is a plain func(http.Handler) http.Handler, usable with any
// router:
//
//	h := middleware.RequestID(
//		middleware.HTTPProxyToWSGIFromConfig(conf)(
//			middleware.SizeLimitFromConfig(conf)(
//				middleware.CatchErrors(api))))
//
// and all of them are paste factories under the names api-paste.ini
// files use (egg:oslo.middleware#request_id,
// oslo_middleware:RequestId.factory, oslo_middleware.cors:filter_factory,
// ...), registered by Register:
//
//	reg := paste.NewRegistry()
//	if err := middleware.Register(reg, conf); err != nil { ... }
//	app, err := reg.LoadApp("/etc/nova/api-paste.ini", "osapi_compute")
//
// The filters:
//
//   - RequestID (request_id): a new req-<uuid4> per request in
//     X-OpenStack-Request-ID and in the request's reqctx.RequestContext,
//     which log lines show; a well-formed incoming id becomes the global
//     request id.
//   - CorrelationID (correlation_id): X-Correlation-Id, made up when
//     missing.
//   - CatchErrors (catch_errors): a panic becomes WebOb's 500 page, logged
//     with the request; ErrorHandlerFunc and InternalServerError do the
//     same for errors a handler returns.
//   - SizeLimit (sizelimit): [oslo_middleware] max_request_body_size, 413
//     for a Content-Length over it and for chunked bodies read past it.
//   - HTTPProxyToWSGI (http_proxy_to_wsgi): [oslo_middleware]
//     enable_proxy_headers_parsing; Forwarded, X-Forwarded-Proto, -Host,
//     -For and -Prefix; HostURL and ApplicationURL build links from them.
//   - CORS (cors): the [cors] group (and [cors.NAME] groups), oslo's
//     preflight and actual-request rules; SetCORSDefaults is
//     oslo_middleware.cors.set_defaults.
//   - Healthcheck (healthcheck): an application and a filter; backends
//     disable_by_file and disable_by_files_ports, others by
//     RegisterHealthcheckBackend; text, HTML or JSON; detailed mode.
//   - SSL (ssl, deprecated) and Debug (debug).
//
// HTTPError is the error page these filters answer with, WebOb's for a
// webob.exc exception with an explanation, exported for applications
// ported from WebOb.
//
// # Options
//
// RegisterOptions registers [oslo_middleware] max_request_body_size,
// enable_proxy_headers_parsing, secure_proxy_ssl_header and
// http_basic_auth_user_file, the [cors] options and the [healthcheck]
// options, with oslo's names, defaults, help and deprecated names; the
// config tools list them under oslo's namespaces (oslo.middleware,
// oslo.middleware.cors, .healthcheck, .http_proxy_to_wsgi, .sizelimit,
// .ssl, .basic_auth). The ...FromConfig constructors and the paste
// factories read options where oslo reads them: sizelimit,
// http_proxy_to_wsgi, ssl and disable_by_file at each request (a reload
// takes effect), cors and healthcheck when the filter is made. As in
// oslo, a key of the paste configuration named like an option beats the
// Config for that filter, and oslo_config_project (oslo_config_file,
// oslo_config_program) makes a filter load its own Config from the
// project's files. Unlike oslo, such a paste value does not become an
// override for the whole service (oslo's set_override on the global
// CONF), and a paste value of the wrong type fails when the pipeline is
// loaded, naming the key, rather than at the first request.
//
// # Compatibility
//
// The differential tests run the same requests through the real
// oslo.middleware (with WebOb) and through this package over HTTP and
// compare status, headers, bodies and log records: WebOb's error pages
// (text, HTML, JSON by Accept, as webob.exc renders them), WebOb's
// Accept negotiation, the healthcheck pages (Jinja's whitespace control
// written out), CORS decisions. Where Go differs:
//
//   - Chunked request bodies are read (eventlet's WebOb sees none) and
//     limited by sizelimit as oslo's LimitingReader limits them.
//   - catch_errors logs the request line and headers but not the body
//     (WebOb's as_text() includes it: it may be consumed, large, or hold
//     passwords). A panic after the response started cannot become a 500:
//     it is logged and the connection aborted.
//   - Detailed healthcheck output keeps oslo's keys with the Go
//     process's values: "python_version" holds the Go version,
//     "platform" the kernel's name, release and machine, "gc" the
//     number of collections (counts) and GOGC (threshold),
//     "greenthreads" every goroutine's stack, "threads" nothing.
//   - oslo's Debug filter fails on Python 3 (it writes bytes to
//     sys.stdout); this one prints the request, the response headers and
//     the body.
//   - basic_auth is not implemented (it needs bcrypt, not among goslo's
//     dependencies); its option is registered so that configuration files
//     and samples stay the same.
//
// # Why hand-written
//
// The point of this package is oslo.middleware's exact behaviour on the
// wire, which the generic net/http CORS, request-id or recovery
// libraries do not have (oslo's CORS answers a rejected preflight with a
// bare 200, replaces an application's 404 to OPTIONS, echoes the
// requested method and headers, sets Vary its own way); WebOb's error
// pages and Accept grammar are reproduced byte for byte, which no Go
// library does.
package middleware
