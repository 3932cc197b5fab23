#!/usr/bin/env python3
"""Answer many oracle requests in one process (for goslo's differential test).

Reads JSON lines {"args": ["roundtrip"|"backport" V|"changes"], "input": TEXT}
on stdin and writes one JSON line per request: the answer of
testdata/conformance/objects/oracle.py (run(args, TEXT)), or
{"unserializable": true} when the library's answer is not valid JSON
(NaN/Infinity), which the conformance set excludes.

usage: batch_oracle.py ORACLE_DIR [EXTRA_MODULE_DIR]

EXTRA_MODULE_DIR holds kitchen.py, more classes registered next to the
conformance ones.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])
import oracle  # noqa: E402  (registers the test classes)

if len(sys.argv) > 2:
    sys.path.insert(0, sys.argv[2])
    import kitchen  # noqa: E402,F401


def main():
    for line in sys.stdin:
        req = json.loads(line)
        out = oracle.run(req["args"], req["input"])
        try:
            text = oracle.dumps(out)
        except ValueError:
            text = json.dumps({"unserializable": True})
        sys.stdout.write(text + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
