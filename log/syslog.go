package log

import (
	"fmt"
	"net"
	"sync"
	"time"
)

// syslogOutput is oslo's OSSysLogHandler: each line to the local syslog
// daemon as glibc's syslog() sends it ("<PRI>Mmm dd hh:mm:ss ident:
// line"), ident the program's name. It reconnects after errors and
// never holds up start-up when the daemon is not there.
type syslogOutput struct {
	path     string
	ident    string
	facility int
	now      func() time.Time

	mu   sync.Mutex
	conn net.Conn
	buf  []byte
}

func newSyslogOutput(path, ident string, facility int) *syslogOutput {
	if path == "" {
		path = "/dev/log"
	}
	return &syslogOutput{path: path, ident: ident, facility: facility, now: time.Now}
}

var syslogStamp = compileDateFormat("%h %e %T")

func (s *syslogOutput) write(e *rec, line, _ []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := fmt.Appendf(s.buf[:0], "<%d>", s.facility|syslogPriority(levelName(e.level)))
	b = syslogStamp.format(b, s.now())
	b = append(b, ' ')
	b = append(b, s.ident...)
	b = append(b, ": "...)
	b = append(b, line...)
	s.buf = b
	for attempt := 0; attempt < 2; attempt++ {
		if s.conn == nil {
			c, err := dialUnixgram(s.path)
			if err != nil {
				return fmt.Errorf("log: syslog %s: %w", s.path, err)
			}
			s.conn = c
		}
		if _, err := s.conn.Write(b); err != nil {
			s.conn.Close()
			s.conn = nil
			if attempt == 1 {
				return fmt.Errorf("log: syslog %s: %w", s.path, err)
			}
			continue
		}
		return nil
	}
	return nil
}

func dialUnixgram(path string) (net.Conn, error) {
	return net.DialUnix("unixgram", nil, &net.UnixAddr{Name: path, Net: "unixgram"})
}

func (s *syslogOutput) reopen() error { return nil }

func (s *syslogOutput) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		err := s.conn.Close()
		s.conn = nil
		return err
	}
	return nil
}

func (s *syslogOutput) String() string { return "syslog" }
