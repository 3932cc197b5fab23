package log

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// journalOutput is oslo's OSJournalHandler: each record to journald over
// its native protocol, the formatted line as MESSAGE and oslo's fields
// (CODE_FILE, CODE_LINE, CODE_FUNC, LOGGER_NAME, LOGGER_LEVEL,
// SYSLOG_IDENTIFIER, PRIORITY, SYSLOG_FACILITY, REQUEST_ID, PROJECT_ID,
// ...). It is written here rather than with go-systemd's journal package
// so that the socket can be a test's; as there, a record too large for
// one datagram is passed in an unlinked temporary file.
type journalOutput struct {
	path     string
	ident    string
	facility int

	mu   sync.Mutex
	conn *net.UnixConn
	buf  []byte
}

func newJournalOutput(path, ident string, facility int) *journalOutput {
	if path == "" {
		path = "/run/systemd/journal/socket"
	}
	return &journalOutput{path: path, ident: ident, facility: facility}
}

// appendJournalField appends one field of the native protocol: KEY=value
// and a newline, or, for a value with a newline, KEY, a newline, the
// length as 64-bit little endian, the value and a newline.
func appendJournalField(b []byte, key, value string) []byte {
	if !strings.Contains(value, "\n") {
		b = append(b, key...)
		b = append(b, '=')
		b = append(b, value...)
		return append(b, '\n')
	}
	b = append(b, key...)
	b = append(b, '\n')
	b = binary.LittleEndian.AppendUint64(b, uint64(len(value)))
	b = append(b, value...)
	return append(b, '\n')
}

// journalEntry builds the datagram of a record.
func (j *journalOutput) journalEntry(b []byte, e *rec, line []byte) []byte {
	src := e.source()
	name := levelName(e.level)
	b = appendJournalField(b, "MESSAGE", string(line))
	b = appendJournalField(b, "CODE_FILE", src.pathname)
	b = appendJournalField(b, "CODE_LINE", strconv.Itoa(src.lineno))
	b = appendJournalField(b, "CODE_FUNC", src.funcName)
	b = appendJournalField(b, "THREAD_NAME", "MainThread")
	b = appendJournalField(b, "PROCESS_NAME", "MainProcess")
	b = appendJournalField(b, "LOGGER_NAME", e.name)
	b = appendJournalField(b, "LOGGER_LEVEL", name)
	b = appendJournalField(b, "SYSLOG_IDENTIFIER", j.ident)
	b = appendJournalField(b, "PRIORITY", strconv.Itoa(syslogPriority(name)))
	// oslo.log passes Python's syslog constant (LOG_USER is 8) as it is.
	b = appendJournalField(b, "SYSLOG_FACILITY", strconv.Itoa(j.facility))
	if e.sp.exc != nil {
		text := fmt.Sprintf("%+v", e.sp.exc)
		b = appendJournalField(b, "EXCEPTION_INFO", text)
		b = appendJournalField(b, "EXCEPTION_TEXT", text)
	}
	if rc := e.sp.rc; rc != nil {
		for _, f := range []struct{ key, val string }{
			{"PROJECT_NAME", rc.ProjectName}, {"PROJECT_ID", rc.ProjectID},
			{"USER_NAME", rc.UserName}, {"USER_ID", rc.UserID}, {"REQUEST_ID", rc.RequestID},
		} {
			if f.val != "" {
				b = appendJournalField(b, f.key, f.val)
			}
		}
	}
	return b
}

func (j *journalOutput) write(e *rec, line, _ []byte) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.buf = j.journalEntry(j.buf[:0], e, line)
	if j.conn == nil {
		c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: j.path, Net: "unixgram"})
		if err != nil {
			return fmt.Errorf("log: journal %s: %w", j.path, err)
		}
		j.conn = c
	}
	_, err := j.conn.Write(j.buf)
	if err == nil {
		return nil
	}
	if errors.Is(err, syscall.EMSGSIZE) || errors.Is(err, syscall.ENOBUFS) {
		if err := j.sendLarge(j.buf); err != nil {
			return fmt.Errorf("log: journal %s: %w", j.path, err)
		}
		return nil
	}
	j.conn.Close()
	j.conn = nil
	return fmt.Errorf("log: journal %s: %w", j.path, err)
}

// sendLarge passes an entry too large for a datagram as journald allows:
// in an unlinked temporary file whose descriptor is sent.
func (j *journalOutput) sendLarge(entry []byte) error {
	dir := "/dev/shm"
	if _, err := os.Stat(dir); err != nil {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, "journal.")
	if err != nil {
		return err
	}
	defer f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return err
	}
	if _, err := f.Write(entry); err != nil {
		return err
	}
	rights := syscall.UnixRights(int(f.Fd()))
	raw, err := j.conn.SyscallConn()
	if err != nil {
		return err
	}
	var sendErr error
	err = raw.Write(func(fd uintptr) bool {
		sendErr = syscall.Sendmsg(int(fd), nil, rights, nil, 0)
		return sendErr != syscall.EAGAIN
	})
	if err != nil {
		return err
	}
	return sendErr
}

func (j *journalOutput) reopen() error { return nil }

func (j *journalOutput) close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.conn != nil {
		err := j.conn.Close()
		j.conn = nil
		return err
	}
	return nil
}

func (j *journalOutput) String() string { return "journal" }
