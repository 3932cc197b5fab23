package middleware

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The healthcheck's pages, written out as oslo's Jinja templates render
// them (PLAIN_RESPONSE_TEMPLATE and HTML_RESPONSE_TEMPLATE with their
// whitespace control, then strip()), and its JSON as json.dumps(indent=4,
// sort_keys=True).

// healthDetails is what detailed mode adds: oslo's fields, with the Go
// process's values.
type healthDetails struct {
	hostname     string // "" hides the line, as a failing gethostname
	now          string // str(datetime.utcnow())
	version      string // "python_version": the Go version
	platform     string
	gcCounts     []int
	gcThreshold  []int
	greenthreads []string // goroutine stacks
	threads      []string // none: Go does not show threads
}

func resultClass(r HealthcheckResult) string {
	if r.Class == "" {
		return "HealthcheckResult"
	}
	return r.Class
}

func renderHealthText(results []HealthcheckResult) string {
	var b strings.Builder
	b.WriteString("\n")
	for _, r := range results {
		b.WriteString("\n")
		b.WriteString(r.Reason)
	}
	b.WriteString("\n")
	return pyStripSpace(b.String())
}

func renderHealthJSON(results []HealthcheckResult, d *healthDetails) string {
	j := pyJSON{indent: 4}
	if d == nil {
		reasons := make([]string, len(results))
		for i, r := range results {
			reasons[i] = r.Reason
		}
		j.object([]pyKV{{"detailed", false}, {"reasons", reasons}})
		return j.String()
	}
	reasons := make([]any, len(results))
	for i, r := range results {
		reasons[i] = []pyKV{{"class", resultClass(r)}, {"details", r.Details}, {"reason", r.Reason}}
	}
	j.object([]pyKV{
		{"detailed", true},
		{"gc", []pyKV{{"counts", d.gcCounts}, {"threshold", d.gcThreshold}}},
		{"greenthreads", nonNil(d.greenthreads)},
		{"now", d.now},
		{"platform", d.platform},
		{"python_version", d.version},
		{"reasons", reasons},
		{"threads", nonNil(d.threads)},
	})
	return j.String()
}

const htmlTable = "<TABLE bgcolor=\"#ffffff\" border=\"1\">\n<TBODY>\n"

func renderHealthHTML(results []HealthcheckResult, d *healthDetails) string {
	var b strings.Builder
	e := jinjaEscape
	b.WriteString("\n<HTML>\n<HEAD><TITLE>Healthcheck Status</TITLE></HEAD>\n<BODY>\n")
	if d != nil {
		b.WriteString("<H1>Server status</H1>\n")
		if d.hostname != "" {
			b.WriteString("<B>Server hostname:</B><PRE>" + e(d.hostname) + "</PRE>")
		}
		b.WriteString("\n<B>Current time:</B><PRE>" + e(d.now) + "</PRE>\n")
		b.WriteString("<B>Python version:</B><PRE>" + e(d.version) + "</PRE>\n")
		b.WriteString("<B>Platform:</B><PRE>" + e(d.platform) + "</PRE>\n")
		b.WriteString("<HR></HR>\n<H2>Garbage collector:</H2>\n")
		b.WriteString("<B>Counts:</B><PRE>" + e(pyTuple(d.gcCounts)) + "</PRE>\n")
		b.WriteString("<B>Thresholds:</B><PRE>" + e(pyTuple(d.gcThreshold)) + "</PRE>\n<HR></HR>")
	}
	b.WriteString("\n<H2>Result of " + strconv.Itoa(len(results)) + " checks:</H2>\n" + htmlTable + "<TR>\n")
	if d != nil {
		b.WriteString("<TH>\nKind\n</TH>\n<TH>\nReason\n</TH>\n<TH>\nDetails\n</TH>\n")
	} else {
		b.WriteString("\n<TH>\nReason\n</TH>")
	}
	b.WriteString("\n</TR>\n")
	for _, r := range results {
		if r.Reason == "" {
			continue
		}
		b.WriteString("<TR>\n")
		if d != nil {
			b.WriteString("<TD>" + e(resultClass(r)) + "</TD>")
		}
		b.WriteString("\n    <TD>" + e(r.Reason) + "</TD>\n")
		if d != nil {
			b.WriteString("<TD>" + e(r.Details) + "</TD>")
		}
		b.WriteString("\n</TR>")
	}
	b.WriteString("\n</TBODY>\n</TABLE>\n<HR></HR>\n")
	if d != nil {
		stacks := func(n, what string, l []string) {
			b.WriteString("<H2>" + n + " " + what + "(s) active:</H2>\n" + htmlTable)
			for _, s := range l {
				b.WriteString("<TR>\n    <TD><PRE>" + e(s) + "</PRE></TD>\n</TR>")
			}
			b.WriteString("\n</TBODY>\n</TABLE>")
		}
		if len(d.greenthreads) > 0 {
			stacks(strconv.Itoa(len(d.greenthreads)), "greenthread", d.greenthreads)
			b.WriteString("\n<HR></HR>")
		}
		b.WriteString("\n")
		if len(d.threads) > 0 {
			stacks(strconv.Itoa(len(d.threads)), "thread", d.threads)
		}
	}
	b.WriteString("\n</BODY>\n</HTML>\n")
	return pyStripSpace(b.String())
}

// pyTuple is repr() of a tuple of ints.
func pyTuple(l []int) string {
	s := make([]string, len(l))
	for i, n := range l {
		s[i] = strconv.Itoa(n)
	}
	if len(l) == 1 {
		return "(" + s[0] + ",)"
	}
	return "(" + strings.Join(s, ", ") + ")"
}

// pyStripSpace is Python's str.strip().
func pyStripSpace(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
	})
}

// collectDetails gathers detailed mode's fields.
func collectDetails() *healthDetails {
	d := &healthDetails{
		now:      pyDatetime(time.Now().UTC()),
		version:  runtime.Version(),
		platform: platformString(),
	}
	d.hostname, _ = os.Hostname()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	d.gcCounts = []int{int(ms.NumGC), int(ms.NumForcedGC)}
	d.gcThreshold = []int{gcPercent()}
	d.greenthreads = goroutineStacks()
	return d
}

// pyDatetime is str() of a naive Python datetime.
func pyDatetime(t time.Time) string {
	if t.Nanosecond()/1000 == 0 {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02 15:04:05.000000")
}

// gcPercent is the GOGC setting (-1: off).
func gcPercent() int {
	v := os.Getenv("GOGC")
	if v == "" {
		return 100
	}
	if strings.EqualFold(v, "off") {
		return -1
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 100
	}
	return n
}

// goroutineStacks returns the stack of every goroutine, one per item.
func goroutineStacks() []string {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		if len(buf) >= 64<<20 {
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, s := range bytes.Split(buf, []byte("\n\n")) {
		if len(bytes.TrimSpace(s)) > 0 {
			out = append(out, string(s)+"\n")
		}
	}
	return out
}
