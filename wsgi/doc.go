// Package wsgi is the HTTP server of a service: oslo_service.wsgi (and
// sslutils) on net/http, with nova's WSGIService on top. An application
// is an http.Handler, usually loaded from api-paste.ini.
//
//	wsgi.RegisterOptions(conf)            // before conf.Load, for --help and samples
//	reg := paste.NewRegistry()
//	middleware.Register(reg, conf)        // oslo.middleware's filters
//	reg.App("nova.api.openstack.compute:APIRouterV21.factory", router)
//	svc, err := wsgi.NewService(conf, "osapi_compute", nil, wsgi.ServiceOptions{DefaultPort: 8774, Registry: reg})
//	...
//	l, err := service.Launch(conf, svc, svc.Workers(), service.RestartReload)
//
// NewService reads [DEFAULT] osapi_compute_listen, osapi_compute_listen_port
// and osapi_compute_workers (registered by name, as nova declares them,
// unless the program declared its own), serves TLS when the name is in
// enabled_ssl_apis, and loads the application named osapi_compute from
// the paste file that api_paste_config names, found beside the config
// files as oslo's Loader finds it, with the factories of the registry.
// NewServer is the server alone, for any http.Handler.
//
// # Sockets and workers
//
// NewServer opens its socket through service.Listen, as oslo's
// wsgi.Server binds in its constructor: the launcher's parent process
// opens it before it starts the workers, and each worker (the same
// program started again, building the same server) gets that socket
// back from service.Listen. Closing a server never closes the socket; the
// process keeps it, so restarts never refuse a connection.
//
// # Stopping without losing a request
//
// oslo's server closes every connection it believes idle when it stops,
// and eventlet never marks a connection busy, so SIGTERM and a reload
// drop requests in flight and keep-alive connections. net/http's own
// Shutdown is better but still closes idle keep-alive connections at
// once, which races a client sending its next request on one right then.
// Server.Stop drains instead:
//
//   - it stops accepting (its view of the socket closes; another worker,
//     or the next generation, goes on accepting);
//   - every response from then on carries "Connection: close", so a
//     client in a request loop gets its answer and reconnects elsewhere;
//   - a connection is closed only once it has been idle for DrainIdle
//     (1 s by default): no request in flight and no byte received for
//     that long, so a request that is arriving is served, not cut;
//   - requests in flight run to completion; when Stop's context is done
//     first, what is left is closed and Stop returns ctx.Err().
//
// Server.Restart (SIGHUP with restart_method reload) starts a new
// generation of the server, with the options read again (pool size, log
// format, keep-alive, timeouts, TLS certificates), on a new view of the
// same socket, then drains the old generation in the background, within
// graceful_shutdown_timeout when the launcher's options are registered;
// Stop also finishes those drains. If the new options are invalid, the
// running generation goes on and Restart returns the error. The address
// and the application are the constructor's, as in oslo.
//
// # Options
//
// Same names, defaults and help as oslo.service (checked against it), and
// listed under its namespaces oslo.service.wsgi and oslo.service.sslutils
// for the sample generator:
//
//   - api_paste_config: the paste file, absolute or searched with
//     Config.FindFile.
//   - wsgi_log_format: the access log line, a Python %-format over
//     client_ip, client_port, date_time, request_line, status_code,
//     body_length and wall_seconds, written at INFO to the server's
//     slog.Logger with logger=goslo.wsgi (under goslo's log package that
//     is the goslo.wsgi logger, so default_log_levels = goslo.wsgi=WARN
//     turns the access log off, at no cost). As in eventlet, client_ip is
//     prefixed with X-Forwarded-For. The format is checked when a
//     generation starts (an unknown key, or %d of request_line, is an
//     error there, not on every request).
//   - tcp_keepidle: TCP_KEEPIDLE of every accepted connection.
//   - wsgi_default_pool_size: requests served at once (ServerOptions.PoolSize
//     overrides it); more wait for a slot, as for a green pool. eventlet's
//     pool holds a green thread per connection, so idle keep-alive
//     connections use it up; here only requests count. During a restart
//     the two generations each have their pool.
//   - max_header_line and eventlet's other limits, with eventlet's
//     answers: a request line of max_url_len (8192) bytes or more gets
//     "414 Request URI Too Long", a header line of max_header_line bytes
//     or more "400 Header Line Too Long", more than 64 kB of header "400
//     Headers Too Large", 100 header lines or more "431 Too many headers"
//     (checked against eventlet on the same bytes). net/http parses the
//     request first, so the lengths are those of the lines rebuilt from
//     what it parsed ("Name: value\r\n"), and when a request breaks two
//     limits the one eventlet would meet first is estimated. Beyond 1 MB
//     of header net/http answers 431 itself. Where net/http is stricter
//     than eventlet, it wins: a malformed request line gets a proper "400
//     Bad Request" (eventlet answers as to HTTP/0.9, without a status
//     line), a header line without a colon is rejected (eventlet skips
//     it).
//   - wsgi_keep_alive: false answers every request with Connection: close.
//   - client_socket_timeout: as eventlet's socket timeout, per socket
//     operation: a connection idle that long, or a client stalled that
//     long in its request header, its body, or reading the response, is
//     cut; a slow but steady upload or download of any length is not (a
//     download must take each write of the application within the
//     timeout, where eventlet asks it of each send). 0 means no timeout.
//   - wsgi_server_debug: a handler that panics gets a 500 with the panic
//     and the stack as its body (the traceback, in eventlet); otherwise
//     an empty 500. The panic is logged either way. If the response had
//     begun, the connection is cut.
//   - [ssl] cert_file, key_file (also [DEFAULT] ssl_cert_file and
//     ssl_key_file), ca_file (client certificates are then required and
//     verified), version and ciphers, when use_ssl is set, with oslo's
//     checks and messages. version is oslo's name: TLSv1, TLSv1_1 and
//     TLSv1_2 speak that version only, SSLv23 negotiates (TLS 1.2 or
//     1.3), and goslo adds TLSv1_3. ciphers is an OpenSSL cipher list,
//     evaluated over the suites Go implements as OpenSSL 3 evaluates it
//     (checked against it); as in OpenSSL it sets TLS 1.2 and below only.
//     A word that is neither a cipher nor an alias is an error; ciphers
//     OpenSSL has and Go lacks (DHE, CAMELLIA, CCM, ...) are left out
//     with a warning. oslo applies version and ciphers only when ca_file
//     is set too (an indentation slip in sslutils.wrap); goslo applies
//     them whenever TLS is on. The server speaks HTTP/1.1, over TLS too
//     (eventlet has no HTTP/2, and the drain above is HTTP/1's).
//
// # Why hand-written
//
// The Python %-format of wsgi_log_format and OpenSSL's cipher-list syntax
// have no Go implementation to reuse; they are small and specified, and
// are tested against Python and OpenSSL themselves. The drain needs
// connection states net/http's Shutdown does not use (whether bytes of a
// next request have arrived), so the server tracks them with
// http.Server.ConnState and a thin wrapper of each connection; everything
// else is net/http.
//
// # Not here
//
// oslo's backlog and protocol arguments (the socket is service.Listen's;
// the protocol is net/http's). Reset: oslo's resizes the pool to the size
// it already has; the pool size changes with Restart here.
package wsgi
