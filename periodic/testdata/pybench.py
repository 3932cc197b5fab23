"""Cost of oslo.service's run_periodic_tasks with 10 trivial tasks, to set
beside BenchmarkRunPeriodicTasks in the same run:

    /usr/bin/python3 periodic/testdata/pybench.py
"""
import eventlet
eventlet.monkey_patch()  # as every oslo.service process is

import logging  # noqa: E402
import timeit  # noqa: E402

from oslo_config import cfg  # noqa: E402
from oslo_service import periodic_task  # noqa: E402

logging.disable(logging.CRITICAL)


def manager(spacing):
    body = {}
    for i in range(10):
        def task(self, context):
            pass
        task.__name__ = "task%d" % i
        body["task%d" % i] = periodic_task.periodic_task(spacing=spacing)(task)
    conf = cfg.ConfigOpts()
    conf([])
    return type("Mgr", (periodic_task.PeriodicTasks,), body)(conf)


for name, spacing in (("10tasks-none-due", 3600), ("10tasks-all-due", 1e-9)):
    m = manager(spacing)
    m.run_periodic_tasks(None)
    n = 20000
    t = timeit.timeit(lambda: m.run_periodic_tasks(None), number=n)
    print("oslo run_periodic_tasks %s: %.0f ns/op" % (name, t / n * 1e9))
