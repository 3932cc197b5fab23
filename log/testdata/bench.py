"""Times oslo.log writing the lines of log's Go benchmarks (bench_test.go):
a disabled debug line, an INFO line with a request context to a log file
(default format strings), the same with use_json. Prints ns/op for each,
as the Go benchmarks do. Run it right after the Go benchmarks:

    go test -run '^$' -bench . -benchmem ./log
    /usr/bin/python3 log/testdata/bench.py
"""
import os
import sys
import tempfile
import time

from oslo_config import cfg
from oslo_context import context
from oslo_log import log

MSG = '10.0.0.1 "GET /v2.1/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.0412'


def setup(tmp, use_json):
    conf = cfg.ConfigOpts()
    log.register_options(conf)
    args = ['--log-file', os.path.join(tmp, 'bench.log')]
    if use_json:
        args.append('--use-json')
    conf(args, project='bench', default_config_files=[])
    log.setup(conf, 'nova')
    return conf


def timeit(fn, seconds=2.0):
    n = 1000
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return elapsed / n * 1e9, n
        n = int(n * max(2, seconds / max(elapsed, 1e-6) * 1.2))


def main():
    ctx = context.RequestContext(request_id='req-6d8a4a4e-5f4b-4a3c-9d40-0b1c9f1e7d21',
                                 user_id='8c1a4e5b9d2f4c7e', project_id='42fe9b3c', overwrite=False)
    context._request_store.context = None
    with tempfile.TemporaryDirectory() as tmp:
        setup(tmp, False)
        debug = log.getLogger('nova.api.openstack.wsgi')
        info = log.getLogger('nova.api.openstack.requestlog')
        for name, fn in [
            ('DisabledDebug', lambda: debug.debug('Calling method', context=ctx, method='index')),
            ('ContextLineFile', lambda: info.info(MSG, context=ctx)),
        ]:
            ns, n = timeit(fn)
            print('Python%-20s %10d %12.0f ns/op' % (name, n, ns))
        setup(tmp, True)
        ns, n = timeit(lambda: info.info(MSG, context=ctx))
        print('Python%-20s %10d %12.0f ns/op' % ('JSONLineFile', n, ns))


main()
