"""Python's % operator on [format, value] pairs for pyformat's test.
The value is {"none": true}, {"int": n}, {"float": f} ("inf", "-inf",
"nan" as strings), {"str": s}, {"bool": b} or {"list": [s...]}; the format
names it %(x)...; prints the results (or {"error": ...})."""
import json
import sys


def value(v):
    if "none" in v:
        return None
    if "int" in v:
        return v["int"]
    if "float" in v:
        return float(v["float"])
    if "str" in v:
        return v["str"]
    if "bool" in v:
        return v["bool"]
    return v["list"]


out = []
for fmt, v in json.load(sys.stdin):
    try:
        out.append(fmt % {"x": value(v)})
    except Exception as e:
        out.append({"error": "%s: %s" % (type(e).__name__, e)})
json.dump(out, sys.stdout)
