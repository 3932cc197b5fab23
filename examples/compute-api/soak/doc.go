// Package soak holds the load-and-fault tests of the compute API example:
// the service is built (with the race detector when the tests have it),
// started on a free 127.0.0.1 port with its own state_path, put under
// constant load by a bounded Go load generator, and hurt while the load
// runs:
//
//   - SIGHUP with restart_method reload and mutate, after a change of
//     [compute] build_delay (mutable), which must take effect;
//   - SIGKILL of one of two workers;
//   - SIGTERM while creates whose clients send their bodies slowly are in
//     flight, and keep-alive clients go on sending requests;
//   - a broken configuration file, then SIGHUP (both methods);
//   - the database briefly unavailable: SQLite's write lock held by
//     another connection, and (with GOSLO_TEST_PG_DSN) every PostgreSQL
//     backend of the service terminated.
//
// Each scenario runs with one process and with two workers where both
// apply. The load's clients (half of them on keep-alive connections)
// create servers and read them back; the client is written on net.Conn so
// that no request is ever sent twice behind the test's back, and every
// outcome is counted. Each scenario logs what it sent, what succeeded and
// failed, and how many acknowledged creates (a 202 with the server's id)
// are missing from the list the API returns at the end (after a restart
// on the same state_path for SIGTERM). The goal, better than oslo.service
// (see reference/pyref's BEHAVIOUR.md): no failed request and no lost
// write; on SIGKILL of a worker only the requests in flight on it may
// fail, and no connection is refused.
//
// The tests wait on conditions (a response, a log line, a worker's pid,
// a socket in /proc/net/tcp), never on bare sleeps, and every wait is
// bounded. The only timed hold is the fault itself: SQLite's lock is held
// for two seconds.
//
// In the test suite the scenarios are short (8 clients, one fault each,
// 150 successful requests before and after it, the package in about 20
// seconds on two cores). Longer runs take flags, as "make soak" does:
//
//	go test -race -v ./examples/compute-api/soak -soak.clients=32 -soak.rounds=10 -soak.settle=2000
//
// -soak.keep=DIR keeps the state and logs of every run. With -v the figures of every scenario are
// also printed as a table at the end.
package soak
