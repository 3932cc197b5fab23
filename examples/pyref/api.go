package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/internal/py"
	"github.com/goslo/goslo/log"
	"github.com/goslo/goslo/middleware"
)

// API is pyref_api.APIRouter: the innermost application of the paste
// pipeline, with the routes of pyref_api.py. Its items are held in memory,
// per process, as in Python.
type API struct {
	conf *config.Config
	pid  int

	mu    sync.Mutex
	items []item
}

// item is one element of ItemsController.items: {"id", "name", "value"}.
// value is any JSON value a client sent (0 when it sent none), kept as
// decoded so that it is written back as Python's json.dumps writes it.
type item struct {
	id    int
	name  string
	value any
}

// NewAPI returns the application with its ten items, as
// ItemsController.__init__ makes them.
func NewAPI(conf *config.Config) *API {
	a := &API{conf: conf, pid: os.Getpid()}
	for i := 1; i <= 10; i++ {
		a.items = append(a.items, item{id: i, name: "item-" + strconv.Itoa(i), value: json.Number(strconv.Itoa(i * 10))})
	}
	return a
}

// ServeHTTP routes as pyref's routes.Mapper does: a path and a method
// that match no route get webob's 404 (a known path with another method
// too: routes' conditions are part of the match, so there is no 405).
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch p := r.URL.Path; {
	case p == "/" && get:
		a.versions(w, r)
	case p == "/v1/items" && get:
		a.list(w, r)
	case p == "/v1/items" && r.Method == http.MethodPost:
		a.create(w, r)
	case p == "/v1/slow" && get:
		a.slow(w, r)
	case p == "/v1/config" && get:
		a.config(w, r)
	case p == "/v1/boom" && get:
		// RuntimeError("boom requested"): catch_errors, outside, turns
		// the panic into its 500 page and logs it.
		panic(errors.New("boom requested"))
	default:
		errNotFound.ServeHTTP(w, r)
	}
}

// versions is VersionsController.index.
func (a *API) versions(w http.ResponseWriter, r *http.Request) {
	b := append(make([]byte, 0, 192), `{"versions": [{"id": "v1.0", "status": "CURRENT", "updated": "2024-01-01T00:00:00Z", "links": [{"rel": "self", "href": `...)
	b = py.AppendJSONString(b, middleware.HostURL(r)+"/v1/")
	b = append(b, "}]}]}"...)
	writeJSON(w, r, http.StatusOK, b)
}

// list is ItemsController.index.
func (a *API) list(w http.ResponseWriter, r *http.Request) {
	b := append(make([]byte, 0, 512), `{"items": [`...)
	a.mu.Lock()
	for i, it := range a.items {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = it.append(b)
	}
	a.mu.Unlock()
	writeJSON(w, r, http.StatusOK, append(b, "]}"...))
}

func (it item) append(b []byte) []byte {
	b = append(b, `{"id": `...)
	b = strconv.AppendInt(b, int64(it.id), 10)
	b = append(b, `, "name": `...)
	b = py.AppendJSONString(b, it.name)
	b = append(b, `, "value": `...)
	b = appendJSON(b, it.value)
	return append(b, '}')
}

// errNotFound is webob.exc.HTTPNotFound(), which routes answers when no
// route matches.
var errNotFound = middleware.HTTPError{Code: http.StatusNotFound, Explanation: "The resource could not be found."}

var errBadItem = middleware.HTTPError{Code: http.StatusBadRequest, Explanation: `body must be JSON {"name": "..."}`}

// create is ItemsController.create: json.loads(req.body or b'{}'), then
// str(body['name']); a body that is not a JSON object with a name is a
// 400, an item beyond [api] max_items a 409.
func (a *API) create(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		// sizelimit's 413 was already sent, or the client went away.
		return
	}
	if len(raw) == 0 {
		raw = []byte("{}")
	}
	body, err := decodeJSON(raw)
	obj, isObj := body.(object)
	name, hasName := obj.get("name")
	if err != nil || !isObj || !hasName {
		errBadItem.ServeHTTP(w, r)
		return
	}
	a.mu.Lock()
	if len(a.items) >= MaxItems.Get(a.conf) {
		a.mu.Unlock()
		middleware.HTTPError{Code: http.StatusConflict, Explanation: "too many items"}.ServeHTTP(w, r)
		return
	}
	value, ok := obj.get("value")
	if !ok {
		value = json.Number("0")
	}
	it := item{id: len(a.items) + 1, name: string(appendStr(nil, name)), value: value}
	a.items = append(a.items, it)
	a.mu.Unlock()
	writeJSON(w, r, http.StatusCreated, append(it.append([]byte(`{"item": `)), '}'))
}

