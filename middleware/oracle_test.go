package middleware

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/paste"
	"github.com/goslo/goslo/reqctx"
)

// The differential tests send the same requests through the real
// oslo.middleware (testdata/oracle.py drives it with WebOb around a tiny
// application) and through this package over real HTTP, and compare the
// status, the headers, the body and what the filters logged.

const python = "/usr/bin/python3"

var (
	oracleOnce sync.Once
	oracleErr  error
)

func needOracle(t testing.TB) {
	t.Helper()
	oracleOnce.Do(func() {
		out, err := exec.Command(python, "-c", "import oslo_middleware, webob, jinja2").CombinedOutput()
		if err != nil {
			oracleErr = fmt.Errorf("%s cannot import oslo_middleware (python3-oslo.middleware): %v: %s", python, err, bytes.TrimSpace(out))
		}
	})
	if oracleErr != nil {
		t.Skip("differential test skipped: ", oracleErr)
	}
}

// A case, in the oracle's JSON schema (see testdata/oracle.py).
type oCase struct {
	Name    string            `json:"name"`
	Conf    string            `json:"conf,omitempty"`
	Global  map[string]string `json:"global,omitempty"`
	Filters []oFilter         `json:"filters,omitempty"`
	App     oApp              `json:"app"`
	Request oRequest          `json:"request"`
	// Variants says which Go set-ups are compared: "project" (the
	// filter loads the conf through oslo_config_project, as Python
	// does), "service" (the service's Config, loaded from the same
	// file). Empty: both.
	Variants []string `json:"-"`
}

type oFilter struct {
	Name      string            `json:"name"`
	Local     map[string]string `json:"local,omitempty"`
	NoProject bool              `json:"no_project,omitempty"`
}

type oApp struct {
	Status      int               `json:"status,omitempty"`
	Headers     [][2]string       `json:"headers,omitempty"`
	Body        string            `json:"body,omitempty"`
	ReadBody    bool              `json:"read_body,omitempty"`
	Raise       bool              `json:"raise,omitempty"`
	Healthcheck map[string]string `json:"healthcheck"`
	NoProject   bool              `json:"no_project,omitempty"`
}

type oRequest struct {
	Method     string      `json:"method,omitempty"`
	Path       string      `json:"path,omitempty"`
	ScriptName string      `json:"script_name,omitempty"`
	Host       string      `json:"host,omitempty"`
	ServerPort int         `json:"server_port,omitempty"`
	Headers    [][2]string `json:"headers,omitempty"`
	Body       *string     `json:"body,omitempty"`
	BodyRepeat int         `json:"body_repeat,omitempty"`
	Chunked    bool        `json:"chunked,omitempty"`
}

type oAnswer struct {
	Status  int         `json:"status"`
	Headers [][2]string `json:"headers"`
	Body    string      `json:"body"`
	Log     [][]any     `json:"log"`
	Error   string      `json:"error"`
}

func askOracle(t *testing.T, cases []oCase) []oAnswer {
	t.Helper()
	needOracle(t)
	var in bytes.Buffer
	for _, c := range cases {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		in.Write(b)
		in.WriteByte('\n')
	}
	cmd := exec.Command(python, "-X", "utf8", "testdata/oracle.py")
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, stderr.String())
	}
	var answers []oAnswer
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var a oAnswer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("oracle answer %d: %v", len(answers), err)
		}
		answers = append(answers, a)
	}
	if len(answers) != len(cases) {
		t.Fatalf("oracle gave %d answers for %d cases\n%s", len(answers), len(cases), stderr.String())
	}
	return answers
}

// logCapture records what the filters log through slog.Default.
type logCapture struct {
	mu   sync.Mutex
	recs [][]any
}

func (l *logCapture) Enabled(context.Context, slog.Level) bool { return true }
func (l *logCapture) WithGroup(string) slog.Handler            { return l }
func (l *logCapture) WithAttrs(as []slog.Attr) slog.Handler {
	return &logWith{l, as}
}
func (l *logCapture) Handle(_ context.Context, r slog.Record) error { return l.handle(r, nil) }

