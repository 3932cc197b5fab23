"""TimedRotatingFileHandler as oslo.log configures it, on a fake clock,
for log's rotation test. Reads JSON {"tz", "cases": [{"type", "interval",
"backups", "start", "steps": [seconds...]}]}; for each case it writes
"old" to a file last modified at start, then one record "line N" at
start + steps[0] + ... + steps[N-1], and prints the sorted file names and
the current file's lines."""
import json
import logging
import logging.handlers
import os
import sys
import tempfile
import time

from oslo_log.log import LOG_ROTATE_INTERVAL_MAPPING

req = json.load(sys.stdin)
os.environ["TZ"] = req["tz"]
time.tzset()
now = [0.0]
logging.handlers.time.time = lambda: now[0]
out = []
for c in req["cases"]:
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "a.log")
        with open(path, "w") as f:
            f.write("old\n")
        os.utime(path, (c["start"], c["start"]))
        now[0] = c["start"]
        when = LOG_ROTATE_INTERVAL_MAPPING[c["type"]]
        if when == "w":
            when += str(c["interval"])
        h = logging.handlers.TimedRotatingFileHandler(path, when=when, interval=c["interval"],
                                                      backupCount=c["backups"])
        h.setFormatter(logging.Formatter("%(message)s"))
        for i, step in enumerate(c["steps"]):
            now[0] += step
            h.emit(logging.makeLogRecord({"msg": "line %d" % i, "levelno": 20}))
        h.close()
        with open(path) as f:
            lines = f.read().splitlines()
        out.append({"files": sorted(os.listdir(d)), "lines": lines})
json.dump(out, sys.stdout)
