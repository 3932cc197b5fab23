"""Renders oslo's healthcheck templates and JSON with given values.

One JSON case per line on stdin: {"results": [{"reason", "details", "class",
"available"}], "details": null | {hostname, now, version, platform, gc_counts,
gc_threshold, greenthreads, threads}}; one JSON answer per line:
{"text": ..., "html": ..., "json": ...}.
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")

from oslo_middleware.healthcheck import Healthcheck, _expand_template


def main():
    for line in sys.stdin:
        case = json.loads(line)
        results = case["results"]
        d = case["details"]
        text = _expand_template(Healthcheck.PLAIN_RESPONSE_TEMPLATE, {
            "reasons": [r["reason"] for r in results],
            "detailed": d is not None}).strip()
        params = {
            "healthy": all(r["available"] for r in results),
            "hostname": d and d["hostname"],
            "results": [{"details": r["details"] or "", "reason": r["reason"],
                         "class": r["class"]} for r in results],
            "detailed": d is not None,
        }
        if d is not None:
            params.update({
                "now": d["now"], "python_version": d["version"],
                "platform": d["platform"],
                "gc": {"counts": tuple(d["gc_counts"]), "threshold": tuple(d["gc_threshold"])},
                "threads": d["threads"], "greenthreads": d["greenthreads"],
            })
        html = _expand_template(Healthcheck.HTML_RESPONSE_TEMPLATE, params).strip()
        if d is None:
            body = {"reasons": [r["reason"] for r in results], "detailed": False}
        else:
            body = {"detailed": True, "python_version": d["version"], "now": d["now"],
                    "platform": d["platform"],
                    "gc": {"counts": d["gc_counts"], "threshold": d["gc_threshold"]},
                    "reasons": [{"reason": r["reason"], "details": r["details"] or "",
                                 "class": r["class"]} for r in results],
                    "greenthreads": d["greenthreads"], "threads": d["threads"]}
        js = Healthcheck._pretty_json_dumps(body)
        sys.stdout.write(json.dumps({"text": text, "html": html, "json": js}) + "\n")


main()
