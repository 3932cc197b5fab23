package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/db"
	"github.com/goslo/goslo/db/dbtest"
	"github.com/goslo/goslo/examples/compute-api/api"
	"github.com/goslo/goslo/examples/compute-api/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// quiet is the API's logger in tests: a store failure is a test failure
// (a 500), not a line to read.
var quiet = slog.New(slog.DiscardHandler)

// newStore returns the real store on a SQLite database of the test's
// own, synced as compute-manage db sync does (with the default flavors
// m1.tiny to m1.xlarge, ids 1 to 5).
func newStore(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	conf := config.New()
	if err := db.RegisterOptions(conf); err != nil {
		t.Fatal(err)
	}
	if err := conf.Load(nil, config.LoadOptions{Prog: "test", DefaultConfigFiles: []string{},
		DefaultConfigDirs: []string{}, IgnoreEnv: true}); err != nil {
		t.Fatal(err)
	}
	url := "sqlite:///" + filepath.Join(t.TempDir(), "compute.sqlite")
	if onPostgreSQL {
		url = pgURL(t)
	}
	if err := db.Connection.Override(conf, url); err != nil {
		t.Fatal(err)
	}
	if err := db.SQLiteSynchronous.Override(conf, false); err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(ctx, conf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Sync(ctx, store.Migrations, 0); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(ctx); err != nil {
			t.Error(err)
		}
	})
	return st
}

// onPostgreSQL makes newStore use a schema of its own on the PostgreSQL
// test server (TestOnPostgreSQL sets it; the tests do not run in
// parallel).
var onPostgreSQL bool

// pgURL is a schema of the test's own on the PostgreSQL test server.
func pgURL(t testing.TB) string { return dbtest.PostgreSQLURL(t, "api") }

// newAPI is the API behind the no-auth filter, as the pipeline's last two
// steps.
func newAPI(t testing.TB) (http.Handler, *store.Store) {
	st := newStore(t)
	return api.NoAuth(api.New(st, quiet)), st
}

// opt changes a request.
type opt func(*http.Request)

// as makes the caller a member of project.
func as(project string) opt {
	return func(r *http.Request) {
		r.Header.Set("X-Project-Id", project)
		r.Header.Set("X-User-Id", project+"-user")
	}
}

// admin makes the caller an admin of project.
func admin(project string) opt {
	return func(r *http.Request) { as(project)(r); r.Header.Set("X-Roles", "member,admin") }
}

// mv asks for a microversion ("2.2", "latest", ...).
func mv(v string) opt {
	return func(r *http.Request) { r.Header.Set("OpenStack-API-Version", "compute "+v) }
}

func header(k, v string) opt { return func(r *http.Request) { r.Header.Set(k, v) } }

// request builds a request; a body is JSON unless an option says
// otherwise.
func request(method, path, body string, opts ...opt) *http.Request {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, path, rd)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

// do sends a request to h and returns the response.
func do(h http.Handler, method, path, body string, opts ...opt) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, request(method, path, body, opts...))
	return w
}

// doc decodes a JSON response body.
func doc(t testing.TB, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q, want application/json; body %s", ct, w.Body)
	}
	var v map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("the body is not a JSON object: %v: %s", err, w.Body)
	}
	return v
}

// expect checks the status, and on failure shows the body.
func expect(t testing.TB, w *httptest.ResponseRecorder, status int) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d; body %s", w.Code, status, w.Body)
	}
}

// faultNames are nova's fault names by status.
var faultNames = map[int]string{400: "badRequest", 403: "forbidden", 404: "itemNotFound", 405: "badMethod",
	406: "computeFault", 409: "conflictingRequest", 413: "overLimit", 415: "badMediaType"}

// checkFault checks an OpenStack-shaped error: {"NAME": {"code": STATUS,
// "message": "..."}} and nothing else, NAME nova's for the status.
func checkFault(t testing.TB, w *httptest.ResponseRecorder, status int) string {
	t.Helper()
	expect(t, w, status)
	msg, err := faultOf(w.Header(), w.Body.Bytes(), status)
	if err != "" {
		t.Fatal(err)
	}
	return msg
}

// faultOf returns a fault's message, or what is wrong with the body.
func faultOf(h http.Header, body []byte, status int) (msg, problem string) {
	if ct := h.Get("Content-Type"); ct != "application/json" {
		return "", "Content-Type " + ct + ", want application/json; body " + string(body)
	}
	var v map[string]map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil || len(v) != 1 {
		return "", "not an OpenStack fault: " + string(body)
	}
	want := faultNames[status]
	if want == "" {
		want = "computeFault"
	}
	inner, ok := v[want]
	if !ok {
		return "", "fault name: want " + want + ": " + string(body)
	}
	code, _ := inner["code"].(json.Number)
	msg, _ = inner["message"].(string)
	if code.String() != strconv.Itoa(status) || msg == "" || len(inner) != 2 {
		return "", "fault body: " + string(body)
	}
	return msg, ""
}

// get returns the value at a path of keys and indexes in a decoded
// document ("servers", 0, "id").
func get(t testing.TB, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%v: not an object at %q", path, k)
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("%v: no key %q in %v", path, k, m)
			}
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("%v: no item %d in %v", path, k, v)
			}
			v = l[k]
		}
	}
	return v
}

// ids returns the "id" of each item of a list document.
func ids(t testing.TB, d map[string]any, key string) []string {
	t.Helper()
	var out []string
	for _, item := range get(t, d, key).([]any) {
		out = append(out, get(t, item, "id").(string))
	}
	return out
}

// createServer creates a server as project and returns its id.
func createServer(t testing.TB, h http.Handler, project, name string, opts ...opt) string {
	t.Helper()
	w := do(h, "POST", "/v2.1/servers", `{"server": {"name": "`+name+`", "flavorRef": "1"}}`, append([]opt{as(project)}, opts...)...)
	expect(t, w, http.StatusAccepted)
	return get(t, doc(t, w), "server", "id").(string)
}
