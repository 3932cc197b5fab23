//go:build unix

package loopingcall

import (
	"syscall"
	"time"
)

// preciseSleep sleeps d (at most finish) with nanosleep(2), which wakes
// within the kernel's timer slack (50 µs by default on Linux) instead of
// the millisecond of the Go runtime's idle timer wake-ups. The goroutine
// blocks its thread for that short time.
func preciseSleep(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	for {
		var rem syscall.Timespec
		if err := syscall.Nanosleep(&ts, &rem); err != syscall.EINTR {
			return
		}
		ts = rem
	}
}