func (l *logCapture) handle(r slog.Record, with []slog.Attr) error {
	name, exc := "root", false
	attr := func(a slog.Attr) bool {
		switch a.Key {
		case "logger":
			name = a.Value.String()
		case "exc_info":
			exc = true
		}
		return true
	}
	for _, a := range with {
		attr(a)
	}
	r.Attrs(attr)
	level := map[slog.Level]string{slog.LevelDebug: "DEBUG", slog.LevelInfo: "INFO",
		slog.LevelWarn: "WARNING", slog.LevelError: "ERROR"}[r.Level]
	l.mu.Lock()
	l.recs = append(l.recs, []any{level, name, r.Message, exc})
	l.mu.Unlock()
	return nil
}

func (l *logCapture) take() [][]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.recs
	l.recs = nil
	return r
}

type logWith struct {
	l    *logCapture
	with []slog.Attr
}

func (w *logWith) Enabled(context.Context, slog.Level) bool { return true }
func (w *logWith) WithGroup(string) slog.Handler            { return w }
func (w *logWith) WithAttrs(as []slog.Attr) slog.Handler {
	return &logWith{w.l, append(append([]slog.Attr{}, w.with...), as...)}
}
func (w *logWith) Handle(_ context.Context, r slog.Record) error { return w.l.handle(r, w.with) }

// captureLogs routes slog.Default to a capture for the test.
func captureLogs(t *testing.T) *logCapture {
	c := &logCapture{}
	old := slog.Default()
	slog.SetDefault(slog.New(c))
	t.Cleanup(func() { slog.SetDefault(old) })
	return c
}

// testApp is the Go twin of the oracle's application.
func testApp(spec oApp) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bodyLen := -1
		if spec.ReadBody {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, "cannot read the body: "+err.Error(), http.StatusBadRequest)
				return
			}
			bodyLen = len(b)
		}
		if spec.Raise {
			panic("boom requested")
		}
		h := w.Header()
		for _, kv := range spec.Headers {
			h.Add(kv[0], kv[1])
		}
		echo := [][2]string{
			{"Scheme", scheme(r)},
			{"Host", r.Host},
			{"Script-Name", paste.ScriptName(r.Context())},
			{"Path-Info", r.URL.Path},
			{"Host-Url", HostURL(r)},
			{"Application-Url", ApplicationURL(r)},
		}
		if rc := reqctx.From(r.Context()); rc != nil {
			echo = append(echo, [2]string{"Request-Id", rc.RequestID}, [2]string{"Global-Request-Id", rc.GlobalRequestID})
		}
		echo = append(echo, [2]string{"Correlation-Id", r.Header.Get("X-Correlation-Id")})
		if bodyLen >= 0 {
			echo = append(echo, [2]string{"Body-Len", strconv.Itoa(bodyLen)})
		}
		if !strings.HasPrefix(r.RemoteAddr, "127.0.0.1:") {
			echo = append(echo, [2]string{"Remote-Addr", r.RemoteAddr})
		}
		for _, kv := range echo {
			if kv[1] != "" {
				h.Add("X-Echo-"+kv[0], kv[1])
			}
		}
		status := spec.Status
		if status == 0 {
			status = 200
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, spec.Body)
	})
}

// testFactories are Register's filter factories by entry point name.
func testFactories(conf *config.Config) map[string]paste.FilterFactory {
	f := factories{conf: conf}
	return map[string]paste.FilterFactory{
		"request_id":         f.requestID,
		"correlation_id":     f.simple(CorrelationID),
		"catch_errors":       f.simple(CatchErrors),
		"sizelimit":          f.sizeLimit,
		"http_proxy_to_wsgi": f.proxy,
		"cors":               f.cors,
		"healthcheck":        f.healthcheckFilter,
		"debug":              f.simple(Debug(io.Discard)),
		"ssl":                f.ssl,
	}
}

