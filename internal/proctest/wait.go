package proctest

import (
	"net"
	"testing"
	"time"
)

// WaitFor polls cond every 5 ms until it holds, and fails the test after
// within: a bound for a broken program, never a measure of a working one.
// Process tests wait on conditions (a port answering, a pid appearing, a
// line in a log) with it instead of sleeping.
func WaitFor(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		<-tick.C
	}
}

// FreePort returns a TCP port of 127.0.0.1 that is free now, for a
// program under test that takes its port from a file or flag rather than
// from a listener it is given.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
