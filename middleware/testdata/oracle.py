"""Differential oracle: runs requests through the real oslo.middleware.

Reads one JSON case per line on stdin, writes one JSON answer per line:
{"status": int, "headers": [[name, value], ...], "body": str, "log": [...]}.

A case:
  conf:     text of an oslo config file the filters read (oslo_config_project
            and oslo_config_file are added to each filter's local conf, so
            oslo_middleware builds its own ConfigOpts from that file);
  global:   the paste global conf;
  filters:  [{"name": N, "local": {...}, "no_project": bool}], outermost first;
  app:      {"status", "headers", "body", "read_body", "raise"} or
            {"healthcheck": {...local conf}} for Healthcheck.app_factory;
  request:  {"method", "path" (with query), "script_name", "host", "scheme",
             "server_port", "headers": [[k, v]], "body", "chunked"}.
"""
import contextlib
import io
import json
import logging
import os
import sys
import tempfile
import warnings

warnings.simplefilter("ignore")

import webob
import webob.dec

import oslo_middleware
from oslo_middleware import base
from oslo_middleware import cors
from oslo_middleware import debug
from oslo_middleware import http_proxy_to_wsgi
from oslo_middleware import request_id
from oslo_middleware import correlation_id
from oslo_middleware import catch_errors
from oslo_middleware import sizelimit
from oslo_middleware import ssl
from oslo_middleware import healthcheck


class Records(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append([record.levelname, record.name, record.getMessage(),
                             record.exc_info is not None])


records = Records()
root = logging.getLogger()
root.handlers = [records]
root.setLevel(logging.DEBUG)

FACTORIES = {
    "request_id": request_id.RequestId.factory,
    "correlation_id": correlation_id.CorrelationId.factory,
    "catch_errors": catch_errors.CatchErrors.factory,
    "sizelimit": sizelimit.RequestBodySizeLimiter.factory,
    "http_proxy_to_wsgi": http_proxy_to_wsgi.HTTPProxyToWSGI.factory,
    "cors": cors.filter_factory,
    "healthcheck": healthcheck.Healthcheck.factory,
    "debug": debug.Debug.factory,
    "ssl": ssl.SSLMiddleware.factory,
}


def make_app(spec):
    @webob.dec.wsgify
    def app(req):
        e = req.environ
        body_len = None
        if spec.get("read_body"):
            body_len = len(req.body_file.read())
        if spec.get("raise"):
            raise RuntimeError("boom requested")
        resp = base.NoContentTypeResponse(status=spec.get("status", 200))
        resp.headerlist = [tuple(h) for h in spec.get("headers", [])]
        resp.body = spec.get("body", "").encode("utf-8")
        echo = {
            "Scheme": e.get("wsgi.url_scheme"),
            "Host": e.get("HTTP_HOST"),
            "Script-Name": e.get("SCRIPT_NAME"),
            "Path-Info": e.get("PATH_INFO"),
            "Host-Url": req.host_url,
            "Application-Url": req.application_url,
            "Request-Id": e.get(request_id.ENV_REQUEST_ID),
            "Global-Request-Id": e.get(request_id.GLOBAL_REQ_ID),
            "Correlation-Id": req.headers.get("X_CORRELATION_ID"),
            "Body-Len": None if body_len is None else str(body_len),
        }
        ra = e.get("REMOTE_ADDR")
        if ra and ra != "127.0.0.1":
            echo["Remote-Addr"] = ra
        for k, v in echo.items():
            if v is not None and v != "":
                resp.headers.add("X-Echo-" + k, v)
        return resp
    return app


def run(case, conf_path):
    app_spec = case.get("app", {})
    glob = dict(case.get("global", {}))
    del records.records[:]
    if app_spec.get("healthcheck") is not None:
        local = dict(app_spec["healthcheck"])
        if not app_spec.get("no_project"):
            local.setdefault("oslo_config_project", "goslotest")
            local.setdefault("oslo_config_file", conf_path)
        app = healthcheck.Healthcheck.app_factory(glob, **local)
    else:
        app = make_app(app_spec)
    for f in reversed(case.get("filters", [])):
        local = dict(f.get("local", {}))
        if not f.get("no_project"):
            local.setdefault("oslo_config_project", "goslotest")
            local.setdefault("oslo_config_file", conf_path)
        app = FACTORIES[f["name"]](glob, **local)(app)

    r = case.get("request", {})
    host = r.get("host", "localhost:80")
    env = {
        "REQUEST_METHOD": r.get("method", "GET"),
        "HTTP_HOST": host,
        "SERVER_NAME": host.rsplit(":", 1)[0],
        "SERVER_PORT": str(r.get("server_port", 80)),
        "SCRIPT_NAME": r.get("script_name", ""),
        "wsgi.url_scheme": r.get("scheme", "http"),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    req = webob.Request.blank(r.get("path", "/"), environ=env)
    req.environ["SCRIPT_NAME"] = r.get("script_name", "")
    if "HTTP_ACCEPT" in req.environ:
        del req.environ["HTTP_ACCEPT"]
    for k, v in r.get("headers", []):
        # WSGI: header bytes as latin-1 characters.
        v = v.encode("utf-8").decode("latin-1")
        key = k.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        if key in req.environ and key.startswith("HTTP_"):
            req.environ[key] += "," + v
        else:
            req.environ[key] = v
    body = r.get("body")
    if body is not None:
        data = body.encode("utf-8") * r.get("body_repeat", 1)
        req.environ["wsgi.input"] = io.BytesIO(data)
        if r.get("chunked"):
            req.environ.pop("CONTENT_LENGTH", None)
            req.environ["wsgi.input_terminated"] = True
            req.environ["HTTP_TRANSFER_ENCODING"] = "chunked"
        else:
            req.environ["CONTENT_LENGTH"] = str(len(data))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        resp = req.get_response(app)
        body = resp.body
    return {
        "status": resp.status_code,
        "headers": [[k, v.encode("latin-1").decode("utf-8", "replace")]
                    for k, v in resp.headerlist],
        "body": body.decode("utf-8", "replace"),
        "log": list(records.records),
        "stdout": out.getvalue(),
    }


def main():
    d = tempfile.mkdtemp()
    for i, line in enumerate(sys.stdin):
        case = json.loads(line)
        conf_path = os.path.join(d, "case%d.conf" % i)
        with open(conf_path, "w") as f:
            f.write(case.get("conf", ""))
        try:
            out = run(case, conf_path)
        except Exception as exc:
            out = {"error": "%s: %s" % (type(exc).__name__, exc)}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
