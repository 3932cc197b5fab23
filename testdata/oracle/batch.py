#!/usr/bin/python3
"""batch.py: run many config-raw / config-typed cases in one interpreter.

stdin: a JSON list of cases, each {"kind": "raw", "dir": D, "file": F} or
{"kind": "typed", "dir": D, "args": [SCHEMA, ARG...]}; stdout: a JSON list
of the answers config_raw.py / config_typed.py would print, in order.
Used by goslo's differential tests (one interpreter start for all cases).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import ensure_utf8  # noqa: E402

ensure_utf8()

import config_raw  # noqa: E402
import config_typed  # noqa: E402


def main():
    cases = json.load(sys.stdin)
    out = []
    home = os.getcwd()
    for case in cases:
        os.chdir(case["dir"])
        try:
            if case["kind"] == "raw":
                out.append(config_raw.parse(case["file"]))
            else:
                with open(case["args"][0], encoding="utf-8") as f:
                    schema = json.load(f)
                out.append(config_typed.run(schema, case["args"][1:]))
        except SystemExit:
            out.append({"error": {"type": "SystemExit"}})
        except Exception as e:  # the oracle itself failed
            out.append({"error": {"type": "OracleCrash:" + type(e).__name__,
                                  "message": str(e)}})
        finally:
            os.chdir(home)
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
