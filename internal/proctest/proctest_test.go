package proctest

import (
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestChildrenAndAlive: a child shows while it runs, and neither as a
// child nor as alive once it has exited but is not yet reaped (a zombie).
func TestChildrenAndAlive(t *testing.T) {
	if !Alive(os.Getpid()) {
		t.Fatal("this process is not alive")
	}
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Skipf("no sleep command: %v", err)
	}
	pid := cmd.Process.Pid
	if !Alive(pid) || !slices.Contains(Children(os.Getpid()), pid) {
		t.Errorf("running child %d: alive %v, children %v", pid, Alive(pid), Children(os.Getpid()))
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	// Killed, not reaped: a zombie until Wait. SIGKILL is delivered
	// asynchronously, so wait (bounded) for the state to turn to Z.
	for deadline := time.Now().Add(10 * time.Second); Alive(pid); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("killed child %d still alive after 10 s", pid)
		}
	}
	if slices.Contains(Children(os.Getpid()), pid) {
		t.Errorf("zombie %d listed among the children", pid)
	}
	cmd.Wait()
	if Alive(pid) {
		t.Errorf("reaped child %d still alive", pid)
	}
}

func TestWaitForAndFreePort(t *testing.T) {
	calls := 0
	WaitFor(t, time.Minute, "the third call", func() bool { calls++; return calls == 3 })
	if calls != 3 {
		t.Errorf("cond called %d times, want 3 (WaitFor returns once it holds)", calls)
	}
	port := FreePort(t)
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatalf("FreePort gave %d, which is not free: %v", port, err)
	}
	l.Close()
}
