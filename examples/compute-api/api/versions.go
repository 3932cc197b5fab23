package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/goslo/goslo/middleware"
)

// The microversions this API supports. 2.2 adds a server's description
// (create, update, show).
var (
	MinVersion = Version{2, 1}
	MaxVersion = Version{2, 2}
)

// Version is a microversion, Major.Minor.
type Version struct{ Major, Minor int }

func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// AtLeast reports whether v is o or later.
func (v Version) AtLeast(o Version) bool {
	return v.Major > o.Major || v.Major == o.Major && v.Minor >= o.Minor
}

type versionKey struct{}

// RequestVersion is the microversion a request asked for.
func RequestVersion(ctx context.Context) Version {
	if v, ok := ctx.Value(versionKey{}).(*Version); ok {
		return *v
	}
	return MinVersion
}

// versionContext is the context of a request to a versioned resource:
// its parent's values and the microversion.
type versionContext struct {
	context.Context
	v Version
}

func (c *versionContext) Value(key any) any {
	if key == (versionKey{}) {
		return &c.v // a pointer: boxing a Version would allocate
	}
	return c.Context.Value(key)
}

// versionedRequest is the request a versioned resource's handler gets,
// with its context, in one allocation.
type versionedRequest struct {
	ctx versionContext
	req http.Request
}

// withVersion returns r with v in its context.
//
//go:noinline
func withVersion(r *http.Request, v Version) *http.Request {
	vr := &versionedRequest{ctx: versionContext{Context: r.Context(), v: v}}
	// WithContext's copy stays on the stack: the request lives in vr.
	vr.req = *r.WithContext(&vr.ctx)
	return &vr.req
}

// The headers of microversions, in their canonical spelling, read and
// written without CanonicalMIMEHeaderKey's work per request.
var (
	headerAPIVersion     = http.CanonicalHeaderKey("OpenStack-API-Version")
	headerNovaAPIVersion = http.CanonicalHeaderKey("X-OpenStack-Nova-API-Version")
	varyVersions         = []string{"OpenStack-API-Version, X-OpenStack-Nova-API-Version"}
)

// versionHeaders are the values of the response headers that say which
// microversion answered, made once per supported version and shared by
// the responses (nothing changes a header value in place).
type versionHeaders struct {
	api, nova []string
}

// newVersionHeaders makes the headers of the versions from MinVersion to
// MaxVersion.
func newVersionHeaders() map[Version]versionHeaders {
	m := map[Version]versionHeaders{}
	for v := MinVersion; MaxVersion.AtLeast(v); v.Minor++ {
		if v.Major != MaxVersion.Major {
			break // microversions only count up within a major version
		}
		m[v] = versionHeaders{api: []string{"compute " + v.String()}, nova: []string{v.String()}}
	}
	return m
}

var versionRE = regexp.MustCompile(`^([1-9]\d*)\.([1-9]\d*|0)$`)