// buildGo builds a case's handler the way variant says.
func buildGo(t *testing.T, c oCase, variant, confPath string) (http.Handler, error) {
	t.Helper()
	var conf *config.Config
	withProject := func(local map[string]string, noProject bool) map[string]string {
		m := map[string]string{}
		for k, v := range local {
			m[k] = v
		}
		if variant == "project" && !noProject {
			m["oslo_config_project"] = "goslotest"
			m["oslo_config_file"] = confPath
		}
		return m
	}
	if variant == "service" {
		conf = config.New()
		if err := RegisterOptions(conf); err != nil {
			return nil, err
		}
		if err := conf.Load([]string{"--config-file", confPath}, config.LoadOptions{DefaultConfigFiles: []string{}, DefaultConfigDirs: []string{}}); err != nil {
			return nil, err
		}
	}
	f := factories{conf: conf}
	var app http.Handler
	if c.App.Healthcheck != nil {
		h, err := f.healthcheckApp(c.Global, withProject(c.App.Healthcheck, c.App.NoProject))
		if err != nil {
			return nil, err
		}
		app = h
	} else {
		app = testApp(c.App)
	}
	fs := testFactories(conf)
	for i := len(c.Filters) - 1; i >= 0; i-- {
		fl := c.Filters[i]
		mk, ok := fs[fl.Name]
		if !ok {
			t.Fatalf("no factory %s", fl.Name)
		}
		mw, err := mk(c.Global, withProject(fl.Local, fl.NoProject))
		if err != nil {
			return nil, err
		}
		app = mw(app)
	}
	return app, nil
}

// caseServer serves each case's handler; the case is chosen by a header
// that is removed before the handler sees the request.
type caseServer struct {
	srv      *httptest.Server
	client   *http.Client
	mu       sync.Mutex
	handlers map[string]http.Handler
}

func newCaseServer(t *testing.T) *caseServer {
	cs := &caseServer{handlers: map[string]http.Handler{}}
	cs.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Goslo-Case")
		r.Header.Del("X-Goslo-Case")
		cs.mu.Lock()
		h := cs.handlers[id]
		cs.mu.Unlock()
		if sn := r.Header.Get("X-Goslo-Script-Name"); sn != "" {
			r.Header.Del("X-Goslo-Script-Name")
			r = r.WithContext(paste.WithScriptName(r.Context(), sn))
		}
		h.ServeHTTP(w, r)
	}))
	tr := &http.Transport{DisableCompression: true}
	cs.client = &http.Client{Transport: tr}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		cs.srv.Close()
	})
	return cs
}

func (cs *caseServer) port() int {
	_, p, _ := strings.Cut(strings.TrimPrefix(cs.srv.URL, "http://"), ":")
	n, _ := strconv.Atoi(p)
	return n
}

func (cs *caseServer) do(t *testing.T, id string, h http.Handler, rq oRequest) oAnswer {
	t.Helper()
	cs.mu.Lock()
	cs.handlers[id] = h
	cs.mu.Unlock()
	method := rq.Method
	if method == "" {
		method = "GET"
	}
	path := rq.Path
	if path == "" {
		path = "/"
	}
	var body io.Reader
	var data []byte
	if rq.Body != nil {
		n := rq.BodyRepeat
		if n == 0 {
			n = 1
		}
		data = bytes.Repeat([]byte(*rq.Body), n)
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, cs.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if rq.Body != nil && rq.Chunked {
		req.Body = io.NopCloser(bytes.NewReader(data))
		req.ContentLength = -1
		req.GetBody = nil
	}
	req.Host = rq.Host
	if req.Host == "" {
		req.Host = "localhost:80"
	}
	req.Header["User-Agent"] = []string{""}
	req.Header.Set("X-Goslo-Case", id)
	if rq.ScriptName != "" {
		req.Header.Set("X-Goslo-Script-Name", rq.ScriptName)
	}
	for _, kv := range rq.Headers {
		req.Header[kv[0]] = append(req.Header[kv[0]], kv[1])
	}
	resp, err := cs.client.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: reading the response: %v", id, err)
	}
	a := oAnswer{Status: resp.StatusCode, Body: strings.ToValidUTF8(string(b), "\uFFFD")}
	for k, vs := range resp.Header {
		for _, v := range vs {
			a.Headers = append(a.Headers, [2]string{k, v})
		}
	}
	return a
}

