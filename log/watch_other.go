//go:build !linux

package log

import "errors"

// watcher has no implementation without inotify: as in oslo.log,
// watch_log_file only matters on Linux, and Setup ignores it elsewhere.
type watcher struct{}

func watchFile(*fileOutput) (*watcher, error) {
	return nil, errors.New("watching the log file needs Linux's inotify")
}

func (w *watcher) stop() error { return nil }
