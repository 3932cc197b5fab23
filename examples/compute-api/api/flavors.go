package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/goslo/goslo/examples/compute-api/resources"
	"github.com/goslo/goslo/middleware"
	"github.com/goslo/goslo/objects"
)

// links are the self and bookmark links of a resource.
func links(r *http.Request, collection, id string) []link {
	return linksAt(middleware.ApplicationURL(r), collection, id)
}

// link is a link of a JSON document ({"href": ..., "rel": ...}, in the
// order json.Marshal writes a map's keys).
type link struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
}

// linksAt is links with the application URL computed once per request.
func linksAt(base, collection, id string) []link {
	return []link{
		{Rel: "self", Href: base + "/v2.1/" + collection + "/" + id},
		{Rel: "bookmark", Href: base + "/" + collection + "/" + id},
	}
}

// nextLink is the "next" link of a full page, as nova writes it: the
// collection the request listed ("servers" or "servers/detail") with the
// request's query, the limit and the marker.
func nextLink(r *http.Request, collection string, q Query, lastID string) []link {
	return nextLinkAt(middleware.ApplicationURL(r), r.URL.Query(), collection, q, lastID)
}

// nextLinkAt is nextLink with the application URL and the query string
// the request computed already.
func nextLinkAt(base string, query url.Values, collection string, q Query, lastID string) []link {
	v := url.Values{}
	for k, vals := range query {
		if k != "marker" {
			v[k] = vals
		}
	}
	v.Set("limit", strconv.Itoa(q.Limit))
	v.Set("marker", lastID)
	return []link{{Rel: "next", Href: base + "/v2.1/" + collection + "?" + v.Encode()}}
}

func str(o *objects.Object, name string) string {
	s, _ := objects.Get[string](o, name)
	return s
}

func num(o *objects.Object, name string) int64 {
	n, _ := objects.Get[int64](o, name)
	return n
}

func stamp(o *objects.Object, name string) any {
	t, err := objects.Get[time.Time](o, name)
	if err != nil || t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

func nullable(o *objects.Object, name string) any {
	v, err := o.Get(name)
	if err != nil {
		return nil
	}
	return v
}

func flavorView(r *http.Request, f *objects.Object, detail bool) map[string]any {
	id := strconv.FormatInt(num(f, "id"), 10)
	v := map[string]any{"id": id, "name": str(f, "name"), "links": links(r, "flavors", id)}
	if detail {
		public, _ := objects.Get[bool](f, "is_public")
		v["vcpus"] = num(f, "vcpus")
		v["ram"] = num(f, "memory_mb")
		v["disk"] = num(f, "root_gb")
		v["os-flavor-access:is_public"] = public
		v["description"] = nullable(f, "description")
	}
	return v
}

func (a *API) listFlavors(detail bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, ok := page(w, r)
		if !ok {
			return
		}
		list, err := a.store.ListFlavors(r.Context(), q)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				fault(w, http.StatusBadRequest, fmt.Sprintf("marker [%s] not found", q.Marker))
				return
			}
			a.storeError(w, r, err, "Flavor")
			return
		}
		out := make([]any, len(list))
		for i, f := range list {
			out[i] = flavorView(r, f, detail)
		}
		doc := map[string]any{"flavors": out}
		if q.Limit > 0 && len(list) == q.Limit {
			doc["flavors_links"] = nextLink(r, collection("flavors", detail), q, strconv.FormatInt(num(list[len(list)-1], "id"), 10))
		}
		writeJSON(w, http.StatusOK, doc)
	}
}

// collection is the path of a list below /v2.1.
func collection(name string, detail bool) string {
	if detail {
		return name + "/detail"
	}
	return name
}

func flavorID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		fault(w, http.StatusNotFound, fmt.Sprintf("Flavor %s could not be found.", r.PathValue("id")))
		return 0, false
	}
	return id, true
}

