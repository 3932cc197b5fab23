// Package proctest is what goslo's process tests share: a process's live
// children (the workers of a launcher) and whether a process still runs,
// read from Linux's /proc; WaitFor, which waits on a condition instead of
// a sleep; and FreePort, for a program that takes its port from a file.
package proctest

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Children lists a process's live child pids, sorted. /proc lists them
// per thread, and a launcher may start workers from a thread of its own.
func Children(pid int) []int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var out []int
	for _, task := range tasks {
		data, err := os.ReadFile(task)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(data)) {
			n, _ := strconv.Atoi(f)
			if Alive(n) {
				out = append(out, n)
			}
		}
	}
	sort.Ints(out)
	return out
}

// Alive reports whether pid runs; a zombie does not.
func Alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses and
	// may hold spaces and parentheses itself.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] != 'Z'
}
