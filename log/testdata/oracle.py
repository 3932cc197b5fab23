"""Renders log records with the real oslo.log, for log's comparison test.

Reads JSON on stdin: {"cases": [{"conf": {option: value}, "product": str,
"tz": str, "pid": int, "hostname": str, "start": float, "records": [rec]}]}
where rec is {"name", "level", "msg", "ns", "pathname", "lineno", "func",
"named", "context" (RequestContext kwargs or null), "instance",
"instance_uuid", "resource", "exc" ([type, message] or null), "extra"
([[key, value], ...]), "output" ("text", "stream" or "json")}.
Prints a JSON list (one per case) of lists of rendered strings.
"""
import builtins
import json
import logging
import os
import sys
import time

from oslo_config import cfg
from oslo_context import context as context_utils
from oslo_log import formatters
from oslo_log import log


def make_conf(overrides):
    conf = cfg.ConfigOpts()
    log.register_options(conf)
    conf([], project='goslo-oracle', default_config_files=[])
    for k, v in overrides.items():
        conf.set_override(k, v)
    return conf


def make_record(case, r):
    kwargs = {}
    if r.get("context") is not None:
        ctx = context_utils.RequestContext(overwrite=False, **r["context"])
        context_utils._request_store.context = None
        kwargs["context"] = ctx
    if r.get("instance") is not None:
        kwargs["instance"] = r["instance"]
    if r.get("instance_uuid") is not None:
        kwargs["instance_uuid"] = r["instance_uuid"]
    if r.get("resource") is not None:
        kwargs["resource"] = r["resource"]
    for k, v in r.get("extra") or []:
        kwargs[k] = v
    exc_info = None
    if r.get("exc"):
        typ, msg = r["exc"]
        e = getattr(builtins, typ)(msg) if msg else getattr(builtins, typ)()
        exc_info = (type(e), e, None)
    logger = logging.getLogger(r["name"] if r["name"] != "root" else None)
    if r.get("named"):
        adapter = log.KeywordArgumentAdapter(logger, {'project': 'unknown', 'version': 'unknown'})
        _, kwargs = adapter.process(r["msg"], kwargs)
        extra = kwargs.get("extra")
    else:
        extra = kwargs or None
    record = logger.makeRecord(logger.name, r["level"], r["pathname"], r["lineno"], r["msg"], (),
                               exc_info, func=r["func"], extra=extra)
    ct = r["ns"] / 1e9
    record.created = ct
    record.msecs = int((ct - int(ct)) * 1000) + 0.0
    record.relativeCreated = (ct - case["start"]) * 1000
    record.process = case["pid"]
    record.thread = case["pid"]
    record.threadName = "MainThread"
    record.processName = "MainProcess"
    return record


def main():
    req = json.load(sys.stdin)
    out = []
    for case in req["cases"]:
        os.environ["TZ"] = case["tz"]
        time.tzset()
        conf = make_conf(case["conf"])
        results = []
        for r in case["records"]:
            record = make_record(case, r)
            try:
                if r["output"] == "json":
                    f = formatters.JSONFormatter(datefmt=conf.log_date_format)
                    f.hostname = case["hostname"]
                    results.append(f.format(record))
                else:
                    f = formatters.ContextFormatter(project=case["product"], version='unknown',
                                                    datefmt=conf.log_date_format, config=conf)
                    if r["output"] == "stream":
                        h = log.handlers.ColorHandler(sys.stderr)
                        h.setFormatter(f)
                        results.append(h.format(record))
                    else:
                        results.append(f.format(record))
            except Exception as e:
                results.append({"error": "%s: %s" % (type(e).__name__, e)})
        out.append(results)
    json.dump(out, sys.stdout)


main()
