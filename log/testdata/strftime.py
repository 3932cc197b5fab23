"""Python's time.strftime on (format, timestamp, TZ) triples, for the
differential test of strftime.go. Reads JSON [[fmt, ts, tz], ...] on stdin,
prints a JSON list of results (or {"error": ...})."""
import json
import os
import sys
import time

out = []
for fmt, ts, tz in json.load(sys.stdin):
    os.environ['TZ'] = tz
    time.tzset()
    try:
        out.append(time.strftime(fmt, time.localtime(ts)))
    except Exception as e:
        out.append({"error": "%s: %s" % (type(e).__name__, e)})
json.dump(out, sys.stdout)