func (a *API) showFlavor(w http.ResponseWriter, r *http.Request) {
	id, ok := flavorID(w, r)
	if !ok {
		return
	}
	f, err := a.store.GetFlavor(r.Context(), id)
	if err != nil {
		a.storeError(w, r, err, fmt.Sprintf("Flavor %d", id))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"flavor": flavorView(r, f, true)})
}

func (a *API) admin(w http.ResponseWriter, r *http.Request, rule string) bool {
	if !requestContext(r).IsAdmin {
		fault(w, http.StatusForbidden, fmt.Sprintf("Policy doesn't allow %s to be performed.", rule))
		return false
	}
	return true
}

// setFields sets body keys onto o, naming the key of a bad value.
func setFields(w http.ResponseWriter, o *objects.Object, body map[string]any, fields map[string]string) bool {
	for key, field := range fields {
		v, ok := body[key]
		if !ok {
			continue
		}
		if err := o.Set(field, v); err != nil {
			fault(w, http.StatusBadRequest, fmt.Sprintf("Invalid input for field/attribute %s. Value: %v. %v", key, v, err))
			return false
		}
	}
	return true
}

// flavorKeys are the keys of a flavor create body. swap, ephemeral disk
// and rxtx_factor are accepted (python-novaclient always sends them) and
// ignored.
var flavorKeys = []string{"name", "id", "ram", "vcpus", "disk", "os-flavor-access:is_public", "description",
	"swap", "OS-FLV-EXT-DATA:ephemeral", "rxtx_factor"}

// flavorInt checks an integer of a flavor body as nova's schema does: a
// JSON integer or a string of digits, at least min.
func flavorInt(w http.ResponseWriter, body map[string]any, key string, min int64) bool {
	v, ok := body[key]
	if !ok {
		return true
	}
	var n int64
	var err error
	switch x := v.(type) {
	case float64:
		n = int64(x)
		if float64(n) != x || x > 1<<53 || x < -(1<<53) {
			err = fmt.Errorf("not an integer")
		}
	case string:
		n, err = strconv.ParseInt(x, 10, 64)
		if err == nil && strings.TrimLeft(x, "0123456789") != "" {
			err = fmt.Errorf("not an integer")
		}
	default:
		err = fmt.Errorf("not an integer")
	}
	if err != nil || n < min || n > 1<<31-1 {
		fault(w, http.StatusBadRequest, fmt.Sprintf("Invalid input for field/attribute %s. Value: %v. It must be an integer from %d to %d.", key, v, min, 1<<31-1))
		return false
	}
	return true
}

// boolWords are the strings nova's boolean parameter type accepts.
var boolWords = map[string]bool{
	"True": true, "TRUE": true, "true": true, "1": true, "ON": true, "On": true, "on": true,
	"YES": true, "Yes": true, "yes": true, "y": true, "t": true,
	"False": false, "FALSE": false, "false": false, "0": false, "OFF": false, "Off": false, "off": false,
	"NO": false, "No": false, "no": false, "n": false, "f": false,
}

// flavorBool checks a boolean of a flavor body as nova's schema does and
// replaces a string by its value.
func flavorBool(w http.ResponseWriter, body map[string]any, key string) bool {
	v, ok := body[key]
	if !ok {
		return true
	}
	switch x := v.(type) {
	case bool:
		return true
	case string:
		if b, ok := boolWords[x]; ok {
			body[key] = b
			return true
		}
	}
	fault(w, http.StatusBadRequest, fmt.Sprintf("Invalid input for field/attribute %s. Value: %v. It is not a boolean.", key, v))
	return false
}

// validDescription checks a description: a string of at most max
// printable characters (nova: 255 for a server, 65535 for a flavor), or
// null.
func validDescription(w http.ResponseWriter, body map[string]any, max int) bool {
	v, ok := body["description"]
	if !ok || v == nil {
		return true
	}
	d, isString := v.(string)
	if !isString || len([]rune(d)) > max || !printable(d, true) {
		fault(w, http.StatusBadRequest, fmt.Sprintf("Invalid input for field/attribute description. Value: %v. It must be a string of at most %d printable characters, or null.", v, max))
		return false
	}
	return true
}

