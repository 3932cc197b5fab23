package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// wrkResult is what one wrk run reports.
type wrkResult struct {
	Requests     int
	ReqPerSec    float64
	P50, P99     time.Duration
	Non2xx       int
	SocketErrors int
	Raw          string
}

var (
	reqSec   = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	total    = regexp.MustCompile(`(\d+) requests in`)
	pct      = regexp.MustCompile(`^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$`)
	non2xx   = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	sockErrs = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// runWrk loads url for d with c connections and t threads.
func runWrk(ctx context.Context, url string, d time.Duration, c, t int) (wrkResult, error) {
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "wrk", "-t", strconv.Itoa(t), "-c", strconv.Itoa(c),
		"-d", fmt.Sprintf("%ds", int(d.Seconds())), "--latency", url).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %v\n%s", url, err, out)
	}
	return parseWrk(string(out))
}

func parseWrk(out string) (wrkResult, error) {
	r := wrkResult{Raw: out}
	m := reqSec.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("wrk: no Requests/sec in output:\n%s", out)
	}
	r.ReqPerSec, _ = strconv.ParseFloat(m[1], 64)
	if m := total.FindStringSubmatch(out); m != nil {
		r.Requests, _ = strconv.Atoi(m[1])
	}
	if m := non2xx.FindStringSubmatch(out); m != nil {
		r.Non2xx, _ = strconv.Atoi(m[1])
	}
	if m := sockErrs.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(s)
			r.SocketErrors += n
		}
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		m := pct.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		v, _ := strconv.ParseFloat(m[2], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[3]]
		// wrk prints two decimals: round away float noise (518.159999ms).
		d := time.Duration(v * float64(unit)).Round(time.Microsecond)
		if m[1] == "50" {
			r.P50 = d
		} else {
			r.P99 = d
		}
	}
	return r, nil
}
