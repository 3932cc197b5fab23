package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goslo/goslo/db"
)

func TestVersions(t *testing.T) {
	h, _ := newAPI(t)
	self := []any{map[string]any{"rel": "self", "href": "http://example.com/v2.1/"}}
	version := map[string]any{"id": "v2.1", "status": "CURRENT", "version": "2.2", "min_version": "2.1",
		"updated": "2013-07-23T11:33:21Z", "links": self}
	withMedia := map[string]any{}
	for k, v := range version {
		withMedia[k] = v
	}
	withMedia["media-types"] = []any{map[string]any{"base": "application/json",
		"type": "application/vnd.openstack.compute+json;version=2.1"}}
	cases := []struct {
		path string
		want map[string]any
	}{
		{"/", map[string]any{"versions": []any{version}}},
		{"/v2.1", map[string]any{"version": withMedia}},
		{"/v2.1/", map[string]any{"version": withMedia}},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			w := do(h, "GET", c.path, "")
			expect(t, w, http.StatusOK)
			if diff := cmp.Diff(c.want, doc(t, w)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// The version documents are not versioned resources.
			if v := w.Header().Get("OpenStack-API-Version"); v != "" {
				t.Errorf("OpenStack-API-Version %q on a version document", v)
			}
		})
	}
}

// The versions document at / is kept per application URL, up to a bound
// (Host headers come from clients): each URL gets its own links, the
// first time and from the cache, before and after the bound is reached.
func TestVersionsPerHost(t *testing.T) {
	h, _ := newAPI(t)
	for round := range 2 {
		for i := range 80 {
			host := fmt.Sprintf("h%d.example.com:%d", i, 8000+i)
			w := do(h, "GET", "/", "", func(r *http.Request) { r.Host = host })
			expect(t, w, http.StatusOK)
			want := "http://" + host + "/v2.1/"
			if got := get(t, doc(t, w), "versions", 0, "links", 0, "href"); got != want {
				t.Fatalf("round %d, host %s: self link %v, want %s", round, host, got, want)
			}
			if cl := w.Header().Get("Content-Length"); cl != strconv.Itoa(w.Body.Len()) {
				t.Fatalf("round %d, host %s: Content-Length %s for %d bytes", round, host, cl, w.Body.Len())
			}
		}
	}
}

