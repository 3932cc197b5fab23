package log

import (
	"os"
	"sync"
)

// streamOutput is oslo's ColorHandler on standard output or error: the
// line as ColorHandler formats it (ending in the colour reset sequence).
type streamOutput struct {
	mu  sync.Mutex
	f   *os.File
	buf []byte
}

func (s *streamOutput) write(_ *rec, _, colored []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// One write per record, newline included, so that lines of
	// concurrent writers never mix.
	s.buf = append(append(s.buf[:0], colored...), '\n')
	_, err := s.f.Write(s.buf)
	return err
}

func (s *streamOutput) reopen() error { return nil }
func (s *streamOutput) close() error  { return nil }

func (s *streamOutput) String() string {
	if s.f == os.Stderr {
		return "stderr"
	}
	if s.f == os.Stdout {
		return "stdout"
	}
	return s.f.Name()
}
