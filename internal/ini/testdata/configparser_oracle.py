#!/usr/bin/python3
"""configparser_oracle.py DIR < names

For each file name (one per line, relative to DIR) read the file with
Python's configparser.ConfigParser as PasteDeploy's NicerConfigParser sets
it up (defaults here/__file__, optionxform = str, strict) and print one JSON
line: {"defaults": [[k, raw]...], "sections": [[name, [[k, raw]...]]...],
"get": [[section, key, value-or-null, error-class-or-null]...]} for every
option of every section (defaults included) and of DEFAULT, or
{"error": CLASS, "line": N-or-null}.
"""
import configparser
import json
import os
import sys

d = sys.argv[1]
for name in sys.stdin:
    path = os.path.join(d, name.rstrip('\n'))
    p = configparser.ConfigParser(defaults={'here': '/h', '__file__': '/h/f.ini'})
    p.optionxform = str
    try:
        with open(path, encoding='utf-8') as f:
            p.read_file(f)
    except Exception as e:
        line = getattr(e, 'lineno', None)
        if isinstance(e, configparser.ParsingError) and not isinstance(e, configparser.MissingSectionHeaderError):
            line = e.errors[0][0]
        out = {"error": type(e).__name__, "line": line}
        sys.stdout.write(json.dumps(out) + '\n')
        continue
    out = {"defaults": list(p._defaults.items()),
           "sections": [[s, list(p._sections[s].items())] for s in p.sections()],
           "get": []}
    for s in ['DEFAULT'] + p.sections():
        opts = list(p._defaults) if s == 'DEFAULT' else p.options(s)
        for o in opts:
            try:
                out["get"].append([s, o, p.get(s, o), None])
            except Exception as e:
                out["get"].append([s, o, None, type(e).__name__])
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + '\n')
