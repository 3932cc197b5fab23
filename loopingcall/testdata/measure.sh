#!/usr/bin/env bash
# Tick drift and periodic-task overhead, goslo and oslo.service in the same
# run (the figures of the loopingcall and periodic benchmarks). Run from the
# repository root; the machine's load is printed since it moves the figures.
set -euo pipefail
py=/usr/bin/python3
echo "cores: $(nproc); $(uptime)"
go test -run XXX -bench 'FixedIntervalDrift/(10|100)ms|EndRelativeDrift/(10|100)ms' -benchtime 200x ./loopingcall/ | grep ^Bench
go test -run XXX -bench 'FixedIntervalTick' -benchmem ./loopingcall/ | grep ^Bench
$py loopingcall/testdata/pydrift.py 0.01 200
$py loopingcall/testdata/pydrift.py 0.1 200
if [ "${WITH_1S:-}" ]; then
	go test -run XXX -bench 'FixedIntervalDrift/1s' -benchtime 20x ./loopingcall/ | grep ^Bench
	$py loopingcall/testdata/pydrift.py 1 20
fi
go test -run XXX -bench RunPeriodicTasks -benchmem ./periodic/ | grep ^Bench
$py periodic/testdata/pybench.py
echo "$(uptime)"
