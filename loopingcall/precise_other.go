//go:build !unix

package loopingcall

import "time"

// preciseSleep sleeps d on a Go timer where no finer sleep is wired up.
func preciseSleep(d time.Duration) { time.Sleep(d) }
