package wsgi

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

var logFormats = []string{
	`%(client_ip)s "%(request_line)s" status: %(status_code)s  len: %(body_length)s time: %(wall_seconds).7f`,
	`%(client_ip)s - - [%(date_time)s] "%(request_line)s" %(status_code)s %(body_length)s %(wall_seconds).6f`,
	`%(wall_seconds)s`, `%(wall_seconds)r`, `%(wall_seconds).3f`, `%(wall_seconds)10.4f|`,
	`%(wall_seconds)-10.2f|`, `%(wall_seconds)e`, `%(wall_seconds).2E`, `%(wall_seconds)g`,
	`%(wall_seconds)#g`, `%(wall_seconds).10g`, `%(wall_seconds)d`, `%(wall_seconds)+08.3f`,
	`%(wall_seconds) f`, `%(wall_seconds)G`, `%(wall_seconds).0f`, `%(wall_seconds)#.0f`,
	`%(wall_seconds).0e`, `%(wall_seconds)#.0e`, `%(wall_seconds)i`, `%(wall_seconds)012.2e`,
	`%(body_length)d`, `%(body_length)08d`, `%(body_length)-8d|`, `%(body_length)x`,
	`%(body_length)#X`, `%(body_length)#o`, `%(body_length).8d`, `%(body_length)+d`,
	`%(body_length)f`, `%(body_length)s`, `%(body_length)r`,
	`%(body_length)10s|`, `%(body_length)#010x`, `%(body_length) d`, `%(body_length)g`,
	`%(body_length)u`, `%(body_length)ld`, `%(body_length)e`,
	`%(client_ip)s`, `%(client_ip)20s|`, `%(client_ip)-20s|`, `%(client_ip).3s`, `%(client_ip)r`,
	`%(request_line)r`, `%(request_line)a`, `%(status_code)05s`, `%(status_code)-5s|`,
	`%(client_port)d`, `%(client_port)s`, `%(client_port)5d`,
	`100%% done %(status_code)s`, `%(date_time)s`, `%(client_ip)ls`, `%(status_code).1s`,
	`%(body_length)%`, `%(body_length)#5%x`, `no fields at all`, ``,
	// Errors: Python raises for these.
	`%(request_line)d`, `%(nosuch)s`, `%(client_ip)`, `%(client_ip)y`, `%5%`, `%(client_ip)s %s`,
	`%(status_code)f`, `%(wall_seconds)x`, `%(client_ip)c`, `%(client_ip)*s`, `%`,
	`abc %`, `%(client_ip`, `%(wall_seconds)c`, `%(date_time)i`, `%(client_ip).*s`, `%(client_ip)sé%(nope)s`,
}

var logRecords = []accessRecord{
	{clientIP: "127.0.0.1", clientPort: 54321, method: "GET", uri: "/v1/items?x=1", proto: "HTTP/1.1",
		status: 200, bodyLength: 1234, wall: 1234567 * time.Nanosecond},
	{clientIP: "10.0.0.1,::1", clientPort: 80, method: "POST", uri: "/it's/\"q\"/é\x01", proto: "HTTP/1.0",
		status: 404, bodyLength: 0, wall: 52 * time.Microsecond},
	{clientIP: "192.168.1.100", clientPort: 1, method: "DELETE", uri: "/x'", proto: "HTTP/1.1",
		status: 500, bodyLength: 987654321, wall: 1234567891 * time.Millisecond},
	{clientIP: "host", clientPort: 65535, method: "HEAD", uri: "/", proto: "HTTP/1.1",
		status: 204, bodyLength: 7, wall: 0},
	{clientIP: "::1", clientPort: 2, method: "GET", uri: "/", proto: "HTTP/1.1",
		status: 301, bodyLength: 42, wall: 3 * time.Second},
}

const logFormatOracle = `
import json, sys
cases = json.load(sys.stdin)
out = []
for c in cases:
    c["vals"]["wall_seconds"] = float(c["vals"]["wall_seconds"])
    try:
        out.append({"ok": c["fmt"] % c["vals"]})
    except Exception as e:
        out.append({"err": type(e).__name__ + ": " + str(e)})
print(json.dumps(out))
`