func (a *API) createFlavor(w http.ResponseWriter, r *http.Request) {
	if !a.admin(w, r, "os_compute_api:os-flavor-manage:create") {
		return
	}
	body, ok := decode(w, r, "flavor")
	if !ok || !onlyKeys(w, body, flavorKeys...) {
		return
	}
	for _, k := range []string{"name", "ram", "vcpus"} {
		if _, ok := body[k]; !ok {
			fault(w, http.StatusBadRequest, fmt.Sprintf("Invalid input for field/attribute flavor. Value: %v. '%s' is a required property", body, k))
			return
		}
	}
	name, _ := body["name"].(string)
	if strings.TrimSpace(name) == "" || len(name) > 255 || !printable(name, false) {
		fault(w, http.StatusBadRequest, "Invalid input for field/attribute name. The name must be 1 to 255 printable characters.")
		return
	}
	if !flavorInt(w, body, "ram", 1) || !flavorInt(w, body, "vcpus", 1) || !flavorInt(w, body, "disk", 0) ||
		!flavorInt(w, body, "id", 1) || !flavorBool(w, body, "os-flavor-access:is_public") || !validDescription(w, body, 65535) {
		return
	}
	f := resources.Flavor.New()
	if !setFields(w, f, body, map[string]string{"id": "id", "name": "name", "ram": "memory_mb", "vcpus": "vcpus",
		"disk": "root_gb", "os-flavor-access:is_public": "is_public", "description": "description"}) {
		return
	}
	// What the body left out takes the class's defaults, so the answer
	// shows what is stored.
	if err := f.SetDefaults("root_gb", "is_public", "extra_specs"); err != nil {
		a.storeError(w, r, err, "Flavor")
		return
	}
	if err := a.store.CreateFlavor(r.Context(), f); err != nil {
		if errors.Is(err, ErrConflict) {
			fault(w, http.StatusConflict, fmt.Sprintf("Flavor with name %s or ID %v already exists.", name, body["id"]))
			return
		}
		a.storeError(w, r, err, "Flavor")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"flavor": flavorView(r, f, true)})
}

func (a *API) updateFlavor(w http.ResponseWriter, r *http.Request) {
	if !a.admin(w, r, "os_compute_api:os-flavor-manage:update") {
		return
	}
	id, ok := flavorID(w, r)
	if !ok {
		return
	}
	body, ok := decode(w, r, "flavor")
	if !ok || !onlyKeys(w, body, "description") || !validDescription(w, body, 65535) {
		return
	}
	if _, ok := body["description"]; !ok {
		fault(w, http.StatusBadRequest, "Invalid input for field/attribute flavor. 'description' is a required property")
		return
	}
	f, err := a.store.GetFlavor(r.Context(), id)
	if err != nil {
		a.storeError(w, r, err, fmt.Sprintf("Flavor %d", id))
		return
	}
	if !setFields(w, f, body, map[string]string{"description": "description"}) {
		return
	}
	if err := a.store.UpdateFlavor(r.Context(), f); err != nil {
		a.storeError(w, r, err, fmt.Sprintf("Flavor %d", id))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"flavor": flavorView(r, f, true)})
}

func (a *API) deleteFlavor(w http.ResponseWriter, r *http.Request) {
	if !a.admin(w, r, "os_compute_api:os-flavor-manage:delete") {
		return
	}
	id, ok := flavorID(w, r)
	if !ok {
		return
	}
	if err := a.store.DeleteFlavor(r.Context(), id); err != nil {
		a.storeError(w, r, err, fmt.Sprintf("Flavor %d", id))
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