// slow is ItemsController.slow: it sleeps ms milliseconds (the last ms of
// the query, read as Python's int() reads it), bounded by [api]
// slow_max_ms. As eventlet's green sleep, it does not end early when the
// service stops: the server drains it within graceful_shutdown_timeout.
// It ends early only when the connection is gone (the client left, or the
// drain gave up), where Python's process would have exited.
func (a *API) slow(w http.ResponseWriter, r *http.Request) {
	ms := int64(1000)
	if vs := r.URL.Query()["ms"]; len(vs) > 0 {
		n, err := py.ParseInt(vs[len(vs)-1])
		switch {
		case errors.Is(err, py.ErrRange):
			n = math.MaxInt64
			if strings.HasPrefix(strings.TrimSpace(vs[len(vs)-1]), "-") {
				n = 0
			}
		case err != nil:
			middleware.HTTPError{Code: http.StatusBadRequest, Explanation: "ms must be an int"}.ServeHTTP(w, r)
			return
		}
		ms = n
	}
	ms = max(0, min(ms, int64(SlowMaxMS.Get(a.conf))))
	t0 := time.Now()
	t := time.NewTimer(time.Duration(ms) * time.Millisecond)
	select {
	case <-t.C:
	case <-r.Context().Done():
		t.Stop()
		return
	}
	b := append(make([]byte, 0, 64), `{"slept_ms": `...)
	b = strconv.AppendInt(b, ms, 10)
	b = append(b, `, "pid": `...)
	b = strconv.AppendInt(b, int64(a.pid), 10)
	b = append(b, `, "elapsed": `...)
	b = py.AppendFloatRepr(b, math.Round(time.Since(t0).Seconds()*1000)/1000)
	writeJSON(w, r, http.StatusOK, append(b, '}'))
}

// config is ItemsController.config: the options SIGHUP may change.
func (a *API) config(w http.ResponseWriter, r *http.Request) {
	b := append(make([]byte, 0, 128), `{"pid": `...)
	b = strconv.AppendInt(b, int64(a.pid), 10)
	b = append(b, `, "greeting": `...)
	b = py.AppendJSONString(b, Greeting.Get(a.conf))
	b = append(b, `, "banner": `...)
	b = py.AppendJSONString(b, Banner.Get(a.conf))
	b = append(b, `, "debug": `...)
	b = strconv.AppendBool(b, log.IsDebugEnabled(a.conf))
	b = append(b, `, "max_items": `...)
	b = strconv.AppendInt(b, int64(MaxItems.Get(a.conf)), 10)
	writeJSON(w, r, http.StatusOK, append(b, '}'))
}

// writeJSON is pyref_api._json: webob gives application/json no charset
// parameter. A HEAD request gets the headers of GET and no body.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// object is a JSON object as Python's json.loads makes a dict: its keys in
// the order they came, a repeated key keeping its first place and its last
// value.
type object []member

type member struct {
	key string
	val any
}

func (o object) get(key string) (any, bool) {
	for _, m := range o {
		if m.key == key {
			return m.val, true
		}
	}
	return nil, false
}

// decodeJSON reads one JSON document: nil, bool, string, json.Number,
// []any or object.
func decodeJSON(raw []byte) (any, error) {
	if !utf8.Valid(raw) { // json.loads of bytes fails to decode them
		return nil, errors.New("not UTF-8")
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	v, err := decodeValue(d)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("extra data")
	}
	return v, nil
}

func decodeValue(d *json.Decoder) (any, error) {
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t {
	case json.Delim('['):
		l := []any{}
		for d.More() {
			v, err := decodeValue(d)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		_, err := d.Token()
		return l, err
	case json.Delim('{'):
		o := object{}
		for d.More() {
			k, err := d.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeValue(d)
			if err != nil {
				return nil, err
			}
			key := k.(string)
			replaced := false
			for i := range o {
				if o[i].key == key {
					o[i].val, replaced = v, true
				}
			}
			if !replaced {
				o = append(o, member{key, v})
			}
		}
		_, err := d.Token()
		return o, err
	}
	return t, nil
}

// appendJSON writes v as Python's json.dumps does: ", " and ": " between
// items, ASCII only, floats as repr() writes them (Infinity beyond the
// float range).
func appendJSON(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, v)
	case string:
		return py.AppendJSONString(b, v)
	case json.Number:
		if f, isFloat := pyFloat(v); isFloat {
			switch {
			case math.IsInf(f, 1):
				return append(b, "Infinity"...)
			case math.IsInf(f, -1):
				return append(b, "-Infinity"...)
			}
			return py.AppendFloatRepr(b, f)
		}
		return appendInt(b, v)
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendJSON(b, e)
		}
		return append(b, ']')
	case object:
		b = append(b, '{')
		for i, m := range v {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = py.AppendJSONString(b, m.key)
			b = append(b, ": "...)
			b = appendJSON(b, m.val)
		}
		return append(b, '}')
	}
	return b
}

// pyFloat reports whether json.loads reads n as a float, and its value.
func pyFloat(n json.Number) (float64, bool) {
	if !strings.ContainsAny(string(n), ".eE") {
		return 0, false
	}
	f, _ := strconv.ParseFloat(string(n), 64) // ±Inf beyond the range, as Python
	return f, true
}

// appendInt writes a JSON integer as Python's int writes it: any length,
// and -0 is 0.
func appendInt(b []byte, n json.Number) []byte {
	if n == "-0" {
		return append(b, '0')
	}
	return append(b, n...)
}

// appendStr is Python's str() of a value json.loads made.
func appendStr(b []byte, v any) []byte {
	if s, ok := v.(string); ok {
		return append(b, s...)
	}
	return appendRepr(b, v)
}

// appendRepr is Python's repr() of a value json.loads made.
func appendRepr(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "None"...)
	case bool:
		if v {
			return append(b, "True"...)
		}
		return append(b, "False"...)
	case string:
		return py.AppendStrRepr(b, v)
	case json.Number:
		if f, isFloat := pyFloat(v); isFloat {
			return py.AppendFloatRepr(b, f)
		}
		return appendInt(b, v)
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendRepr(b, e)
		}
		return append(b, ']')
	case object:
		b = append(b, '{')
		for i, m := range v {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = py.AppendStrRepr(b, m.key)
			b = append(b, ": "...)
			b = appendRepr(b, m.val)
		}
		return append(b, '}')
	}
	return b
}
