// Package loopingcall runs a function again and again in a goroutine it
// owns: oslo.service's loopingcall module (oslo_service/loopingcall.py,
// oslo.service 3.0.0) in Go.
//
//	oslo.service                        goslo
//	FixedIntervalLoopingCall            FixedInterval
//	FixedIntervalWithTimeoutLoopingCall FixedInterval with Timeout
//	DynamicLoopingCall                  DynamicInterval
//	BackOffLoopingCall                  BackOff
//	RetryDecorator                      Retrying, Retry, Retrying.Do
//	LoopingCallDone(retvalue)           return Done(value)
//	LoopingCallTimeOut                  ErrTimeout (errors.Is)
//	start(...) / stop() / wait()        Start(ctx) / Stop() / Wait(), or Run(ctx)
//
// A loop is a struct: set its fields, Start it with a context, and it runs
// its function in one goroutine until the function returns Done, the
// function fails (unless ContinueOnError), Stop is called or the context
// ends. Wait waits for that goroutine and returns the loop's result, so
// every goroutine the package starts has an owner that stops it and waits
// for it. Run does the same in the calling goroutine, for a loop whose
// goroutine something else owns (a service.Group, an errgroup). The
// function gets a context that Stop cancels, and that carries the time the
// call was scheduled for (TickTime, Now).
//
// Scheduling follows oslo, with one change: the loops keep their own time
// line, so that the small lateness of every timer wake-up does not add up.
// oslo's fixed interval loop sleeps "interval minus the run time, rounded
// to 10 ms" after each run, and its ticks drift by a few milliseconds each
// (pyref measured 2-4 ms per 1 s tick); FixedInterval's n-th tick is due at
// exactly start + n×Interval and each tick is late only by its own timer
// wake-up (see the benchmarks). Likewise a DynamicInterval's delay counts
// from the end of the previous call on that time line. When a call runs
// past its next tick, the next call starts at once, as in oslo. The last
// 2 ms of every wait are slept with nanosleep(2) on Unix: the Go runtime's
// own timers wake an idle process up to a millisecond late (Linux's
// epoll_wait counts whole milliseconds), nanosleep within the kernel's
// timer slack (50 µs). Stop can therefore take up to 2 ms to be noticed.
//
// Defaults: zero durations take oslo's default values (BackOff's 1 s
// starting interval, 300 s timeout and max interval, 1 ms min interval,
// Retrying's 10 s increment and 60 s cap); counts mean what they say. A
// negative value that oslo would reject, or loop on forever, is an error
// from Start.
//
// The package is hand-written: no Go scheduling library has oslo's
// semantics (LoopingCallDone's value, the back-off with oslo's jitter and
// timeout rule, the retry decorator's sleep sequence), and each loop is a
// few dozen lines over time.Timer and context.
package loopingcall
