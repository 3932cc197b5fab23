"""Times oslo.middleware on the requests of BenchmarkFilter (bench_test.go):
each filter around a trivial WebOb application, called in process with a
WebOb request, and the pipeline request_id -> http_proxy_to_wsgi ->
sizelimit -> catch_errors -> app. Prints ns/op per case, as Go does:

    go test -run '^$' -bench Filter -benchmem ./middleware
    /usr/bin/python3 middleware/testdata/bench.py
"""
import time
import warnings

warnings.simplefilter("ignore")

from oslo_config import cfg
import webob
import webob.dec

from oslo_middleware import catch_errors
from oslo_middleware import correlation_id
from oslo_middleware import cors
from oslo_middleware import healthcheck
from oslo_middleware import http_proxy_to_wsgi
from oslo_middleware import request_id
from oslo_middleware import sizelimit


@webob.dec.wsgify
def trivial(req):
    resp = webob.Response(body=b"ok", content_type="text/plain", charset=None)
    return resp


def conf(proxy=False):
    c = cfg.ConfigOpts()
    c([], project="bench", default_config_files=[], default_config_dirs=[])
    app = http_proxy_to_wsgi.HTTPProxyToWSGI(trivial, c)
    c.set_override("enable_proxy_headers_parsing", proxy, group="oslo_middleware")
    return c


def request(method="GET", body=None, headers=()):
    def make():
        r = webob.Request.blank("http://api.example.com/v2.1/servers", method=method)
        for k, v in headers:
            r.headers[k] = v
        if body is not None:
            r.body = body
        return r
    return make


def timeit(app, make, seconds=1.0):
    n = 200
    while True:
        start = time.perf_counter()
        for _ in range(n):
            make().get_response(app)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return elapsed / n * 1e9
        n *= 2


def main():
    off, on = conf(False), conf(True)
    c = conf()
    cors_app = cors.CORS(trivial, c)
    policy = dict(allow_credentials=True, expose_headers=[], max_age=3600,
                  allow_methods=list(c.cors.allow_methods), allow_headers=[])
    cors_app.add_origin(["https://dash.example.com"], **policy)
    cors_404 = cors.CORS(webob.exc.HTTPNotFound(), c)
    cors_404.add_origin(["https://dash.example.com"], **policy)
    hc = healthcheck.Healthcheck(None, {"backends": "disable_by_file",
                                        "disable_by_file_path": "/nonexistent/disable"})
    hc._ignore_path = True
    pipeline = request_id.RequestId(http_proxy_to_wsgi.HTTPProxyToWSGI(
        sizelimit.RequestBodySizeLimiter(catch_errors.CatchErrors(trivial, off), off), off), off)
    cases = [
        ("bare", trivial, request()),
        ("request_id", request_id.RequestId(trivial, off), request()),
        ("correlation_id", correlation_id.CorrelationId(trivial, off),
         request(headers=[("X-Correlation-Id", "abc")])),
        ("catch_errors", catch_errors.CatchErrors(trivial, off), request()),
        ("sizelimit", sizelimit.RequestBodySizeLimiter(trivial, off),
         request("POST", b'{"server": {"name": "vm"}}')),
        ("http_proxy_to_wsgi/off", http_proxy_to_wsgi.HTTPProxyToWSGI(trivial, off),
         request(headers=[("X-Forwarded-Proto", "https")])),
        ("http_proxy_to_wsgi/on", http_proxy_to_wsgi.HTTPProxyToWSGI(trivial, on),
         request(headers=[("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "api.example.com")])),
        ("cors/no_origin", cors_app, request()),
        ("cors/actual", cors_app, request(headers=[("Origin", "https://dash.example.com")])),
        ("cors/preflight", cors_404, request("OPTIONS", headers=[
            ("Origin", "https://dash.example.com"), ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "Content-Type")])),
        ("healthcheck/text", hc, request()),
        ("healthcheck/json", hc, request(headers=[("Accept", "application/json")])),
        ("pipeline", pipeline, request()),
    ]
    for name, app, make in cases:
        print("BenchmarkOslo/%-24s %12.0f ns/op" % (name, timeit(app, make)))


if __name__ == "__main__":
    main()