// TestLogFormatAgainstPython formats every format with every record in
// Go and with Python's % operator, and compares.
func TestLogFormatAgainstPython(t *testing.T) {
	type pyCase struct {
		Fmt  string         `json:"fmt"`
		Vals map[string]any `json:"vals"`
	}
	type pyOut struct {
		Ok  *string `json:"ok"`
		Err string  `json:"err"`
	}
	var cases []pyCase
	for _, f := range logFormats {
		for _, r := range logRecords {
			date := logDateTime(r.when)
			cases = append(cases, pyCase{f, map[string]any{
				"client_ip": r.clientIP, "client_port": r.clientPort, "date_time": date,
				"request_line": r.method + " " + r.uri + " " + r.proto, "status_code": strconv.Itoa(r.status),
				"body_length": r.bodyLength, "wall_seconds": r.wall.Seconds(),
			}})
		}
	}
	var want []pyOut
	python(t, logFormatOracle, cases, &want)
	i := 0
	for _, f := range logFormats {
		t.Run(f, func(t *testing.T) {
			lf, err := compileLogFormat(f, false)
			for j, r := range logRecords {
				w := want[i+j]
				if w.Ok == nil {
					if err == nil {
						t.Errorf("record %d: Python fails (%s), Go compiles", j, w.Err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("Go: %v; Python gives %q", err, *w.Ok)
				}
				got := string(lf.appendLine(nil, &r))
				if got != *w.Ok {
					t.Errorf("record %d:\n got %q\nwant %q", j, got, *w.Ok)
				}
			}
		})
		i += len(logRecords)
	}
}

func TestLogFormatErrors(t *testing.T) {
	for _, tc := range []struct{ format, want string }{
		{`%(nosuch)s`, `unknown key "nosuch"`},
		{`%(request_line)d`, `%(request_line)d: %d format: a real number is required, not str`},
		{`%(client_ip)y`, `unsupported format character 'y' (0x79) at index 12`},
		// Python formats the whole mapping for a lone %s; eventlet's
		// users never write that, so goslo refuses it.
		{`%s`, `format requires a mapping`},
		{`%5%`, `unsupported format character '%'`},
		{`abc %`, `incomplete format`},
		{`%(wall_seconds)x`, `an integer is required, not float`},
	} {
		t.Run(tc.format, func(t *testing.T) {
			_, err := compileLogFormat(tc.format, false)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestLogFormatUnixPort: on a Unix socket eventlet's client_port is an empty str,
// so %d of it fails as in Python.
func TestLogFormatUnixPort(t *testing.T) {
	if _, err := compileLogFormat(`%(client_port)d`, true); err == nil {
		t.Fatal("%(client_port)d compiles for a Unix socket")
	}
	lf, err := compileLogFormat(`[%(client_ip)s:%(client_port)s]`, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(lf.appendLine(nil, &accessRecord{clientIP: "unix", unix: true})); got != "[unix:]" {
		t.Fatalf("got %q", got)
	}
}

// TestLogDateTime compares with BaseHTTPRequestHandler.log_date_time_string
// in the same time zone.
func TestLogDateTime(t *testing.T) {
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("no /usr/bin/python3: the oracle is not available")
	}
	for _, sec := range []int64{0, 1764064801, 1709251199, 4102444800} {
		ts := time.Unix(sec, 0)
		out, err := exec.Command("/usr/bin/python3", "-c",
			"import sys, http.server\nh = http.server.BaseHTTPRequestHandler.__new__(http.server.BaseHTTPRequestHandler)\n"+
				"import time\ntime.time = lambda: "+strconv.FormatInt(sec, 10)+"\nprint(h.log_date_time_string())").Output()
		if err != nil {
			t.Fatal(err)
		}
		if got, want := logDateTime(ts), strings.TrimSpace(string(out)); got != want {
			t.Errorf("%d: got %q, want %q", sec, got, want)
		}
	}
}
