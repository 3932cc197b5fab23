"""SQLAlchemy's answers for connection URLs: reads a JSON list of strings
on stdin, writes a JSON list of results, one per string:
{"ok": true, "drivername", "backend", "username", "password", "host",
"port", "database", "query": [[name, value], ...], "repr"} or
{"ok": false, "error": class name}. The query is flattened in
SQLAlchemy's order (names by first occurrence, then their values)."""
import json
import sys

from sqlalchemy.engine import url as sa_url


def answer(s):
    try:
        u = sa_url.make_url(s)
    except Exception as e:  # noqa
        return {"ok": False, "error": type(e).__name__}
    query = []
    for k, v in u.query.items():
        for e in (v if isinstance(v, tuple) else (v,)):
            query.append([k, e])
    return {
        "ok": True,
        "drivername": u.drivername,
        "backend": u.get_backend_name(),
        "username": u.username,
        "password": u.password,
        "host": u.host,
        "port": u.port,
        "database": u.database,
        "query": query,
        "repr": repr(u),
    }


json.dump([answer(s) for s in json.load(sys.stdin)], sys.stdout)
