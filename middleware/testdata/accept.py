"""WebOb's Accept negotiation: one JSON string per line on stdin (a header
value), one JSON answer per line: {"valid": bool, "exc": [...], "health": [...]},
the acceptable offers for webob.exc's and the healthcheck's offer lists."""
import json
import sys

from webob.acceptparse import create_accept_header, AcceptValidHeader

for line in sys.stdin:
    v = json.loads(line)
    a = create_accept_header(v)
    out = {
        "valid": isinstance(a, AcceptValidHeader),
        "exc": [o for o, q in a.acceptable_offers(["text/html", "application/json"])],
        "health": [o for o, q in a.acceptable_offers(["text/plain", "text/html", "application/json"])],
    }
    sys.stdout.write(json.dumps(out) + "\n")