func TestFlavorsRead(t *testing.T) {
	h, _ := newAPI(t)
	t.Run("list", func(t *testing.T) {
		w := do(h, "GET", "/v2.1/flavors", "")
		expect(t, w, http.StatusOK)
		d := doc(t, w)
		want := map[string]any{"flavors": []any{}}
		for i, name := range []string{"m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge"} {
			id := fmt.Sprint(i + 1)
			want["flavors"] = append(want["flavors"].([]any), map[string]any{"id": id, "name": name, "links": []any{
				map[string]any{"rel": "self", "href": "http://example.com/v2.1/flavors/" + id},
				map[string]any{"rel": "bookmark", "href": "http://example.com/flavors/" + id},
			}})
		}
		if diff := cmp.Diff(want, d); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("detail", func(t *testing.T) {
		w := do(h, "GET", "/v2.1/flavors/detail", "")
		expect(t, w, http.StatusOK)
		f := get(t, doc(t, w), "flavors", 2).(map[string]any)
		delete(f, "links")
		want := map[string]any{"id": "3", "name": "m1.medium", "vcpus": 2.0, "ram": 4096.0, "disk": 40.0,
			"os-flavor-access:is_public": true, "description": nil}
		if diff := cmp.Diff(want, f); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("show", func(t *testing.T) {
		w := do(h, "GET", "/v2.1/flavors/1", "")
		expect(t, w, http.StatusOK)
		if got := get(t, doc(t, w), "flavor", "ram"); got != 512.0 {
			t.Errorf("m1.tiny's ram: %v", got)
		}
	})
}

func TestFlavorsWrite(t *testing.T) {
	h, _ := newAPI(t)
	w := do(h, "POST", "/v2.1/flavors", `{"flavor": {"name": "m1.custom", "ram": 1024, "vcpus": "2", "swap": 0,
		"OS-FLV-EXT-DATA:ephemeral": 0, "rxtx_factor": 1.0}}`, admin("ops"))
	expect(t, w, http.StatusOK)
	created := get(t, doc(t, w), "flavor").(map[string]any)
	id := created["id"].(string)
	want := map[string]any{"id": id, "name": "m1.custom", "vcpus": 2.0, "ram": 1024.0, "disk": 0.0,
		"os-flavor-access:is_public": true, "description": nil, "links": []any{
			map[string]any{"rel": "self", "href": "http://example.com/v2.1/flavors/" + id},
			map[string]any{"rel": "bookmark", "href": "http://example.com/flavors/" + id},
		}}
	if diff := cmp.Diff(want, created); diff != "" {
		t.Errorf("create answered (-want +got):\n%s", diff)
	}
	w = do(h, "GET", "/v2.1/flavors/"+id, "")
	expect(t, w, http.StatusOK)
	if diff := cmp.Diff(want, get(t, doc(t, w), "flavor")); diff != "" {
		t.Errorf("show after create (-want +got):\n%s", diff)
	}

	w = do(h, "PUT", "/v2.1/flavors/"+id, `{"flavor": {"description": "for tests"}}`, admin("ops"))
	expect(t, w, http.StatusOK)
	want["description"] = "for tests"
	if diff := cmp.Diff(want, get(t, doc(t, w), "flavor")); diff != "" {
		t.Errorf("update answered (-want +got):\n%s", diff)
	}
	w = do(h, "GET", "/v2.1/flavors/"+id, "")
	if diff := cmp.Diff(want, get(t, doc(t, w), "flavor")); diff != "" {
		t.Errorf("show after update (-want +got):\n%s", diff)
	}

	// A new flavor with an explicit id, then its name again.
	w = do(h, "POST", "/v2.1/flavors", `{"flavor": {"name": "m1.fixed", "ram": 64, "vcpus": 1, "id": 42, "disk": "0",
		"os-flavor-access:is_public": false, "description": "x"}}`, admin("ops"))
	expect(t, w, http.StatusOK)
	if got := get(t, doc(t, w), "flavor").(map[string]any); got["id"] != "42" || got["os-flavor-access:is_public"] != false {
		t.Errorf("explicit id and is_public: %v", got)
	}
	checkFault(t, do(h, "POST", "/v2.1/flavors", `{"flavor": {"name": "m1.fixed", "ram": 64, "vcpus": 1}}`, admin("ops")), http.StatusConflict)
	checkFault(t, do(h, "POST", "/v2.1/flavors", `{"flavor": {"name": "m1.other", "ram": 64, "vcpus": 1, "id": 42}}`, admin("ops")), http.StatusConflict)

	w = do(h, "DELETE", "/v2.1/flavors/"+id, "", admin("ops"))
	expect(t, w, http.StatusAccepted)
	checkFault(t, do(h, "GET", "/v2.1/flavors/"+id, ""), http.StatusNotFound)
	checkFault(t, do(h, "DELETE", "/v2.1/flavors/"+id, "", admin("ops")), http.StatusNotFound)
	checkFault(t, do(h, "PUT", "/v2.1/flavors/"+id, `{"flavor": {"description": "x"}}`, admin("ops")), http.StatusNotFound)
	if got := ids(t, doc(t, do(h, "GET", "/v2.1/flavors", "")), "flavors"); slices.Contains(got, id) {
		t.Errorf("a deleted flavor is listed: %v", got)
	}
	// Soft delete frees the name.
	w = do(h, "POST", "/v2.1/flavors", `{"flavor": {"name": "m1.custom", "ram": 1024, "vcpus": 2}}`, admin("ops"))
	expect(t, w, http.StatusOK)
}

// errorCase is one bad request and the fault it must get.
type errorCase struct {
	name         string
	method, path string
	body         string
	opts         []opt
	status       int
	message      string // a part of the fault's message; "" for any
}

func runErrors(t *testing.T, h http.Handler, cases []errorCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := checkFault(t, do(h, c.method, c.path, c.body, c.opts...), c.status)
			if !strings.Contains(msg, c.message) {
				t.Errorf("message %q, want it to contain %q", msg, c.message)
			}
		})
	}
}

func TestFlavorErrors(t *testing.T) {
	h, _ := newAPI(t)
	long := strings.Repeat("x", 256)
	post := func(name, body string, status int, message string) errorCase {
		return errorCase{name, "POST", "/v2.1/flavors", body, []opt{admin("ops")}, status, message}
	}
	runErrors(t, h, []errorCase{
		{"show unknown", "GET", "/v2.1/flavors/999", "", nil, 404, "Flavor 999 could not be found."},
		{"show not a number", "GET", "/v2.1/flavors/abc", "", nil, 404, "Flavor abc could not be found."},
		{"create as a member", "POST", "/v2.1/flavors", `{"flavor": {"name": "f", "ram": 1, "vcpus": 1}}`, []opt{as("p1")},
			403, "os_compute_api:os-flavor-manage:create"},
		{"update as a member", "PUT", "/v2.1/flavors/1", `{"flavor": {"description": "x"}}`, []opt{as("p1")},
			403, "os_compute_api:os-flavor-manage:update"},
		{"delete as a member", "DELETE", "/v2.1/flavors/1", "", []opt{as("p1")}, 403, "os_compute_api:os-flavor-manage:delete"},
		post("bad JSON", `{"flavor": `, 400, "Malformed request body"),
		post("not an object", `["flavor"]`, 400, "Malformed request body"),
		post("no flavor key", `{"server": {}}`, 400, `"flavor" is a required property`),
		post("flavor not an object", `{"flavor": "m1"}`, 400, `"flavor" is a required property`),
		post("no name", `{"flavor": {"ram": 1, "vcpus": 1}}`, 400, "'name' is a required property"),
		post("no ram", `{"flavor": {"name": "f", "vcpus": 1}}`, 400, "'ram' is a required property"),
		post("empty name", `{"flavor": {"name": "", "ram": 1, "vcpus": 1}}`, 400, "name"),
		post("blank name", `{"flavor": {"name": "  ", "ram": 1, "vcpus": 1}}`, 400, "name"),
		post("long name", `{"flavor": {"name": "`+long+`", "ram": 1, "vcpus": 1}}`, 400, "name"),
		post("name with a NUL", `{"flavor": {"name": "a\u0000b", "ram": 1, "vcpus": 1}}`, 400, "name"),
		post("name not a string", `{"flavor": {"name": 7, "ram": 1, "vcpus": 1}}`, 400, "name"),
		post("ram 0", `{"flavor": {"name": "f", "ram": 0, "vcpus": 1}}`, 400, "ram"),
		post("ram negative string", `{"flavor": {"name": "f", "ram": "-5", "vcpus": 1}}`, 400, "ram"),
		post("ram fraction", `{"flavor": {"name": "f", "ram": 1.5, "vcpus": 1}}`, 400, "ram"),
		post("ram huge", `{"flavor": {"name": "f", "ram": 1e30, "vcpus": 1}}`, 400, "ram"),
		post("ram bool", `{"flavor": {"name": "f", "ram": true, "vcpus": 1}}`, 400, "ram"),
		post("vcpus text", `{"flavor": {"name": "f", "ram": 1, "vcpus": "two"}}`, 400, "vcpus"),
		post("disk negative", `{"flavor": {"name": "f", "ram": 1, "vcpus": 1, "disk": -1}}`, 400, "disk"),
		post("id text", `{"flavor": {"name": "f", "ram": 1, "vcpus": 1, "id": "big"}}`, 400, "id"),
		post("is_public text", `{"flavor": {"name": "f", "ram": 1, "vcpus": 1, "os-flavor-access:is_public": "maybe"}}`, 400, "is_public"),
		post("unknown key", `{"flavor": {"name": "f", "ram": 1, "vcpus": 1, "gpus": 1}}`, 400, "'gpus' was unexpected"),
		post("description not a string", `{"flavor": {"name": "f", "ram": 1, "vcpus": 1, "description": 5}}`, 400, "description"),
		{"text body", "POST", "/v2.1/flavors", `{}`, []opt{admin("ops"), header("Content-Type", "text/plain")}, 415, "text/plain"},
		{"update without description", "PUT", "/v2.1/flavors/1", `{"flavor": {}}`, []opt{admin("ops")}, 400, "'description' is a required property"},
		{"update the name", "PUT", "/v2.1/flavors/1", `{"flavor": {"name": "m1.new", "description": "x"}}`, []opt{admin("ops")}, 400, "'name' was unexpected"},
		{"update unknown", "PUT", "/v2.1/flavors/999", `{"flavor": {"description": "x"}}`, []opt{admin("ops")}, 404, "Flavor 999"},
		{"delete unknown", "DELETE", "/v2.1/flavors/999", "", []opt{admin("ops")}, 404, "Flavor 999"},
		{"method", "PATCH", "/v2.1/flavors/1", `{}`, nil, 405, ""},
		{"method on the collection", "DELETE", "/v2.1/flavors", "", nil, 405, ""},
	})
	// None of it changed the flavors.
	if got := ids(t, doc(t, do(h, "GET", "/v2.1/flavors", "")), "flavors"); !slices.Equal(got, []string{"1", "2", "3", "4", "5"}) {
		t.Errorf("flavors after the bad requests: %v", got)
	}
}

func TestServers(t *testing.T) {
	h, _ := newAPI(t)
	w := do(h, "POST", "/v2.1/servers", `{"server": {"name": "web-1", "flavorRef": "http://example.com/flavors/2",
		"imageRef": "cirros", "metadata": {"role": "web"}, "accessIPv4": "192.0.2.10"}}`, as("p1"))
	expect(t, w, http.StatusAccepted)
	s := get(t, doc(t, w), "server").(map[string]any)
	id := s["id"].(string)
	if loc := w.Header().Get("Location"); loc != "http://example.com/v2.1/servers/"+id {
		t.Errorf("Location %q", loc)
	}
	for k, want := range map[string]any{"name": "web-1", "status": "BUILD", "tenant_id": "p1", "user_id": "p1-user",
		"metadata": map[string]any{"role": "web"}, "accessIPv4": "192.0.2.10"} {
		if diff := cmp.Diff(want, s[k]); diff != "" {
			t.Errorf("create: %s (-want +got):\n%s", k, diff)
		}
	}
	if diff := cmp.Diff(map[string]any{"id": "2", "links": []any{map[string]any{"rel": "bookmark",
		"href": "http://example.com/flavors/2"}}}, s["flavor"]); diff != "" {
		t.Errorf("flavor (-want +got):\n%s", diff)
	}
	if _, ok := s["description"]; ok {
		t.Errorf("description shown at 2.1")
	}
	var keys []string
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if diff := cmp.Diff([]string{"accessIPv4", "created", "flavor", "id", "links", "metadata", "name", "status",
		"tenant_id", "updated", "user_id"}, keys); diff != "" {
		t.Errorf("server keys (-want +got):\n%s", diff)
	}

	w = do(h, "GET", "/v2.1/servers/"+id, "", as("p1"))
	expect(t, w, http.StatusOK)
	shown := get(t, doc(t, w), "server").(map[string]any)
	delete(s, "updated")
	delete(shown, "updated")
	if diff := cmp.Diff(s, shown); diff != "" {
		t.Errorf("show differs from create (-create +show):\n%s", diff)
	}

	w = do(h, "GET", "/v2.1/servers", "", as("p1"))
	expect(t, w, http.StatusOK)
	if diff := cmp.Diff(map[string]any{"servers": []any{map[string]any{"id": id, "name": "web-1", "links": []any{
		map[string]any{"rel": "self", "href": "http://example.com/v2.1/servers/" + id},
		map[string]any{"rel": "bookmark", "href": "http://example.com/servers/" + id},
	}}}}, doc(t, w)); diff != "" {
		t.Errorf("list (-want +got):\n%s", diff)
	}
	w = do(h, "GET", "/v2.1/servers/detail", "", as("p1"))
	if got := get(t, doc(t, w), "servers", 0, "status"); got != "BUILD" {
		t.Errorf("detail status %v", got)
	}

	w = do(h, "PUT", "/v2.1/servers/"+id, `{"server": {"name": "web-one", "accessIPv4": "192.0.2.11"}}`, as("p1"))
	expect(t, w, http.StatusOK)
	updated := get(t, doc(t, w), "server").(map[string]any)
	if updated["name"] != "web-one" || updated["accessIPv4"] != "192.0.2.11" || updated["updated"] == nil {
		t.Errorf("update answered %v", updated)
	}
	w = do(h, "GET", "/v2.1/servers/"+id, "", as("p1"))
	if got := get(t, doc(t, w), "server", "name"); got != "web-one" {
		t.Errorf("name after update: %v", got)
	}

	// Filters.
	other := createServer(t, h, "p1", "db-1")
	for query, want := range map[string][]string{
		"?name=web-one": {id}, "?name=db-1": {other}, "?status=BUILD": {id, other}, "?status=ACTIVE": nil, "?status=SLEEPING": nil, "?status=build": nil,
	} {
		got := ids(t, doc(t, do(h, "GET", "/v2.1/servers"+query, "", as("p1"))), "servers")
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", query, got, want)
		}
	}

	w = do(h, "DELETE", "/v2.1/servers/"+id, "", as("p1"))
	expect(t, w, http.StatusNoContent)
	if w.Body.Len() != 0 {
		t.Errorf("a 204 with a body: %s", w.Body)
	}
}