// requested reads OpenStack-API-Version ("compute 2.2") or the legacy
// X-OpenStack-Nova-API-Version ("2.2"); none means the minimum.
func requested(r *http.Request) (Version, string, bool) {
	text := ""
	for _, h := range r.Header[headerAPIVersion] {
		var service, v string
		if _, err := fmt.Sscanf(h, "%s %s", &service, &v); err == nil && (service == "compute") {
			text = v
		}
	}
	if text == "" {
		if vs := r.Header[headerNovaAPIVersion]; len(vs) > 0 {
			text = vs[0]
		}
	}
	switch text {
	case "":
		return MinVersion, "", true
	case "latest":
		return MaxVersion, "", true
	}
	m := versionRE.FindStringSubmatch(text)
	if m == nil {
		return Version{}, fmt.Sprintf("API Version String %s is of invalid format. Must be of format MajorNum.MinorNum.", text), false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return Version{major, minor}, "", true
}

// v negotiates the microversion of a request to a versioned resource, as
// nova does: a malformed version is a 400, one outside the supported range
// a 406; the response says which version answered.
func (a *API) v(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, msg, ok := requested(r)
		if !ok {
			fault(w, http.StatusBadRequest, msg)
			return
		}
		if !v.AtLeast(MinVersion) || !MaxVersion.AtLeast(v) {
			fault(w, http.StatusNotAcceptable, fmt.Sprintf("Version %s is not supported by the API. Minimum is %s and maximum is %s.", v, MinVersion, MaxVersion))
			return
		}
		hd := w.Header()
		if vh, ok := a.versionHeaders[v]; ok {
			hd[headerAPIVersion], hd[headerNovaAPIVersion] = vh.api, vh.nova
		} else {
			hd.Set(headerAPIVersion, "compute "+v.String())
			hd.Set(headerNovaAPIVersion, v.String())
		}
		if len(hd["Vary"]) == 0 {
			hd["Vary"] = varyVersions
		} else {
			hd.Add("Vary", varyVersions[0])
		}
		h(w, withVersion(r, v))
	})
}

const updated = "2013-07-23T11:33:21Z"

func versionDoc(r *http.Request) map[string]any {
	return map[string]any{
		"id":          "v2.1",
		"status":      "CURRENT",
		"version":     MaxVersion.String(),
		"min_version": MinVersion.String(),
		"updated":     updated,
		"links":       []any{map[string]any{"rel": "self", "href": middleware.ApplicationURL(r) + "/v2.1/"}},
	}
}

// versions is the document at /: the API versions and where they live.
// It only varies with the application URL, so its bytes and headers are
// kept per URL (a few: the addresses the service is reached by), and
// found without making a string of the URL.
func (a *API) versions(w http.ResponseWriter, r *http.Request) {
	var buf [128]byte
	base := middleware.AppendApplicationURL(buf[:0], r)
	d := a.versionDocs.lookup(base)
	if d == nil {
		b, err := json.Marshal(map[string]any{"versions": []any{versionDoc(r)}})
		if err != nil {
			fault(w, http.StatusInternalServerError, "Unexpected API Error.")
			return
		}
		d = &versionsDoc{body: b, contentLength: []string{strconv.Itoa(len(b))}}
		a.versionDocs.store(string(base), d)
	}
	// The header values are shared by the responses: nothing changes a
	// value in place (Set and Add replace or grow the slice, whose cap
	// is its length).
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = d.contentLength
	w.WriteHeader(http.StatusOK)
	w.Write(d.body)
}

var jsonContentType = []string{"application/json"}

// maxCachedVersionDocs bounds the cache: Host headers come from clients.
const maxCachedVersionDocs = 64

// versionsDoc is the versions document of one application URL, ready to
// send.
type versionsDoc struct {
	body          []byte
	contentLength []string
}

// versionDocs is the cache of versions documents by application URL: a
// map that is replaced, never changed, so that a lookup takes no lock.
type versionDocs struct {
	mu sync.Mutex
	m  atomic.Pointer[map[string]*versionsDoc]
}

func (c *versionDocs) lookup(url []byte) *versionsDoc {
	if m := c.m.Load(); m != nil {
		return (*m)[string(url)]
	}
	return nil
}

// store adds d unless the cache is full.
func (c *versionDocs) store(url string, d *versionsDoc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.m.Load()
	n := 0
	if old != nil {
		n = len(*old)
	}
	if n >= maxCachedVersionDocs {
		return
	}
	m := make(map[string]*versionsDoc, n+1)
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	m[url] = d
	c.m.Store(&m)
}

func (a *API) version(w http.ResponseWriter, r *http.Request) {
	doc := versionDoc(r)
	doc["media-types"] = []any{map[string]any{"base": "application/json", "type": "application/vnd.openstack.compute+json;version=2.1"}}
	writeJSON(w, http.StatusOK, map[string]any{"version": doc})
}
