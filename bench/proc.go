package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// tree lists a process and its descendants.
func tree(pid int) []int {
	out := []int{pid}
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, t := range tasks {
		data, _ := os.ReadFile(t)
		for _, f := range strings.Fields(string(data)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, tree(c)...)
			}
		}
	}
	return out
}

// mem is what a process has resident, in kB, from
// /proc/PID/smaps_rollup. RSS counts every page mapped in the process,
// the executable's and shared libraries' file pages included; PSS splits
// each page among the processes that map it, so the PSS of all the
// processes of a service adds up to what they cost together; USS is the
// pages mapped by this process alone (Private_Clean + Private_Dirty). In
// a multi-worker service the executable's pages are shared by the parent
// and every worker, so a worker's USS is what one more worker costs; a
// lone process shares its executable with nobody, so its USS is close to
// its RSS.
type mem struct {
	rss, pss, uss int
}

// memOf reads a process's smaps_rollup; a process that is gone reads as
// zero.
func memOf(pid int) mem {
	var m mem
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return m
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		n, _ := strconv.Atoi(f[1])
		switch f[0] {
		case "Rss:":
			m.rss = n
		case "Pss:":
			m.pss = n
		case "Private_Clean:", "Private_Dirty:":
			m.uss += n
		}
	}
	return m
}

// peakMem keeps the highest figures of each process of a tree over
// samples: memory under load is its peak while the load runs, not what
// is left once it stopped.
type peakMem struct {
	mu    sync.Mutex
	order []int
	max   map[int]mem
	pss   int // highest PSS total of the tree
}

func newPeakMem() *peakMem { return &peakMem{max: map[int]mem{}} }

func (p *peakMem) sample(pids []int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	total := 0
	for _, pid := range pids {
		m := memOf(pid)
		if m.rss == 0 {
			continue
		}
		total += m.pss
		old, seen := p.max[pid]
		if !seen {
			p.order = append(p.order, pid)
		}
		old.rss, old.pss = max(old.rss, m.rss), max(old.pss, m.pss)
		old.uss = max(old.uss, m.uss)
		p.max[pid] = old
	}
	p.pss = max(p.pss, total)
}

// result lists each process's peaks in the order first seen (the parent
// first), and the peak PSS total.
func (p *peakMem) result() ([]mem, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]mem, 0, len(p.order))
	for _, pid := range p.order {
		out = append(out, p.max[pid])
	}
	return out, p.pss
}

// cpuTicks is user+system CPU time of a process tree, in clock ticks
// (1/100 s on Linux).
func cpuTicks(pids []int) int64 {
	var total int64
	for _, pid := range pids {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		s := string(data)
		// Fields after the command name, which may hold spaces.
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		total += u + st
	}
	return total
}

const ticksPerSecond = 100