var (
	reqIDRE = regexp.MustCompile(`req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	uuidRE  = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

// normalized is an answer in comparable form: header names canonical,
// volatile headers dropped, the random ids checked and replaced.
type normalized struct {
	Status  int
	Headers map[string][]string
	Body    string
	Log     [][]any
}

func normalize(t *testing.T, who string, a oAnswer) normalized {
	t.Helper()
	n := normalized{Status: a.Status, Body: a.Body, Headers: map[string][]string{}}
	var reqID string
	for _, kv := range a.Headers {
		k := http.CanonicalHeaderKey(kv[0])
		switch k {
		case "Content-Length", "Date", "Server":
			continue
		}
		if k == "X-Openstack-Request-Id" {
			reqID = kv[1]
		}
		n.Headers[k] = append(n.Headers[k], kv[1])
	}
	if reqID != "" {
		if !isRequestID(reqID) {
			t.Errorf("%s: request id %q is not req-<uuid4>", who, reqID)
		}
		for k, vs := range n.Headers {
			for i, v := range vs {
				n.Headers[k][i] = strings.ReplaceAll(v, reqID, "<request-id>")
			}
		}
	}
	if v := n.Headers["X-Echo-Request-Id"]; len(v) == 1 && v[0] != "<request-id>" && reqIDRE.MatchString(v[0]) {
		n.Headers["X-Echo-Request-Id"] = []string{"<other-request-id>"}
	}
	if v := n.Headers["X-Echo-Correlation-Id"]; len(v) == 1 && uuidRE.MatchString(v[0]) {
		n.Headers["X-Echo-Correlation-Id"] = []string{"<uuid>"}
	}
	for _, r := range a.Log {
		if len(r) < 3 {
			continue
		}
		name, _ := r[1].(string)
		if !strings.HasPrefix(name, "oslo_middleware") && name != "stevedore.named" {
			continue
		}
		if name == loggerCatchErrors {
			// WebOb's as_text() ends with the body, which goslo
			// does not log.
			msg, _ := r[2].(string)
			head, _, _ := strings.Cut(msg, "\r\n\r\n")
			r = append([]any{r[0], r[1], head}, r[3:]...)
		}
		n.Log = append(n.Log, r)
	}
	return n
}

// runDifferential compares every case with the oracle.
func runDifferential(t *testing.T, cases []oCase) {
	t.Helper()
	needOracle(t)
	logs := captureLogs(t)
	cs := newCaseServer(t)
	dir := t.TempDir()
	port := strconv.Itoa(cs.port())
	subst := func(m map[string]string) map[string]string {
		if m == nil {
			return nil
		}
		out := map[string]string{}
		for k, v := range m {
			out[k] = strings.ReplaceAll(v, "{{PORT}}", port)
		}
		return out
	}
	for i := range cases {
		c := &cases[i]
		if c.Request.ServerPort == 0 {
			c.Request.ServerPort = cs.port()
		}
		c.App.Healthcheck = subst(c.App.Healthcheck)
		fs := make([]oFilter, len(c.Filters))
		for j, f := range c.Filters {
			f.Local = subst(f.Local)
			fs[j] = f
		}
		c.Filters = fs
	}
	answers := askOracle(t, cases)
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			want := answers[i]
			confPath := filepath.Join(dir, fmt.Sprintf("case%d.conf", i))
			if err := os.WriteFile(confPath, []byte(c.Conf), 0o644); err != nil {
				t.Fatal(err)
			}
			variants := c.Variants
			if len(variants) == 0 {
				variants = []string{"project", "service"}
			}
			for _, variant := range variants {
				logs.take()
				h, err := buildGo(t, c, variant, confPath)
				if want.Error != "" {
					if err == nil {
						t.Errorf("%s: oslo fails (%s), goslo builds the pipeline", variant, want.Error)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s: %v", variant, err)
					continue
				}
				got := cs.do(t, fmt.Sprintf("%d-%s", i, variant), h, c.Request)
				got.Log = logs.take()
				g, w := normalize(t, "goslo", got), normalize(t, "oslo", want)
				if diff := cmp.Diff(w, g); diff != "" {
					t.Errorf("%s: differs from oslo.middleware (-oslo +goslo):\n%s", variant, diff)
				}
			}
		})
	}
}

func str(s string) *string { return &s }

func hdrs(kv ...string) [][2]string {
	out := make([][2]string, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, [2]string{kv[i], kv[i+1]})
	}
	return out
}

// sortedKeys is for messages.
func sortedKeys(m map[string][]string) []string {
	k := make([]string, 0, len(m))
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}
