package middleware

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The healthcheck pages are compared with oslo's Jinja templates and
// json.dumps rendering the same values, detailed mode included (the
// values the real healthcheck puts there differ between Python and Go;
// the layout must not).

type renderResult struct {
	Reason    string `json:"reason"`
	Details   string `json:"details"`
	Class     string `json:"class"`
	Available bool   `json:"available"`
}

type renderDetails struct {
	Hostname     string   `json:"hostname"`
	Now          string   `json:"now"`
	Version      string   `json:"version"`
	Platform     string   `json:"platform"`
	GCCounts     []int    `json:"gc_counts"`
	GCThreshold  []int    `json:"gc_threshold"`
	Greenthreads []string `json:"greenthreads"`
	Threads      []string `json:"threads"`
}

type renderCase struct {
	Results []renderResult `json:"results"`
	Details *renderDetails `json:"details"`
}

type rendered struct {
	Text, HTML, JSON string
}

func TestHealthcheckRenderingMatchesOslo(t *testing.T) {
	needOracle(t)
	ok := renderResult{Reason: "OK", Details: "Path '/x' was not found", Class: "HealthcheckResult", Available: true}
	down := renderResult{Reason: "DISABLED BY FILE", Details: "Path '/x' was found", Class: "HealthcheckResult"}
	odd := renderResult{Reason: `<b>"it's" & more</b>`, Details: "ünïcode ☃ 😀 \t\n\\ \x01", Class: "My<Check>"}
	blank := renderResult{Reason: "", Details: "hidden", Class: "HealthcheckResult", Available: true}
	spaced := renderResult{Reason: "  padded  ", Class: "HealthcheckResult", Available: true}
	full := &renderDetails{Hostname: "node-1", Now: "2024-05-02 10:11:12.345678", Version: "go1.26.0",
		Platform: "Linux-6.1.0-x86_64", GCCounts: []int{12, 3}, GCThreshold: []int{100},
		Greenthreads: []string{"goroutine 1 [running]:\nmain.main()\n\t/x.go:1 +0x1d\n", "goroutine <2>\n"},
		Threads:      []string{"thread 'a' & \"b\"\n"}}
	noHost := &renderDetails{Now: "2024-05-02 10:11:12", Version: "v", Platform: "p",
		GCCounts: []int{1}, GCThreshold: []int{-1}}
	cases := []renderCase{
		{Results: []renderResult{}},
		{Results: []renderResult{ok}},
		{Results: []renderResult{ok, down}},
		{Results: []renderResult{odd, blank, spaced}},
		{Results: []renderResult{spaced}},
		{Results: []renderResult{blank}},
		{Results: []renderResult{}, Details: full},
		{Results: []renderResult{ok, down, odd, blank}, Details: full},
		{Results: []renderResult{ok}, Details: noHost},
		{Results: []renderResult{spaced}, Details: &renderDetails{Hostname: "h", GCCounts: []int{0, 0, 0}, GCThreshold: []int{700, 10, 10},
			Greenthreads: []string{"only green"}}},
		{Results: []renderResult{ok}, Details: &renderDetails{Hostname: "h", GCCounts: []int{}, GCThreshold: []int{},
			Threads: []string{"only thread"}}},
	}
	var in bytes.Buffer
	for _, c := range cases {
		if d := c.Details; d != nil {
			d.Greenthreads, d.Threads = nonNil(d.Greenthreads), nonNil(d.Threads)
		}
		b, _ := json.Marshal(c)
		in.Write(b)
		in.WriteByte('\n')
	}
	cmd := exec.Command(python, "-X", "utf8", "testdata/render.py")
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("render.py: %v\n%s", err, stderr.String())
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 16<<20)
	i := 0
	for ; sc.Scan(); i++ {
		var want rendered
		if err := json.Unmarshal(sc.Bytes(), &want); err != nil {
			t.Fatal(err)
		}
		c := cases[i]
		results := make([]HealthcheckResult, len(c.Results))
		for j, r := range c.Results {
			results[j] = HealthcheckResult{Available: r.Available, Reason: r.Reason, Details: r.Details, Class: r.Class}
		}
		var d *healthDetails
		if c.Details != nil {
			d = &healthDetails{hostname: c.Details.Hostname, now: c.Details.Now, version: c.Details.Version,
				platform: c.Details.Platform, gcCounts: c.Details.GCCounts, gcThreshold: c.Details.GCThreshold,
				greenthreads: c.Details.Greenthreads, threads: c.Details.Threads}
		}
		got := rendered{Text: renderHealthText(results), HTML: renderHealthHTML(results, d), JSON: renderHealthJSON(results, d)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("case %d: differs from oslo (-oslo +goslo):\n%s", i, diff)
		}
	}
	if i != len(cases) {
		t.Fatalf("render.py answered %d of %d cases", i, len(cases))
	}
}

// Detailed mode over HTTP: oslo's keys, the Go process's values.
func TestHealthcheckDetailed(t *testing.T) {
	h := &Healthcheck{Detailed: true, Backends: []HealthcheckBackend{DisableByFile{Path: "/nonexistent/x"}}}
	rec := serve(h, "GET", "/", "Accept", "application/json")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"detailed", "gc", "greenthreads", "now", "platform", "python_version", "reasons", "threads"} {
		if _, ok := body[k]; !ok {
			t.Errorf("no %q in %v", k, body)
		}
	}
	reasons, _ := body["reasons"].([]any)
	if len(reasons) != 1 {
		t.Fatalf("reasons = %v", body["reasons"])
	}
	want := map[string]any{"class": "HealthcheckResult", "details": "Path '/nonexistent/x' was not found", "reason": "OK"}
	if diff := cmp.Diff(want, reasons[0]); diff != "" {
		t.Errorf("reason (-want +got):\n%s", diff)
	}
	if g, _ := body["greenthreads"].([]any); len(g) == 0 {
		t.Errorf("no goroutine stacks")
	}
	rec = serve(h, "GET", "/", "Accept", "text/html")
	if !bytes.Contains(rec.Body.Bytes(), []byte("<H1>Server status</H1>")) || !bytes.Contains(rec.Body.Bytes(), []byte("greenthread(s) active")) {
		t.Errorf("detailed HTML:\n%s", rec.Body.String())
	}
}
