"""Oracle for loopingcall: runs oslo.service's BackOffLoopingCall and
RetryDecorator on the scenarios of scenarios.json, with their sleeps and
random draws replaced by recorders, and prints what they did as JSON.

Run with /usr/bin/python3 (python3-oslo.service). The Go test compares
goslo with the output saved in oracle.golden.json (go test -update
rewrites it from this script).
"""
import json
import sys

from oslo_service import loopingcall


class Gauss:
    def __init__(self, values):
        self.values = list(values)
        self.i = 0

    def gauss(self, mu, sigma):
        v = self.values[self.i % len(self.values)]
        self.i += 1
        return v


def backoff(sc):
    sleeps = []

    class Rec(loopingcall.BackOffLoopingCall):
        def _sleep(self, timeout):
            sleeps.append(timeout)

    results = list(sc["results"])

    def f():
        if not results:
            raise loopingcall.LoopingCallDone("end")
        return results.pop(0)

    Rec._RNG = Gauss(sc["gauss"])
    call = Rec(f)
    try:
        value = call.start(starting_interval=sc["starting"], timeout=sc["timeout"],
                           max_interval=sc["max"], jitter=sc["jitter"],
                           min_interval=sc["min"]).wait()
        end = "done:%s" % value
    except loopingcall.LoopingCallTimeOut as e:
        end = "timeout:%s" % e
    return {"name": sc["name"], "sleeps": sleeps, "end": end}


class Retryable(Exception):
    pass


class Other(Exception):
    pass


def retry(sc):
    sleeps = []
    orig = loopingcall.DynamicLoopingCall._sleep
    loopingcall.DynamicLoopingCall._sleep = lambda self, t: sleeps.append(t)
    try:
        outcomes = list(sc["outcomes"])
        calls = [0]

        @loopingcall.RetryDecorator(max_retry_count=sc["max_retry_count"],
                                    inc_sleep_time=sc["inc"],
                                    max_sleep_time=sc["max_sleep"],
                                    exceptions=(Retryable,))
        def f():
            calls[0] += 1
            o = outcomes.pop(0) if outcomes else "retryable"
            if o == "retryable":
                raise Retryable()
            if o == "other":
                raise Other()
            return o

        try:
            end = "ok:%s" % f()
        except Retryable:
            end = "retryable"
        except Other:
            end = "other"
    finally:
        loopingcall.DynamicLoopingCall._sleep = orig
    return {"name": sc["name"], "calls": calls[0], "sleeps": sleeps, "end": end}


def main():
    import logging
    logging.disable(logging.CRITICAL)
    with open(sys.argv[1]) as fh:
        scenarios = json.load(fh)
    out = {
        "backoff": [backoff(sc) for sc in scenarios["backoff"]],
        "retry": [retry(sc) for sc in scenarios["retry"]],
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


main()
