package service

import (
	"runtime/debug"
	"time"
)

// releaseStartupMemory returns to the operating system the memory that
// start-up used and no longer needs, once the service is up (a worker or
// a single process: its services started; the parent: its first workers
// are ready).
//
// Start-up allocates much that is garbage at once: the configuration
// files and their parse, the paste pipeline's construction, regular
// expressions compiled by packages' init, the database schema check
// (goose parses every migration). Go's background scavenger gives such
// memory back only slowly, and not below the next GC's heap goal, so an
// idle process would keep it resident for good. One forced collection
// and scavenge (debug.FreeOSMemory) costs a millisecond or two of CPU
// once; it does not lower what the process needs under load (the heap
// grows back to its working size).
func (b *base) releaseStartupMemory() {
	t0 := time.Now()
	debug.FreeOSMemory()
	b.log.Debug("Released the memory of start-up", "duration", time.Since(t0).Round(time.Microsecond))
}
