"""Tick drift of oslo.service's FixedIntervalLoopingCall, in the figures of
BenchmarkFixedIntervalDrift (late-* against the grid t0 + k*interval,
intdev-* = |t_k - t_{k-1} - interval|), to compare goslo and oslo in the
same run:

    /usr/bin/python3 loopingcall/testdata/pydrift.py 0.01 200
"""
import sys
import time

from oslo_service import loopingcall

interval = float(sys.argv[1])
n = int(sys.argv[2])
times = []


def tick():
    times.append(time.monotonic())
    if len(times) > n:
        raise loopingcall.LoopingCallDone()


loopingcall.FixedIntervalLoopingCall(tick).start(interval=interval).wait()
t0 = times[0]
late = [times[k] - (t0 + k * interval) for k in range(1, len(times))]
dev = [abs(times[k] - times[k - 1] - interval) for k in range(1, len(times))]
us = 1e6
print("oslo FixedIntervalLoopingCall interval=%gs ticks=%d: late-mean-us %.1f "
      "late-max-us %.1f intdev-mean-us %.1f intdev-max-us %.1f" % (
          interval, n, sum(late) / len(late) * us, max(late) * us,
          sum(dev) / len(dev) * us, max(dev) * us))
