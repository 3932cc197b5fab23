"""oslo.db's wrap_db_retry, observed: reads a JSON list of cases on stdin
({"retry_interval", "max_retries", "inc_retry_interval",
"max_retry_interval", "error": "connection" | "deadlock" | "request" |
"other", "fail_times"}), runs a function that raises that error
fail_times times (then returns) under wrap_db_retry(retry_on_disconnect=
True, retry_on_deadlock=True), with time.sleep recorded instead of slept,
and writes a JSON list of {"calls", "sleeps", "raised"}."""
import json
import sys
import time

from oslo_db import api, exception

logging_off = __import__("logging").disable(50)


def run(case):
    sleeps = []
    real_sleep = time.sleep
    time.sleep = sleeps.append
    calls = [0]
    errors = {
        "connection": lambda: exception.DBConnectionError(),
        "deadlock": lambda: exception.DBDeadlock(),
        "request": lambda: exception.RetryRequest(ValueError("inner")),
        "other": lambda: ValueError("other"),
    }

    @api.wrap_db_retry(retry_interval=case["retry_interval"], max_retries=case["max_retries"],
                       inc_retry_interval=case["inc_retry_interval"],
                       max_retry_interval=case["max_retry_interval"],
                       retry_on_disconnect=True, retry_on_deadlock=True)
    def f():
        calls[0] += 1
        if calls[0] <= case["fail_times"]:
            raise errors[case["error"]]()

    raised = None
    try:
        f()
    except Exception as e:  # noqa
        raised = type(e).__name__
    finally:
        time.sleep = real_sleep
    return {"calls": calls[0], "sleeps": sleeps, "raised": raised}


json.dump([run(c) for c in json.load(sys.stdin)], sys.stdout)
