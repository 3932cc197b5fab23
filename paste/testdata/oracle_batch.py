#!/usr/bin/python3 -X utf8
"""oracle_batch.py ORACLE_DIR < cases

Runs testdata/oracle/paste_tree.py's load(FILE, NAME) for many cases in one
process (importing PasteDeploy once): one "FILE<TAB>NAME" per input line,
one JSON answer per output line, in order.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])
sys.setrecursionlimit(1000)

import paste_tree  # noqa: E402  (installs the stubs)

for line in sys.stdin:
    path, name = line.rstrip('\n').split('\t', 1)
    out = paste_tree.load(path, name)
    try:
        text = json.dumps(out, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError) as e:
        # A tree holding a function (a filter where paste expected an
        # app): the real oracle crashes on it, so there is no answer.
        text = json.dumps({"crash": str(e)})
    sys.stdout.write(text + '\n')
    sys.stdout.flush()
