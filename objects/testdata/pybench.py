#!/usr/bin/env python3
"""Time oslo.versionedobjects on the operations objects/bench_test.go times.

usage: pybench.py ORACLE_DIR   (the folder holding testobjects.py and cases/)

Prints one line per benchmark: name, wall-clock and CPU microseconds per
operation (best of 5). Compare with `go test -bench . ./objects/` (ns/op
and cpu-ns/op) run in the same session.
"""
import json
import logging
import os
import sys
import time
import timeit
import warnings

sys.path.insert(0, sys.argv[1])
warnings.simplefilter('ignore')
logging.disable(logging.CRITICAL)

import testobjects  # noqa: E402

with open(os.path.join(sys.argv[1], 'cases', 'server_full_roundtrip.json')) as f:
    PRIMITIVE = json.load(f)

server = testobjects.GosloObject.obj_from_primitive(PRIMITIVE)
text = json.dumps(server.obj_to_primitive())


def roundtrip():
    s = json.dumps(server.obj_to_primitive())
    testobjects.GosloObject.obj_from_primitive(json.loads(s))


def to_json():
    json.dumps(server.obj_to_primitive())


def from_json():
    testobjects.GosloObject.obj_from_primitive(json.loads(text))


servers = testobjects.ServerList(objects=[server.obj_clone() for _ in range(1000)])


def backport_list():
    servers.obj_to_primitive(target_version='1.0')


def backport_list_json():
    json.dumps(servers.obj_to_primitive(target_version='1.0'))


def bench(name, fn, number):
    best = min(timeit.repeat(fn, number=number, repeat=5))
    cpu = min(timeit.repeat(fn, number=number, repeat=5, timer=time.process_time))
    print('%-24s %12.1f us/op %12.1f cpu-us/op' % (name, best / number * 1e6, cpu / number * 1e6))


bench('RoundTrip', roundtrip, 2000)
bench('ToJSON', to_json, 2000)
bench('FromJSON', from_json, 2000)
bench('BackportList1000', backport_list, 10)
bench('BackportList1000JSON', backport_list_json, 10)
