package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/goslo/goslo/config"
)

func TestMain(m *testing.M) {
	// catch_errors logs the panic of /v1/boom with its stack.
	slog.SetDefault(slog.New(slog.DiscardHandler))
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		if binary.dir != "" {
			os.RemoveAll(binary.dir)
		}
		os.Exit(code)
	}))
}

// pipeline is pyref's whole application: etc/api-paste.ini (the urlmap,
// request_id, http_proxy_to_wsgi, sizelimit, catch_errors and the API)
// with etc/pyref.conf and the extra config files.
func pipeline(t *testing.T, extra ...string) http.Handler {
	t.Helper()
	conf := config.New()
	if err := RegisterOptions(conf); err != nil {
		t.Fatal(err)
	}
	args := []string{"--config-file", "etc/pyref.conf"}
	for _, e := range extra {
		args = append(args, "--config-file", e)
	}
	if err := conf.Load(args, config.LoadOptions{Prog: "test", DefaultConfigDirs: []string{}, IgnoreEnv: true}); err != nil {
		t.Fatal(err)
	}
	reg, err := Registry(conf)
	if err != nil {
		t.Fatal(err)
	}
	h, err := reg.LoadApp("etc/api-paste.ini", "pyref")
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// exchange is one request of testdata/cases*.json and what the real
// pyref application answered (testdata/record.py).
type exchange struct {
	Name        string            `json:"name"`
	Method      string            `json:"method"`
	Path        string            `json:"path"`
	Headers     map[string]string `json:"headers"`
	Body        *string           `json:"body"`
	Status      int               `json:"status"`
	ContentType string            `json:"content_type"`
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

var elapsedRE = regexp.MustCompile(`"elapsed": [0-9.]+`)

// TestAgainstPython sends each recorded request, in order, to one
// pipeline (the POSTs append to its items, as they did in Python's) and
// compares status, Content-Type and body with what pyref answered. After
// a change of the cases, record the answers again from the repository's
// examples/pyref (pyref's README says where it is):
//
//	/usr/bin/python3 testdata/record.py PYREF_DIR testdata/cases.json > testdata/expected.json
//	/usr/bin/python3 testdata/record.py PYREF_DIR testdata/cases_limits.json testdata/limits.conf > testdata/expected_limits.json
func TestAgainstPython(t *testing.T) {
	for _, run := range []struct {
		name, cases, expected string
		extra                 []string
	}{
		{"pyref.conf", "testdata/cases.json", "testdata/expected.json", nil},
		{"limits", "testdata/cases_limits.json", "testdata/expected_limits.json", []string{"testdata/limits.conf"}},
	} {
		t.Run(run.name, func(t *testing.T) {
			var cases []exchange
			var want []struct {
				Name        string `json:"name"`
				Status      int    `json:"status"`
				ContentType string `json:"content_type"`
				Body        string `json:"body"`
			}
			readJSON(t, run.cases, &cases)
			readJSON(t, run.expected, &want)
			if len(cases) != len(want) || len(cases) < 6 {
				t.Fatalf("%d cases, %d answers", len(cases), len(want))
			}
			h := pipeline(t, run.extra...)
			pid := `"pid": ` + strconv.Itoa(os.Getpid())
			for i, c := range cases {
				t.Run(c.Name, func(t *testing.T) {
					method := c.Method
					if method == "" {
						method = http.MethodGet
					}
					req := httptest.NewRequest(method, c.Path, nil)
					if c.Body != nil {
						req = httptest.NewRequest(method, c.Path, strings.NewReader(*c.Body))
					}
					req.Host = "localhost:8780"
					for k, v := range c.Headers {
						req.Header.Set(k, v)
					}
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					body := strings.ReplaceAll(rec.Body.String(), pid, `"pid": PID`)
					body = elapsedRE.ReplaceAllString(body, `"elapsed": ELAPSED`)
					w := want[i]
					if rec.Code != w.Status || rec.Header().Get("Content-Type") != w.ContentType || body != w.Body {
						t.Errorf("%s %s:\ngot  %d %q %q\nwant %d %q %q", method, c.Path,
							rec.Code, rec.Header().Get("Content-Type"), body, w.Status, w.ContentType, w.Body)
					}
				})
			}
		})
	}
}

// TestItemsPerApplication: each application (each worker process in the
// service) holds its own items, as each pyref process does.
func TestItemsPerApplication(t *testing.T) {
	a, b := pipeline(t), pipeline(t)
	post := httptest.NewRequest(http.MethodPost, "/v1/items", strings.NewReader(`{"name": "only-in-a"}`))
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, post)
	if rec.Code != http.StatusCreated {
		t.Fatalf("POST: %d %s", rec.Code, rec.Body)
	}
	for _, c := range []struct {
		name string
		h    http.Handler
		n    int
	}{{"a", a, 11}, {"b", b, 10}} {
		rec := httptest.NewRecorder()
		c.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/items", nil))
		var got struct{ Items []map[string]any }
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Items) != c.n {
			t.Errorf("%s: %d items, want %d", c.name, len(got.Items), c.n)
		}
	}
}

// TestSlowEndsWhenClientLeaves: a slow request whose client is gone
// returns at once instead of holding its goroutine for slow_max_ms.
func TestSlowEndsWhenClientLeaves(t *testing.T) {
	h := pipeline(t)
	ctx, cancel := contextWithCancel()
	req := httptest.NewRequest(http.MethodGet, "/v1/slow?ms=60000", nil).WithContext(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(httptest.NewRecorder(), req)
	}()
	cancel()
	<-done
}

func contextWithCancel() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}
