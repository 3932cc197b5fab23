# The README's two commands need no make. This file holds longer runs.

# soak: the load-and-fault tests of the example service
# (examples/compute-api/soak) with more clients, ten faults per scenario
# and longer load between them; the test suite runs them short. With
# GOSLO_TEST_PG_DSN set (eval "$(db/testdata/postgres.sh start)") the
# PostgreSQL scenario runs too. SOAK_FLAGS adds go test flags
# (-soak.keep=DIR keeps every run's state and logs).
SOAK_FLAGS ?=

.PHONY: soak
soak:
	go test -race -count=1 -timeout 60m -v ./examples/compute-api/soak \
		-soak.clients=32 -soak.rounds=10 -soak.settle=2000 $(SOAK_FLAGS)
