package log

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// watcher is oslo.log's FastWatchedFileHandler's inotify thread: it
// watches the log file's directory and reopens the file as soon as it is
// moved away or deleted. Its goroutine ends when stop closes the inotify
// descriptor.
type watcher struct {
	f    *os.File
	done chan struct{}
}

func watchFile(fo *fileOutput) (*watcher, error) {
	fd, err := syscall.InotifyInit1(syscall.IN_NONBLOCK | syscall.IN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("inotify: %w", err)
	}
	dir, base := filepath.Split(fo.path)
	if dir == "" {
		dir = "."
	}
	if _, err := syscall.InotifyAddWatch(fd, dir, syscall.IN_MOVED_FROM|syscall.IN_DELETE); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("inotify %s: %w", dir, err)
	}
	w := &watcher{f: os.NewFile(uintptr(fd), "inotify"), done: make(chan struct{})}
	go w.run(fo, base)
	return w, nil
}

func (w *watcher) run(fo *fileOutput, base string) {
	defer close(w.done)
	buf := make([]byte, 64*(syscall.SizeofInotifyEvent+syscall.NAME_MAX+1))
	for {
		n, err := w.f.Read(buf)
		if err != nil {
			return
		}
		hit := false
		for off := 0; off+syscall.SizeofInotifyEvent <= n; {
			nameLen := int(binary.NativeEndian.Uint32(buf[off+12:]))
			start := off + syscall.SizeofInotifyEvent
			end := min(start+nameLen, n)
			name := string(buf[start:end])
			for len(name) > 0 && name[len(name)-1] == 0 {
				name = name[:len(name)-1]
			}
			if name == base {
				hit = true
			}
			off = end
		}
		if hit {
			fo.reopenIfMoved()
		}
	}
}

// stop ends the goroutine and waits for it.
func (w *watcher) stop() error {
	err := w.f.Close()
	<-w.done
	if errors.Is(err, os.ErrClosed) {
		err = nil
	}
	return err
}
