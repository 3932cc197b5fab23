package log

import (
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// rateLimiter is oslo.log's rate limit filter (rate_limit.py): at most
// burst records per interval pass, except those at or above the except
// level; the first record dropped in an interval is replaced by an ERROR
// "Logging rate limit: drop after N records/S sec". The interval starts at
// the first record after the previous one ended, on a monotonic clock.
type rateLimiter struct {
	burst     int
	interval  time.Duration
	except    slog.Level
	hasExcept bool
	now       func() time.Time

	mu      sync.Mutex
	counter int
	end     time.Time
}

// rateLimitLevels are the names rate_limit_except_level accepts.
var rateLimitLevels = map[string]slog.Level{
	"CRITICAL": LevelCritical, "ERROR": slog.LevelError, "INFO": slog.LevelInfo,
	"WARNING": slog.LevelWarn, "DEBUG": slog.LevelDebug,
}

// newRateLimiter makes the filter. An empty except level filters all
// levels, as the option's help says (oslo.log 5.0.1 itself fails to
// install its filter: it reads an option named rate_limit_except, which
// does not exist).
func newRateLimiter(burst, intervalSec int, except string) (*rateLimiter, error) {
	rl := &rateLimiter{burst: burst, interval: time.Duration(intervalSec) * time.Second, now: time.Now}
	if except != "" {
		l, ok := rateLimitLevels[except]
		if !ok {
			return nil, fmt.Errorf("invalid log level name: %q (valid: CRITICAL, ERROR, INFO, WARNING, DEBUG or empty)", except)
		}
		rl.except, rl.hasExcept = l, true
	}
	rl.end = rl.now().Add(rl.interval)
	return rl, nil
}

// allow reports whether a record of level l passes, and whether the
// rate limit warning must be written (before it).
func (rl *rateLimiter) allow(l slog.Level) (ok, warn bool) {
	if rl.hasExcept && l >= rl.except {
		return true, false
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	now := rl.now()
	if !now.Before(rl.end) {
		rl.counter = 1
		rl.end = now.Add(rl.interval)
		return true, false
	}
	rl.counter++
	if rl.counter <= rl.burst {
		return true, false
	}
	return false, rl.counter == rl.burst+1
}

func (rl *rateLimiter) warning() string {
	return fmt.Sprintf("Logging rate limit: drop after %d records/%d sec", rl.burst, int(rl.interval/time.Second))
}
