#!/usr/bin/python3
"""urlmap_oracle.py < cases.json

Runs Paste's own paste.urlmap (urlmap_factory's path expressions, URLMap
dispatch) on each case {"mounts": [[EXPR, APP]...], "requests": [[HOST,
SCHEME, PATH]...]} and prints one JSON line per case: a list, per request,
of [APP, SCRIPT_NAME, PATH_INFO] (APP null: not found), or {"error": ...}
when a mount is refused.
"""
import json
import sys

from paste.urlmap import URLMap, parse_path_expression


def app(name):
    def wsgi(environ, start_response):
        return [name, environ['SCRIPT_NAME'], environ['PATH_INFO']]
    return wsgi


for line in sys.stdin:
    case = json.loads(line)
    m = URLMap(not_found_app=lambda environ, start_response: [None, environ['SCRIPT_NAME'], environ['PATH_INFO']])
    try:
        for expr, name in case["mounts"]:
            m[parse_path_expression(expr)] = app(name)
    except Exception as e:
        print(json.dumps({"error": type(e).__name__}))
        continue
    out = []
    for host, scheme, path in case["requests"]:
        environ = {'HTTP_HOST': host, 'wsgi.url_scheme': scheme, 'SCRIPT_NAME': '', 'PATH_INFO': path}
        try:
            out.append(m(environ, None))
        except Exception as e:
            out.append({"error": type(e).__name__})
    print(json.dumps(out))
