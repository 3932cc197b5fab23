"""Oracle for periodic: runs oslo.service's PeriodicTasks.run_periodic_tasks
on the scenarios of scenarios.json with a fake monotonic clock and a fixed
random.random(), and prints, for every call, which tasks ran, whether it
raised, the idle time it returned and each task's last_run, as JSON.

Run with /usr/bin/python3 (python3-oslo.service). The Go test compares
goslo with the output saved in oracle.golden.json (go test -update
rewrites it from this script). Times are seconds from the first call; the
manager class is created at the first call, which is where goslo starts
counting a task's first spacing.
"""
import json
import logging
import sys

from oslo_config import cfg
from oslo_service import periodic_task

BASE = 1000.0
clock = [BASE]
periodic_task.now = lambda: clock[0]


class Boom(Exception):
    pass


def run(sc):
    periodic_task.random.random = lambda: sc.get("random", 0.0)
    state = {"call": -1, "ran": []}

    def make(spec):
        def task(self, context):
            state["ran"].append(spec["name"])
            if state["call"] in spec.get("fail", []):
                raise Boom(spec["name"])
        task.__name__ = spec["name"]
        return periodic_task.periodic_task(
            spacing=spec.get("spacing", 0),
            run_immediately=spec.get("run_immediately", False),
            external_process_ok=spec.get("external_process_ok", False),
            enabled=spec.get("enabled", True),
            name=spec["name"])(task)

    out = []
    calls = sc["calls"]
    clock[0] = BASE + calls[0]["at"]
    body = {}
    for spec in sc["tasks"]:
        body["m_" + spec["name"]] = make(spec)
    Mgr = type("Mgr", (periodic_task.PeriodicTasks,), body)
    conf = cfg.ConfigOpts()
    conf([])
    mgr = Mgr(conf)
    conf.set_override("run_external_periodic_tasks", sc.get("run_external", True))
    for i, c in enumerate(calls):
        clock[0] = BASE + c["at"]
        state["call"] = i
        state["ran"] = []
        res = {"at": c["at"]}
        try:
            res["idle"] = mgr.run_periodic_tasks(None, raise_on_error=c.get("raise", False))
        except Boom as e:
            res["raised"] = str(e)
        res["ran"] = state["ran"]
        res["last_run"] = {k: (None if v is None else round(v - BASE, 9))
                           for k, v in mgr._periodic_last_run.items()}
        out.append(res)
    return {"name": sc["name"], "calls": out,
            "tasks": [name for name, _ in Mgr._periodic_tasks]}


def main():
    logging.disable(logging.CRITICAL)
    with open(sys.argv[1]) as fh:
        scenarios = json.load(fh)
    json.dump([run(sc) for sc in scenarios], sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


main()