func TestServerErrors(t *testing.T) {
	h, _ := newAPI(t)
	id := createServer(t, h, "p1", "web-1")
	post := func(name, body string, status int, message string, opts ...opt) errorCase {
		return errorCase{name, "POST", "/v2.1/servers", body, append([]opt{as("p1")}, opts...), status, message}
	}
	put := func(name, body string, status int, message string, opts ...opt) errorCase {
		return errorCase{name, "PUT", "/v2.1/servers/" + id, body, append([]opt{as("p1")}, opts...), status, message}
	}
	var b strings.Builder
	b.WriteString(`{"server": {"name": "many", "flavorRef": "1", "metadata": {`)
	for i := range 129 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"k%d": "v"`, i)
	}
	b.WriteString("}}}")
	runErrors(t, h, []errorCase{
		post("bad JSON", `{"server": {"name": "x", `, 400, "Malformed request body"),
		post("empty body", ``, 400, "Malformed request body"),
		post("null", `null`, 400, `"server" is a required property`),
		post("no server key", `{"flavor": {}}`, 400, `"server" is a required property`),
		post("server is a list", `{"server": []}`, 400, `"server" is a required property`),
		post("no name", `{"server": {"flavorRef": "1"}}`, 400, "'name' is a required property"),
		post("empty name", `{"server": {"name": "", "flavorRef": "1"}}`, 400, "name"),
		post("blank name", `{"server": {"name": "   ", "flavorRef": "1"}}`, 400, "name"),
		post("name with a control character", `{"server": {"name": "a\u0007", "flavorRef": "1"}}`, 400, "name"),
		post("long name", `{"server": {"name": "`+strings.Repeat("n", 256)+`", "flavorRef": "1"}}`, 400, "name"),
		post("name a number", `{"server": {"name": 12, "flavorRef": "1"}}`, 400, "name"),
		post("no flavorRef", `{"server": {"name": "x"}}`, 400, "Invalid flavorRef provided"),
		post("flavorRef text", `{"server": {"name": "x", "flavorRef": "tiny"}}`, 400, "Invalid flavorRef provided"),
		post("flavorRef null", `{"server": {"name": "x", "flavorRef": null}}`, 400, "Invalid flavorRef provided"),
		post("unknown flavorRef", `{"server": {"name": "x", "flavorRef": "99"}}`, 400, "Flavor 99 could not be found."),
		post("unknown key", `{"server": {"name": "x", "flavorRef": "1", "color": "red"}}`, 400, "'color' was unexpected"),
		post("description at 2.1", `{"server": {"name": "x", "flavorRef": "1", "description": "d"}}`, 400, "'description' was unexpected"),
		post("long description", `{"server": {"name": "x", "flavorRef": "1", "description": "`+strings.Repeat("d", 256)+`"}}`, 400, "description", mv("2.2")),
		post("bad accessIPv4", `{"server": {"name": "x", "flavorRef": "1", "accessIPv4": "not-an-ip"}}`, 400, "accessIPv4"),
		post("IPv6 as accessIPv4", `{"server": {"name": "x", "flavorRef": "1", "accessIPv4": "2001:db8::1"}}`, 400, "accessIPv4"),
		post("metadata a list", `{"server": {"name": "x", "flavorRef": "1", "metadata": ["a"]}}`, 400, "metadata"),
		post("metadata value a number", `{"server": {"name": "x", "flavorRef": "1", "metadata": {"a": 1}}}`, 400, "metadata"),
		post("metadata empty key", `{"server": {"name": "x", "flavorRef": "1", "metadata": {"": "v"}}}`, 400, "metadata"),
		post("metadata over quota", b.String(), 403, "metadata_items"),
		post("text body", `{"server": {"name": "x", "flavorRef": "1"}}`, 415, "text/plain", header("Content-Type", "text/plain")),
		put("update bad JSON", `{"server": `, 400, "Malformed request body"),
		put("update empty name", `{"server": {"name": ""}}`, 400, "name"),
		put("update unknown key", `{"server": {"flavorRef": "2"}}`, 400, "'flavorRef' was unexpected"),
		put("update description at 2.1", `{"server": {"description": "d"}}`, 400, "'description' was unexpected"),
		put("update bad accessIPv4", `{"server": {"accessIPv4": "300.1.1.1"}}`, 400, "accessIPv4"),
		{"show unknown", "GET", "/v2.1/servers/no-such-server", "", []opt{as("p1")}, 404, "Instance no-such-server could not be found."},
		{"update unknown", "PUT", "/v2.1/servers/no-such-server", `{"server": {"name": "x"}}`, []opt{as("p1")}, 404, "no-such-server"},
		{"delete unknown", "DELETE", "/v2.1/servers/no-such-server", "", []opt{as("p1")}, 404, "no-such-server"},
		{"method on the collection", "PATCH", "/v2.1/servers", `{}`, []opt{as("p1")}, 405, ""},
		{"method on a server", "POST", "/v2.1/servers/" + id, `{}`, []opt{as("p1")}, 405, ""},
		// As in nova, "detail" is a server id for any method but GET.
		{"delete detail", "DELETE", "/v2.1/servers/detail", "", []opt{as("p1")}, 404, "Instance detail could not be found."},
		{"unknown path", "GET", "/v2.1/images", "", nil, 404, "The resource could not be found."},
		{"unknown version path", "GET", "/v3/servers", "", nil, 404, "The resource could not be found."},
		{"method on the versions", "DELETE", "/", "", nil, 405, ""},
	})
	// None of it created a server or changed the one there is.
	w := do(h, "GET", "/v2.1/servers/detail", "", as("p1"))
	d := doc(t, w)
	if got := ids(t, d, "servers"); !slices.Equal(got, []string{id}) {
		t.Errorf("servers after the bad requests: %v", got)
	}
	if got := get(t, d, "servers", 0, "name"); got != "web-1" {
		t.Errorf("name after the bad updates: %v", got)
	}
}

// Every request is routed: a route's handler, or an OpenStack-shaped
// 404, or 405 with the methods net/http lists in Allow.
func TestRouting(t *testing.T) {
	h, _ := newAPI(t)
	for _, tc := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{"GET", "/", 200, ""},
		{"HEAD", "/", 200, ""},
		{"GET", "/v2.1", 200, ""},
		{"GET", "/v2.1/", 200, ""},
		{"GET", "/v2.1/flavors", 200, ""},
		{"GET", "/nope", 404, ""},
		{"GET", "/v2.10", 404, ""},
		{"GET", "/v2.1/flavors/", 404, ""},
		{"GET", "/v2.1/servers/a/b", 404, ""},
		{"DELETE", "/", 405, "GET, HEAD"},
		{"POST", "/v2.1", 405, "GET, HEAD"},
		{"PATCH", "/v2.1/servers", 405, "GET, HEAD, POST"},
		{"POST", "/v2.1/servers/detail", 405, "DELETE, GET, HEAD, PUT"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			w := do(h, tc.method, tc.path, "", as("p1"))
			if tc.status != 200 {
				checkFault(t, w, tc.status)
			} else {
				expect(t, w, tc.status)
			}
			if got := w.Header().Get("Allow"); got != tc.allow {
				t.Errorf("Allow %q, want %q", got, tc.allow)
			}
		})
	}
}

func TestMethodNotAllowedHeaders(t *testing.T) {
	h, _ := newAPI(t)
	w := do(h, "PATCH", "/v2.1/servers", "{}")
	checkFault(t, w, http.StatusMethodNotAllowed)
	allow := w.Header().Get("Allow")
	for _, m := range []string{"GET", "POST"} {
		if !strings.Contains(allow, m) {
			t.Errorf("Allow %q lacks %s", allow, m)
		}
	}
}

func TestMicroversions(t *testing.T) {
	h, _ := newAPI(t)
	id := createServer(t, h, "p1", "web-1")
	cases := []struct {
		name    string
		headers map[string]string
		status  int
		version string // the version answered; "" for an error
		message string
	}{
		{"none is the minimum", nil, 200, "2.1", ""},
		{"2.1", map[string]string{"OpenStack-API-Version": "compute 2.1"}, 200, "2.1", ""},
		{"2.2", map[string]string{"OpenStack-API-Version": "compute 2.2"}, 200, "2.2", ""},
		{"latest", map[string]string{"OpenStack-API-Version": "compute latest"}, 200, "2.2", ""},
		{"legacy header", map[string]string{"X-OpenStack-Nova-API-Version": "2.2"}, 200, "2.2", ""},
		{"another service's version", map[string]string{"OpenStack-API-Version": "volume 3.50"}, 200, "2.1", ""},
		{"the new header wins", map[string]string{"OpenStack-API-Version": "compute 2.1", "X-OpenStack-Nova-API-Version": "2.2"}, 200, "2.1", ""},
		{"bad format", map[string]string{"OpenStack-API-Version": "compute 2.x"}, 400, "", "API Version String 2.x is of invalid format"},
		{"leading zero", map[string]string{"OpenStack-API-Version": "compute 2.01"}, 400, "", "invalid format"},
		{"no minor", map[string]string{"OpenStack-API-Version": "compute 2"}, 400, "", "invalid format"},
		{"legacy bad format", map[string]string{"X-OpenStack-Nova-API-Version": "two"}, 400, "", "invalid format"},
		{"too new", map[string]string{"OpenStack-API-Version": "compute 2.3"}, 406, "", "Version 2.3 is not supported by the API. Minimum is 2.1 and maximum is 2.2."},
		{"too old", map[string]string{"OpenStack-API-Version": "compute 2.0"}, 406, "", "Version 2.0 is not supported"},
		{"another major", map[string]string{"OpenStack-API-Version": "compute 3.0"}, 406, "", "Version 3.0 is not supported"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := []opt{as("p1")}
			for k, v := range c.headers {
				opts = append(opts, header(k, v))
			}
			w := do(h, "GET", "/v2.1/servers/"+id, "", opts...)
			if c.version == "" {
				if msg := checkFault(t, w, c.status); !strings.Contains(msg, c.message) {
					t.Errorf("message %q, want %q", msg, c.message)
				}
				return
			}
			expect(t, w, c.status)
			if got := w.Header().Get("OpenStack-API-Version"); got != "compute "+c.version {
				t.Errorf("OpenStack-API-Version %q", got)
			}
			if got := w.Header().Get("X-OpenStack-Nova-API-Version"); got != c.version {
				t.Errorf("X-OpenStack-Nova-API-Version %q", got)
			}
			if got := w.Header().Get("Vary"); !strings.Contains(got, "OpenStack-API-Version") || !strings.Contains(got, "X-OpenStack-Nova-API-Version") {
				t.Errorf("Vary %q", got)
			}
			_, shown := get(t, doc(t, w), "server").(map[string]any)["description"]
			if shown != (c.version == "2.2") {
				t.Errorf("description shown: %v at %s", shown, c.version)
			}
		})
	}
}

// TestDescription is the behaviour 2.2 adds: a server's description, set
// at create and update, shown from 2.2 on.
func TestDescription(t *testing.T) {
	h, _ := newAPI(t)
	w := do(h, "POST", "/v2.1/servers", `{"server": {"name": "x", "flavorRef": "1", "description": "first"}}`, as("p1"), mv("2.2"))
	expect(t, w, http.StatusAccepted)
	id := get(t, doc(t, w), "server", "id").(string)
	if got := get(t, doc(t, w), "server", "description"); got != "first" {
		t.Errorf("create: description %v", got)
	}
	w = do(h, "PUT", "/v2.1/servers/"+id, `{"server": {"description": "second"}}`, as("p1"), mv("latest"))
	expect(t, w, http.StatusOK)
	if got := get(t, doc(t, w), "server", "description"); got != "second" {
		t.Errorf("update: description %v", got)
	}
	w = do(h, "GET", "/v2.1/servers/detail", "", as("p1"), mv("2.2"))
	if got := get(t, doc(t, w), "servers", 0, "description"); got != "second" {
		t.Errorf("detail: description %v", got)
	}
	w = do(h, "PUT", "/v2.1/servers/"+id, `{"server": {"description": null}}`, as("p1"), mv("2.2"))
	expect(t, w, http.StatusOK)
	if got := get(t, doc(t, w), "server", "description"); got != nil {
		t.Errorf("description null: %v", got)
	}
	// A server made without one shows null at 2.2.
	other := createServer(t, h, "p1", "y")
	w = do(h, "GET", "/v2.1/servers/"+other, "", as("p1"), mv("2.2"))
	if d, ok := get(t, doc(t, w), "server").(map[string]any)["description"]; !ok || d != nil {
		t.Errorf("no description at 2.2: %v, %v", d, ok)
	}
}

func TestProjectIsolation(t *testing.T) {
	h, _ := newAPI(t)
	a1 := createServer(t, h, "pa", "a1")
	a2 := createServer(t, h, "pa", "a2")
	b1 := createServer(t, h, "pb", "b1")
	list := func(path string, o ...opt) []string {
		t.Helper()
		w := do(h, "GET", path, "", o...)
		expect(t, w, http.StatusOK)
		got := ids(t, doc(t, w), "servers")
		sort.Strings(got)
		return got
	}
	sorted := func(s ...string) []string { sort.Strings(s); return s }
	for _, c := range []struct {
		name string
		path string
		opts []opt
		want []string
	}{
		{"pa sees its own", "/v2.1/servers", []opt{as("pa")}, sorted(a1, a2)},
		{"pb sees its own", "/v2.1/servers/detail", []opt{as("pb")}, sorted(b1)},
		{"all_tenants is an admin's", "/v2.1/servers?all_tenants=1", []opt{as("pb")}, sorted(b1)},
		{"an admin sees its project", "/v2.1/servers", []opt{admin("pc")}, nil},
		{"an admin with all_tenants sees all", "/v2.1/servers/detail?all_tenants=1", []opt{admin("pc")}, sorted(a1, a2, b1)},
		{"pc sees none", "/v2.1/servers", []opt{as("pc")}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := list(c.path, c.opts...); !slices.Equal(got, c.want) {
				t.Errorf("%v, want %v", got, c.want)
			}
		})
	}
	runErrors(t, h, []errorCase{
		{"pb cannot show pa's", "GET", "/v2.1/servers/" + a1, "", []opt{as("pb")}, 404, a1},
		{"pb cannot update pa's", "PUT", "/v2.1/servers/" + a1, `{"server": {"name": "mine"}}`, []opt{as("pb")}, 404, a1},
		{"pb cannot delete pa's", "DELETE", "/v2.1/servers/" + a1, "", []opt{as("pb")}, 404, a1},
		{"pb cannot page from pa's", "GET", "/v2.1/servers?marker=" + a1, "", []opt{as("pb")}, 400, "marker [" + a1 + "] not found"},
	})
	w := do(h, "GET", "/v2.1/servers/"+a1, "", as("pa"))
	expect(t, w, http.StatusOK)
	if got := get(t, doc(t, w), "server", "name"); got != "a1" {
		t.Errorf("pa's server after pb's attempts: name %v", got)
	}
	// An admin acts on any project's server by id (nova's admin_or_owner).
	w = do(h, "GET", "/v2.1/servers/"+b1, "", admin("pc"))
	expect(t, w, http.StatusOK)
	expect(t, do(h, "DELETE", "/v2.1/servers/"+b1, "", admin("pc")), http.StatusNoContent)
	if got := list("/v2.1/servers", as("pb")); got != nil {
		t.Errorf("pb's servers after the admin's delete: %v", got)
	}
}

func TestSoftDelete(t *testing.T) {
	h, st := newAPI(t)
	id := createServer(t, h, "p1", "gone")
	keep := createServer(t, h, "p1", "kept")
	expect(t, do(h, "DELETE", "/v2.1/servers/"+id, "", as("p1")), http.StatusNoContent)
	checkFault(t, do(h, "GET", "/v2.1/servers/"+id, "", as("p1")), http.StatusNotFound)
	checkFault(t, do(h, "DELETE", "/v2.1/servers/"+id, "", as("p1")), http.StatusNotFound)
	checkFault(t, do(h, "PUT", "/v2.1/servers/"+id, `{"server": {"name": "back"}}`, as("p1")), http.StatusNotFound)
	checkFault(t, do(h, "GET", "/v2.1/servers/"+id, "", admin("p1")), http.StatusNotFound)
	for _, path := range []string{"/v2.1/servers", "/v2.1/servers/detail", "/v2.1/servers?all_tenants=1"} {
		if got := ids(t, doc(t, do(h, "GET", path, "", admin("p1"))), "servers"); !slices.Equal(got, []string{keep}) {
			t.Errorf("%s: %v, want only %s", path, got, keep)
		}
	}
	// The row is still there, soft-deleted, until the purge.
	var deleted int
	if err := st.DB.ReadTx(context.Background(), func(ctx context.Context, tx *db.Tx) error {
		return tx.QueryRow(ctx, "SELECT deleted FROM servers WHERE uuid = ?", id).Scan(&deleted)
	}); err != nil {
		t.Fatal(err)
	}
	if deleted == 0 {
		t.Errorf("the deleted server's row has deleted = 0")
	}
}

// page follows next links from path and returns the pages' ids and
// next hrefs.
func pages(t *testing.T, h http.Handler, key, path string, o ...opt) (got [][]string, links []string) {
	t.Helper()
	for range 20 {
		w := do(h, "GET", path, "", o...)
		expect(t, w, http.StatusOK)
		d := doc(t, w)
		got = append(got, ids(t, d, key))
		l, ok := d[key+"_links"]
		if !ok {
			return got, links
		}
		href := get(t, l, 0, "href").(string)
		if rel := get(t, l, 0, "rel"); rel != "next" {
			t.Fatalf("link rel %v", rel)
		}
		links = append(links, href)
		u, err := url.Parse(href)
		if err != nil {
			t.Fatal(err)
		}
		path = u.RequestURI()
	}
	t.Fatalf("more than 20 pages")
	return nil, nil
}

func TestPagination(t *testing.T) {
	h, _ := newAPI(t)
	var all []string
	for i := range 5 {
		all = append(all, createServer(t, h, "p1", fmt.Sprint("s", i)))
	}
	createServer(t, h, "p2", "elsewhere")
	// Servers are listed by id (creation order).
	t.Run("flavors", func(t *testing.T) {
		got, links := pages(t, h, "flavors", "/v2.1/flavors?limit=2")
		if diff := cmp.Diff([][]string{{"1", "2"}, {"3", "4"}, {"5"}}, got); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"http://example.com/v2.1/flavors?limit=2&marker=2",
			"http://example.com/v2.1/flavors?limit=2&marker=4"}, links); diff != "" {
			t.Errorf("links (-want +got):\n%s", diff)
		}
	})
	t.Run("flavors detail", func(t *testing.T) {
		_, links := pages(t, h, "flavors", "/v2.1/flavors/detail?limit=4")
		if diff := cmp.Diff([]string{"http://example.com/v2.1/flavors/detail?limit=4&marker=4"}, links); diff != "" {
			t.Errorf("links (-want +got):\n%s", diff)
		}
	})
	t.Run("servers", func(t *testing.T) {
		got, links := pages(t, h, "servers", "/v2.1/servers?limit=2", as("p1"))
		if diff := cmp.Diff([][]string{all[0:2], all[2:4], all[4:5]}, got); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}
		if len(links) != 2 || links[0] != "http://example.com/v2.1/servers?limit=2&marker="+all[1] {
			t.Errorf("links %v", links)
		}
	})
	t.Run("servers detail keeps the filters", func(t *testing.T) {
		got, links := pages(t, h, "servers", "/v2.1/servers/detail?limit=1&status=BUILD&name=s3", as("p1"))
		if diff := cmp.Diff([][]string{{all[3]}, nil}, got); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}
		if len(links) != 1 || links[0] != "http://example.com/v2.1/servers/detail?limit=1&marker="+all[3]+"&name=s3&status=BUILD" {
			t.Errorf("links %v", links)
		}
	})
	t.Run("an exact last page has a next link to an empty page", func(t *testing.T) {
		got, _ := pages(t, h, "servers", "/v2.1/servers?limit=5", as("p1"))
		if diff := cmp.Diff([][]string{all, nil}, got); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}
	})
	t.Run("limit 0 is the maximum", func(t *testing.T) {
		w := do(h, "GET", "/v2.1/servers?limit=0", "", as("p1"))
		if got := ids(t, doc(t, w), "servers"); !slices.Equal(got, all) {
			t.Errorf("limit=0: %v", got)
		}
	})
	runErrors(t, h, []errorCase{
		{"unknown server marker", "GET", "/v2.1/servers?marker=00000000-0000-0000-0000-000000000000", "", []opt{as("p1")}, 400, "marker [00000000-0000-0000-0000-000000000000] not found"},
		{"unknown flavor marker", "GET", "/v2.1/flavors?marker=999", "", nil, 400, "marker [999] not found"},
		{"flavor marker not a number", "GET", "/v2.1/flavors/detail?marker=abc", "", nil, 400, "marker [abc] not found"},
		{"negative limit", "GET", "/v2.1/servers?limit=-1", "", []opt{as("p1")}, 400, "limit"},
		{"limit not a number", "GET", "/v2.1/flavors?limit=ten", "", nil, 400, "limit"},
		{"limit too big for an int", "GET", "/v2.1/flavors?limit=99999999999999999999", "", nil, 400, "limit"},
	})
}

// TestLimitOverMax lists more servers than a page holds: a limit over
// the maximum is the maximum.
func TestLimitOverMax(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 1001 servers")
	}
	h, _ := newAPI(t)
	const n = 1001 // api.MaxLimit + 1
	for i := range n {
		createServer(t, h, "p1", fmt.Sprint("s", i))
	}
	for _, limit := range []string{"", "?limit=5000", "?limit=1000", "?limit=0"} {
		w := do(h, "GET", "/v2.1/servers"+limit, "", as("p1"))
		expect(t, w, http.StatusOK)
		d := doc(t, w)
		got := ids(t, d, "servers")
		if len(got) != 1000 {
			t.Errorf("%q: %d servers, want 1000", limit, len(got))
		}
		href := get(t, d, "servers_links", 0, "href").(string)
		if want := "limit=1000&marker=" + got[999]; !strings.HasSuffix(href, want) {
			t.Errorf("%q: next %s, want ...%s", limit, href, want)
		}
		u, _ := url.Parse(href)
		if rest := ids(t, doc(t, do(h, "GET", u.RequestURI(), "", as("p1"))), "servers"); len(rest) != 1 {
			t.Errorf("%q: the next page has %d servers, want 1", limit, len(rest))
		}
	}
}

// TestOnPostgreSQL runs the tests that write on PostgreSQL too, which
// refuses what SQLite lets by (a NUL in a text column, say).
func TestOnPostgreSQL(t *testing.T) {
	pgURL(t) // skips, saying why, without a server
	onPostgreSQL = true
	defer func() { onPostgreSQL = false }()
	for name, test := range map[string]func(*testing.T){
		"FlavorsWrite": TestFlavorsWrite, "FlavorErrors": TestFlavorErrors, "Servers": TestServers,
		"ServerErrors": TestServerErrors, "Microversions": TestMicroversions, "Description": TestDescription,
		"ProjectIsolation": TestProjectIsolation, "SoftDelete": TestSoftDelete, "Pagination": TestPagination,
		"ConcurrentUpdates": TestConcurrentUpdates,
	} {
		t.Run(name, test)
	}
}
