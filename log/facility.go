package log

import (
	"fmt"
	"strings"
)

// syslogFacilities are the facilities oslo.log accepts, with their
// values as Python's syslog module has them (the code shifted left by 3).
var syslogFacilities = []struct {
	name  string
	value int
}{
	{"LOG_KERN", 0 << 3}, {"LOG_USER", 1 << 3}, {"LOG_MAIL", 2 << 3}, {"LOG_DAEMON", 3 << 3},
	{"LOG_AUTH", 4 << 3}, {"LOG_SYSLOG", 5 << 3}, {"LOG_LPR", 6 << 3}, {"LOG_NEWS", 7 << 3},
	{"LOG_UUCP", 8 << 3}, {"LOG_CRON", 9 << 3}, {"LOG_AUTHPRIV", 10 << 3}, {"LOG_FTP", 11 << 3},
	{"LOG_LOCAL0", 16 << 3}, {"LOG_LOCAL1", 17 << 3}, {"LOG_LOCAL2", 18 << 3}, {"LOG_LOCAL3", 19 << 3},
	{"LOG_LOCAL4", 20 << 3}, {"LOG_LOCAL5", 21 << 3}, {"LOG_LOCAL6", 22 << 3}, {"LOG_LOCAL7", 23 << 3},
}

// findFacility is oslo.log's _find_facility: case-insensitive, with or
// without the LOG_ prefix.
func findFacility(name string) (int, error) {
	n := strings.ToUpper(name)
	if !strings.HasPrefix(n, "LOG_") {
		n = "LOG_" + n
	}
	for _, f := range syslogFacilities {
		if f.name == n {
			return f.value, nil
		}
	}
	names := make([]string, len(syslogFacilities))
	for i, f := range syslogFacilities {
		names[i] = "'" + f.name + "'"
	}
	return 0, fmt.Errorf("%q: syslog facility must be one of: %s", name, strings.Join(names, ", "))
}

// syslogPriority is oslo.log's SYSLOG_MAP: the syslog severity of a
// level name, 7 (debug) for others.
func syslogPriority(levelname string) int {
	switch levelname {
	case "CRITICAL":
		return 2
	case "ERROR":
		return 3
	case "WARNING", "WARN":
		return 4
	case "INFO":
		return 6
	}
	return 7
}
