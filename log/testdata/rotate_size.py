"""RotatingFileHandler as oslo.log configures it (log_rotation_type =
size), for log's size rotation test. Reads JSON [{"max_bytes", "backups",
"initial", "lines": [...]}]; for each, the file starts with the text
initial, then each line is logged; prints the sorted file names and each
file's lines."""
import json
import logging
import logging.handlers
import os
import sys
import tempfile

out = []
for c in json.load(sys.stdin):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "a.log")
        if c["initial"]:
            with open(path, "w") as f:
                f.write(c["initial"])
        h = logging.handlers.RotatingFileHandler(path, maxBytes=c["max_bytes"], backupCount=c["backups"])
        h.setFormatter(logging.Formatter("%(message)s"))
        for line in c["lines"]:
            h.emit(logging.makeLogRecord({"msg": line, "levelno": 20}))
        h.close()
        files = {}
        for name in sorted(os.listdir(d)):
            with open(os.path.join(d, name)) as f:
                files[name] = f.read()
        out.append(files)
json.dump(out, sys.stdout)
